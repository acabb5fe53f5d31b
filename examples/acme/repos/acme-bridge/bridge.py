"""acme-bridge: pushes acme orders into ACME Corp's ERP (prod-acme only).

GET  /health   200 {"status": "ok"}
GET  /status   how many orders were synced, and when
POST /sync     reads orders from $ORDERS_URL and sends the new ones to $ERP_URL

Standard library only. Listens on 127.0.0.1:$PORT (default 18084).
"""
import json
import os
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def to_erp_record(order):
    return {"external_id": f"acme-{order['id']}", "sku": order["item"], "qty": order["quantity"],
            "total": order["amount"]}


class Bridge:
    def __init__(self, orders_url, erp_url):
        self.orders_url, self.erp_url = orders_url, erp_url
        self.synced, self.last_sync = set(), None

    def sync(self):
        with urllib.request.urlopen(self.orders_url + "/orders", timeout=5) as response:
            fresh = [o for o in json.load(response) if o["id"] not in self.synced]
        records = [to_erp_record(order) for order in fresh]
        if records and self.erp_url:
            request = urllib.request.Request(self.erp_url, method="POST", data=json.dumps(records).encode())
            urllib.request.urlopen(request, timeout=5).close()
        self.synced.update(order["id"] for order in fresh)
        self.last_sync = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return len(records)


def make_handler(bridge):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                self._send(200, {"status": "ok"})
            elif self.path == "/status":
                self._send(200, {"synced": len(bridge.synced), "last_sync": bridge.last_sync})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/sync":
                self._send(404, {"error": "not found"})
                return
            try:
                self._send(200, {"sent": bridge.sync()})
            except (urllib.error.URLError, OSError) as error:
                self._send(502, {"error": str(error)})

        def log_message(self, fmt, *args):
            if os.environ.get("LOG_LEVEL", "info") == "debug":
                super().log_message(fmt, *args)

    return Handler


def serve(port, orders_url, erp_url):
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(Bridge(orders_url, erp_url)))


if __name__ == "__main__":
    server = serve(int(os.environ.get("PORT", "18084")),
                   os.environ.get("ORDERS_URL", "http://127.0.0.1:18081"), os.environ.get("ERP_URL", ""))
    print(f"acme-bridge listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
