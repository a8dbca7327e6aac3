# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import binascii

from odoo import api, models
from odoo.exceptions import UserError

from ..tools import input_checks, sheet_reader

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
            elif field.type == "binary" and isinstance(value, (str, bytes)):
                self._serial_check_file_input(field, value)

    @api.model
    def _serial_check_file_input(self, field, value):
        """An upload over the size cap is refused before it is stored."""
        try:
            sheet_reader.check_size(len(value) * 3 // 4)
        except sheet_reader.SheetError as error:
            raise UserError(
                self.env._(
                    "%(field)s: the file is %(size)s MB; the maximum is %(max)s MB: "
                    "split it into several files.",
                    field=field._description_string(self.env),
                    size=error.params["size"],
                    max=error.params["max"],
                )
            ) from error

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

    # ------------------------------------------------------------ uploads

    @api.model
    def _serial_read_sheet(self, data, filename, columns, what=None, **options):
        """The data rows ``[(row number, [cell of each of columns])]`` of an
        uploaded CSV or XLSX sheet (``data``: the binary field's base64 value),
        read with the caps of ``tools/sheet_reader``; a file that cannot be read
        gets a UserError saying what to fix. ``what`` names the sheet;
        ``options``: ``optional``, ``fold_case``, ``max_cell`` of
        ``sheet_reader.read_sheet``."""
        what = what or self.env._("the sheet")
        if not data:
            raise UserError(self.env._("Upload %(what)s first.", what=what))
        if isinstance(data, str):
            data = data.encode()
        try:
            # the cap checked before decoding: base64 is 4/3 of the file
            sheet_reader.check_size(len(data) * 3 // 4)
            content = base64.b64decode(data, validate=True)
            return sheet_reader.read_sheet(
                content, columns, filename=filename, **options
            )[1]
        except (binascii.Error, TypeError) as error:
            raise UserError(
                self.env._("The uploaded file is damaged (not base64 data).")
            ) from error
        except sheet_reader.SheetError as error:
            raise UserError(self._serial_sheet_message(error, what, columns)) from error

    @api.model
    def _serial_sheet_message(self, error, what, columns):
        params = error.params
        expected = ", ".join(columns)
        messages = {
            "too_big": lambda: self.env._(
                "The file is %(size)s MB; the maximum is %(max)s MB (or %(rows)s "
                "rows): split it into several files.",
                size=params.get("size"),
                max=params.get("max"),
                rows=f"{sheet_reader.MAX_ROWS:,}",
            ),
            "empty": lambda: self.env._(
                "The file is empty: export %(what)s again, or fill it in.",
                what=what,
            ),
            "not_a_sheet": lambda: self.env._(
                "This file is neither a CSV nor an XLSX file: save %(what)s as "
                "CSV (UTF-8) or Excel (.xlsx).",
                what=what,
            ),
            "old_excel": lambda: self.env._(
                "Old Excel (.xls) files are not read: save %(what)s as Excel "
                "(.xlsx) or CSV (UTF-8).",
                what=what,
            ),
            "encoding": lambda: self.env._(
                'The CSV file must be UTF-8 encoded: save it as "CSV UTF-8" '
                "(Excel) or choose the UTF-8 character set (LibreOffice)."
            ),
            "xlsx_damaged": lambda: self.env._(
                "This file is not a readable XLSX file: open it in your "
                "spreadsheet and save it again as Excel (.xlsx), or as CSV (UTF-8)."
            ),
            "xlsx_too_big": lambda: self.env._(
                "The XLSX file holds %(size)s MB once uncompressed; the maximum "
                "is %(max)s MB: split it into several files.",
                size=params.get("size"),
                max=params.get("max"),
            ),
            "no_header": lambda: self.env._(
                "The file has no header row: its first row must name the "
                "columns %(columns)s.",
                columns=expected,
            ),
            "missing_columns": lambda: self.env._(
                "The file misses the column(s): %(columns)s. Its first row must "
                "name the columns %(expected)s, separated by commas, semicolons "
                "or tabs.",
                columns=params.get("columns"),
                expected=expected,
            ),
            "too_many_rows": lambda: self.env._(
                "The sheet has more than %(max)s rows: split it into several files.",
                max=params.get("max"),
            ),
            "too_many_cells": lambda: self.env._(
                "A row of the sheet holds more than %(max)s cells: keep only the "
                "columns %(expected)s and save it again.",
                max=params.get("max"),
                expected=expected,
            ),
            "cell_too_long": lambda: self.env._(
                "Line %(line)s holds a cell longer than %(max)s characters (often "
                "a quote left open): correct that line.",
                line=params.get("line"),
                max=params.get("max"),
            ),
            "csv_damaged": lambda: self.env._(
                "Line %(line)s of the CSV file cannot be read (%(error)s): correct "
                "that line.",
                line=params.get("line"),
                error=params.get("error"),
            ),
        }
        message = messages.get(error.code)
        return message() if message else str(error)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._serial_check_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._serial_check_input(vals)
        return super().write(vals)
