# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import singleton


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "serial.procurement.ticket.mixin"]

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
    serial_desk = fields.Boolean(
        string="Procurement Desk",
        copy=False,
        readonly=True,
        help="Made by the procurement desk for the lines of several tickets: "
        "each line keeps its ticket. The desk adds to this request for "
        "quotation while it is a draft.",
    )

    @api.depends("serial_lot_ids")
    def _compute_serial_lot_count(self):
        # Counted as superuser: whoever opens the order (a Purchase user without
        # Inventory rights) sees how many serials it brought, not the serials.
        for order in self:
            order.serial_lot_count = len(order.sudo().serial_lot_ids)

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

    def button_confirm(self):
        res = super().button_confirm()
        (self.ticket_id | self.order_line.ticket_id)._serial_update_stage()
        return res

    def action_view_serials(self):
        singleton.ensure_one(self)
        return self.serial_lot_ids._action_open_serial_list(
            _("Serials received on %s", self.name)
        )
