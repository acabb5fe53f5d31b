#!/usr/bin/env bash
# Installs everything slipway's build, demo and tests need, from Debian's
# packages only. Idempotent: when everything is present it takes a second.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3
  libyaml-cpp-dev libgit2-dev libsqlite3-dev sqlite3 libsodium-dev libpq-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
