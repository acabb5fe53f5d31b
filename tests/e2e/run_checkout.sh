# `checkout: self` step options: fetchDepth: 1 gives a shallow clone (one
# commit of history inside the step), and clean: true resets edits and deletes
# files an earlier step left in the sources folder; without clean they stay.
source "$(dirname "$0")/common.sh"
cd "$TMP"
git init -q -b main .
git config user.email t@example.com; git config user.name t
for i in 1 2 3 4; do echo "$i" > "f$i"; git add "f$i"; git commit -q -m "c$i"; done
cat > p.yml <<'Y'
steps:
- checkout: self
  fetchDepth: 1
- bash: |
    echo "history=$(git rev-list --count HEAD)"
    echo junk > left-over.txt; echo edited > f1
- checkout: self
  fetchDepth: 1
- bash: |
    [ -e left-over.txt ] && echo "kept without clean"
- checkout: self
  fetchDepth: 1
  clean: true
- bash: |
    [ ! -e left-over.txt ] && echo "left-over removed"
    echo "f1=$(cat f1)"
Y
git add p.yml && git commit -q -m "c5: pipeline"
[[ $(git rev-list --count HEAD) == 5 ]] || die "the test repo should have 5 commits"
expect_exit 0 "$SLIPWAY" run --file p.yml --follow
expect_contains "$OUT" "history=1"
expect_contains "$OUT" "kept without clean"
expect_contains "$OUT" "left-over removed"
expect_contains "$OUT" "f1=1"
# Without fetchDepth: the whole history (libgit2).
printf 'steps:\n- checkout: self\n- bash: echo "full history=$(git rev-list --count HEAD)"\n' > full.yml
expect_exit 0 "$SLIPWAY" run --file full.yml --follow
expect_contains "$OUT" "full history=5"

# A bad option value is bad input, with its position.
printf 'steps:\n- checkout: self\n  fetchDepth: deep\n' > bad.yml
expect_exit 2 "$SLIPWAY" run --file bad.yml
expect_contains "$ERR" "fetchDepth must be a non-negative integer, got 'deep'"
