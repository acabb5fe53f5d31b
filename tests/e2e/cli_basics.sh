# The binary starts, knows its version, and rejects unknown commands with exit 2.
source "$(dirname "$0")/common.sh"
expect_exit 0 "$SLIPWAY" --version
expect_contains "$OUT" "slipway"
expect_exit 2 "$SLIPWAY" no-such-command
