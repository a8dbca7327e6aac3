# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Uploaded sheets (CSV or XLSX) read with bounded cost, whatever the file.

Everything is capped before it is built: the upload's size, the XLSX's
uncompressed size, the rows (``MAX_ROWS`` data rows) and the columns read per
row (``MAX_COLUMNS``). The dimension an XLSX declares is not trusted (a 1.5 KB
file may declare A1:XFD1048576): rows are read as the file holds them, cut to
the columns asked for. CSV files may be separated by commas, semicolons or
tabs (found from the header row), in UTF-8 or UTF-16 with a byte order mark.
Columns may be optional (``None`` in the rows of a file without them) and
header names matched whatever their case, spaces or underscores
(``fold_case``); a cap on a CSV cell's length may be set (``max_cell``).
A file that cannot be read raises :class:`SheetError`, whose ``code`` names
the problem and ``params`` its figures, for the caller to word a translated
message. Nothing here imports Odoo.
"""

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

MAX_BYTES = 20 * 1024 * 1024  # the upload, as sent
MAX_ROWS = 200_000  # data rows, the header not counted
MAX_COLUMNS = 50  # columns of the header row looked at
# An XLSX is a zip: what it holds once uncompressed is capped too (a
# 200,000-row sheet of a few columns is about 50 MB of XML).
MAX_UNCOMPRESSED = 256 * 1024 * 1024
# Rows of an XLSX beyond the format's last row are not rows.
XLSX_LAST_ROW = 1_048_576
# Cells stored in one row of an XLSX (a row is built whole by the reader).
MAX_CELLS_PER_ROW = 1000
SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
BLANK = frozenset({None, ""})


class SheetError(ValueError):
    """A sheet that cannot be read.

    ``code``: ``too_big``, ``empty``, ``not_a_sheet``, ``old_excel``,
    ``encoding``, ``xlsx_damaged``, ``xlsx_too_big``, ``no_header``,
    ``missing_columns``, ``too_many_rows``, ``too_many_cells``,
    ``cell_too_long``, ``csv_damaged``.
    """

    def __init__(self, code, message, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.params = params


def check_size(size, max_bytes=None):
    """Refuse an upload of ``size`` bytes over the cap."""
    max_bytes = max_bytes or MAX_BYTES
    if size > max_bytes:
        raise SheetError(
            "too_big",
            "The file is %(size)s MB; the maximum is %(max)s MB.",
            size=round(size / 1024 / 1024, 1),
            max=round(max_bytes / 1024 / 1024, 1),
        )


def is_blank(cells):
    return set(cells) <= BLANK


def read_sheet(
    content,
    columns,
    filename="",
    max_rows=MAX_ROWS,
    optional=(),
    fold_case=False,
    max_cell=None,
):
    """Read ``content`` (bytes of a CSV or XLSX file).

    Returns ``(separator, rows)``: the CSV separator used (``None`` for an
    XLSX) and ``[(row number, [cell of each of columns, then of optional])]``
    of the data rows that are not blank, ``columns`` being the header names
    required and ``optional`` those read when the header names them (their
    cells are ``None`` otherwise). ``fold_case``: header names matched in
    lower case, runs of spaces and underscores read as one space (give
    ``columns`` so). ``max_cell``: longest CSV cell accepted (``csv``'s own
    field limit otherwise)."""
    check_size(len(content))
    spec = _Columns(columns, optional, fold_case)
    if not content.strip():
        raise SheetError("empty", "The file is empty.")
    name = (filename or "").lower()
    if content[:4] == b"PK\x03\x04" or name.endswith(".xlsx"):
        return None, _read_xlsx(content, spec, max_rows)
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or name.endswith(".xls"):
        raise SheetError("old_excel", "Old Excel (.xls) files are not read.")
    return _read_csv(_decode(content), spec, max_rows, max_cell)


def _decode(content):
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as error:
        if b"\x00" in content:
            raise SheetError("not_a_sheet", "Not a CSV or XLSX file.") from error
        raise SheetError("encoding", "The CSV file is not UTF-8.") from error
    # binary junk: control characters in the header row (a NUL in a data
    # cell is the row checks' to name, with its row number)
    header = _first_line(text)
    if any(ord(char) < 32 and char not in "\t\r\n" for char in header):
        raise SheetError("not_a_sheet", "Not a CSV or XLSX file.")
    return text


def normalize_header(cell):
    """A header cell in lower case, runs of spaces and underscores as one space."""
    return re.sub(r"[\s_]+", " ", str(cell if cell is not None else "")).strip().lower()


class _Columns:
    """The columns asked for: required, then optional; how names are matched."""

    def __init__(self, required, optional=(), fold_case=False):
        self.required = tuple(required)
        self.optional = tuple(optional)
        self.fold_case = fold_case

    def _names(self, header):
        if self.fold_case:
            return [normalize_header(cell) for cell in header]
        return [str(cell if cell is not None else "").strip() for cell in header]

    def index(self, header):
        """{column: position} of the columns in ``header`` (optional ones only
        when present), or None when a required one is missing."""
        names = self._names(header)
        if not all(column in names for column in self.required):
            return None
        return {
            column: names.index(column)
            for column in self.required + self.optional
            if column in names
        }

    def missing(self, header):
        names = self._names(header)
        return [column for column in self.required if column not in names]

    def cells(self, row, index):
        return [
            row[index[col]] if col in index and index[col] < len(row) else None
            for col in self.required + self.optional
        ]


def _too_many_rows(max_rows):
    return SheetError(
        "too_many_rows",
        "The sheet has more than %(max)s rows.",
        max=f"{max_rows:,}",
    )


# ---------------------------------------------------------------------- CSV


def _first_line(text):
    for line in io.StringIO(text):
        if line.strip():
            return line
    return ""


def _pick_separator(text, spec):
    """The separator that makes the header row name every column; else raise,
    naming the columns missing with the best separator."""
    line = _first_line(text)
    if not line:
        raise SheetError("no_header", "The file has no header row.")
    best = None
    for separator in SEPARATORS:
        try:
            header = next(csv.reader([line], delimiter=separator), [])
        except csv.Error:
            continue
        if spec.index(header) is not None:
            return separator
        missing = spec.missing(header)
        if best is None or len(missing) < len(best):
            best = missing
    raise SheetError(
        "missing_columns",
        "The header row misses the column(s): %(columns)s.",
        columns=", ".join(best if best is not None else spec.required),
    )


def _read_csv(text, spec, max_rows, max_cell=None):
    separator = _pick_separator(text, spec)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows = []
    index = None
    data_rows = 0
    try:
        for row in reader:
            number = reader.line_num
            if index is None:
                if is_blank(row):
                    continue
                index = spec.index(row)
                continue
            if not row or is_blank(row):
                continue
            data_rows += 1
            if data_rows > max_rows:
                raise _too_many_rows(max_rows)
            if max_cell and any(len(cell) > max_cell for cell in row):
                raise SheetError(
                    "cell_too_long",
                    "Line %(line)s holds a cell longer than %(max)s characters.",
                    line=number,
                    max=f"{max_cell:,}",
                )
            cells = spec.cells(row, index)
            if not is_blank(cells):
                rows.append((number, cells))
    except csv.Error as error:
        line = reader.line_num
        if "field larger than field limit" in str(error):
            raise SheetError(
                "cell_too_long",
                "Line %(line)s holds a cell longer than %(max)s characters.",
                line=line,
                max=f"{csv.field_size_limit():,}",
            ) from error
        raise SheetError(
            "csv_damaged",
            "Line %(line)s cannot be read: %(error)s.",
            line=line,
            error=str(error),
        ) from error
    return separator, rows


# --------------------------------------------------------------------- XLSX


def _open_xlsx(content):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            uncompressed = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SheetError("xlsx_damaged", "Not a readable XLSX file.") from error
    if uncompressed > MAX_UNCOMPRESSED:
        raise SheetError(
            "xlsx_too_big",
            "The XLSX file holds %(size)s MB once uncompressed; the maximum is "
            "%(max)s MB.",
            size=round(uncompressed / 1024 / 1024),
            max=round(MAX_UNCOMPRESSED / 1024 / 1024),
        )
    _scan_worksheets(content)
    import openpyxl  # Odoo's requirement: imported where an XLSX is read

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except Exception as error:  # openpyxl raises many kinds on a bad file
        raise SheetError("xlsx_damaged", "Not a readable XLSX file.") from error
    sheet = book.active if book.worksheets else None
    if sheet is None or not hasattr(sheet, "reset_dimensions"):
        raise SheetError("no_header", "The file has no header row.")
    # The declared dimension is not trusted: rows are read as stored.
    sheet.reset_dimensions()
    return sheet


def _scan_worksheets(content):
    """Refuse a worksheet with a row of more than ``MAX_CELLS_PER_ROW`` cells,
    read as a stream (what is read is dropped at once): the XLSX reader builds
    each row whole, so one row of millions of cells would fill the memory."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(info) as source:
                _scan_worksheet(source)


