# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from .common import SerialLifecycleCommon


class TestBatchExpiry(SerialLifecycleCommon):
    def test_receive_batch_with_expiry(self):
        picking = self._picking(
            self.warehouse.in_type_id,
            self.suppliers,
            self.stock,
            self.batch_product,
            8,
            partner=self.vendor,
        )
        expiry = datetime(2027, 3, 31, 12, 0, 0)
        self._set_lines(
            picking,
            [
                {"lot_name": "ROLL-A", "quantity": 5, "expiration_date": expiry},
                {"lot_name": "ROLL-B", "quantity": 3},
            ],
        )
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        roll_a = self.env["stock.lot"].search([("name", "=", "ROLL-A")])
        roll_b = self.env["stock.lot"].search([("name", "=", "ROLL-B")])
        self.assertEqual(roll_a.product_qty, 5)
        self.assertEqual(roll_b.product_qty, 3)
        self.assertEqual(roll_a.expiration_date, expiry)
        # ROLL-B gets the product's default expiry (30 days after receipt)
        self.assertTrue(roll_b.expiration_date)
        self.assertEqual(roll_a.supplier_id, self.vendor)
        self.env.invalidate_all()
        self.assertEqual(roll_a.history_move_line_ids.expiration_date, expiry)
        # and the history view shows it
        arch = self.env["stock.lot"].get_view(
            self.env.ref("stock.view_production_lot_form").id, "form"
        )["arch"]
        history = arch[arch.index('name="history_move_line_ids"') :]
        self.assertIn('name="expiration_date"', history)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "serial_procurement.action_report_serial_history", roll_a.ids
            )[0]
            .decode()
        )
        self.assertIn("ROLL-A", html)
        self.assertIn("Expiration", html)
        self.assertIn("2027", html)
