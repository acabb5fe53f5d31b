"""billing: invoices for acme orders.

GET  /health          200 {"status": "ok"}
GET  /version         the deployed version (VERSION env or file)
GET  /invoices        every invoice
POST /invoices        {"order_id": ..., "amount": ...} -> the new invoice

Standard library only. Listens on 127.0.0.1:$PORT (default 18082).
"""
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CURRENCY = os.environ.get("CURRENCY", "EUR")


class Invoices:
    def __init__(self):
        self._lock = threading.Lock()
        self._items = []

    def add(self, order_id, amount):
        if not isinstance(amount, (int, float)) or amount <= 0:
            raise ValueError("amount must be a positive number")
        with self._lock:
            invoice = {"id": len(self._items) + 1, "order_id": order_id,
                       "amount": round(float(amount), 2), "currency": CURRENCY}
            self._items.append(invoice)
            return invoice

    def all(self):
        with self._lock:
            return list(self._items)


def version():
    if os.environ.get("VERSION"):
        return os.environ["VERSION"]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "VERSION")
    return open(path).read().strip() if os.path.exists(path) else "dev"


def make_handler(invoices):
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
            elif self.path == "/version":
                self._send(200, {"component": "billing", "version": version()})
            elif self.path == "/invoices":
                self._send(200, invoices.all())
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/invoices":
                self._send(404, {"error": "not found"})
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                self._send(201, invoices.add(body.get("order_id"), body.get("amount")))
            except (ValueError, json.JSONDecodeError) as error:
                self._send(400, {"error": str(error)})

        def log_message(self, fmt, *args):
            if os.environ.get("LOG_LEVEL", "info") == "debug":
                super().log_message(fmt, *args)

    return Handler


def serve(port):
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(Invoices()))


if __name__ == "__main__":
    server = serve(int(os.environ.get("PORT", "18082")))
    print(f"billing listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
