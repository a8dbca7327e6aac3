# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values(self):
        """A serial sent back to its vendor leaves from where it is now (the RMA
        location), not from where the vendor's receipt put it."""
        vals = super()._prepare_picking_default_values()
        location_id = self.env.context.get("serial_return_location_id")
        if location_id:
            vals["location_id"] = location_id
        return vals
