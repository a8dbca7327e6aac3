# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
    serial_case_insensitive = fields.Boolean(
        string="Serial numbers ignore case",
        help="Treat serial numbers differing only by upper/lower case (FW1, fw1) "
        "as the same serial: the second one is refused.",
    )