def _scan_worksheet(source):
    cells = 0
    parent = None
    try:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "sheetData" or parent is None:
                    parent = element
                continue
            if tag == "c":
                cells += 1
                if cells > MAX_CELLS_PER_ROW:
                    raise SheetError(
                        "too_many_cells",
                        "A row of the sheet holds more than %(max)s cells.",
                        max=f"{MAX_CELLS_PER_ROW:,}",
                    )
            elif tag == "row":
                cells = 0
                if parent is not None:
                    parent.clear()
    except ElementTree.ParseError as error:
        raise SheetError("xlsx_damaged", "Not a readable XLSX file.") from error


def _read_xlsx(content, spec, max_rows):
    sheet = _open_xlsx(content)
    try:
        header = next(
            sheet.iter_rows(
                min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True
            ),
            None,
        )
        if not header or is_blank(header):
            raise SheetError("no_header", "The file has no header row.")
        index = spec.index(header)
        if index is None:
            raise SheetError(
                "missing_columns",
                "The header row misses the column(s): %(columns)s.",
                columns=", ".join(spec.missing(header)),
            )
        width = max(index.values()) + 1
        rows = []
        data_rows = 0
        for number, row in enumerate(
            sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
        ):
            if number > XLSX_LAST_ROW:
                break
            if is_blank(row):
                continue
            data_rows += 1
            if data_rows > max_rows:
                raise _too_many_rows(max_rows)
            rows.append((number, spec.cells(row, index)))
        return rows
    except SheetError:
        raise
    except Exception as error:  # a damaged sheet part
        raise SheetError("xlsx_damaged", "Not a readable XLSX file.") from error
