#!/usr/bin/env bash
# slipway serve --tls-cert/--tls-key: HTTPS on loopback with a self-signed
# certificate made here (openssl); curl trusting it gets the API, plain HTTP
# to the same port gets no answer; missing or mismatched files are refused
# before anything listens.
source "$(dirname "$0")/common.sh"
command -v openssl >/dev/null || skip "openssl is not installed"
command -v curl >/dev/null || skip "curl is not installed"
ws=$TMP/ws
one_component_workspace "$ws" api
make_component_repo "$ws" api
sed -i 's/developer: \[dana\]/admin: [dana]/' "$ws/slipway.yaml"
cert() {  # cert NAME: a self-signed certificate for 127.0.0.1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$TMP/$1.key" -out "$TMP/$1.pem" 2>/dev/null
}
cert a
cert b
expect_exit 0 "$SLIPWAY" -C "$ws" token create --user dana --as dana
token=$OUT

expect_exit 2 "$SLIPWAY" -C "$ws" serve --listen 127.0.0.1:0 --tls-cert "$TMP/a.pem"
expect_contains "$ERR" "--tls-cert and --tls-key go together"
expect_exit 2 "$SLIPWAY" -C "$ws" serve --listen 127.0.0.1:0 --tls-cert "$TMP/nope.pem" --tls-key "$TMP/a.key"
expect_contains "$ERR" "no file $TMP/nope.pem"
expect_exit 2 "$SLIPWAY" -C "$ws" serve --listen 127.0.0.1:0 --tls-cert "$TMP/a.pem" --tls-key "$TMP/b.key"
expect_contains "$ERR" "cannot serve HTTPS with certificate $TMP/a.pem"

"$SLIPWAY" -C "$ws" serve --listen 127.0.0.1:0 --tls-cert "$TMP/a.pem" --tls-key "$TMP/a.key" >"$TMP/serve.out" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do grep -qs "listening on" "$TMP/serve.out" && break; sleep 0.1; done
base=$(grep -o 'https://[^ ]*' "$TMP/serve.out") || die "serve did not listen on https: $(cat "$TMP/serve.out")"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' --cacert "$TMP/a.pem" -H "Authorization: Bearer $token" "$base/status")
[[ $code == 200 ]] || die "HTTPS status answered $code: $(cat "$TMP/body")"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/b.pem" "$base/status" || true)
[[ $code == 000 ]] || die "a client trusting another certificate got $code"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "${base/https/http}/status" || true)
[[ $code != 200 ]] || die "plain HTTP was answered on the TLS port"
echo "server_tls: ok"
