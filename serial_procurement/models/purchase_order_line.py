# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        compute="_compute_ticket_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        domain="[('company_id', 'in', (company_id, False))]",
        help="The ticket the units of this line are received onto by default.",
    )

    @api.depends("order_id.ticket_id")
    def _compute_ticket_id(self):
        for line in self:
            line.ticket_id = line.order_id.ticket_id
