# The example product's services really work: billing, orders, web and the
# worker start on free ports, answer their health checks, and an order placed
# on orders is billed by billing and fulfilled by the worker.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v curl >/dev/null || skip "curl is not installed"
repos="$SLIPWAY_SOURCE_DIR/examples/acme/repos"
pids=()
on_exit 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done'

# start NAME ENV... -- ARGV...: starts a service on a free port, sets $port.
start() {
  local name=$1; shift
  local envs=()
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done; shift
  (cd "$repos/$name" && exec env PYTHONDONTWRITEBYTECODE=1 PORT=0 "${envs[@]}" "$@") >"$TMP/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    port=$(sed -n 's/.* on \([0-9]*\).*/\1/p' "$TMP/$name.log" 2>/dev/null | head -1 || true)
    [[ -n $port ]] && return 0
    sleep 0.05
  done
  die "$name did not start: $(cat "$TMP/$name.log")"
}

start billing -- python3 app.py; billing=$port
start orders BILLING_URL="http://127.0.0.1:$billing" -- python3 app.py; orders=$port
start web ORDERS_URL="http://127.0.0.1:$orders" BANNER=acme-test -- python3 serve.py; web=$port
start worker ORDERS_URL="http://127.0.0.1:$orders" INTERVAL_SECONDS=0.1 -- python3 worker.py

for p in $billing $orders $web; do
  [[ $(curl -fsS "http://127.0.0.1:$p/health") == '{"status": "ok"}' ]] || die "health of port $p"
done
expect_contains "$(curl -fsS "http://127.0.0.1:$web/config.js")" '"banner": "acme-test"'

order=$(curl -fsS -X POST -d '{"item": "anvil", "quantity": 2, "price": 10}' "http://127.0.0.1:$orders/orders")
expect_contains "$order" '"billed": true'
expect_contains "$(curl -fsS "http://127.0.0.1:$billing/invoices")" '"amount": 20.0'
for _ in $(seq 100); do
  [[ $(curl -fsS "http://127.0.0.1:$orders/orders") == *'"fulfilled": true'* ]] && { echo ok; exit 0; }
  sleep 0.05
done
die "the worker did not fulfil the order: $(cat "$TMP/worker.log")"
