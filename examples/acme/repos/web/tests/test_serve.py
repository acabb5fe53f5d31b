import os
import sys
import threading
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import serve  # noqa: E402


class WebTest(unittest.TestCase):
    def setUp(self):
        self.server = serve.serve(0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_health_and_index(self):
        with urllib.request.urlopen(self.url + "/health") as response:
            self.assertEqual(response.status, 200)
        with urllib.request.urlopen(self.url + "/") as response:
            self.assertIn(b"app.js", response.read())

    def test_config_names_the_orders_api(self):
        self.assertIn('"ordersUrl": "http://x"', serve.config_script("http://x", "b"))


if __name__ == "__main__":
    unittest.main()
