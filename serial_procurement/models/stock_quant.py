# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import float_compare


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _apply_inventory(self):
        if not self.env.context.get("serial_intake_allowed"):
            self._serial_check_strict_intake()
        return super()._apply_inventory()

    def _serial_check_strict_intake(self):
        """An inventory adjustment that adds serial-tracked units is refused in
        a company with strict serialized intake (the count sheet import and a
        manager's correction pass ``serial_intake_allowed``)."""
        adding = self.filtered(
            lambda q: (
                q.product_id.tracking == "serial"
                and float_compare(
                    q.inventory_diff_quantity,
                    0,
                    precision_rounding=q.product_uom_id.rounding,
                )
                > 0
            )
        )
        for company in adding.company_id:
            company._serial_check_strict_intake(
                adding.filtered(lambda q, c=company: q.company_id == c).product_id,
                self.env._("an inventory adjustment in"),
            )

    def _serial_quant_key(self):
        """Key of this quant in core's quant cache (``quants_cache`` context key
        of ``stock.quant._gather``), as ``stock.move.line._serial_quant_key``."""
        self.ensure_one()
        return (
            self.product_id.id,
            self.location_id.id,
            self.lot_id.id,
            self.package_id.id,
            self.owner_id.id,
        )
