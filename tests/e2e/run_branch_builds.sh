# `run COMPONENT --branch B` builds the head of B from the component's
# repository, whatever its work tree has checked out (here a feature branch
# with other content); only a branch the versioning config releases is
# tagged, the tag is reported, and `run --json` carries the version recorded.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
repo=$ws/repos/frontend
one_component_workspace "$ws" frontend
cat >"$repo/azure-pipelines.yml" <<'YAML'
steps:
- checkout: self
- script: mkdir -p out && cp built-from.txt out/ && echo "built from $(cat built-from.txt)"
- publish: out
  artifact: frontend
YAML
echo main >"$repo/built-from.txt"
git -C "$repo" init -q -b main
git -C "$repo" add . && git -C "$repo" commit -q -m "feat: frontend"
main_head=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" checkout -q -b feature/x
echo feature >"$repo/built-from.txt"
git -C "$repo" commit -q -am "feat: feature work"
feature_head=$(git -C "$repo" rev-parse HEAD)

# The default branch, main: its head is built, recorded, tagged; the work tree is left as it was.
expect_exit 0 "$SLIPWAY" -C "$ws" run frontend --json
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["commit"] == sys.argv[1], d["commit"]
assert d["version"] == "1.0.0" and d["tag"] == "v1.0.0", d
' "$main_head" <<<"$OUT" || die "run --json does not carry main's head, the version and the tag: $OUT"
expect_contains "$ERR" "recorded frontend 1.0.0"
expect_contains "$ERR" "tagged v1.0.0 in frontend's repository"
[[ $(git -C "$repo" rev-parse 'v1.0.0^{commit}') == "$main_head" ]] || die "v1.0.0 is not on main's head"
[[ -z $(git -C "$repo" tag --points-at "$feature_head") ]] || die "the checked-out feature branch was tagged"
[[ $(git -C "$repo" rev-parse --abbrev-ref HEAD) == feature/x && $(cat "$repo/built-from.txt") == feature ]] ||
  die "the run changed the work tree's checkout"
expect_exit 0 "$SLIPWAY" -C "$ws" logs 1
expect_contains "$OUT" "built from main"

# A branch the versioning config does not release: built from its head, not tagged.
expect_exit 0 "$SLIPWAY" -C "$ws" run frontend --branch feature/x
expect_contains "$OUT" "frontend: branch feature/x releases no version; no release"
[[ $OUT != *tagged* ]] || die "a feature branch build was tagged: $OUT"
[[ $(git -C "$repo" tag) == v1.0.0 ]] || die "tags after a feature build: $(git -C "$repo" tag)"
expect_exit 0 "$SLIPWAY" -C "$ws" logs 2
expect_contains "$OUT" "built from feature"

# A new commit on main while feature/x stays checked out: the next version, tagged on it.
git -C "$repo" checkout -q main
git -C "$repo" commit -q --allow-empty -m "feat: more"
next_head=$(git -C "$repo" rev-parse HEAD)
git -C "$repo" checkout -q feature/x
expect_exit 0 "$SLIPWAY" -C "$ws" run frontend
expect_contains "$OUT" "recorded frontend 1.1.0"
expect_contains "$OUT" "tagged v1.1.0 in frontend's repository"
[[ $(git -C "$repo" rev-parse 'v1.1.0^{commit}') == "$next_head" ]] || die "v1.1.0 is not on main's new head"

# A branch the repository does not have is bad input, and records nothing.
expect_exit 2 "$SLIPWAY" -C "$ws" run frontend --branch nothere
expect_contains "$ERR" "the repository of frontend has no branch 'nothere'"
expect_exit 0 "$SLIPWAY" -C "$ws" runs
[[ $(wc -l <<<"$OUT") == 3 ]] || die "expected 3 runs: $OUT"
