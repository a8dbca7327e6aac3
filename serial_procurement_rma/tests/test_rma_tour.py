# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.serial_procurement.tests.common import SerialAfterSaleCommon


@tagged("post_install", "-at_install")
class TestRmaReplacementTour(HttpCase, SerialAfterSaleCommon):
    """Issue #21 item 1 in a real browser: Replace Serial with the vendor's new
    serial while two other deliveries of the product wait."""

    def test_replacement_with_waiting_deliveries_tour(self):
        old_lot = self._receive_serials(["R-OLD"])
        self._deliver_serials(old_lot, self.customer_contact)
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Router dead",
                "description": "No power",
                "service_lot_ids": [Command.set(old_lot.ids)],
            }
        )
        ticket.action_serial_create_rma()
        rma = ticket.rma_ids
        reception = rma.reception_move_id.picking_id
        reception.action_assign()
        reception.move_ids.move_line_ids.write({"lot_id": old_lot.id, "quantity": 1})
        reception.move_ids.picked = True
        reception.button_validate()
        self.assertEqual(rma.state, "received")
        waiting = self.env["stock.picking"]
        for _index in range(2):
            picking = self._picking(
                self.warehouse.out_type_id,
                self.stock,
                self.customers,
                self.product,
                1,
                partner=self.other_customer,
            )
            picking.action_assign()
            waiting |= picking
        self.assertEqual(set(waiting.mapped("state")), {"confirmed"})
        self.start_tour(
            f"/odoo/action-rma.rma_action/{rma.id}",
            "serial_procurement_rma_replacement_tour",
            login="admin",
            timeout=120,
        )
        self.env.invalidate_all()
        new_lot = rma.replacement_lot_id
        self.assertEqual(new_lot.name, "R-NEW-TOUR")
        self.assertEqual(rma.delivery_move_ids.move_line_ids.lot_id, new_lot)
        self.assertEqual(rma.delivery_move_ids.picking_id.partner_id, self.customer)
        self.assertEqual(set(waiting.mapped("state")), {"confirmed"})
        self.assertFalse(waiting.move_line_ids)
        self.assertEqual(new_lot.supplier_id, self.vendor)
