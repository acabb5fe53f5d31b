# Shared by every end-to-end script: strict mode, a temp dir removed on exit,
# and small assertions that print what differed.
set -euo pipefail
: "${SLIPWAY:?SLIPWAY must point at the binary}"
: "${SLIPWAY_SOURCE_DIR:?SLIPWAY_SOURCE_DIR must point at the source tree}"
TMP=$(mktemp -d)
# Through a server (tests.cmake's *.through_server): $SLIPWAY sends what it
# can to a `slipway serve` of the same state (through_server.sh); the serves
# stop when the script ends.
if [[ -n ${SLIPWAY_E2E_THROUGH_SERVER:-} ]]; then
  export SLIPWAY_REAL=$SLIPWAY SLIPWAY_E2E_SERVERS=$TMP/.servers
  SLIPWAY=$SLIPWAY_SOURCE_DIR/tests/e2e/through_server.sh
  command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 is not installed" >&2; exit 125; }
fi
# on_exit COMMAND: run COMMAND (a string, eval'd) when the script ends, before $TMP goes.
cleanups=()
on_exit() { cleanups+=("$1"); }
# At the end: the script's cleanups run and the serves stop; a suite run through a server that sent
# nothing through one fails (it would check nothing of the server).
finish() {
  local status=$? pid sent=0
  set +e
  for pid in "${cleanups[@]}"; do eval "$pid"; done
  for pid in "$TMP"/.servers/*/pid; do [[ -f $pid ]] && { kill "$(cat "$pid")" 2>/dev/null || true; }; done
  if [[ -n ${SLIPWAY_E2E_THROUGH_SERVER:-} ]]; then
    [[ -f $TMP/.servers/sent ]] && sent=$(wc -l <"$TMP/.servers/sent")
    echo "through a server: $sent commands" >&2
    [[ $status == 0 && $sent == 0 ]] && { echo "FAIL: no command went through a server" >&2; status=1; }
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap finish EXIT
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
# Master keys go to $XDG_DATA_HOME/slipway/keys/ (outside the workspace): keep them in the test folder.
export XDG_DATA_HOME=$TMP/xdg-data

die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 125; }

# expect_exit CODE CMD...: runs CMD, stores stdout/stderr in $OUT/$ERR.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  set -e
  OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
  [[ $got == "$want" ]] || die "'$*' exited $got, expected $want; stdout: $OUT; stderr: $ERR"
}

expect_contains() {  # expect_contains HAYSTACK NEEDLE
  [[ "$1" == *"$2"* ]] || die "expected to find '$2' in: $1"
}

# make_component_repo WS NAME: a git repo at WS/repos/NAME on branch main
# whose pipeline publishes out/NAME.txt as the artifact NAME, one commit
# "feat: NAME".
make_component_repo() {
  local repo=$1/repos/$2
  mkdir -p "$repo"
  cat >"$repo/azure-pipelines.yml" <<YAML
steps:
- script: mkdir -p out && echo $2 > out/$2.txt
- publish: out
  artifact: $2
YAML
  git -C "$repo" init -q -b main
  git -C "$repo" add . && git -C "$repo" commit -q -m "feat: $2"
}

# one_component_workspace WS NAME: WS/slipway.yaml declaring the component
# NAME (repo: repos/NAME, made as an empty folder) and the role developer:
# [dana]; the script then acts as dana, who may run it (permission run).
one_component_workspace() {
  mkdir -p "$1/repos/$2"
  cat >"$1/slipway.yaml" <<YAML
product: {name: shop, version: "1.0"}
components:
  $2:
    repo: repos/$2
roles:
  developer: [dana]
YAML
  export SLIPWAY_USER=dana
}

# ---- PostgreSQL (tests/postgres.sh runs ctest with SLIPWAY_TEST_POSTGRES)

# pg_database: a fresh, empty database on the test server, dropped on exit;
# sets PG_URL. Skips (exit 125) when no server is running.
pg_database() {
  [[ -n ${SLIPWAY_TEST_POSTGRES:-} ]] || skip "SLIPWAY_TEST_POSTGRES is not set (make test starts a PostgreSQL server)"
  command -v psql >/dev/null || skip "psql is not installed"
  local name
  name=e2e_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  psql -qX "$SLIPWAY_TEST_POSTGRES" -c "CREATE DATABASE $name" >/dev/null || die "cannot create database $name"
  on_exit "psql -qX '$SLIPWAY_TEST_POSTGRES' -c 'DROP DATABASE IF EXISTS $name WITH (FORCE)' >/dev/null 2>&1"
  PG_URL=${SLIPWAY_TEST_POSTGRES%/*}/$name
}

pg_query() { psql -qAtX "$PG_URL" -c "$1"; }  # pg_query SQL: its rows, '|'-separated

# ---- slipway serve --listen (server_*.sh)

# server_test_setup: skips without curl or sqlite3; on exit, stops the serve
# start_serve started (if it still runs).
server_test_setup() {
  command -v curl >/dev/null || skip "curl is not installed"
  command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
  serve_pid=
  on_exit '[[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null'
}

# start_serve WS: slipway serve --listen on a free loopback port; sets
# $serve_pid (serve itself, for kill and wait) and $base (.../api/v1).
start_serve() {
  command -v curl >/dev/null || skip "curl is not installed"
  "$SLIPWAY" -C "$1" serve --listen 127.0.0.1:0 >"$TMP/serve.out" 2>&1 &
  [[ -n ${serve_pid+set} ]] || on_exit '[[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null'
  serve_pid=$!
  for _ in $(seq 100); do grep -qs "listening on" "$TMP/serve.out" && break; sleep 0.1; done
  base=$(grep -o 'http://[^ ]*' "$TMP/serve.out") || die "serve did not listen: $(cat "$TMP/serve.out")"
}

# call TOKEN METHOD PATH [BODY]: a request to $base; sets $CODE, $BODY and
# $HEADERS, and notes "METHOD PATH" in $TMP/called.
call() {
  local args=(-s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $1")
  [[ $# -ge 4 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
  [[ $# -lt 4 && $2 == POST ]] && args+=(--data-binary '')  # Content-Length: 0, as browsers send
  CODE=$(curl "${args[@]}" "$base$3"); BODY=$(cat "$TMP/body"); HEADERS=$(cat "$TMP/headers")
  echo "$2 ${3%%\?*}" >>"$TMP/called"
}

expect_http() {  # expect_http CODE TOKEN METHOD PATH [BODY]
  local want=$1; shift
  call "$@"
  [[ $CODE == "$want" ]] || die "$2 $3 answered $CODE, expected $want: $BODY"
}

# state_dump WS: the state database as SQL, without what a running serve
# keeps on its own: the tokens' rows (a request may record a token's last
# use) and its lease (renewed while it runs). Nothing else may change.
state_dump() { sqlite3 "$1/.slipway/state.db" .dump | grep -v -e '^INSERT INTO api_tokens ' -e "^INSERT INTO locks VALUES('serve:"; }
