"""orders: order intake for acme; every new order is billed through billing.

GET  /health          200 {"status": "ok"}
GET  /version         the deployed version (VERSION env or file)
GET  /orders          every order
POST /orders          {"item": ..., "quantity": ..., "price": ...} -> the new order

Standard library only. Listens on 127.0.0.1:$PORT (default 18081); bills
through $BILLING_URL when set.
"""
import json
import os
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def total(quantity, price):
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValueError("quantity must be a positive integer")
    if not isinstance(price, (int, float)) or price < 0:
        raise ValueError("price must be a non-negative number")
    return round(quantity * price, 2)


class Orders:
    def __init__(self, billing_url=None):
        self._lock = threading.Lock()
        self._items = []
        self._billing_url = billing_url

    def add(self, item, quantity, price):
        if not item:
            raise ValueError("item is required")
        amount = total(quantity, price)
        with self._lock:
            order = {"id": len(self._items) + 1, "item": item, "quantity": quantity,
                     "amount": amount, "billed": False, "fulfilled": False}
            self._items.append(order)
        order["billed"] = self._bill(order)
        return order

    def fulfil(self, order_id):
        with self._lock:
            for order in self._items:
                if order["id"] == order_id:
                    order["fulfilled"] = True
                    return order
        return None

    def all(self):
        with self._lock:
            return [dict(order) for order in self._items]

    def _bill(self, order):
        if not self._billing_url:
            return False
        request = urllib.request.Request(
            self._billing_url + "/invoices", method="POST",
            data=json.dumps({"order_id": order["id"], "amount": order["amount"]}).encode())
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 201
        except (urllib.error.URLError, OSError):
            return False


def version():
    if os.environ.get("VERSION"):
        return os.environ["VERSION"]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "VERSION")
    return open(path).read().strip() if os.path.exists(path) else "dev"


def make_handler(orders):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self):
            length = int(self.headers.get("Content-Length", "0"))
            return json.loads(self.rfile.read(length) or b"{}")

        def do_GET(self):
            if self.path == "/health":
                self._send(200, {"status": "ok"})
            elif self.path == "/version":
                self._send(200, {"component": "orders", "version": version()})
            elif self.path == "/orders":
                self._send(200, orders.all())
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self):
            try:
                if self.path == "/orders":
                    body = self._body()
                    self._send(201, orders.add(body.get("item"), body.get("quantity"), body.get("price")))
                elif self.path.startswith("/orders/") and self.path.endswith("/fulfil"):
                    order = orders.fulfil(int(self.path.split("/")[2]))
                    self._send(200 if order else 404, order or {"error": "no such order"})
                else:
                    self._send(404, {"error": "not found"})
            except (ValueError, json.JSONDecodeError) as error:
                self._send(400, {"error": str(error)})

        def log_message(self, fmt, *args):
            if os.environ.get("LOG_LEVEL", "info") == "debug":
                super().log_message(fmt, *args)

    return Handler


def serve(port, billing_url=None):
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(Orders(billing_url)))


if __name__ == "__main__":
    server = serve(int(os.environ.get("PORT", "18081")), os.environ.get("BILLING_URL") or None)
    print(f"orders listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
