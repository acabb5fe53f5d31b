#!/usr/bin/env bash
# Generates a 1000-component workspace and times expanding every pipeline.
# usage: bench/expand/run.sh [BUILD_DIR] (default build-release)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build-release}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/gen.py" "$work" "${COMPONENTS:-1000}" >/dev/null
echo "expand: ${COMPONENTS:-1000} components, stage -> job -> step templates (goal: < 1 s, < 200 MB RSS)"
"$build/bench/expand/slipway_bench_expand" "$work"
