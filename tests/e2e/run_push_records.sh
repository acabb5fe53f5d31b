# A push is marked handled only together with what it did: a push whose
# pipeline cannot be expanded is recorded as a failed run carrying the error
# (told again, it was handled by that run); a notify that is refused records
# nothing, so the next notify of the same push builds it.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
repo=$ws/repos/api
one_component_workspace "$ws" api
cat >"$repo/azure-pipelines.yml" <<'YAML'
trigger: [main]
steps:
- template: steps/missing.yml
YAML
git -C "$repo" init -q -b main
git -C "$repo" add . && git -C "$repo" commit -q -m "feat: api"
broken=$(git -C "$repo" rev-parse HEAD)

expect_exit 1 "$SLIPWAY" -C "$ws" notify --repo "$repo" --ref refs/heads/main --sha "$broken"
expect_contains "$OUT" "run 1 (api): failed ("
expect_contains "$OUT" "template 'steps/missing.yml' not found"
expect_exit 0 "$SLIPWAY" -C "$ws" notify --repo "$repo" --ref refs/heads/main --sha "$broken"
expect_contains "$OUT" "api: refs/heads/main $broken was already notified (run 1)"
expect_exit 0 "$SLIPWAY" -C "$ws" runs --json
python3 -c '
import json, sys
runs = json.load(sys.stdin)
assert len(runs) == 1 and runs[0]["result"] == "failed" and runs[0]["state"] == "finished", runs
assert "steps/missing.yml" in runs[0]["reason"], runs[0]["reason"]
' <<<"$OUT" || die "the failed run does not carry its error: $OUT"

# The fix, told by someone who may not run api: refused, nothing recorded.
mkdir -p "$repo/steps"
printf 'steps:\n- script: echo fixed\n' >"$repo/steps/missing.yml"
git -C "$repo" add . && git -C "$repo" commit -q -m "fix: the template"
fixed=$(git -C "$repo" rev-parse HEAD)
SLIPWAY_USER=mallory expect_exit 1 "$SLIPWAY" -C "$ws" notify --repo "$repo" --ref refs/heads/main --sha "$fixed"
expect_contains "$ERR" "mallory may not run api: needs permission run, held by role developer (dana)"
SLIPWAY_USER= XDG_CONFIG_HOME=$TMP/none expect_exit 2 "$SLIPWAY" -C "$ws" notify --repo "$repo" --ref refs/heads/main --sha "$fixed"
expect_contains "$ERR" "no identity"
expect_exit 0 "$SLIPWAY" -C "$ws" notify --repo "$repo" --ref refs/heads/main --sha "$fixed"
expect_contains "$OUT" "run 2 (api"
expect_contains "$OUT" ": succeeded"
expect_exit 0 "$SLIPWAY" -C "$ws" logs 2
expect_contains "$OUT" "fixed"
