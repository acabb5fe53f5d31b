#!/usr/bin/env bash
# The demo: examples/acme on the embedded default. With --check it runs the
# same flow non-interactively and exits 0 only when every step worked.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slipway=${SLIPWAY:-$root/build/slipway}
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

$check && echo "demo-check: every step worked"
