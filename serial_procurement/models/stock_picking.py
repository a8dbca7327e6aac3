# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serial_ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        string="Tickets",
        compute="_compute_serial_ticket_ids",
        help="The tickets this transfer's serials are received for.",
    )
    serial_ticket_count = fields.Integer(compute="_compute_serial_ticket_ids")

    @api.depends("move_line_ids.ticket_id")
    def _compute_serial_ticket_ids(self):
        for picking in self:
            picking.serial_ticket_ids = picking.move_line_ids.ticket_id
            picking.serial_ticket_count = len(picking.serial_ticket_ids)

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

    def action_view_tickets(self):
        self.ensure_one()
        tickets = self.serial_ticket_ids
        if len(tickets) == 1:
            return tickets._get_form_action()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("id", "in", tickets.ids)]
        return action

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
        customer_lines = lines.filtered(
            lambda ml: ml.location_dest_id.usage == "customer"
        )
        customer_lines._serial_check_required_sale()
        lines._serial_create_lots_on_transaction()
        customer_lines._serial_check_delivery_reservation()
