# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFlowTour(HttpCase):
    """Click through quotation -> ticket -> deposit -> purchase order ->
    receipt with two pasted serials -> invoice, in a real browser."""

    def test_flow_tour(self):
        self.env.company.serial_deposit_enabled = True
        vendor = self.env["res.partner"].create({"name": "Tour Vendor"})
        customer = self.env["res.partner"].create({"name": "Tour Customer"})
        product = self.env["product.product"].create(
            {
                "name": "Managed Firewall FW-200",
                "is_storable": True,
                "tracking": "serial",
                "invoice_policy": "order",
                "list_price": 1200.0,
                "taxes_id": [Command.clear()],
                "seller_ids": [
                    Command.create({"partner_id": vendor.id, "price": 800.0})
                ],
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 2})
                ],
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations/{order.id}",
            "serial_procurement_flow_tour",
            login="admin",
            timeout=180,
        )
        ticket = order.ticket_id
        self.assertEqual(
            sorted(ticket.lot_ids.mapped("name")), ["TOUR-FW-1", "TOUR-FW-2"]
        )
        self.assertEqual(ticket.billing_status, "invoiced")
        final = ticket.invoice_ids - ticket.deposit_invoice_ids
        self.assertAlmostEqual(final.amount_total, 1400.0)
        self.assertEqual(final.invoice_line_ids.lot_ids, ticket.lot_ids)
