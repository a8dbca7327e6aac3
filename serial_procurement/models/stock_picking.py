# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        receipt_lines = self._serial_receipt_move_lines()
        receipt_lines._serial_check_receipt()
        self._serial_check_outgoing()
        res = super()._action_done()
        receipt_lines._serial_allocate_to_tickets()
        return res

    def _serial_receipt_move_lines(self):
        """Move lines of incoming moves being validated, with a quantity."""
        return self.move_ids.filtered(
            lambda m: m.picking_code == "incoming" and m.state not in ("done", "cancel")
        ).move_line_ids.filtered(lambda ml: ml.quantity > 0)

    def action_view_ticket(self):
        self.ensure_one()
        tickets = self.move_line_ids.ticket_id
        return tickets[:1]._get_form_action() if tickets else False

    def _serial_outgoing_move_lines(self):
        """Move lines of non-incoming moves being validated, with a quantity."""
        return self.move_ids.filtered(
            lambda m: m.picking_code != "incoming" and m.state not in ("done", "cancel")
        ).move_line_ids.filtered(lambda ml: ml.quantity > 0)

    def _serial_check_outgoing(self):
        """Serials typed on a delivery or transfer that were never received are
        created for a manager (to investigate); customer deliveries of products
        whose serial is required for sales need a serial on every unit."""
        lines = self._serial_outgoing_move_lines()
        customer_lines = lines.filtered(lambda ml: ml.location_dest_id.usage == "customer")
        customer_lines._serial_check_required_sale()
        lines._serial_create_lots_on_transaction()
