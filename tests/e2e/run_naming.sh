# `slipway run --file` names the pipeline by the file (not "."), and $(Rev:r)
# counts runs whose build number is otherwise the same (Azure), not per day.
source "$(dirname "$0")/common.sh"
cd "$TMP"
git init -q -b main .
mkdir sub
printf 'name: 1.0.$(Rev:r)\nsteps:\n- script: echo built $(Build.BuildNumber) of $(Build.DefinitionName)\n' > ci.yml
git add ci.yml && git commit -q -m "ci"

expect_exit 0 "$SLIPWAY" run --file ./sub/../ci.yml
expect_contains "$OUT" "run 1 (ci 1.0.1): succeeded"
cd sub
expect_exit 0 "$SLIPWAY" --state "$TMP/.slipway/state.db" run --file ../ci.yml
expect_contains "$OUT" "run 2 (ci 1.0.2): succeeded"
cd ..
sed -i 's/1.0.\$(Rev:r)/1.1.$(Rev:r)/' ci.yml
expect_exit 0 "$SLIPWAY" run --file ci.yml
expect_contains "$OUT" "run 3 (ci 1.1.1): succeeded"
expect_exit 0 "$SLIPWAY" logs 3
expect_contains "$OUT" "built 1.1.1 of ci"
sed -i 's/1.1.\$(Rev:r)/1.0.$(Rev:r)/' ci.yml
expect_exit 0 "$SLIPWAY" run --file ci.yml
expect_contains "$OUT" "run 4 (ci 1.0.3): succeeded"

# The generic file name takes the repository's folder name.
mkdir -p "$TMP/repo-x" && cd "$TMP/repo-x" && git init -q -b main .
printf 'steps:\n- script: "true"\n' > azure-pipelines.yml
expect_exit 0 "$SLIPWAY" --state "$TMP/.slipway/state.db" run --file azure-pipelines.yml
expect_contains "$OUT" "(repo-x $(date -u +%Y%m%d).1): succeeded"
expect_exit 0 "$SLIPWAY" --state "$TMP/.slipway/state.db" runs
[[ $OUT != *"  .  "* ]] || die "a run is named '.': $OUT"
