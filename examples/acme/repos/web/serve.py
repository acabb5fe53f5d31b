"""web: serves public/ on 127.0.0.1:$PORT (default 18080).

/health answers 200; /config.js tells the page where the orders API is
($ORDERS_URL) and which banner to show ($BANNER). Standard library only.
"""
import functools
import json
import os
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "public")


def config_script(orders_url, banner):
    return "window.ACME = " + json.dumps({"ordersUrl": orders_url, "banner": banner}) + ";\n"


class Handler(SimpleHTTPRequestHandler):
    def _send_text(self, body, content_type):
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            self._send_text('{"status": "ok"}', "application/json")
        elif self.path == "/config.js":
            self._send_text(config_script(os.environ.get("ORDERS_URL", "http://127.0.0.1:18081"),
                                          os.environ.get("BANNER", "acme")), "text/javascript")
        else:
            super().do_GET()

    def log_message(self, fmt, *args):
        if os.environ.get("LOG_LEVEL", "info") == "debug":
            super().log_message(fmt, *args)


def serve(port):
    return ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=ROOT))


if __name__ == "__main__":
    server = serve(int(os.environ.get("PORT", "18080")))
    print(f"web listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
