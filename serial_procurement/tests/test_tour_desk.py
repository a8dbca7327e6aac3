# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDeskTours(HttpCase):
    """Issue #22 in a real browser: the Procurement queue ordered per vendor,
    the distributor's shipment file imported onto the receipt."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.serial_deposit_enabled = False
        cls.vendor = cls.env["res.partner"].create({"name": "Tour Vendor"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Tour Firewall",
                "default_code": "TOUR-FW",
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
        cls.tickets = cls.env["helpdesk.ticket"]
        for name in ("Tour Customer A", "Tour Customer B"):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.env["res.partner"].create({"name": name}).id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )
            cls.tickets |= cls.env["helpdesk.ticket"].browse(
                order.action_create_ticket()["res_id"]
            )

    def test_queue_tour(self):
        self.start_tour(
            "/odoo/action-serial_procurement.sale_order_line_procurement_action",
            "serial_procurement_desk_queue_tour",
            login="admin",
            timeout=180,
        )
        rfq = self.env["purchase.order"].search(
            [("serial_desk", "=", True), ("partner_id", "=", self.vendor.id)]
        )
        self.assertEqual(len(rfq), 1)
        self.assertEqual(rfq.order_line.ticket_id, self.tickets)

    def test_import_tour(self):
        self.tickets.sale_order_id.order_line.action_serial_order()
        rfq = self.tickets.purchase_order_ids
        rfq.button_confirm()
        receipt = rfq.picking_ids
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "serial_procurement_desk_import_tour",
            login="admin",
            timeout=180,
        )
        lines = receipt.move_line_ids.filtered("lot_name")
        self.assertEqual(sorted(lines.mapped("lot_name")), ["ASN-T1", "ASN-T2"])
        self.assertEqual(lines.ticket_id, self.tickets)
        self.assertEqual(
            lines.filtered(lambda ml: ml.lot_name == "ASN-T1").serial_lot_ref,
            "00:11:22:33:44:55",
        )
