# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="serial_procurement_aml_lot_rel",
        column1="move_line_id",
        column2="lot_id",
        string="Serial Numbers",
        copy=False,
        domain="[('product_id', '=', product_id)]",
        help="Serial numbers of the units this line bills.",
    )

    def _serial_set_lots_from_sale_lines(self):
        """Copy each line's allocated serials from its estimate line."""
        for line in self.filtered(lambda aml: aml.display_type == "product"):
            lots = line.sale_line_ids.serial_lot_ids
            if lots:
                line.lot_ids = lots
