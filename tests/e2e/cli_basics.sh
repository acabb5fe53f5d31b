# The binary starts, knows its version, and rejects unknown commands with exit 2.
source "$(dirname "$0")/common.sh"
expect_exit 0 "$SLIPWAY" --version
expect_contains "$OUT" "slipway"
expect_exit 2 "$SLIPWAY" no-such-command
expect_contains "$ERR" "unknown command 'no-such-command'"
expect_exit 2 "$SLIPWAY" promte
expect_contains "$ERR" "slipway: error: unknown command 'promte' (did you mean 'promote'?)"
expect_exit 2 "$SLIPWAY" secret rotat
expect_contains "$ERR" "unknown command 'rotat' (did you mean 'rotate'?)"

# The workspace is found upward from the current folder, as git finds its repository.
cp -r "$SLIPWAY_SOURCE_DIR/examples/acme" "$TMP/acme"
(cd "$TMP/acme/environments" && expect_exit 0 "$SLIPWAY" env list && expect_contains "$OUT" "prod-acme")
(cd "$TMP" && expect_exit 2 "$SLIPWAY" env list && expect_contains "$ERR" "no slipway.yaml")
# Only init creates a state: an explicit --state that does not exist is refused.
expect_exit 2 "$SLIPWAY" -C "$TMP/acme" --state "$TMP/nowhere/state.db" status
expect_contains "$ERR" "no state at $TMP/nowhere/state.db; only 'slipway init' creates one"
[[ ! -e $TMP/nowhere ]] || die "a refused --state created a folder"
