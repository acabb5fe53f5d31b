# The workspace commands against the real binary: validate (good and bad),
# components, env list, env show, and their --json forms.
source "$(dirname "$0")/common.sh"
acme="$SLIPWAY_SOURCE_DIR/examples/acme"

expect_exit 0 "$SLIPWAY" validate "$acme"
[[ $OUT == "workspace acme: 5 components, 2 blocks, 4 environments: ok" ]] || die "validate said: $OUT"

# -C picks the workspace when no DIR is given.
expect_exit 0 "$SLIPWAY" -C "$acme" validate --json
[[ $(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ok"], d["components"], len(d["errors"]))' <<<"$OUT") == "True 5 0" ]] \
  || die "validate --json: $OUT"

# A broken workspace: every error on stderr as file:line:col, a summary, exit 2.
mkdir -p "$TMP/bad/environments"
cat >"$TMP/bad/slipway.yaml" <<'YAML'
product:
  name: acme
  version: 2.x
components:
  orders:
    repo: file:///nonexistent/orders.git
    depend_on: [billing]
YAML
printf 'blocks: [core]\n' >"$TMP/bad/environments/prod-acme.yaml"
expect_exit 2 "$SLIPWAY" validate "$TMP/bad"
expected="environments/prod-acme.yaml:1:1: environment 'prod-acme' has no platform
environments/prod-acme.yaml:1:10: environment 'prod-acme' uses unknown block 'core'
slipway.yaml:3:12: invalid product version '2.x': expected MAJOR.MINOR
slipway.yaml:5:3: component 'orders': cannot fetch file:///nonexistent/orders.git (ref HEAD): failed to resolve path '/nonexistent/orders.git': No such file or directory; no copy of it was fetched before
slipway.yaml:7:5: unknown key 'depend_on' in component 'orders' (did you mean 'depends_on'?)
slipway: 5 errors in workspace $TMP/bad"
[[ -d $TMP/bad/.slipway/mirrors ]] || die "validate kept its mirrors elsewhere than the workspace's state"
[[ $ERR == "$expected" ]] || die "validate errors were: $ERR"
[[ -z $OUT ]] || die "validate printed on stdout: $OUT"

# Read commands refuse an invalid workspace with the same errors.
expect_exit 2 "$SLIPWAY" -C "$TMP/bad" components
expect_contains "$ERR" "slipway.yaml:3:12: invalid product version '2.x': expected MAJOR.MINOR"

expect_exit 2 "$SLIPWAY" validate "$TMP/nowhere"
[[ $ERR == "slipway: error: no slipway.yaml in '$TMP/nowhere'" ]] || die "missing workspace: $ERR"

expect_exit 0 "$SLIPWAY" -C "$acme" components
expect_contains "$OUT" "orders       repos/orders       billing         process"
expect_exit 0 "$SLIPWAY" -C "$acme" components --json
[[ $(python3 -c 'import json,sys; print(",".join(c["name"] for c in json.load(sys.stdin)))' <<<"$OUT") == \
   "billing,orders,worker,web,acme-bridge" ]] || die "components --json: $OUT"

expect_exit 0 "$SLIPWAY" -C "$acme" env list
expect_contains "$OUT" "prod-acme   process   manual       staging  qa x1"
expect_exit 0 "$SLIPWAY" -C "$acme" env list --json
[[ $(python3 -c 'import json,sys; print(",".join(e["name"] for e in json.load(sys.stdin)))' <<<"$OUT") == \
   "dev,staging,prod-acme,prod-cloud" ]] || die "env list --json: $OUT"

expect_exit 0 "$SLIPWAY" -C "$acme" env show prod-acme
expect_contains "$OUT" "components: billing, orders, worker, web, acme-bridge"
expect_contains "$OUT" "environment (environments/prod-acme.yaml:15:5), overrides block core"
expect_exit 0 "$SLIPWAY" -C "$acme" env show prod-acme --json
python3 - "$OUT" <<'PY' || die "env show --json: $OUT"
import json, sys
env = json.loads(sys.argv[1])
assert env["values"]["billing"]["currency"] == "USD", env["values"]
level = next(s for s in env["sources"] if s["path"] == "log.level")
assert level["from"] == "environment" and level["position"] == "environments/prod-acme.yaml:15:5", level
assert level["overrides"][0]["from"] == "block core", level
assert env["policy"]["approvals"] == [{"role": "qa", "count": 1}], env["policy"]
PY

expect_exit 2 "$SLIPWAY" -C "$acme" env show prod-acm
[[ $ERR == "slipway: error: unknown environment 'prod-acm' (did you mean 'prod-acme'?)" ]] || die "unknown env: $ERR"
echo "ok"
