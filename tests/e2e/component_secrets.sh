#!/usr/bin/env bash
# Secrets reach only the components that use them: `ldap` declares
# ldap_password and `api` references api_key as ${{ secrets.api_key }} in its
# env; neither receives the other's secret, and `plain` receives none. A
# service that prints its password shows it as *** in `service-logs`. A
# declared secret that nothing defines is a validate error with its position.
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
service='echo "password is $SECRET_LDAP_PASSWORD"; env | grep -o "^SECRET_[A-Z_]*" | sort | tr "\n" " "; echo; echo "key=$KEY"; exec sleep 1000'
cat >"$ws/slipway.yaml" <<YAML
product: {name: tiny, version: "1.0"}
components:
  ldap:
    repo: repos/app
    secrets: [ldap_password]
    deploy:
      process: {command: '$service'}
  api:
    repo: repos/app
    deploy:
      process:
        command: '$service'
        env: {KEY: "\${{ secrets.api_key }}"}
  plain:
    repo: repos/app
    deploy:
      process: {command: '$service'}
environments:
  test:
    platform: {kind: process}
    components: [ldap, api, plain]
    policy: {mode: manual}
    secrets:
      ldap_password: {generate: {length: 24}}
      api_key: {generate: {length: 24}}
roles:
  admin: [alice]
YAML
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY
expect_exit 0 "$SLIPWAY" -C "$ws" run --file "$ws/repos/app/azure-pipelines.yml" --json
digest=$(python3 -c 'import json,sys; print(next(a["digest"] for a in json.load(sys.stdin)["artifacts"] if a["name"]=="app"))' <<<"$OUT")
for c in ldap api plain; do expect_exit 0 "$SLIPWAY" -C "$ws" release built "$c" 1.0.0 --digest "$digest"; done
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version ldap=1.0.0 --version api=1.0.0 --version plain=1.0.0
password=$(SLIPWAY_USER=alice "$SLIPWAY" -C "$ws" secret show test ldap_password --reveal 2>/dev/null || true)
log_of() {  # log_of COMPONENT: its service-logs output once it printed its key line
  for _ in $(seq 100); do
    expect_exit 0 "$SLIPWAY" -C "$ws" service-logs test "$1"
    [[ $OUT == *"key="* ]] && return 0
    sleep 0.1
  done
  die "$1 printed nothing: $OUT"
}
log_of ldap
expect_contains "$OUT" "password is ***"
expect_contains "$OUT" "SECRET_LDAP_PASSWORD "
[[ $OUT != *SECRET_API_KEY* ]] || die "ldap received api_key: $OUT"
[[ -z $password || $OUT != *"$password"* ]] || die "service-logs printed the password: $OUT"
log_of api
expect_contains "$OUT" "SECRET_API_KEY "
expect_contains "$OUT" "key=***"
[[ $OUT != *SECRET_LDAP_PASSWORD* ]] || die "api received ldap_password: $OUT"
log_of plain
[[ $OUT != *SECRET_* ]] || die "plain received secrets: $OUT"
expect_exit 0 "$SLIPWAY" -C "$ws" service-stop

# A declared secret that nothing defines is a validate error.
sed -i 's/secrets: \[ldap_password\]/secrets: [ldap_pasword]/' "$ws/slipway.yaml"
expect_exit 2 "$SLIPWAY" -C "$ws" validate
expect_contains "$OUT$ERR" "slipway.yaml:5:15: component 'ldap' uses secret 'ldap_pasword', which no block or environment defines (did you mean 'ldap_password'?)"
