# A bare repository's post-receive hook calls `slipway notify` on every
# `git push` (here server/frontend.git, the component's repo): the pipeline
# and the sources come from the pushed commit, as a bare repository has no
# work tree; the run is recorded, the build tagged in the bare repository,
# and a branch the trigger leaves out starts no run.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
server=$ws/server/frontend.git
mkdir -p "$ws/server"
git init -q --bare -b main "$server"
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "1.0"}
components:
  frontend:
    repo: server/frontend.git
roles:
  developer: [hook]
YAML
cat >"$server/hooks/post-receive" <<HOOK
#!/usr/bin/env bash
# slipway's post-receive hook: one notify per pushed ref.
while read -r old new ref; do
  SLIPWAY_USER=hook "$SLIPWAY" -C "$ws" notify --repo "$server" --ref "\$ref" --sha "\$new" --before "\$old" || exit 1
done
HOOK
chmod +x "$server/hooks/post-receive"

dev=$TMP/dev
git clone -q "$server" "$dev" 2>/dev/null
cat >"$dev/azure-pipelines.yml" <<'YAML'
trigger:
  branches:
    include: [main]
steps:
- checkout: self
- script: mkdir -p out && cp greeting.txt out/ && echo "greeting is $(cat greeting.txt)"
- publish: out
  artifact: frontend
YAML
echo "hello from the pushed commit" >"$dev/greeting.txt"
git -C "$dev" checkout -q -b main
git -C "$dev" add . && git -C "$dev" commit -q -m "feat: frontend"
pushed=$(git -C "$dev" rev-parse HEAD)

git -C "$dev" push -q origin main >"$TMP/push.out" 2>&1 || die "git push failed: $(cat "$TMP/push.out")"
push_out=$(cat "$TMP/push.out")
expect_contains "$push_out" "run 1 (frontend"
expect_contains "$push_out" "recorded frontend 1.0.0"
expect_exit 0 "$SLIPWAY" -C "$ws" runs --json
python3 -c '
import json, sys
runs = json.load(sys.stdin)
assert [r["result"] for r in runs] == ["succeeded"], runs
' <<<"$OUT" || die "the pushed run was not recorded as succeeded: $OUT"
expect_exit 0 "$SLIPWAY" -C "$ws" logs 1
expect_contains "$OUT" "greeting is hello from the pushed commit"
[[ $(git -C "$server" rev-parse 'v1.0.0^{commit}') == "$pushed" ]] || die "the build was not tagged in the bare repository"
expect_exit 0 "$SLIPWAY" -C "$ws" notify --repo "$server" --ref refs/heads/main --sha "$pushed" --as hook
expect_contains "$OUT" "was already notified (run 1)"

# A branch the trigger leaves out: handled, no run.
git -C "$dev" checkout -q -b feature/y
git -C "$dev" commit -q --allow-empty -m "feat: y"
git -C "$dev" push -q origin feature/y >"$TMP/push2.out" 2>&1 || die "git push failed: $(cat "$TMP/push2.out")"
expect_contains "$(cat "$TMP/push2.out")" "frontend: refs/heads/feature/y starts no run (branch 'feature/y' is not included)"
expect_exit 0 "$SLIPWAY" -C "$ws" runs
[[ $(wc -l <<<"$OUT") == 1 ]] || die "a left-out branch started a run: $OUT"
