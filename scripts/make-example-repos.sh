#!/usr/bin/env bash
# Copies an example workspace (default examples/acme) to TARGET and turns each
# component folder (repos/*) and each template repo (templates/*) into a real
# git repository on branch main, with a short history of conventional commits.
# Commit dates and identities are fixed, so the history is the same on every run.
# A template repo is then published as a team's would be: tagged v1, pushed to
# a bare repository under TARGET/git/ (standing for the team's git host), and
# the workspace's template source becomes that URL at ref v1.
#
#   scripts/make-example-repos.sh TARGET [EXAMPLE_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: make-example-repos.sh TARGET [EXAMPLE_DIR]}
example=${2:-$root/examples/acme}
[[ -f $example/slipway.yaml ]] || { echo "make-example-repos: no slipway.yaml in $example" >&2; exit 2; }
[[ -e $target && -n $(ls -A "$target" 2>/dev/null) ]] && { echo "make-example-repos: $target is not empty" >&2; exit 2; }

mkdir -p "$target"
target=$(cd "$target" && pwd)  # file:// URLs need it absolute
cp -R "$example/." "$target/"
find "$target" -name __pycache__ -type d -prune -exec rm -rf {} +

export GIT_AUTHOR_NAME=alice GIT_AUTHOR_EMAIL=alice@acme.example
export GIT_COMMITTER_NAME=alice GIT_COMMITTER_EMAIL=alice@acme.example
tick=0
# commit DIR MESSAGE PATHS...: stages PATHS (those that exist) and commits.
commit() {
  local dir=$1 message=$2; shift 2
  local paths=()
  for p in "$@"; do [[ -e $dir/$p ]] && paths+=("$p"); done
  ((${#paths[@]})) || return 0
  tick=$((tick + 1))
  export GIT_AUTHOR_DATE="2026-11-01T09:$(printf '%02d' $((tick % 60))):00Z" GIT_COMMITTER_DATE="2026-11-01T09:$(printf '%02d' $((tick % 60))):00Z"
  git -C "$dir" add -- "${paths[@]}"
  git -C "$dir" -c commit.gpgsign=false commit -q -m "$message"
}

init_repo() {
  git -C "$1" init -q -b main
  git -C "$1" config user.name alice
  git -C "$1" config user.email alice@acme.example
}

for repo in "$target"/repos/*/; do
  repo=${repo%/}
  name=$(basename "$repo")
  init_repo "$repo"
  commit "$repo" "chore: start $name" README.md .gitignore
  mapfile -t sources < <(cd "$repo" && ls -- *.py 2>/dev/null)
  commit "$repo" "feat: first version of $name" "${sources[@]}" public
  commit "$repo" "test: unit tests for $name" tests
  commit "$repo" "ci: build $name with the shared pipeline templates" azure-pipelines.yml
  git -C "$repo" add -A && { git -C "$repo" diff --cached --quiet || commit "$repo" "chore: remaining files" .; }
done

for repo in "$target"/templates/*/; do
  repo=${repo%/}
  init_repo "$repo"
  commit "$repo" "feat: steps for python and static builds" README.md steps
  commit "$repo" "feat: general build job choosing the platform's jobs" jobs
  commit "$repo" "feat: process deployment job" deployments
  git -C "$repo" add -A && { git -C "$repo" diff --cached --quiet || commit "$repo" "chore: remaining files" .; }
  name=$(basename "$repo")
  git -C "$repo" tag v1
  mkdir -p "$target/git"
  git clone -q --bare "$repo" "$target/git/$name.git"
  # path: templates/NAME  →  git: file://TARGET/git/NAME.git at ref v1
  python3 - "$target/slipway.yaml" "templates/$name" "file://$target/git/$name.git" <<'PY'
import sys
path, folder, url = sys.argv[1:]
text = open(path).read()
text = text.replace("path: " + folder, "git: " + url + "\n    ref: v1")
open(path, "w").write(text)
PY
done
echo "make-example-repos: $target ready"
