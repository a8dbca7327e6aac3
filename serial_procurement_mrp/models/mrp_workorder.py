# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MrpWorkorder(models.Model):
    _inherit = "mrp.workorder"

    def button_start(self, raise_on_invalid_state=False):
        self.production_id._serial_check_component_serials()
        return super().button_start(raise_on_invalid_state=raise_on_invalid_state)
