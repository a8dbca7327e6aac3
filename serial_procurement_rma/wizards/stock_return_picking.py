# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from odoo.addons.serial_procurement.tools import markers

# Marker (not a context key: no client can send it): where the serial sent back
# to its vendor is now, set by rma.action_serial_return_to_vendor.
RETURN_LOCATION = "rma_return_location_id"


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values(self):
        """A serial sent back to its vendor leaves from where it is now (the RMA
        location), not from where the vendor's receipt put it."""
        vals = super()._prepare_picking_default_values()
        location_id = markers.get(self.env, RETURN_LOCATION)
        if location_id:
            vals["location_id"] = location_id
        return vals
