# `slipway notify` (post-receive hook) and `slipway watch --once` start the
# runs a component's trigger asks for; the same push twice starts one run.
source "$(dirname "$0")/common.sh"
mkdir -p "$TMP/ws/repos/orders"
cd "$TMP/ws"
cat > slipway.yaml <<'YAML'
product:
  name: shop
  version: "1.0"
roles:
  developer: [dana]
components:
  orders:
    repo: repos/orders
YAML
export SLIPWAY_USER=dana  # starting a component's runs needs permission run
cd repos/orders
git init -q -b main .
git config user.email t@example.com; git config user.name t
cat > azure-pipelines.yml <<'YAML'
trigger:
  branches:
    include: [main, release/*]
    exclude: [release/old*]
steps:
- bash: echo "built $(Build.SourceVersion)"
YAML
git add . && git commit -q -m one
sha=$(git rev-parse HEAD)
cd "$TMP/ws"

expect_exit 0 "$SLIPWAY" notify --repo repos/orders --ref refs/heads/main --sha "$sha"
expect_contains "$OUT" "run 1 (orders"
expect_exit 0 "$SLIPWAY" notify --repo "$TMP/ws/repos/orders" --ref refs/heads/main --sha "$sha"
expect_contains "$OUT" "orders: refs/heads/main $sha was already notified (run 1)"
expect_exit 0 "$SLIPWAY" notify --repo repos/orders --ref refs/heads/release/old-1 --sha "$sha"
expect_contains "$OUT" "starts no run"
expect_exit 2 "$SLIPWAY" notify --repo "$TMP" --ref refs/heads/main --sha "$sha"
expect_contains "$ERR" "no component of the workspace has its repo at $TMP"

# watch: the main head was already notified (watch prints only what changed);
# a new branch head starts one run, once.
git -C repos/orders branch release/2.0
git -C repos/orders branch feature/x
expect_exit 0 "$SLIPWAY" watch --once
[[ $OUT != *"already notified"* ]] || die "watch printed heads that did not change: $OUT"
expect_contains "$OUT" "refs/heads/feature/x starts no run"
expect_contains "$OUT" "run 2 (orders"
expect_exit 0 "$SLIPWAY" watch --once
[[ -z $OUT ]] || die "a watch pass with no new push printed: $OUT"
expect_exit 0 "$SLIPWAY" runs
[[ $(grep -c orders <<<"$OUT") == 2 ]] || die "expected 2 runs, got: $OUT"

# paths: a push changing only docs/ starts no run and says why; one changing src/ does.
mkdir -p repos/web
cat >> slipway.yaml <<'YAML'
  web:
    repo: repos/web
YAML
(
  cd repos/web
  git init -q -b main .
  git config user.email t@example.com; git config user.name t
  cat > azure-pipelines.yml <<'YAML'
trigger:
  branches:
    include: [main]
  paths:
    exclude: [docs/*]
steps:
- bash: echo web
YAML
  mkdir -p src docs && echo a > src/app.c && git add . && git commit -q -m one
  echo guide > docs/guide.md && echo faq > docs/faq.md && git add . && git commit -q -m docs
)
docs_sha=$(git -C repos/web rev-parse HEAD)
expect_exit 0 "$SLIPWAY" notify --repo repos/web --ref refs/heads/main --sha "$docs_sha"
expect_contains "$OUT" "web: refs/heads/main starts no run (no changed path is included; changed: docs/faq.md docs/guide.md)"
expect_exit 0 "$SLIPWAY" notify --repo repos/web --ref refs/heads/main --sha "$docs_sha"
expect_contains "$OUT" "web: refs/heads/main $docs_sha was already notified (no run)"
(cd repos/web && echo b > src/app.c && echo more >> docs/guide.md && git commit -q -am "src and docs")
expect_exit 0 "$SLIPWAY" notify --repo repos/web --ref refs/heads/main --sha "$(git -C repos/web rev-parse HEAD)"
expect_contains "$OUT" "run 3 (web"
expect_exit 2 "$SLIPWAY" notify --repo repos/web --ref refs/heads/main --sha 0123456789012345678901234567890123456789
expect_contains "$ERR" "web: no commit '0123456789012345678901234567890123456789' in $TMP/ws/repos/web"

# watch (libgit2 heads): a new commit on a watched branch starts a run.
(cd repos/orders && echo x > new.txt && git add new.txt && git commit -q -m two)
expect_exit 0 "$SLIPWAY" watch --once
expect_contains "$OUT" "run 4 (orders"
[[ $OUT != *"web:"* ]] || die "watch printed web, whose head did not change: $OUT"

# --before (the hook's old sha): paths count over the whole push, not only its last commit.
old=$(git -C repos/web rev-parse HEAD)
(cd repos/web && echo c > src/app.c && git commit -q -am src && echo d >> docs/faq.md && git commit -q -am docs)
expect_exit 0 "$SLIPWAY" notify --repo repos/web --ref refs/heads/main --sha "$(git -C repos/web rev-parse HEAD)" --before "$old"
expect_contains "$OUT" "run 5 (web"
(cd repos/web && git checkout -q -b topic && echo e >> docs/faq.md && git commit -q -am docs)
expect_exit 0 "$SLIPWAY" notify --repo repos/web --ref refs/heads/topic --sha "$(git -C repos/web rev-parse HEAD)" \
  --before 0000000000000000000000000000000000000000
expect_contains "$OUT" "web: refs/heads/topic starts no run (branch 'topic' is not included)"

# Without --before, a push's changes count from the head the last notify or
# watch of that ref handled (kept in the store): src then docs, last commit
# docs only, still runs.
git -C repos/web checkout -q main
(cd repos/web && echo f > src/app.c && git commit -q -am src && echo g >> docs/faq.md && git commit -q -am docs)
expect_exit 0 "$SLIPWAY" notify --repo repos/web --ref refs/heads/main --sha "$(git -C repos/web rev-parse HEAD)"
expect_contains "$OUT" "run 6 (web"
(cd repos/web && echo h >> docs/faq.md && git commit -q -am docs)
expect_exit 0 "$SLIPWAY" watch --once
expect_contains "$OUT" "web: refs/heads/main starts no run (no changed path is included; changed: docs/faq.md)"

# A misspelt trigger key on the branch built is bad input with its position,
# for a run and for expand; pr: is reported as not used when a push is handled.
cat > repos/web/azure-pipelines.yml <<'YAML'
trigger:
  branches:
    includes: [main]
pr:
  branches: [main]
steps:
- bash: echo web
YAML
git -C repos/web commit -q -am "ci: a misspelt trigger"
expect_exit 2 "$SLIPWAY" run web
expect_contains "$ERR" "azure-pipelines.yml:3:5: unknown key 'includes' in trigger.branches (expected include, exclude)"
expect_exit 2 "$SLIPWAY" pipeline expand web
expect_contains "$ERR" "unknown key 'includes' in trigger.branches"
sed -i 's/includes:/include:/' repos/web/azure-pipelines.yml
(cd repos/web && echo i > src/app.c && git commit -q -am "src, fixed trigger")
expect_exit 0 "$SLIPWAY" notify --repo repos/web --ref refs/heads/main --sha "$(git -C repos/web rev-parse HEAD)"
expect_contains "$ERR" "web: 'pr:' is not used: slipway starts runs for pushes, not pull requests"
expect_contains "$OUT" "run 7 (web"
