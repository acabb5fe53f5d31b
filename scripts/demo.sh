#!/usr/bin/env bash
# The demo: examples/acme on the embedded default. With --check it runs the
# same flow non-interactively and exits 0 only when every step worked.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slipway=$(realpath "${SLIPWAY:-$root/build/slipway}")  # absolute: the git hook runs elsewhere
check=false
[[ ${1:-} == --check ]] && check=true

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "slipway validate examples/acme"
"$slipway" validate "$root/examples/acme"

step "slipway components (examples/acme)"
"$slipway" -C "$root/examples/acme" components

step "slipway env list (examples/acme)"
"$slipway" -C "$root/examples/acme" env list

step "slipway env show prod-acme: blocks merged, values layered, with their origin"
"$slipway" -C "$root/examples/acme" env show prod-acme

# ---------------------------------------------------------------------------
# The flow: example repos → builds → dev → staging → prod-cloud and prod-acme,
# every service on the process platform (one `slipway supervise` each).
# A step that does not work yet is named in the summary; --check then exits 1.
work=$(mktemp -d "${TMPDIR:-/tmp}/slipway-demo.XXXXXX")
ws=$work/acme
problems=()
problem() { problems+=("$*"); printf '  !! %s\n' "$*"; }
cleanup() {
  SLIPWAY_USER=frank "$slipway" -C "$ws" service-stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
sw() { "$slipway" -C "$ws" "$@"; }

step "make the example repositories ($ws)"
bash "$root/scripts/make-example-repos.sh" "$ws" >/dev/null

components=(billing orders worker web acme-bridge)
declare -A version digest
step "build every component: slipway run COMPONENT (dev, mode auto, follows each successful build)"
for c in "${components[@]}"; do
  rc=0; out=$(SLIPWAY_USER=alice sw run "$c" --json 2>"$work/run-$c.err") || rc=$?
  if ((rc != 0)); then
    problem "slipway run $c failed (exit $rc): $(tail -n5 "$work/run-$c.err")"; continue
  fi
  digest[$c]=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(next(a["digest"] for a in d["artifacts"] if a["name"]==sys.argv[1]))' "$c" <<<"$out") || { problem "run $c published no artifact named $c"; continue; }
  # The run records the version it built (and tags it), then applies dev.
  version[$c]=$(sed -n "s/^recorded $c //p" "$work/run-$c.err")
  [[ -n ${version[$c]} ]] || problem "slipway run $c recorded no version: $(tail -n1 "$work/run-$c.err")"
  echo "  $c ${version[$c]:-?} sha256:${digest[$c]:0:12}"
  grep -v "^recorded " "$work/run-$c.err" | sed 's/^/    /' || true
done

# probe ENV OFFSET [quiet]: every component of ENV answers on its port.
probe() {
  local env=$1 offset=$2 quiet=${3:-} ok=true
  declare -A port=([web]=18080 [orders]=18081 [billing]=18082 [worker]=18083 [acme-bridge]=18084)
  for c in $(sw env show "$env" --json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["components"]))' 2>/dev/null || echo billing orders worker web); do
    local p=$((port[$c] + offset))
    if [[ $c == worker ]]; then
      if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "  $env $c tcp 127.0.0.1:$p ok"; else
        ok=false; [[ -n $quiet ]] || problem "$env: $c does not accept connections on $p"; fi
    elif body=$(curl -fsS -m 5 "http://127.0.0.1:$p/health" 2>&1); then
      echo "  $env $c http://127.0.0.1:$p/health $body"
    else
      ok=false; [[ -n $quiet ]] || problem "$env: $c does not answer on http://127.0.0.1:$p/health"
    fi
  done
  $ok
}

step "dev: probe every service"
if ! probe dev 0 quiet >/dev/null 2>&1; then
  problem "dev was not deployed by the builds (auto environment); applying it with 'slipway apply dev --version ...'"
  args=(); for c in billing orders worker web; do args+=(--version "$c=${version[$c]:-}"); done
  SLIPWAY_USER=frank sw apply dev "${args[@]}" | sed 's/^/  /' || problem "slipway apply dev failed"
fi
probe dev 0 || true

release=""
step "release create --from dev (erin, release-manager)"
if out=$(SLIPWAY_USER=erin sw release create --from dev --pin "acme-bridge=${version[acme-bridge]:-}" --json 2>&1); then
  release=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out" 2>/dev/null) || release=""
  echo "  release $release"
