# The acme example's component pipelines run and publish their artifacts.
source "$(dirname "$0")/common.sh"
cp -r "$SLIPWAY_SOURCE_DIR/examples/acme" "$TMP/acme"
cd "$TMP/acme"
export SLIPWAY_USER=alice  # a developer: may run the components
command -v python3 >/dev/null || skip "python3 is not installed"
expect_exit 0 "$SLIPWAY" run billing --agents 2
expect_contains "$OUT" "succeeded"
expect_exit 0 "$SLIPWAY" artifact list --run 1
expect_contains "$OUT" "1  billing  "
