# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    serial_required_purchase = fields.Boolean(
        string="Serial Required for Purchase",
        compute="_compute_serial_required_flags",
        store=True,
        readonly=False,
        help="Every unit of this product must carry a serial number when it is "
        "received.",
    )
    serial_required_sale = fields.Boolean(
        string="Serial Required for Sales",
        compute="_compute_serial_required_flags",
        store=True,
        readonly=False,
        help="Every unit of this product must carry a serial number before it is "
        "delivered or invoiced, and its estimates go through a ticket.",
    )

    @api.depends("tracking")
    def _compute_serial_required_flags(self):
        """Switch both flags on when tracking becomes serial, off when untracked."""
        for template in self:
            if template.tracking == "serial":
                template.serial_required_purchase = True
                template.serial_required_sale = True
            elif template.tracking == "none":
                template.serial_required_purchase = False
                template.serial_required_sale = False
            else:  # batches: keep what the user chose
                template.serial_required_purchase = template.serial_required_purchase
                template.serial_required_sale = template.serial_required_sale
