#!/usr/bin/env bash
# Hostile and wrong input is refused before any change, with exit 2 and a
# position or the object named, never a crash (exit 70, 134, 139) or a hang:
# YAML alias cycles and alias bombs, bytes that are not UTF-8, identities with
# line breaks or escapes, versions that are not semver, ports that overflow
# after the platform's offset, impossible dates, a product version with a
# sign, an unterminated ${{ in a deploy setting, out-of-range CLI numbers and
# a FIFO given as a pipeline file. The state database's dump is compared
# before and after every refused command.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
make_component_repo "$ws" api
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: tiny, version: "1.0"}
components:
  api:
    repo: repos/api
    deploy:
      script:
        apply: echo "apply api $SLIPWAY_VERSION" >> calls.txt
      process:
        argv: [sleep, "1000"]
        port: 5546
        env: {LEVEL: "${{ values.log.level }}"}
environments:
  dev:
    platform: {kind: script}
    components: [api]
    policy: {mode: auto, branch: main}
    values: {log: {level: info}}
roles:
  developer: [alice]
YAML
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY
expect_exit 0 "$SLIPWAY" -C "$ws" run api
expect_contains "$OUT" "to dev: applied"

dump() { state_dump "$ws"; }  # without the tokens (a server run records their use)
before=$(dump)
unchanged() { [[ $(dump) == "$before" ]] || die "state changed after: $*"; }
refused() {  # refused NEEDLE CMD...: exit 2, NEEDLE on stderr, state unchanged
  local needle=$1; shift
  expect_exit 2 timeout 20 "$@"
  expect_contains "$ERR" "$needle"
  unchanged "$*"
}

# YAML aliases: a cycle and a billion laughs, in slipway.yaml and a values block.
good=$(cat "$ws/slipway.yaml")
printf '%s\nblocks:\n  b:\n    values:\n      x: &r [*r]\n' "$good" >"$ws/slipway.yaml"
for cmd in validate components "env list" "plan dev"; do
  # shellcheck disable=SC2086
  refused "slipway.yaml:" "$SLIPWAY" -C "$ws" $cmd
  expect_contains "$ERR" "an alias refers to a node that contains it"
done
{
  echo "$good"
  echo "lol:"
  echo "  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"
  for i in 1 2 3 4 5 6 7 8 9; do
    echo "  a$i: &a$i [*a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1)), *a$((i - 1))]"
  done
} >"$ws/slipway.yaml"
refused "aliases expand this document beyond" "$SLIPWAY" -C "$ws" validate

# Bytes that are not UTF-8 in a value: the position of the byte.
sed 's/level: info/level: "EU\xffR"/' <<<"$good" >"$ws/slipway.yaml"
line=$(grep -an 'level: "EU' "$ws/slipway.yaml" | cut -d: -f1)
refused "slipway.yaml:$line:30: not valid UTF-8 (byte 0xFF)" "$SLIPWAY" -C "$ws" validate
refused "not valid UTF-8" "$SLIPWAY" -C "$ws" components --json
refused "not valid UTF-8" "$SLIPWAY" -C "$ws" env show dev --json
refused "not valid UTF-8" "$SLIPWAY" -C "$ws" apply dev
echo "$good" >"$ws/slipway.yaml"

# Identities: line breaks, escapes and spaces are refused from every source.
refused "--as: an identity is a plain name" "$SLIPWAY" -C "$ws" release create --from dev \
  --as $'mallory\n2026-01-01  approved  x  by carol'
SLIPWAY_USER=$'mal\e[2Jlory' refused "SLIPWAY_USER: an identity is a plain name" \
  "$SLIPWAY" -C "$ws" release create --from dev
printf 'user: "mal\\nlory"\n' >"$TMP/config.yaml"
SLIPWAY_USER='' SLIPWAY_CONFIG=$TMP/config.yaml refused "config.yaml:1:7: user: an identity is a plain name" \
  "$SLIPWAY" -C "$ws" release create --from dev

# Versions are parsed before anything starts.
for v in 01.0.0 1.0 1.0.0-+ ../x; do
  refused "not a semantic version" "$SLIPWAY" -C "$ws" apply dev --version "api=$v"
done
[[ $(wc -l <"$ws/calls.txt") == 1 ]] || die "a refused apply ran the driver: $(cat "$ws/calls.txt")"

# Numbers in files: a port above 65535 after the offset, a product version
# with a sign, a date that does not exist.
sed 's/platform: {kind: script}/platform: {kind: process, port_offset: 60000}/' <<<"$good" >"$ws/slipway.yaml"
refused "puts component 'api' on port 65546 (5546 + port_offset 60000), above 65535" "$SLIPWAY" -C "$ws" validate
sed 's/version: "1.0"/version: "3.-1"/' <<<"$good" >"$ws/slipway.yaml"
refused "invalid product version '3.-1'" "$SLIPWAY" -C "$ws" validate
sed 's/policy: {mode: auto, branch: main}/policy: {mode: auto, branch: main, freeze: [{from: 2028-02-01, to: 2028-02-30}]}/' \
  <<<"$good" >"$ws/slipway.yaml"
refused "to" "$SLIPWAY" -C "$ws" validate
expect_contains "$ERR" "freeze window"

# An unterminated reference in a deploy setting is an error, not literal text.
sed 's/platform: {kind: script}/platform: {kind: process}/; s/values.log.level }}/values.log.level/' <<<"$good" \
  >"$ws/slipway.yaml"
refused "has no closing '}}'" "$SLIPWAY" -C "$ws" plan dev
refused "has no closing '}}'" "$SLIPWAY" -C "$ws" apply dev
echo "$good" >"$ws/slipway.yaml"

# CLI numbers are range-checked.
refused "--agents" "$SLIPWAY" -C "$ws" run api --agents 100000
refused "--agents" "$SLIPWAY" -C "$ws" run api --agents 0
refused "--wait" "$SLIPWAY" -C "$ws" promote 1.0.1 --to dev --wait nan

# A FIFO as the pipeline file is refused at once, not read forever.
mkfifo "$TMP/pipe.yml"
expect_exit 2 timeout 20 "$SLIPWAY" -C "$ws" pipeline expand --file "$TMP/pipe.yml"
expect_contains "$ERR" "not a regular file"
expect_exit 2 timeout 20 "$SLIPWAY" -C "$ws" run --file "$TMP/pipe.yml"
expect_contains "$ERR" "not a regular file"
unchanged "pipeline fifo"

# A step that prints bytes that are not UTF-8, in its log and in an output
# variable, does not kill the run (it did: a JSON write threw, exit 70, and the
# run stayed "running"); the bad byte is shown as U+FFFD in --json.
cat >"$TMP/bytes.yml" <<'YAML'
steps:
- bash: printf '##vso[task.setvariable variable=x;isOutput=true]EU\xffR\n'; printf 'log EU\xffR\n'
  name: s
YAML
expect_exit 0 "$SLIPWAY" -C "$ws" run --file "$TMP/bytes.yml" --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["result"]=="succeeded", d["result"]' <<<"$OUT" ||
  die "the run with non-UTF-8 output did not succeed: $OUT"
expect_contains "$OUT" $'EU\xef\xbf\xbdR'
expect_exit 0 "$SLIPWAY" -C "$ws" runs --json
