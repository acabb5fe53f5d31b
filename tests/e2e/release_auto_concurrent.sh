#!/usr/bin/env bash
# Builds of different components that finish together each move the auto
# environment without reverting the others: eight components are built by
# eight `slipway run` processes at once, then dev must hold all eight new
# versions (status, plan and the script driver's calls agree). Each auto
# release used to copy dev's versions before taking dev's lock, so the last
# apply reverted what the others had just applied.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
components=(c1 c2 c3 c4 c5 c6 c7 c8)
{
  echo 'product: {name: eight, version: "1.0"}'
  echo 'components:'
  for c in "${components[@]}"; do
    printf '  %s:\n    repo: repos/%s\n    deploy:\n      script:\n        apply: echo "%s $SLIPWAY_VERSION" >> calls.txt\n' "$c" "$c" "$c"
  done
  echo 'blocks:'
  echo "  all: {components: [$(IFS=,; echo "${components[*]}" | sed 's/,/, /g')]}"
  echo 'environments:'
  echo '  dev: {platform: {kind: script}, blocks: [all], policy: {mode: auto, branch: main}}'
  echo 'roles: {developer: [alice]}'
} >"$ws.yaml.tmp"
mkdir -p "$ws" && mv "$ws.yaml.tmp" "$ws/slipway.yaml"
for c in "${components[@]}"; do make_component_repo "$ws" "$c"; done
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY

# Version 1.0.0 of each, one after the other: dev holds all eight.
for c in "${components[@]}"; do expect_exit 0 "$SLIPWAY" -C "$ws" run "$c" --agents 1; done
# A second version of each, all built at once.
for c in "${components[@]}"; do
  git -C "$ws/repos/$c" commit -q --allow-empty -m "feat: more $c"
done
pids=()
for c in "${components[@]}"; do
  "$SLIPWAY" -C "$ws" run "$c" --agents 1 >"$TMP/$c.out" 2>&1 &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || die "run ${components[$i]} failed: $(cat "$TMP/${components[$i]}.out")"
done
expect_exit 0 "$SLIPWAY" -C "$ws" status --json
for c in "${components[@]}"; do
  python3 -c 'import json,sys
d=json.load(sys.stdin); c=sys.argv[1]
dev=[e for e in d if e["environment"]=="dev"][0]
assert dev["components"].get(c)=="1.1.0", (c, dev["components"])' "$c" <<<"$OUT" || die "dev lost the new version of $c: $OUT"
done
expect_exit 0 "$SLIPWAY" -C "$ws" plan dev
expect_contains "$OUT" "no changes"
