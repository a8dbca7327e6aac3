# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestTicketMaterials(SerialProcurementCase):
    """Seed 001: serials used on a job (here a ticket) without a sale; the exact
    serial is chosen and the serial's history shows the ticket and customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Van 1", "location_id": cls.stock_location.id, "usage": "internal"}
        )
        cls.lots = cls.env["stock.lot"].create(
            [
                {
                    "name": name,
                    "product_id": cls.switch.id,
                    "company_id": cls.company.id,
                }
                for name in ("MAT-1", "MAT-2", "MAT-3")
            ]
        )
        quants = (
            cls.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {
                        "product_id": cls.switch.id,
                        "location_id": cls.shelf.id,
                        "lot_id": lot.id,
                        "inventory_quantity": 1,
                    }
                    for lot in cls.lots
                ]
            )
        )
        quants._apply_inventory()
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Replace the core switch (contract)",
                "description": "<p>Under contract, no sale.</p>",
                "partner_id": cls.customer.id,
            }
        )

    def _wizard(self, lots, product=None, ticket=None):
        action = (ticket or self.ticket).action_use_materials()
        self.assertEqual(
            action["res_model"], "serial.procurement.ticket.material.wizard"
        )
        return (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create(
                {
                    "product_id": (product or self.switch).id,
                    "lot_ids": [(6, 0, lots.ids)],
                }
            )
        )

    def _on_hand(self, lot):
        return self.env["stock.quant"]._get_available_quantity(
            self.switch, self.stock_location, lot_id=lot, strict=False
        )

    def test_use_exact_serial_on_ticket(self):
        wizard = self._wizard(self.lots[1])
        self.assertEqual(wizard.location_id, self.stock_location)
        wizard.action_confirm()
        lot = self.lots[1]
        picking = self.ticket.material_picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.partner_id, self.customer)
        self.assertEqual(picking.location_dest_id.usage, "customer")
        self.assertEqual(picking.move_line_ids.lot_id, lot, "the exact serial left")
        self.assertFalse(picking.sale_id, "no sale")
        self.assertEqual(self._on_hand(lot), 0)
        self.assertEqual(self._on_hand(self.lots[0]), 1, "other serials stay")
        # The serial's history shows the ticket and the customer.
        self.assertEqual(lot.material_ticket_id, self.ticket)
        self.assertEqual(lot.customer_id, self.customer)
        self.assertFalse(lot.ticket_id, "not counted as received for the ticket")
        self.env.invalidate_all()
        self.assertIn(picking, lot.history_move_line_ids.picking_id)
        self.assertEqual(lot.history_move_line_ids[:1].ticket_id, self.ticket)
        self.assertEqual(self.ticket.material_lot_ids, lot)
        self.assertEqual(self.ticket.material_lot_count, 1)
        self.assertEqual(
            self.env["stock.lot"].search(
                [("serial_enquiry", "ilike", self.ticket.number)]
            ),
            lot,
            "the enquiry finds the serial by the ticket it was used on",
        )
        self.assertTrue(
            self.ticket.message_ids.filtered(lambda m: "MAT-2" in (m.body or ""))
        )
        action = self.ticket.action_view_material_lots()
        self.assertEqual(action["res_id"], lot.id)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_procurement.action_report_serial_history", lot.ids
        )
        self.assertIn("Used on Ticket", html.decode())
        self.assertIn(self.ticket.name, html.decode())
        self.assertIn(self.customer.name, html.decode())

    def test_several_serials_at_once(self):
        self._wizard(self.lots[0] | self.lots[2]).action_confirm()
        self.assertEqual(self.ticket.material_lot_ids, self.lots[0] | self.lots[2])
        self.assertEqual(self.ticket.material_picking_ids.move_ids.quantity, 2)

    def test_no_serial_refused(self):
        with self.assertRaisesRegex(UserError, "Choose the exact serial"):
            self._wizard(self.env["stock.lot"]).action_confirm()
        self.assertFalse(self.ticket.material_picking_ids)

    def test_serial_of_another_product_refused(self):
        with self.assertRaisesRegex(UserError, "not serials of"):
            self._wizard(self.lots[0], product=self.firewall).action_confirm()
        self.assertFalse(self.ticket.material_picking_ids)

    def test_serial_not_on_hand_refused(self):
        self._wizard(self.lots[0]).action_confirm()
        with self.assertRaisesRegex(UserError, "MAT-1 are not on hand"):
            self._wizard(self.lots[0]).action_confirm()
        self.assertEqual(len(self.ticket.material_picking_ids), 1)

    def test_serial_received_for_another_ticket_refused(self):
        other = self.env["helpdesk.ticket"].create(
            {
                "name": "Other",
                "description": "<p>x</p>",
                "partner_id": self.customer_b.id,
            }
        )
        self.lots[2].ticket_id = other
        with self.assertRaisesRegex(UserError, "received for ticket"):
            self._wizard(self.lots[2]).action_confirm()
        self.assertEqual(self._on_hand(self.lots[2]), 1)

    def test_ticket_without_customer_refused(self):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Internal", "description": "<p>x</p>"}
        )
        with self.assertRaisesRegex(UserError, "no customer"):
            self._wizard(self.lots[0], ticket=ticket).action_confirm()

    def test_untracked_product_refused(self):
        with self.assertRaisesRegex(UserError, "not tracked by unique serial"):
            self._wizard(self.env["stock.lot"], product=self.service).action_confirm()

    def test_as_serial_procurement_user_with_inventory_rights(self):
        user = self._create_user(
            "sp_materials_user",
            "serial_procurement.group_serial_procurement_user,stock.group_stock_user",
        )
        ticket = self.ticket.with_user(user)
        action = ticket.action_use_materials()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create(
                {"product_id": self.switch.id, "lot_ids": [(6, 0, self.lots[0].ids)]}
            )
        )
        wizard.action_confirm()
        self.assertEqual(self.lots[0].material_ticket_id, self.ticket)
        self.assertEqual(ticket.material_lot_count, 1)
