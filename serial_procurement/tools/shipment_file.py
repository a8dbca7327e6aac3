# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reading an uploaded table (CSV or XLSX) safely: size and row caps, the
XLSX sheet's declared dimension checked before any row is read, openpyxl in
read-only mode, a cap on the CSV field size, the CSV delimiter sniffed.

``read_table`` is the one entry point: the lead may switch it to the shared
hardened reader of the count sheet at merge time."""

import csv
import io
import re
import zipfile

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 50
# Longest cell of a CSV file (csv's own default is 128 KiB).
MAX_FIELD = 4096
DELIMITERS = ",;\t|"
# Uncompressed size of an XLSX file's parts (a zip bomb is refused unread).
MAX_UNCOMPRESSED = 200 * 1024 * 1024


class TableError(ValueError):
    """What is wrong with an uploaded table, in a message for the user."""


def _plain(message, **params):
    return message % params if params else message


def read_table(content, filename=None, max_rows=MAX_ROWS, _=_plain):
    """Return the rows (lists of cells, header first) of ``content`` (bytes),
    an XLSX workbook's first sheet or a UTF-8 CSV file; raise a TableError
    naming what is wrong with the file. ``_`` translates the messages (pass
    ``env._``)."""
    if not content:
        raise TableError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise TableError(
            _(
                "The file is larger than %(size)s MB: split it.",
                size=MAX_BYTES // (1024 * 1024),
            )
        )
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        rows = _read_xlsx(_, content, max_rows)
    else:
        rows = _read_csv(_, content, max_rows)
    if not rows:
        raise TableError(_("The file is empty."))
    return rows


def _too_many_rows(_, max_rows):
    return TableError(
        _(
            "The file has more than %(rows)s rows: split it.",
            rows=f"{max_rows:,}",
        )
    )


def _read_xlsx(_, content, max_rows):
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise TableError(_("This file is not a readable XLSX file.")) from error
    if unpacked > MAX_UNCOMPRESSED:
        raise TableError(
            _(
                "The XLSX file unpacks to more than %(size)s MB: split it.",
                size=MAX_UNCOMPRESSED // (1024 * 1024),
            )
        )
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as error:
        raise TableError(_("This file is not a readable XLSX file.")) from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise TableError(_("The XLSX file has no sheet."))
        # The dimension the sheet declares, read before any row.
        max_row, max_col = sheet.max_row, sheet.max_column
        if (max_row or 0) > max_rows + 1:
            raise _too_many_rows(_, max_rows)
        if (max_col or 0) > MAX_COLUMNS:
            raise TableError(
                _(
                    "The sheet declares %(columns)s columns; at most %(max)s are "
                    "read: remove the empty columns.",
                    columns=max_col,
                    max=MAX_COLUMNS,
                )
            )
        rows = []
        try:
            for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                if len(rows) > max_rows:
                    raise _too_many_rows(_, max_rows)
                rows.append(list(row))
        except TableError:
            raise
        except Exception as error:
            raise TableError(_("This file is not a readable XLSX file.")) from error
        return rows
    finally:
        book.close()


def _read_csv(_, content, max_rows):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError(_("The CSV file must be UTF-8 encoded.")) from error
    if "\x00" in text:
        raise TableError(_("This file is not a CSV text file."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            if len(rows) > max_rows:
                raise _too_many_rows(_, max_rows)
            if any(len(cell) > MAX_FIELD for cell in row):
                raise TableError(
                    _(
                        "Row %(row)s has a cell longer than %(max)s characters.",
                        row=len(rows) + 1,
                        max=MAX_FIELD,
                    )
                )
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as error:
        raise TableError(
            _(
                "The CSV file is malformed near row %(row)s: %(error)s",
                row=len(rows) + 1,
                error=str(error),
            )
        ) from error
    return rows


def normalize_header(cell):
    """A header cell, lower case, spaces and underscores collapsed."""
    return re.sub(r"[\s_]+", " ", str(cell or "")).strip().lower()
