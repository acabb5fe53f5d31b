import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import worker  # noqa: E402


class WorkerTest(unittest.TestCase):
    def test_pending_skips_fulfilled_orders(self):
        orders = [{"id": 1, "fulfilled": True}, {"id": 2, "fulfilled": False}, {"id": 3}]
        self.assertEqual([o["id"] for o in worker.pending(orders)], [2, 3])

    def test_health_listener_accepts_connections(self):
        sock = worker.health_listener(0)
        try:
            port = sock.getsockname()[1]
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        finally:
            sock.close()


if __name__ == "__main__":
    unittest.main()
