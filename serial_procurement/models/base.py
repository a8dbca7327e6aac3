# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class Base(models.AbstractModel):
    _inherit = "base"

    def _serial_ensure_one(self):
        """``ensure_one()`` for the addon's public methods: reachable over RPC
        with any ids, they refuse none or several records with a UserError
        (``ensure_one`` raises ``ValueError: Expected singleton``)."""
        if len(self) != 1:
            raise UserError(
                self.env._(
                    "This action works on one %(model)s at a time (%(count)s "
                    "given): open the record and try again.",
                    model=self._description or self._name,
                    count=len(self),
                )
            )
        return self
