import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import bridge  # noqa: E402


class BridgeTest(unittest.TestCase):
    def test_maps_an_order_to_an_erp_record(self):
        record = bridge.to_erp_record({"id": 4, "item": "anvil", "quantity": 2, "amount": 19.0})
        self.assertEqual(record, {"external_id": "acme-4", "sku": "anvil", "qty": 2, "total": 19.0})


if __name__ == "__main__":
    unittest.main()
