# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from .common import SerialLifecycleCommon


class TestRequiredFlags(SerialLifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._adjust_in(cls.product, ["R-001", "R-002"])
        cls.out_type = cls.warehouse.out_type_id

    def _delivery(self):
        return self._picking(self.out_type, self.stock, self.customers, self.product, 2)

    def test_flags_follow_serial_tracking(self):
        self.assertTrue(self.product.serial_required_sale)
        self.assertTrue(self.product.serial_required_purchase)

    # ------------------------------------------------------------ receipts

    def test_receipt_without_serial_refused(self):
        picking = self._picking(
            self.warehouse.in_type_id,
            self.suppliers,
            self.stock,
            self.product,
            2,
            partner=self.vendor,
        )
        self._set_lines(picking, [{"lot_name": "IN-1", "quantity": 1}, {"quantity": 1}])
        with self.assertRaisesRegex(UserError, "required for purchase"):
            picking._action_done()
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "IN-1")]))

    # ---------------------------------------------------------- deliveries

    def test_delivery_without_serial_refused(self):
        picking = self._delivery()
        self._set_lines(
            picking, [{"lot_id": self.lots[0].id, "quantity": 1}, {"quantity": 1}]
        )
        with self.assertRaisesRegex(UserError, "required for sales on every unit"):
            picking._action_done()
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(self.product.qty_available, 2)

    def test_delivery_with_serials_validated(self):
        picking = self._delivery()
        self._set_lines(
            picking,
            [
                {"lot_id": self.lots[0].id, "quantity": 1},
                {"lot_id": self.lots[1].id, "quantity": 1},
            ],
        )
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.product.qty_available, 0)

    def test_delivery_never_received_serial_by_manager(self):
        picking = self._delivery()
        self._set_lines(
            picking,
            [
                {"lot_id": self.lots[0].id, "quantity": 1},
                {"lot_name": "GHOST-1", "quantity": 1},
            ],
        )
        picking.with_user(self.manager)._action_done()
        self.assertEqual(picking.state, "done")
        ghost = self.env["stock.lot"].search([("name", "=", "GHOST-1")])
        self.assertEqual(len(ghost), 1)
        self.assertTrue(ghost.needs_review)
        self.assertEqual(picking.move_line_ids.lot_id, self.lots[0] | ghost)

    def test_delivery_never_received_serial_by_user_refused(self):
        picking = self._delivery()
        self._set_lines(
            picking,
            [
                {"lot_id": self.lots[0].id, "quantity": 1},
                {"lot_name": "GHOST-2", "quantity": 1},
            ],
        )
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, "Only a Serial Procurement Manager"):
            picking.with_user(self.user)._action_done()
        self.assertEqual(self._lot_count(), count)
        self.assertNotEqual(picking.state, "done")

    # ------------------------------------------------------------ invoices

    def test_invoice_without_serials_refused(self):
        invoice = self._invoice(self.product, 2)
        with self.assertRaisesRegex(UserError, "2.0 unit\\(s\\) invoiced, 0 serial"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_invoice_with_too_few_serials_refused(self):
        invoice = self._invoice(self.product, 2, lots=self.lots[0])
        with self.assertRaisesRegex(UserError, "1 serial"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_invoice_with_serials_posted(self):
        invoice = self._invoice(self.product, 2, lots=self.lots)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self.lots.invoice_ids, invoice)

    def test_invoice_untracked_product_not_checked(self):
        invoice = self._invoice(self.plain_product, 3)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_invoice_never_received_serial_by_manager(self):
        invoice = self._invoice(
            self.product, 2, lots=self.lots[0], new_serial_names="NEW-77"
        )
        invoice.with_user(self.manager).action_post()
        self.assertEqual(invoice.state, "posted")
        new_lot = self.env["stock.lot"].search([("name", "=", "NEW-77")])
        self.assertTrue(new_lot.needs_review)
        line = invoice.invoice_line_ids
        self.assertEqual(line.lot_ids, self.lots[0] | new_lot)
        self.assertFalse(line.new_serial_names)
        # an existing serial typed in the box is linked, not duplicated
        invoice2 = self._invoice(self.product, 1, new_serial_names="R-002")
        invoice2.with_user(self.manager).action_post()
        self.assertEqual(invoice2.invoice_line_ids.lot_ids, self.lots[1])
        self.assertFalse(self.lots[1].needs_review)

    def test_invoice_never_received_serial_by_user_refused(self):
        invoice = self._invoice(
            self.product, 2, lots=self.lots[0], new_serial_names="NEW-88"
        )
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, "Only a Serial Procurement Manager"):
            invoice.with_user(self.user).action_post()
        self.assertEqual(self._lot_count(), count)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.invoice_line_ids.lot_ids, self.lots[0])

    def test_invoice_new_serials_duplicate_refused(self):
        invoice = self._invoice(self.product, 2, new_serial_names="D-1, D-1")
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, "entered twice"):
            invoice.with_user(self.manager).action_post()
        self.assertEqual(self._lot_count(), count)

    # ---------------------------------------------------- serials to review

    def test_clear_review(self):
        ghost = (
            self.env["stock.lot"]
            .with_user(self.manager)
            ._serial_create_on_transaction(self.product, ["GHOST-9"])
        )
        action = self.env.ref("serial_procurement.stock_lot_action_to_investigate")
        domain = safe_eval(action.domain)
        self.assertIn(ghost, self.env["stock.lot"].search(domain))
        with self.assertRaisesRegex(UserError, "Only a Serial Procurement Manager"):
            ghost.with_user(self.user).action_clear_review()
        self.assertTrue(ghost.needs_review)
        ghost.with_user(self.manager).action_clear_review()
        self.assertFalse(ghost.needs_review)
        self.assertNotIn(ghost, self.env["stock.lot"].search(domain))

    def test_create_on_transaction_by_user_refused(self):
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, "never received"):
            self.env["stock.lot"].with_user(self.user)._serial_create_on_transaction(
                self.product, ["GHOST-10"]
            )
        self.assertEqual(self._lot_count(), count)

    # -------------------------------------------------------------- scraps

    def _scrap(self, **vals):
        return self.env["stock.scrap"].create(
            {
                "product_id": self.product.id,
                "location_id": self.stock.id,
                "scrap_qty": 1,
                **vals,
            }
        )

    def test_scrap_never_received_serial_by_manager(self):
        scrap = self._scrap(new_serial_name="GHOST-S1")
        scrap.with_user(self.manager).action_validate()
        ghost = self.env["stock.lot"].search([("name", "=", "GHOST-S1")])
        self.assertTrue(ghost.needs_review)
        self.assertEqual(scrap.lot_id, ghost)
        scrap.do_scrap()  # confirmed despite no stock for it
        self.assertEqual(scrap.state, "done")

    def test_scrap_never_received_serial_by_user_refused(self):
        scrap = self._scrap(new_serial_name="GHOST-S2")
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, "Only a Serial Procurement Manager"):
            scrap.with_user(self.user).action_validate()
        self.assertEqual(self._lot_count(), count)
        self.assertEqual(scrap.state, "draft")
        self.assertFalse(scrap.lot_id)

    def test_scrap_existing_serial_typed(self):
        scrap = self._scrap(new_serial_name="R-001")
        scrap.with_user(self.user).action_validate()
        self.assertEqual(scrap.lot_id, self.lots[0])
        self.assertEqual(scrap.state, "done")
        self.assertFalse(self.lots[0].needs_review)
