# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import SerialAfterSaleCommon


class TestWarranty(SerialAfterSaleCommon):
    """Warranty on the serial: computed from receipt and sale, stored,
    searchable, editable by a manager only, shown in history and enquiry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-01-10 10:00:00"):
            cls.lots = cls._receive_serials(["W-1", "W-2"])
        with freeze_time("2026-02-01 10:00:00"):
            cls._deliver_serials(cls.lots[:1])

    def test_vendor_warranty_from_receipt_date(self):
        for lot in self.lots:
            self.assertEqual(lot.serial_received_date, date(2026, 1, 10))
            self.assertEqual(lot.vendor_warranty_end, date(2028, 1, 10))

    def test_customer_warranty_from_delivery_date(self):
        sold, unsold = self.lots
        self.assertEqual(sold.serial_sold_date, date(2026, 2, 1))
        self.assertEqual(sold.customer_warranty_end, date(2027, 2, 1))
        self.assertEqual(sold.delivered_partner_id, self.customer)
        self.assertTrue(sold.serial_at_customer)
        self.assertFalse(unsold.serial_sold_date)
        self.assertFalse(unsold.customer_warranty_end)
        self.assertFalse(unsold.delivered_partner_id)

    def test_customer_warranty_from_earlier_invoice(self):
        unsold = self.lots[1]
        invoice = self._invoice(self.product, 1, lots=unsold)
        invoice.invoice_date = date(2026, 3, 5)
        invoice.action_post()
        self.assertIn(unsold, invoice.invoice_line_ids.lot_ids)
        self.assertEqual(unsold.serial_sold_date, date(2026, 3, 5))
        self.assertEqual(unsold.customer_warranty_end, date(2027, 3, 5))
        with freeze_time("2026-04-01 10:00:00"):
            self._deliver_serials(unsold)
        # the invoice came first: the warranty still starts on its date
        self.assertEqual(unsold.customer_warranty_end, date(2027, 3, 5))

    def test_product_durations_recompute_the_ends(self):
        self.product.write(
            {"vendor_warranty_months": 36, "customer_warranty_months": 0}
        )
        self.assertEqual(self.lots[0].vendor_warranty_end, date(2029, 1, 10))
        self.assertFalse(self.lots[0].customer_warranty_end)

    def test_warranty_state_and_stored_filters(self):
        sold = self.lots[0]
        with freeze_time("2026-06-01"):
            sold.invalidate_recordset(["warranty_state", "vendor_warranty_state"])
            self.assertEqual(sold.warranty_state, "under")
            self.assertEqual(sold.vendor_warranty_state, "under")
            self.assertEqual(self.lots[1].warranty_state, "none")
        with freeze_time("2027-06-01"):
            sold.invalidate_recordset(["warranty_state", "vendor_warranty_state"])
            self.assertEqual(sold.warranty_state, "expired")
            self.assertEqual(sold.vendor_warranty_state, "under")
        lots = self.env["stock.lot"]
        view = self.env.ref("serial_procurement.stock_lot_view_search_after_sale")
        for name in ("under_warranty", "warranty_expired"):
            self.assertIn(f'name="{name}"', view.arch_db)
        under = lots.search(
            [("id", "in", self.lots.ids), ("customer_warranty_end", ">=", "2026-06-01")]
        )
        expired = lots.search(
            [("id", "in", self.lots.ids), ("customer_warranty_end", "<", "2027-06-01")]
        )
        self.assertEqual(under, sold)
        self.assertEqual(expired, sold)
        self.assertTrue(self.lots._fields["customer_warranty_end"].store)
        self.assertTrue(self.lots._fields["vendor_warranty_end"].store)

    def test_manager_change_is_tracked_and_kept(self):
        # serials created in this transaction are not tracked: start afresh
        self.env.flush_all()
        self.env.cr.precommit.run()
        lot = self.lots[0].with_user(self.manager).with_context(tracking_disable=False)
        lot.customer_warranty_end = date(2028, 2, 1)
        self.env.flush_all()
        self.env.cr.precommit.run()  # mail tracking values are written here
        self.assertTrue(lot.customer_warranty_manual)
        tracked = lot.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "customer_warranty_end"
        )
        self.assertTrue(tracked, "the change is tracked in the chatter")
        # a new movement or a new duration does not overwrite the manual end
        self.product.customer_warranty_months = 6
        self.assertEqual(lot.customer_warranty_end, date(2028, 2, 1))
        lot.action_reset_warranty()
        self.assertFalse(lot.customer_warranty_manual)
        self.assertEqual(lot.customer_warranty_end, date(2026, 8, 1))

    def test_user_cannot_change_warranty(self):
        lot = self.lots[0].with_user(self.user)
        with self.assertRaisesRegex(UserError, "Only a Serial Procurement Manager"):
            lot.write({"customer_warranty_end": date(2030, 1, 1)})
        self.assertEqual(self.lots[0].customer_warranty_end, date(2027, 2, 1))
        with self.assertRaisesRegex(UserError, "Only a Serial Procurement Manager"):
            lot.action_reset_warranty()

    def test_manager_edits_on_the_form(self):
        with Form(self.lots[0].with_user(self.manager)) as form:
            form.vendor_warranty_end = date(2030, 1, 10)
        self.assertEqual(self.lots[0].vendor_warranty_end, date(2030, 1, 10))
        self.assertTrue(self.lots[0].vendor_warranty_manual)

    def test_history_report_shows_warranty(self):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_procurement.action_report_serial_history", self.lots[:1].ids
        )
        html = html.decode()
        for label in ("Vendor Warranty End", "Customer Warranty End", "Delivered To"):
            self.assertIn(label, html)
        self.assertIn("Lifecycle Customer", html)

    def test_serial_form_and_enquiry_show_warranty(self):
        form_arch = self.env["stock.lot"].get_view(view_type="form")["arch"]
        for field in ("vendor_warranty_end", "customer_warranty_end", "warranty_state"):
            self.assertIn(f'name="{field}"', form_arch)
        enquiry = self.env.ref("serial_procurement.stock_lot_action_enquiry")
        lots = self.env["stock.lot"]
        list_arch = lots.get_view(
            self.env.ref("serial_procurement.stock_lot_view_tree_enquiry").id, "list"
        )["arch"]
        search_arch = lots.get_view(enquiry.search_view_id.id, "search")["arch"]
        self.assertIn('name="customer_warranty_end"', list_arch)
        self.assertIn('name="under_warranty"', search_arch)
        self.assertIn('name="warranty_expired"', search_arch)

    def test_product_durations_cannot_be_negative(self):
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.product.product_tmpl_id.write({"vendor_warranty_months": -1})
            self.product.product_tmpl_id.flush_recordset()
        self.assertEqual(self.product.vendor_warranty_months, 24)
