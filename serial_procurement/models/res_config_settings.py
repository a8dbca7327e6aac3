# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    serial_deposit_enabled = fields.Boolean(
        related="company_id.serial_deposit_enabled", readonly=False
    )
    serial_block_direct_invoice = fields.Boolean(
        related="company_id.serial_block_direct_invoice", readonly=False
    )
    serial_strict_intake = fields.Boolean(
        related="company_id.serial_strict_intake", readonly=False
    )
    serial_stage_purchased_id = fields.Many2one(
        related="company_id.serial_stage_purchased_id", readonly=False
    )
    serial_stage_done_id = fields.Many2one(
        related="company_id.serial_stage_done_id", readonly=False
    )
    serial_case_insensitive = fields.Boolean(
        related="company_id.serial_case_insensitive", readonly=False
    )
    serial_final_invoice_draft = fields.Boolean(
        related="company_id.serial_final_invoice_draft", readonly=False
    )
    serial_notify_customer = fields.Boolean(
        related="company_id.serial_notify_customer", readonly=False
    )
