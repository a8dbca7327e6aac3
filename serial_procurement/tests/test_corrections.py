# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError

from .common import SerialLifecycleCommon


class TestCorrections(SerialLifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Router for Lifecycle",
                "description": "x",
                "partner_id": cls.customer.id,
            }
        )

    # ------------------------------------------------------------- rename

    def test_rename_logged(self):
        lot = self._adjust_in(self.product, ["C-01"])
        lot.name = "C-10"
        self.assertEqual(lot.name, "C-10")
        self.assertTrue(
            lot.message_ids.filtered(
                lambda m: "C-01" in (m.body or "") and "C-10" in (m.body or "")
            )
        )

    def test_rename_refused_on_posted_invoice(self):
        lot = self._adjust_in(self.product, ["C-02"])
        invoice = self._invoice(self.product, 1, lots=lot)
        lot.name = "C-02b"  # draft invoice: still allowed
        invoice.action_post()
        with self.assertRaisesRegex(UserError, "posted invoice"):
            lot.name = "C-20"
        self.assertEqual(lot.name, "C-02b")

    def test_rename_refused_for_stock_user_without_invoice_access(self):
        from odoo.tests import new_test_user

        stock_user = new_test_user(
            self.env,
            login="sp_stock_only",
            groups="stock.group_stock_user,stock.group_production_lot",
        )
        lot = self._adjust_in(self.product, ["C-12"])
        self._invoice(self.product, 1, lots=lot).action_post()
        with self.assertRaisesRegex(UserError, "posted invoice"):
            lot.with_user(stock_user).name = "C-21"
        self.assertEqual(lot.name, "C-12")

    # ------------------------------------------------------------- unlink

    def test_unlink_without_moves(self):
        lot = self.env["stock.lot"].create(
            {
                "name": "C-03",
                "product_id": self.product.id,
                "company_id": self.company.id,
            }
        )
        lot.unlink()
        self.assertFalse(lot.exists())

    def test_unlink_refused_with_moves(self):
        lot = self._adjust_in(self.product, ["C-04"])
        ref = self.env["stock.move.line"].search([("lot_id", "=", lot.id)]).reference
        with self.assertRaisesRegex(
            UserError, "cannot be deleted.*stock moves"
        ) as catcher:
            lot.unlink()
        self.assertIn(ref, str(catcher.exception))
        self.assertTrue(lot.exists())

    # ------------------------------------------------------ correct serial

    def _wizard(self, lot, new_name, user=None):
        Wizard = self.env["serial.procurement.correct.serial.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        return Wizard.create({"lot_id": lot.id, "new_name": new_name})

    def test_correct_serial(self):
        wrong = self._adjust_in(self.product, ["C-05"], location=self.shelf)
        wrong.write(
            {
                "ticket_id": self.ticket.id,
                "customer_id": self.customer.id,
                "supplier_id": self.vendor.id,
            }
        )
        wizard = self._wizard(wrong, "C-50", user=self.manager)
        self.assertEqual(wizard.location_id, self.shelf)
        wizard.action_correct()
        right = self.env["stock.lot"].search([("name", "=", "C-50")])
        self.assertEqual(len(right), 1)
        self.assertEqual(right.ticket_id, self.ticket)
        self.assertEqual(right.customer_id, self.customer)
        self.assertEqual(right.supplier_id, self.vendor)
        self.assertEqual(
            self.product.with_context(location=self.shelf.id).qty_available, 1
        )
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.product, self.shelf, lot_id=right, strict=True
            ),
            1,
        )
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.product, self.shelf, lot_id=wrong, strict=True
            ),
            0,
        )
        scrap = self.env["stock.scrap"].search([("lot_id", "=", wrong.id)])
        self.assertEqual(scrap.state, "done")
        # both keep their history
        self.env.invalidate_all()
        self.assertEqual(len(wrong.history_move_line_ids), 2)
        self.assertEqual(len(right.history_move_line_ids), 1)
        self.assertTrue(wrong.message_ids.filtered(lambda m: "C-50" in (m.body or "")))
        self.assertTrue(right.message_ids.filtered(lambda m: "C-05" in (m.body or "")))

    def test_correct_serial_existing_name_refused(self):
        wrong, other = self._adjust_in(self.product, ["C-06", "C-07"])
        lots = self._lot_count()
        scraps = self.env["stock.scrap"].search_count([])
        with self.assertRaisesRegex(UserError, "already exists"):
            self._wizard(wrong, "C-07", user=self.manager).action_correct()
        self.assertEqual(self._lot_count(), lots)
        self.assertEqual(self.env["stock.scrap"].search_count([]), scraps)
        self.assertEqual(self.product.qty_available, 2)

    def test_correct_serial_not_on_hand_refused(self):
        wrong = self.env["stock.lot"].create(
            {
                "name": "C-08",
                "product_id": self.product.id,
                "company_id": self.company.id,
            }
        )
        lots = self._lot_count()
        with self.assertRaisesRegex(UserError, "not on hand"):
            self._wizard(wrong, "C-80", user=self.manager).action_correct()
        self.assertEqual(self._lot_count(), lots)

    def test_correct_serial_by_user_refused(self):
        wrong = self._adjust_in(self.product, ["C-09"])
        lots = self._lot_count()
        with self.assertRaisesRegex(UserError, "Only a Serial Procurement Manager"):
            self._wizard(wrong, "C-90").with_user(self.user).action_correct()
        self.assertEqual(self._lot_count(), lots)
        self.assertEqual(self.product.qty_available, 1)
