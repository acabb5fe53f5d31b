"""worker: the fulfilment loop of acme.

Every $INTERVAL_SECONDS it asks orders ($ORDERS_URL) for unfulfilled orders
and marks them fulfilled. It listens on 127.0.0.1:$PORT only so that a TCP
health check can see it is alive.
"""
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request


def pending(orders):
    return [order for order in orders if not order.get("fulfilled")]


def fulfil_once(orders_url):
    """Fulfils every pending order; returns how many were fulfilled."""
    with urllib.request.urlopen(orders_url + "/orders", timeout=5) as response:
        todo = pending(json.load(response))
    for order in todo:
        request = urllib.request.Request(f"{orders_url}/orders/{order['id']}/fulfil", method="POST", data=b"")
        urllib.request.urlopen(request, timeout=5).close()
    return len(todo)


def health_listener(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(16)

    def accept():
        # Ends when the socket is closed; a traceback from a daemon thread at
        # interpreter shutdown would abort the process.
        while True:
            try:
                connection, _ = sock.accept()
            except OSError:
                return
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    return sock


def main():
    port = int(os.environ.get("PORT", "18083"))
    orders_url = os.environ.get("ORDERS_URL", "http://127.0.0.1:18081")
    interval = float(os.environ.get("INTERVAL_SECONDS", "5"))
    health_listener(port)
    print(f"worker alive on {port}, polling {orders_url} every {interval}s", flush=True)
    while True:
        try:
            done = fulfil_once(orders_url)
            if done:
                print(f"fulfilled {done} order(s)", flush=True)
        except (urllib.error.URLError, OSError, ValueError) as error:
            print(f"orders unreachable: {error}", flush=True)
        time.sleep(interval)


if __name__ == "__main__":
    main()
