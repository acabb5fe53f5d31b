# `slipway init` scaffolds a workspace that validates, creates the state
# database, and refuses (exit 2, nothing written) when a file it would write exists.
source "$(dirname "$0")/common.sh"

# A fresh folder: the scaffold validates and the state database exists.
expect_exit 0 "$SLIPWAY" init "$TMP/My Shop"
expect_contains "$OUT" "initialized product my-shop in $TMP/My Shop"
for f in slipway.yaml components/app/azure-pipelines.yml environments/dev.yaml .slipway/state.db .slipway/.gitignore; do
  [[ -f "$TMP/My Shop/$f" ]] || die "init did not create $f"
done
expect_exit 0 "$SLIPWAY" validate "$TMP/My Shop"
expect_exit 0 "$SLIPWAY" -C "$TMP/My Shop" components
expect_contains "$OUT" "app"
expect_exit 0 "$SLIPWAY" -C "$TMP/My Shop" env list
expect_contains "$OUT" "dev"
if command -v sqlite3 >/dev/null; then
  [[ $(sqlite3 "$TMP/My Shop/.slipway/state.db" "SELECT kind || ' ' || subject FROM events") == "workspace.init product:my-shop" ]] \
    || die "no workspace.init event in the state database"
  [[ $(sqlite3 "$TMP/My Shop/.slipway/state.db" "PRAGMA journal_mode") == wal ]] || die "state database not in WAL mode"
fi

# Running it again refuses, naming the file, and changes nothing.
before=$(cd "$TMP/My Shop" && find . -path ./.slipway -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
expect_exit 2 "$SLIPWAY" init "$TMP/My Shop"
expect_contains "$ERR" "slipway: error: $TMP/My Shop/slipway.yaml already exists; init does not overwrite files"
after=$(cd "$TMP/My Shop" && find . -path ./.slipway -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
[[ "$before" == "$after" ]] || die "a refused init changed files"

# Only one of the files present (deep in the tree): still nothing written.
mkdir -p "$TMP/half/environments"
echo "mine" > "$TMP/half/environments/dev.yaml"
expect_exit 2 "$SLIPWAY" -C "$TMP/half" init --name shop --component api
expect_contains "$ERR" "$TMP/half/environments/dev.yaml already exists"
[[ $(find "$TMP/half" -type f | wc -l) == 1 && $(cat "$TMP/half/environments/dev.yaml") == mine ]] \
  || die "a refused init wrote files"
[[ ! -e "$TMP/half/.slipway" ]] || die "a refused init created the state database"

# Names are checked; --state puts the database elsewhere.
expect_exit 2 "$SLIPWAY" init "$TMP/bad" --name "no spaces"
expect_contains "$ERR" "invalid product name 'no spaces'"
expect_exit 0 "$SLIPWAY" --state "$TMP/elsewhere/state.db" init "$TMP/other" --component api
[[ -f "$TMP/elsewhere/state.db" && ! -e "$TMP/other/.slipway" ]] || die "--state was not honoured"
expect_exit 0 "$SLIPWAY" validate "$TMP/other"
