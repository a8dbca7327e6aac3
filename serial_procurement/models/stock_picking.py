# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models

from ..tools import markers, singleton


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serial_ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        string="Tickets",
        compute="_compute_serial_ticket_ids",
        help="The tickets this transfer's serials are received for.",
    )
    serial_ticket_count = fields.Integer(compute="_compute_serial_ticket_ids")
    material_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Materials for Ticket",
        index="btree_not_null",
        copy=False,
        domain="[('company_id', 'in', (company_id, False))]",
        help="This transfer takes materials out to the ticket's customer, "
        "without a sale; its serials record the ticket on validation.",
    )

    @api.depends("move_line_ids.ticket_id", "move_ids.ticket_id")
    def _compute_serial_ticket_ids(self):
        for picking in self:
            picking.serial_ticket_ids = (
                picking.move_line_ids.ticket_id | picking.move_ids.ticket_id
            )
            picking.serial_ticket_count = len(picking.serial_ticket_ids)

    def _action_done(self):
        receipt_lines = self._serial_receipt_move_lines()
        receipt_lines._serial_check_receipt()
        waiting = receipt_lines.ticket_id.filtered(lambda t: not t.serial_all_received)
        self._serial_check_outgoing()
        delivery_moves = self._serial_delivery_moves()
        if receipt_lines.filtered("ticket_id"):
            # Core's reserve-on-arrival waits until the tickets' deliveries have
            # reserved their own serials, then reserves what is left.
            with markers.marked(self.env, markers.HOLD_ASSIGN):
                res = super()._action_done()
            reserved = receipt_lines._serial_allocate_to_tickets()
            with markers.marked(self.env, markers.SKIP_ASSIGN, reserved.ids):
                self._serial_done_incoming_moves()._trigger_assign()
        else:
            res = super()._action_done()
        delivery_moves = delivery_moves.filtered(lambda m: m.state == "done")
        self.env["stock.lot"]._serial_allocate_delivered(delivery_moves)
        self._serial_log_deliveries(delivery_moves)
        (delivery_moves.ticket_id | receipt_lines.ticket_id)._serial_update_stage()
        waiting.filtered("serial_all_received")._serial_notify_customer("received")
        delivery_moves.ticket_id._serial_notify_customer("delivered")
        self._serial_stamp_materials()
        return res

    def _serial_done_incoming_moves(self):
        """The moves whose arrival core lets waiting moves reserve (as in
        core ``_action_done``)."""
        return self.filtered(
            lambda p: p.picking_type_id.code in ("incoming", "internal")
        ).move_ids.filtered(lambda m: m.state == "done")

    def _serial_stamp_materials(self):
        """Serials of a done material transfer record its ticket and customer."""
        for picking in self.filtered(
            lambda p: p.material_ticket_id and p.state == "done"
        ):
            picking.move_line_ids.lot_id._serial_stamp_material(
                picking.material_ticket_id
            )

    def _serial_delivery_moves(self):
        """Moves being validated that take a ticket's units to the customer."""
        return self.move_ids.filtered(
            lambda m: (
                m.ticket_id
                and m.location_dest_id.usage == "customer"
                and m.state not in ("done", "cancel")
            )
        )

    def _serial_log_deliveries(self, moves):
        """Post on each ticket the delivery done and the serials it shipped."""
        by_ticket = defaultdict(lambda: self.env["stock.move"])
        for move in moves:
            by_ticket[move.ticket_id] |= move
        for ticket, ticket_moves in by_ticket.items():
            for picking in ticket_moves.picking_id:
                serials = ticket_moves.filtered(
                    lambda m, p=picking: m.picking_id == p
                ).move_line_ids.lot_id.mapped("name")
                ticket.message_post(
                    body=Markup(_("Delivery %(picking)s done. Serials: %(serials)s"))
                    % {
                        "picking": picking._get_html_link(),
                        "serials": ", ".join(serials) or _("none"),
                    }
                )

    def _serial_receipt_move_lines(self):
        """Move lines of incoming moves being validated, with a quantity."""
        return self.move_ids.filtered(
            lambda m: m.picking_code == "incoming" and m.state not in ("done", "cancel")
        ).move_line_ids.filtered(lambda ml: ml.quantity > 0)

    def action_serial_import_shipment(self):
        """Open the dialog that reads the distributor's shipment file (product,
        serial, ref, po) onto this receipt."""
        singleton.ensure_one(self)
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Shipment File"),
            "res_model": "serial.procurement.shipment.import.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def action_view_tickets(self):
        singleton.ensure_one(self)
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
