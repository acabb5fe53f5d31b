import json
import os
import sys
import threading
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import app  # noqa: E402


class BillingTest(unittest.TestCase):
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

    def test_creates_and_lists_invoices(self):
        request = urllib.request.Request(self.url + "/invoices", method="POST",
                                         data=json.dumps({"order_id": 7, "amount": 12.5}).encode())
        with urllib.request.urlopen(request) as response:
            self.assertEqual(response.status, 201)
        with urllib.request.urlopen(self.url + "/invoices") as response:
            self.assertEqual(json.load(response)[0]["order_id"], 7)

    def test_rejects_negative_amounts(self):
        with self.assertRaises(ValueError):
            app.Invoices().add(1, -3)


if __name__ == "__main__":
    unittest.main()
