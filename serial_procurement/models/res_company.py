# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


def _default_stage(xmlid):
    def default(self):
        return self.env.ref(xmlid, raise_if_not_found=False)

    return default


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_deposit_enabled = fields.Boolean(
        string="Deposits on tickets",
        help="Offer the Take Deposit action on tickets: a down-payment invoice "
        "taken before the serialized units are bought.",
    )
    serial_block_direct_invoice = fields.Boolean(
        string="Block direct invoicing of estimates with serial-required products",
        default=True,
        help="Refuse to invoice a sale order holding a product that requires a "
        "serial for sales until a ticket is created for it.",
    )
    serial_stage_purchased_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        string="Ticket stage once sourced",
        default=_default_stage("helpdesk_mgmt.helpdesk_ticket_stage_in_progress"),
        help="Stage a ticket moves to when its units are bought (purchase order "
        "confirmed) or allocated from stock. Empty: the stage is left alone.",
    )
    serial_stage_done_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        string="Ticket stage once delivered and invoiced",
        default=_default_stage("helpdesk_mgmt.helpdesk_ticket_stage_done"),
        help="Stage a ticket moves to when its estimate is fully delivered and "
        "invoiced. Empty: the stage is left alone.",
    )
