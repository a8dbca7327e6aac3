# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    serial_replacement_warranty = fields.Selection(
        selection=[
            ("carry", "Carried Over"),
            ("restart", "Restarted"),
        ],
        string="Warranty of a Replacement",
        default="carry",
        required=True,
        tracking=True,
        help="Carried Over: a replacement serial keeps the customer warranty end "
        "of the serial it replaces. Restarted: its warranty counts from its own "
        "delivery.",
    )
