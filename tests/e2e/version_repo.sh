# `slipway version --repo` on a repository released with semantic-release's
# conventions: continues from its tags, tags the next release reentrantly and
# prepends the changelog.
source "$(dirname "$0")/common.sh"
repo=$TMP/repo
git init -q -b main "$repo"
cd "$repo"
git commit -q --allow-empty -m "chore: init"
git tag v1.4.2
git commit -q --allow-empty -m "fix(api): handle empty body"
git commit -q --allow-empty -m "feat(ui): dark mode"
git commit -q --allow-empty -m "docs: readme"

expect_exit 0 "$SLIPWAY" version --repo "$repo"
[[ $OUT == "1.5.0" ]] || die "expected 1.5.0, got '$OUT'"

expect_exit 0 "$SLIPWAY" version --repo "$repo" --json
expect_contains "$OUT" '"bump": "minor"'
expect_contains "$OUT" '"commits": 3'

expect_exit 0 "$SLIPWAY" version --repo "$repo" --tag --changelog "$repo/CHANGELOG.md"
[[ $OUT == "1.5.0" ]] || die "expected 1.5.0 when tagging, got '$OUT'"
[[ $(git tag --points-at HEAD) == "v1.5.0" ]] || die "v1.5.0 not on HEAD"
expect_contains "$(cat "$repo/CHANGELOG.md")" "* **ui:** dark mode"

expect_exit 0 "$SLIPWAY" version --repo "$repo" --tag
[[ -z $OUT ]] || die "second --tag printed '$OUT'"
expect_contains "$ERR" "no release: v1.5.0 is already on"

git checkout -q -b feature/x
git commit -q --allow-empty -m "feat: wip"
expect_exit 0 "$SLIPWAY" version --repo "$repo"
expect_contains "$ERR" "no release: branch feature/x is not a release branch"
