# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError

from .common import SerialLifecycleCommon


class TestTrackingConversion(SerialLifecycleCommon):
    def _messages(self, template):
        return template.message_ids.filtered(
            lambda m: "tracking changed" in (m.body or "")
        )

    def test_change_refused_with_stock_on_hand(self):
        self._adjust_in(self.product, ["T-1"], location=self.stock)
        self._adjust_in(self.product, ["T-2"], location=self.shelf)
        tmpl = self.product.product_tmpl_id
        with self.assertRaisesRegex(UserError, "2.0 Units on hand in") as catcher:
            tmpl.tracking = "lot"
        self.assertIn(self.stock.complete_name, str(catcher.exception))
        self.assertIn(self.shelf.complete_name, str(catcher.exception))
        self.assertEqual(tmpl.tracking, "serial")
        self.assertFalse(self._messages(tmpl))

    def test_serial_to_lot_at_zero_stock_logged(self):
        tmpl = self.product.product_tmpl_id
        lots = self._adjust_in(self.product, ["T-3"])
        # write it off: zero stock again, but done moves exist
        quant = lots.quant_ids.filtered(lambda q: q.location_id == self.stock)
        quant.with_context(inventory_mode=True).inventory_quantity = 0
        quant._apply_inventory()
        self.assertEqual(self.product.qty_available, 0)
        tmpl.with_context(tracking_disable=False).tracking = "lot"
        self.assertEqual(tmpl.tracking, "lot")
        message = self._messages(tmpl)
        self.assertEqual(len(message), 1)
        self.assertIn("By Unique Serial Number", message.body)
        self.assertIn("By Lots", message.body)

    def test_to_untracked_refused_after_done_moves(self):
        tmpl = self.product.product_tmpl_id
        lots = self._adjust_in(self.product, ["T-4"])
        quant = lots.quant_ids.filtered(lambda q: q.location_id == self.stock)
        quant.with_context(inventory_mode=True).inventory_quantity = 0
        quant._apply_inventory()
        with self.assertRaisesRegex(UserError, "tracking cannot be removed"):
            tmpl.tracking = "none"
        self.assertEqual(tmpl.tracking, "serial")
        self.assertFalse(self._messages(tmpl))

    def test_to_untracked_allowed_without_moves(self):
        tmpl = self.batch_product.product_tmpl_id
        tmpl.tracking = "none"
        self.assertEqual(tmpl.tracking, "none")
        self.assertEqual(len(self._messages(tmpl)), 1)

    def test_untracked_to_serial_at_zero_stock(self):
        tmpl = self.plain_product.product_tmpl_id
        tmpl.tracking = "serial"
        self.assertEqual(tmpl.tracking, "serial")
        self.assertTrue(tmpl.serial_required_sale)
        self.assertEqual(len(self._messages(tmpl)), 1)

    def test_untracked_to_serial_refused_with_stock(self):
        self.env["stock.quant"]._update_available_quantity(
            self.plain_product, self.shelf, 5
        )
        tmpl = self.plain_product.product_tmpl_id
        with self.assertRaisesRegex(UserError, "5.0 Units on hand in .*Shelf 1"):
            tmpl.tracking = "serial"
        self.assertEqual(tmpl.tracking, "none")

    def test_same_tracking_write_is_silent(self):
        tmpl = self.product.product_tmpl_id
        self._adjust_in(self.product, ["T-5"])
        tmpl.write({"tracking": "serial", "name": "Serial Router 2"})
        self.assertEqual(tmpl.name, "Serial Router 2")
        self.assertFalse(self._messages(tmpl))
