# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestScreenTours(HttpCase):
    """Issue #21 in a real browser: the deposit taken without its payment, the
    count sheet round trip, the Serial Enquiry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.serial_deposit_enabled = True
        cls.vendor = cls.env["res.partner"].create({"name": "Tour Vendor"})
        cls.customer = cls.env["res.partner"].create({"name": "Tour Customer"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Managed Firewall FW-200",
                "default_code": "FW-200",
                "is_storable": True,
                "tracking": "serial",
                "invoice_policy": "order",
                "list_price": 1200.0,
                "taxes_id": [Command.clear()],
                "seller_ids": [
                    Command.create({"partner_id": cls.vendor.id, "price": 800.0})
                ],
            }
        )

    def _ticket(self, qty):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": qty}
                    )
                ],
            }
        )
        order.action_confirm()
        action = order.action_create_ticket()
        return order, self.env["helpdesk.ticket"].browse(action["res_id"])

    def test_deposit_without_payment_tour(self):
        _order, ticket = self._ticket(2)
        self.start_tour(
            f"/odoo/helpdesk.ticket/{ticket.id}",
            "serial_procurement_deposit_tour",
            login="admin",
            timeout=120,
        )
        deposit = ticket.deposit_invoice_ids
        self.assertEqual(len(deposit), 1)
        self.assertEqual(deposit.state, "posted")
        self.assertAlmostEqual(deposit.amount_total, 1200.0)
        self.assertEqual(deposit.payment_state, "not_paid", "left open")
        self.assertFalse(deposit.matched_payment_ids)

    def test_count_sheet_round_trip_tour(self):
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        old = self.env["stock.lot"].create(
            {"name": "CS-OLD", "product_id": self.product.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product, stock, 1, lot_id=old
        )
        self.start_tour(
            "/odoo/inventory",
            "serial_procurement_count_sheet_tour",
            login="admin",
            timeout=120,
        )
        self.env.invalidate_all()
        self.assertFalse(
            old.quant_ids.filtered(
                lambda q: q.quantity > 0 and q.location_id.usage == "internal"
            ),
            [(q.location_id.complete_name, q.quantity) for q in old.quant_ids],
        )
        new = self.env["stock.lot"].search([("name", "=", "CS-NEW")])
        on_hand = new.quant_ids.filtered(
            lambda q: q.quantity > 0 and q.location_id.usage == "internal"
        )
        self.assertEqual(on_hand.location_id, stock)
        exported = self.env["ir.attachment"].search(
            [("res_model", "=", "serial.procurement.count.sheet.wizard")]
        )
        self.assertTrue(exported, "Export made a download")

    def test_enquiry_tour(self):
        customer = self.env["res.partner"].create({"name": "Enquiry Customer"})
        self.env["stock.lot"].create(
            [
                {
                    "name": "ENQ-TOUR-1",
                    "product_id": self.product.id,
                    "customer_id": customer.id,
                },
                {"name": "ENQ-TOUR-2", "product_id": self.product.id},
            ]
        )
        self.start_tour(
            "/odoo/action-serial_procurement.stock_lot_action_enquiry",
            "serial_procurement_enquiry_tour",
            login="admin",
            timeout=120,
        )
