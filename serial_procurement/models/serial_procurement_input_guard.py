# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError

from ..tools import input_checks

INT_MAX = 2**31 - 1


class SerialProcurementInputGuard(models.AbstractModel):
    """Values sent to a wizard over RPC checked before the ORM sees them: numbers
    finite and of a sane size, selections among their choices. A hostile value
    gets a clear UserError instead of a ValueError or a database error."""

    _name = "serial.procurement.input.guard"
    _description = "Checked wizard input"

    @api.model
    def _serial_check_input(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                continue
            if field.type in ("float", "monetary", "integer") and value is not False:
                self._serial_check_number_input(field, value)
            elif field.type == "selection" and (value is not False or field.required):
                self._serial_check_selection_input(field, value)
            elif field.type in ("char", "text") and isinstance(value, str):
                self._serial_check_text_input(field, value)

    @api.model
    def _serial_check_number_input(self, field, value):
        maximum = INT_MAX if field.type == "integer" else input_checks.MAX_NUMBER
        try:
            input_checks.check_number(value, maximum=maximum, allow_negative=True)
        except input_checks.NumberError as error:
            shown_max = "%g" % maximum
            raise UserError(
                self.env._(
                    "%(field)s: %(value)s is not an accepted number (a finite "
                    "number up to %(max)s is expected).",
                    field=field._description_string(self.env),
                    value=str(value)[:40],
                    max=shown_max,
                )
            ) from error

    @api.model
    def _serial_check_text_input(self, field, value):
        """NUL never reaches the database (PostgreSQL refuses it)."""
        if "\x00" in value:
            raise UserError(
                self.env._(
                    "%(field)s contains a control character (U+0000).",
                    field=field._description_string(self.env),
                )
            )

    @api.model
    def _serial_check_selection_input(self, field, value):
        choices = [key for key, _label in field._description_selection(self.env)]
        if value not in choices:
            raise UserError(
                self.env._(
                    "%(field)s: %(value)s is not one of the choices (%(choices)s).",
                    field=field._description_string(self.env),
                    value=str(value)[:40],
                    choices=", ".join(map(str, choices)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._serial_check_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._serial_check_input(vals)
        return super().write(vals)
