# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class StockQuant(models.Model):
    _inherit = "stock.quant"

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
