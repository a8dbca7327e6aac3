# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _serial_rules_change_lines(self, block_direct_invoice=None):
        lines = super()._serial_rules_change_lines(
            block_direct_invoice=block_direct_invoice
        )
        lines.append(
            self.env._(
                "Manufacturing orders start and are produced only once every "
                "serial-tracked component has its serial (batch production "
                "collects them)."
            )
        )
        return lines
