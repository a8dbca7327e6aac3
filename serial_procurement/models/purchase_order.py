# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        copy=False,
        index="btree_not_null",
        tracking=True,
        domain="[('company_id', 'in', (company_id, False))]",
        help="The ticket the units of this order are bought for; receipt lines "
        "take it by default.",
    )
    serial_lot_ids = fields.One2many(
        comodel_name="stock.lot",
        inverse_name="purchase_order_id",
        string="Received Serials",
    )
    serial_lot_count = fields.Integer(compute="_compute_serial_lot_count")

    @api.depends("serial_lot_ids")
    def _compute_serial_lot_count(self):
        for order in self:
            order.serial_lot_count = len(order.serial_lot_ids)

    @api.constrains("ticket_id", "company_id")
    def _check_ticket_company(self):
        for order in self:
            ticket = order.ticket_id
            if ticket and ticket.company_id and ticket.company_id != order.company_id:
                raise ValidationError(
                    _(
                        "The ticket %(ticket)s belongs to another company than "
                        "%(order)s.",
                        ticket=ticket.display_name,
                        order=order.name,
                    )
                )

    def write(self, vals):
        if "ticket_id" in vals:
            received = self.filtered(
                lambda o: (
                    o.ticket_id.id != vals["ticket_id"]
                    and any(p.state == "done" for p in o.picking_ids)
                )
            )
            if received:
                raise UserError(
                    _(
                        "%(orders)s already has a validated receipt: choose the ticket "
                        "of each serial on the receipt lines instead.",
                        orders=", ".join(received.mapped("name")),
                    )
                )
        return super().write(vals)

    def action_view_ticket(self):
        self.ensure_one()
        return self.ticket_id._get_form_action()

    def action_view_serials(self):
        self.ensure_one()
        return self.serial_lot_ids._action_open_serial_list(
            _("Serials received on %s", self.name)
        )