else
  problem "not available yet: 'slipway release create --from dev': $(tail -n1 <<<"$out")"
  printf 'components:\n' >"$work/release.yaml"
  for c in "${components[@]}"; do printf '  %s: "%s"\n' "$c" "${version[$c]:-}" >>"$work/release.yaml"; done
  echo "  trying 'slipway release create --file' with the built versions instead"
  if out=$(SLIPWAY_USER=erin sw release create --file "$work/release.yaml" --json 2>&1); then
    release=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out" 2>/dev/null) || release=""
    echo "  release $release"
  else
    problem "not available yet: 'slipway release create --file' failed: $(tail -n1 <<<"$out")"
  fi
fi

promote() {  # promote ENV OFFSET [APPROVER]
  local env=$1 offset=$2 approver=${3:-}
  step "promote $release to $env${approver:+ (approved by $approver, qa)}"
  if [[ -z $release ]]; then problem "$env: skipped, there is no release to promote"; return; fi
  if [[ -n $approver ]]; then
    SLIPWAY_USER=$approver sw approve "$release" --env "$env" 2>&1 | sed 's/^/  /' || problem "$env: 'slipway approve' by $approver failed"
  fi
  SLIPWAY_USER=erin sw promote "$release" --to "$env" --wait 60 2>&1 | sed 's/^/  /' || problem "$env: 'slipway promote $release --to $env' failed"
  probe "$env" "$offset" || true
}
promote staging 100
promote prod-cloud 200 carol
promote prod-acme 300 dave

# dev_version C: the version of C that dev runs now.
dev_version() {
  sw status --json | python3 -c 'import json,sys; print(next(e["components"].get(sys.argv[1], "") for e in json.load(sys.stdin) if e["environment"] == "dev"))' "$1"
}

step "bob pushes a fix to orders: the repo's post-receive hook calls slipway notify (build, version, dev)"
orders_repo=$ws/repos/orders
git -C "$orders_repo" config receive.denyCurrentBranch updateInstead
cat >"$orders_repo/.git/hooks/post-receive" <<HOOK
#!/bin/sh
# Installed by the demo: every pushed ref is handed to slipway notify, acting
# as bob (starting runs needs the permission run; docs/runs.md).
while read old new ref; do SLIPWAY_USER=bob "$slipway" -C "$ws" notify --repo "$orders_repo" --ref "\$ref" --sha "\$new" --before "\$old"; done
HOOK
chmod +x "$orders_repo/.git/hooks/post-receive"
git clone -q "$orders_repo" "$work/bob-orders"
printf '\nTotals are answered in cents.\n' >>"$work/bob-orders/README.md"
git -C "$work/bob-orders" -c user.name=bob -c user.email=bob@acme.example commit -qam "fix: answer totals in cents"
git -C "$work/bob-orders" push origin main 2>&1 | grep -v '^To \|^   ' | sed 's/^/  /' || true
now=$(dev_version orders)
if [[ -n $now && $now != "${version[orders]:-}" ]]; then
  echo "  dev now runs orders $now (staging and the productions keep ${version[orders]:-?})"
else
  problem "the push to orders did not move dev (orders is ${now:-unknown} there)"
fi
probe dev 0 || true

step "slipway status"
sw status || problem "slipway status failed"

step "the team's server: slipway serve --listen, an API token, the CLI through --server"
token=$(SLIPWAY_USER=frank sw token create --user erin --expires 1d 2>/dev/null) || problem "'slipway token create' failed"
"$slipway" -C "$ws" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>&1 &  # not sw: $! must be serve itself
serve_pid=$!
for _ in $(seq 100); do grep -qs "listening on" "$work/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" || true)
if [[ -n $url && -n ${token:-} ]]; then
  echo "  API: $url   token (erin, release-manager, 1 day): $token"
  echo "  curl -H 'Authorization: Bearer $token' $url/status"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/status" || true)
  [[ $code == 200 ]] || problem "GET $url/status answered $code"
  SLIPWAY_TOKEN=$token sw --server "${url%/api/v1}" history prod-cloud | tail -2 | sed 's/^/  /' ||
    problem "'slipway --server ... history' failed"
else
  problem "slipway serve --listen did not start: $(cat "$work/serve.out")"
fi
kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null || true

if ((${#problems[@]})); then
  step "demo: ${#problems[@]} step(s) did not work"
  printf '  - %s\n' "${problems[@]}"
  $check && exit 1
else
  $check && { echo "demo-check: every step worked"; exit 0; }
fi
if ! $check; then
  step "slipway serve: the API and every service until Ctrl-C (logs: slipway -C $ws service-logs ENV COMPONENT)"
  echo "  token for the API and 'slipway --server URL' (SLIPWAY_TOKEN): ${token:-none}"
  trap ':' INT  # Ctrl-C is serve's: it stops the services, then the demo cleans up
  sw serve --listen "127.0.0.1:${SLIPWAY_DEMO_PORT:-0}" --stop-services-on-exit || true
fi
