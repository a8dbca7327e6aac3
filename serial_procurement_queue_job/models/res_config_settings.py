# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    serial_job_receipt_serials = fields.Integer(
        related="company_id.serial_job_receipt_serials", readonly=False
    )
    serial_job_count_sheet_rows = fields.Integer(
        related="company_id.serial_job_count_sheet_rows", readonly=False
    )
