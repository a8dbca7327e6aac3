# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Spreadsheet cells made safe: a text cell a spreadsheet would run as a
formula (CSV/formula injection) is exported as plain text."""

# A cell starting with one of these is read as a formula by Excel, LibreOffice
# or Google Sheets (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value):
    """Return ``value`` with a leading apostrophe when it is text starting like a
    formula; numbers and other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize_row(row):
    """Return a copy of ``row`` with every cell neutralized."""
    return [neutralize_cell(value) for value in row]


def unneutralize_cell(value):
    """Undo :func:`neutralize_cell` on a cell read back from an exported sheet."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:].startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value
