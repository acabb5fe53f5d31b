# DownloadSecureFile@1 from the workspace's secure_files: one of slipway's
# secrets of an environment, decrypted for the run that names it; refused
# before the run (at the step) while the secret is not generated, and for a
# name the workspace does not define; masked when a step prints it.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
on_exit '"$SLIPWAY" -C "$ws" service-stop >/dev/null 2>&1 || true'
mkdir -p "$ws/repos/app"
cat >"$ws/repos/app/azure-pipelines.yml" <<'YAML'
steps:
- script: mkdir -p out && echo app > out/app.txt && tar -czf out/app.tar.gz -C out app.txt
- publish: out
  artifact: app
YAML
git -C "$ws/repos/app" init -q -b main && git -C "$ws/repos/app" add . && git -C "$ws/repos/app" commit -q -m "feat: app"
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: tiny, version: "1.0"}
components:
  app:
    repo: repos/app
    secrets: [signing_key]
    deploy:
      process: {command: 'exec sleep 1000'}
environments:
  test:
    platform: {kind: process}
    components: [app]
    policy: {mode: manual}
    secrets:
      signing_key: {generate: {length: 24}}
secure_files:
  signing.key: {environment: test, secret: signing_key}
roles:
  admin: [alice]
YAML
cat >"$TMP/sign.yml" <<'YAML'
steps:
- task: DownloadSecureFile@1
  name: key
  inputs: {secureFile: signing.key}
- bash: 'echo "bytes=$(wc -c < "$(key.secureFilePath)") mode=$(stat -c %a "$(key.secureFilePath)")"; cat "$(key.secureFilePath)"; echo'
YAML
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY
expect_exit 0 "$SLIPWAY" -C "$ws" validate

# Before the environment was applied its secret does not exist: refused at the step.
expect_exit 2 "$SLIPWAY" -C "$ws" run --file "$TMP/sign.yml"
expect_contains "$ERR" "sign.yml:2:3: secure file 'signing.key': secret 'signing_key' of environment 'test' was not generated yet"

expect_exit 0 "$SLIPWAY" -C "$ws" run --file "$ws/repos/app/azure-pipelines.yml" --json
digest=$(python3 -c 'import json,sys; print(next(a["digest"] for a in json.load(sys.stdin)["artifacts"] if a["name"]=="app"))' <<<"$OUT")
expect_exit 0 "$SLIPWAY" -C "$ws" release built app 1.0.0 --digest "$digest"
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version app=1.0.0
key=$("$SLIPWAY" -C "$ws" secret show test signing_key --reveal 2>/dev/null)
[[ ${#key} -ge 24 ]] || die "no signing key was generated: '$key'"

expect_exit 0 "$SLIPWAY" -C "$ws" run --file "$TMP/sign.yml" --follow
expect_contains "$OUT" "downloaded secure file 'signing.key' to "
expect_contains "$OUT" "bytes=${#key} mode=600"
expect_contains "$OUT" "***"
[[ $OUT != *"$key"* ]] || die "the secure file's content was printed: $OUT"

# A name the workspace does not define is refused at the step.
sed -i 's/secureFile: signing.key/secureFile: other.key/' "$TMP/sign.yml"
expect_exit 2 "$SLIPWAY" -C "$ws" run --file "$TMP/sign.yml"
expect_contains "$ERR" "sign.yml:2:3: secure file 'other.key' is not defined in the workspace (secure_files: in slipway.yaml)"
