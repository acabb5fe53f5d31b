#!/usr/bin/env bash
# `slipway` as an end-to-end script calls it, but every command that has a
# server form goes through `slipway --server` to a `slipway serve --listen`
# of the same state, acting as the same person with that person's token.
# common.sh puts this in $SLIPWAY when SLIPWAY_E2E_THROUGH_SERVER is set, so
# an existing suite checks the server's outputs and exit codes against its
# own expectations, unchanged.
#
# - The identity is the command's `--as NAME` (removed: a server takes the
#   token's user), else SLIPWAY_USER. Reading commands without one act as
#   e2e-reader; acting commands without one run locally (their "no
#   identity" refusal happens before any request either way).
# - Tokens are seeded into the state's api_tokens table by this harness,
#   so that a suite's workspace needs no admin role to create them.
# - One serve per state, started at the first command that needs it, in
#   $SLIPWAY_E2E_SERVERS; common.sh stops them when the script ends.
set -euo pipefail
real=${SLIPWAY_REAL:?SLIPWAY_REAL must point at the binary}
servers=${SLIPWAY_E2E_SERVERS:?SLIPWAY_E2E_SERVERS must name a folder}

args=("$@")
workspace= state= as= words=()
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    -C | --workspace) workspace=${args[i + 1]}; ((++i)) ;;
    --state) state=${args[i + 1]}; ((++i)) ;;
    --as) as=${args[i + 1]}; ((++i)) ;;
    -*) ;;
    *) [[ ${#words[@]} -lt 2 ]] && words+=("${args[i]}") ;;
  esac
done
has() { local word; for word in "${args[@]}"; do [[ $word == "$1" ]] && return 0; done; return 1; }

# Whether the command has a server form, and whether it acts.
acts=
case "${words[0]:-} ${words[1]:-}" in
  "status "* | "history "* | "diff "* | "runs "* | "logs "* | "plan "* | "release show" | "release list" | \
    "lock list" | "secret list" | "artifact list" | "artifact get") ;;
  "release create") has --file && exec "$real" "$@"; acts=1 ;;
  "approve "* | "promote "* | "rollback "* | "apply "* | "run cancel" | "secret show" | "secret rotate" | \
    "release built" | "lock break") acts=1 ;;
  *) exec "$real" "$@" ;;
esac
user=${as:-${SLIPWAY_USER:-}}
# A name the CLI refuses (docs/identity.md) is refused before any request: locally.
[[ $user =~ [[:space:][:cntrl:]] ]] && exec "$real" "$@"
if [[ -z $user ]]; then
  [[ -n $acts ]] && exec "$real" "$@"
  user=e2e-reader
fi

# The state's folder and database, as the CLI finds them.
if [[ -z $workspace ]]; then
  workspace=$PWD
  while [[ ! -f $workspace/slipway.yaml && $workspace != / ]]; do workspace=$(dirname "$workspace"); done
  [[ -f $workspace/slipway.yaml ]] || exec "$real" "$@"
fi
workspace=$(cd "$workspace" && pwd)
db=${state:-$workspace/.slipway/state.db}
[[ -n $state ]] && db=$(realpath -m "$state")

# The serve of this state: started once (under a lock: commands may run in parallel).
dir=$servers/$(printf '%s' "$db" | sha256sum | cut -c1-16)
mkdir -p "$dir/tokens"
exec 9>"$dir/lock"
flock 9
if [[ ! -f $dir/url ]] || ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
  global=(-C "$workspace")
  [[ -n $state ]] && global+=(--state "$state")
  env -u SLIPWAY_SERVER -u SLIPWAY_TOKEN "$real" "${global[@]}" serve --listen 127.0.0.1:0 \
    </dev/null >"$dir/out" 2>&1 9>&- &
  echo $! >"$dir/pid"
  for _ in $(seq 600); do  # up to 30 s, or until serve gave up
    grep -qs "listening on" "$dir/out" && break
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.05
  done
  if ! grep -o 'http://[^ ]*' "$dir/out" | sed 's|/api/v1$||' >"$dir/url"; then
    # serve refused the state (as the command would have): its words and exit code.
    rm -f "$dir/url"; kill "$(cat "$dir/pid")" 2>/dev/null || true; set +e; wait "$(cat "$dir/pid")"; code=$?; set -e
    cat "$dir/out" >&2
    exit $((code == 0 ? 70 : code))
  fi
fi
# The user's token: seeded once into the state (the store keeps its SHA-256).
if [[ ! -f $dir/tokens/$user ]]; then
  token=slw_$(printf 'e2e-%s' "$user" | sha256sum | cut -c1-64)
  hash=$(printf '%s' "$token" | sha256sum | cut -c1-64)
  sqlite3 -cmd '.timeout 5000' "$db" "INSERT OR IGNORE INTO api_tokens (hash, prefix, name, created_by, created_ms)
    VALUES ('$hash', '${token:0:12}', '${user//\'/\'\'}', 'e2e', $(date +%s%3N))"
  echo "$token" >"$dir/tokens/$user"
fi
flock -u 9
exec 9>&-

# The command without --as, sent to the server.
forward=()
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ ${args[i]} == --as ]]; then ((++i)); continue; fi
  forward+=("${args[i]}")
done
echo "${forward[*]}" >>"$servers/sent"  # what went through a server, for the suite's summary
SLIPWAY_TOKEN=$(cat "$dir/tokens/$user") exec "$real" --server "$(cat "$dir/url")" "${forward[@]}"
