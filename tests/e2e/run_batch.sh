# trigger: batch: true - pushes to a ref while a run of it is going start no
# run of their own; when the run ends, the newest of them is built once, with
# every change since the commit that run built.
source "$(dirname "$0")/common.sh"
one_component_workspace "$TMP/ws" api
cd "$TMP/ws/repos/api"
git init -q -b main .
cat > azure-pipelines.yml <<'YAML'
trigger:
  batch: true
  branches:
    include: [main]
  paths:
    include: [src]
steps:
- bash: |
    echo "building $(Build.SourceVersion)"
    for _ in $(seq 1 600); do [ -e "$RELEASE_FILE" ] && exit 0; sleep 0.05; done
    exit 1
  env:
    RELEASE_FILE: $(Build.Repository.Uri)/../../release
YAML
mkdir src && echo 1 > src/a.c && git add . && git commit -q -m one
first=$(git rev-parse HEAD)
cd "$TMP/ws"

# The first push runs; its step waits until the test lets it finish.
"$SLIPWAY" notify --repo repos/api --ref refs/heads/main --sha "$first" >"$TMP/first.out" 2>"$TMP/first.err" &
notifier=$!
on_exit 'kill -INT "$notifier" 2>/dev/null || true'
for _ in $(seq 1 200); do
  "$SLIPWAY" runs >"$TMP/runs" 2>/dev/null || true
  grep -q running "$TMP/runs" && break
  sleep 0.05
done
grep -q running "$TMP/runs" || die "the first run did not start: $(cat "$TMP/runs") $(cat "$TMP/first.err")"

# Two pushes while it runs: a change under src/, then a docs-only commit on top.
(cd repos/api && echo 2 > src/a.c && git commit -q -am two)
second=$(git -C repos/api rev-parse HEAD)
expect_exit 0 "$SLIPWAY" notify --repo repos/api --ref refs/heads/main --sha "$second"
expect_contains "$OUT" "api: refs/heads/main $second is batched: run 1 of this ref is running"
(cd repos/api && mkdir -p docs && echo d > docs/x.md && git add docs && git commit -q -m docs)
third=$(git -C repos/api rev-parse HEAD)
expect_exit 0 "$SLIPWAY" notify --repo repos/api --ref refs/heads/main --sha "$third"
expect_contains "$OUT" "api: refs/heads/main starts no run (no changed path is included; changed: docs/x.md)"
expect_exit 0 "$SLIPWAY" notify --repo repos/api --ref refs/heads/main --sha "$second"
expect_contains "$OUT" "api: refs/heads/main $second was already notified (batched)"

# Run 1 ends; its process builds the newest head once, with every change
# since the commit run 1 built.
touch release
wait "$notifier" || die "the first notify failed: $(cat "$TMP/first.out") $(cat "$TMP/first.err")"
first_out=$(cat "$TMP/first.out")
expect_contains "$first_out" "run 1 (api"
expect_contains "$first_out" "api: refs/heads/main $third was batched; building it now"
expect_contains "$first_out" "run 2 (api"
expect_exit 0 "$SLIPWAY" logs 2
expect_contains "$OUT" "building $third"
expect_exit 0 "$SLIPWAY" runs
[[ $(grep -c api <<<"$OUT") == 2 ]] || die "expected 2 runs (the pushes were batched), got: $OUT"
expect_exit 0 "$SLIPWAY" notify --repo repos/api --ref refs/heads/main --sha "$third"
expect_contains "$OUT" "api: refs/heads/main $third was already notified (run 2)"
# Nothing held back any more: a later run builds no batch.
(cd repos/api && echo 3 > src/a.c && git commit -q -am three)
touch release
expect_exit 0 "$SLIPWAY" notify --repo repos/api --ref refs/heads/main --sha "$(git -C repos/api rev-parse HEAD)"
expect_contains "$OUT" "run 3 (api"
[[ $OUT != *"batched"* ]] || die "a run with nothing held back built a batch: $OUT"
