import json
import os
import sys
import threading
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import app  # noqa: E402


class OrdersTest(unittest.TestCase):
    def setUp(self):
        self.server = app.serve(0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_health_is_ok(self):
        with urllib.request.urlopen(self.url + "/health") as response:
            self.assertEqual(response.status, 200)

    def test_creates_an_order_with_its_total(self):
        request = urllib.request.Request(self.url + "/orders", method="POST",
                                         data=json.dumps({"item": "anvil", "quantity": 3, "price": 9.5}).encode())
        with urllib.request.urlopen(request) as response:
            order = json.load(response)
        self.assertEqual(order["amount"], 28.5)
        self.assertFalse(order["billed"])  # no billing service in this test

    def test_total_rejects_zero_quantity(self):
        with self.assertRaises(ValueError):
            app.total(0, 1.0)


if __name__ == "__main__":
    unittest.main()
