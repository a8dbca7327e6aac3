# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCockpitTours(HttpCase):
    """Issue #11 in a real browser: a sale from stock, and the serial entry
    dialog (live counter, duplicate warning, progress on the receipt line)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.serial_deposit_enabled = False
        cls.vendor = cls.env["res.partner"].create({"name": "Tour Vendor"})
        cls.customer = cls.env["res.partner"].create({"name": "Tour Customer"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Managed Firewall FW-200",
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
        action = order.action_create_ticket()
        return order, self.env["helpdesk.ticket"].browse(action["res_id"])

    def test_stock_sale_tour(self):
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        for name in ("STOCK-T1", "STOCK-T2"):
            lot = self.env["stock.lot"].create(
                {"name": name, "product_id": self.product.id}
            )
            self.env["stock.quant"]._update_available_quantity(
                self.product, stock, 1, lot_id=lot
            )
        order, ticket = self._ticket(1)
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "serial_procurement_stock_sale_tour",
            login="admin",
            timeout=180,
        )
        self.assertFalse(ticket.purchase_order_ids, "nothing bought")
        self.assertEqual(ticket.lot_ids.mapped("name"), ["STOCK-T2"])
        delivery = order.picking_ids
        self.assertEqual(delivery.move_line_ids.lot_id, ticket.lot_ids)
        self.assertEqual(ticket.billing_status, "invoiced")
        self.assertEqual(ticket.invoice_ids.invoice_line_ids.lot_ids, ticket.lot_ids)

    def test_serial_entry_tour(self):
        _order, ticket = self._ticket(2)
        ticket.action_create_purchase_orders()
        purchase = ticket.purchase_order_ids
        purchase.button_confirm()
        receipt = purchase.picking_ids
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "serial_procurement_serial_entry_tour",
            login="admin",
            timeout=120,
        )
        self.assertEqual(
            sorted(receipt.move_line_ids.mapped("lot_name")), ["ENTRY-1", "ENTRY-2"]
        )
        self.assertEqual(receipt.move_line_ids.ticket_id, ticket)
        self.assertEqual(receipt.move_ids.state, "assigned")
