"""Uploaded sheets (count sheet, shipment import) read with bounded cost:
hostile XLSX and CSV files are refused with a code the caller words, or read
without building what they declare."""

import csv
import io
import tracemalloc
import zipfile

import pytest

COLUMNS = ["Product", "Location", "SerialOrBatch", "Counted Quantity"]
HEADER = ",".join(COLUMNS)


def _code(sheet_reader, content, filename="sheet.csv", **kw):
    with pytest.raises(sheet_reader.SheetError) as info:
        sheet_reader.read_sheet(content, COLUMNS, filename=filename, **kw)
    return info.value.code


def test_csv_with_commas(sheet_reader):
    content = f"{HEADER}\nFW,WH/Stock,SN1,1\n\n,,,\nFW,WH/Stock,SN2,0\n".encode()
    separator, rows = sheet_reader.read_sheet(content, COLUMNS)
    assert separator == ","
    assert rows == [
        (2, ["FW", "WH/Stock", "SN1", "1"]),
        (5, ["FW", "WH/Stock", "SN2", "0"]),
    ]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_csv_semicolon_and_tab_separators_are_accepted(sheet_reader, separator):
    lines = [separator.join(COLUMNS), separator.join(["FW", "WH/Stock", "SN1", "1"])]
    content = "\n".join(lines).encode()
    found, rows = sheet_reader.read_sheet(content, COLUMNS)
    assert found == separator
    assert rows == [(2, ["FW", "WH/Stock", "SN1", "1"])]


def test_csv_columns_in_another_order_and_extra_columns(sheet_reader):
    content = b"Note,Counted Quantity,SerialOrBatch,Location,Product\nx,1,S,L,P\n"
    _sep, rows = sheet_reader.read_sheet(content, COLUMNS)
    assert rows == [(2, ["P", "L", "S", "1"])]


def test_csv_utf16_with_bom_as_excel_saves_unicode_text(sheet_reader):
    text = "\t".join(COLUMNS) + "\r\nFW\tWH/Stock\tSN-é\t1\r\n"
    _sep, rows = sheet_reader.read_sheet(text.encode("utf-16"), COLUMNS)
    assert rows == [(2, ["FW", "WH/Stock", "SN-é", "1"])]


def test_csv_utf8_bom(sheet_reader):
    content = ("\ufeff" + HEADER + "\nFW,S,SN1,1\n").encode()
    assert sheet_reader.read_sheet(content, COLUMNS)[1] == [
        (2, ["FW", "S", "SN1", "1"])
    ]


def test_csv_cell_over_the_field_limit(sheet_reader):
    big = "x" * (csv.field_size_limit() + 10)
    content = f'{HEADER}\nFW,S,"{big}",1\n'.encode()
    with pytest.raises(sheet_reader.SheetError) as info:
        sheet_reader.read_sheet(content, COLUMNS)
    assert info.value.code == "cell_too_long"
    assert info.value.params["line"] == 2


def test_csv_quote_left_open_reads_to_the_end(sheet_reader):
    # an open quote swallows the rest of the file into one cell: over the
    # field limit it is refused, under it the row is just wrong
    content = (HEADER + '\nFW,S,"SN1,1\n' + "FW,S,SN2,1\n" * 20000).encode()
    assert _code(sheet_reader, content) == "cell_too_long"


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x00\x01\x02binary\x00junk", "not_a_sheet"),
        ("é,ü\n".encode("latin-1"), "encoding"),
        (b"Product,Location\nFW,S\n", "missing_columns"),
        (b"just one line of text", "missing_columns"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old_excel"),
        (b"PK\x03\x04junk", "xlsx_damaged"),
    ],
)
def test_malformed_files_are_refused_with_a_code(sheet_reader, content, code):
    assert _code(sheet_reader, content) == code


def test_missing_columns_names_them(sheet_reader):
    with pytest.raises(sheet_reader.SheetError) as info:
        sheet_reader.read_sheet(b"Product;Location\n", COLUMNS)
    assert info.value.params["columns"] == "SerialOrBatch, Counted Quantity"


def test_size_cap(sheet_reader):
    with pytest.raises(sheet_reader.SheetError) as info:
        sheet_reader.check_size(sheet_reader.MAX_BYTES + 1)
    assert info.value.code == "too_big"
    sheet_reader.check_size(sheet_reader.MAX_BYTES)


def test_row_cap_csv(sheet_reader):
    content = (HEADER + "\n" + "FW,S,SN,1\n" * 11).encode()
    assert _code(sheet_reader, content, max_rows=10) == "too_many_rows"
    assert len(sheet_reader.read_sheet(content, COLUMNS, max_rows=11)[1]) == 11


# ---------------------------------------------------------------------- XLSX


def _xlsx(rows):
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl builds the XLSX")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(content, change):
    """The same XLSX with its first worksheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def test_xlsx_read(sheet_reader):
    content = _xlsx(
        [COLUMNS, ["FW", "WH/Stock", "SN1", 1], [None] * 4, ["FW", "S", 7, 0]]
    )
    separator, rows = sheet_reader.read_sheet(content, COLUMNS, filename="c.xlsx")
    assert separator is None
    assert rows == [(2, ["FW", "WH/Stock", "SN1", 1]), (4, ["FW", "S", 7, 0])]


def test_xlsx_declaring_the_whole_sheet_is_read_as_stored(sheet_reader):
    """A 1.5 KB file declaring A1:XFD1048576: read in bounded memory, only the
    rows it holds (the reader once built a million rows of 16,384 cells)."""
    content = _rewrite_sheet(
        _xlsx([COLUMNS, ["FW", "S", "SN1", 1]]),
        lambda xml: _set_dimension(xml, "A1:XFD1048576"),
    )
    assert len(content) < 10_000
    tracemalloc.start()
    try:
        _sep, rows = sheet_reader.read_sheet(content, COLUMNS, filename="c.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows == [(2, ["FW", "S", "SN1", 1])]
    assert peak < 20 * 1024 * 1024


def test_xlsx_cell_at_the_last_row_and_column(sheet_reader):
    """Cells stored at XFD1048576 and A1048576: only the columns asked for are
    built, and the million rows between are not kept (about 1 s here; not
    traced, tracemalloc makes it ten times slower)."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    content = _rewrite_sheet(
        _xlsx([COLUMNS, ["FW", "S", "SN1", 1]]),
        lambda xml: _set_dimension(xml, "A1:XFD1048576").replace(
            "</sheetData>", far + "</sheetData>"
        ),
    )
    # the far cell is outside the columns read: the row is blank for us
    _sep, rows = sheet_reader.read_sheet(content, COLUMNS, filename="c.xlsx")
    assert rows == [(2, ["FW", "S", "SN1", 1])]
    near = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    content = _rewrite_sheet(
        _xlsx([COLUMNS, ["FW", "S", "SN1", 1]]),
        lambda xml: xml.replace("</sheetData>", near + "</sheetData>"),
    )
    _sep, rows = sheet_reader.read_sheet(content, COLUMNS, filename="c.xlsx")
    assert rows == [(2, ["FW", "S", "SN1", 1]), (1048576, ["x", None, None, None])]


def test_xlsx_row_of_too_many_cells_is_refused_before_it_is_built(sheet_reader):
    cells = "".join(f'<c r="A{i}"><v>1</v></c>' for i in range(2000))
    content = _rewrite_sheet(
        _xlsx([COLUMNS]),
        lambda xml: xml.replace(
            "</sheetData>", f'<row r="2">{cells}</row></sheetData>'
        ),
    )
    assert _code(sheet_reader, content, filename="c.xlsx") == "too_many_cells"


def test_xlsx_header_missing_columns(sheet_reader):
    content = _xlsx([["Product", "Location"], ["FW", "S"]])
    assert _code(sheet_reader, content, filename="c.xlsx") == "missing_columns"


def test_xlsx_empty_sheet(sheet_reader):
    assert _code(sheet_reader, _xlsx([]), filename="c.xlsx") == "no_header"


def test_xlsx_row_cap(sheet_reader):
    content = _xlsx([COLUMNS] + [["FW", "S", f"SN{i}", 1] for i in range(11)])
    assert _code(sheet_reader, content, filename="c.xlsx", max_rows=10) == (
        "too_many_rows"
    )


def test_xlsx_over_the_uncompressed_cap(sheet_reader, monkeypatch):
    monkeypatch.setattr(sheet_reader, "MAX_UNCOMPRESSED", 1000)
    content = _xlsx([COLUMNS] + [["FW", "S", f"SN{i}", 1] for i in range(50)])
    assert _code(sheet_reader, content, filename="c.xlsx") == "xlsx_too_big"


def _set_dimension(xml, ref):
    start = xml.index("<dimension")
    end = xml.index("/>", start) + 2
    return xml[:start] + f'<dimension ref="{ref}"/>' + xml[end:]


def test_nul_in_a_data_cell_is_left_to_the_row_checks(sheet_reader):
    content = f"{HEADER}\nFW\x00REF,S,SN1,1\n".encode()
    assert sheet_reader.read_sheet(content, COLUMNS)[1] == [
        (2, ["FW\x00REF", "S", "SN1", "1"])
    ]


# The shipment file's reading: optional columns, header names in any case.


def test_optional_columns_and_folded_case(sheet_reader):
    content = b"Serial;PRODUCT;Po;extra\nS-1;FW;P1;x\nS-2;FW;;x\n"
    _sep, rows = sheet_reader.read_sheet(
        content, ("product", "serial"), optional=("ref", "po"), fold_case=True
    )
    assert rows == [(2, ["FW", "S-1", None, "P1"]), (3, ["FW", "S-2", None, ""])]


def test_header_case_kept_without_fold_case(sheet_reader):
    content = b"product,serial\nFW,S-1\n"
    with pytest.raises(sheet_reader.SheetError) as info:
        sheet_reader.read_sheet(content, ("Product", "serial"))
    assert info.value.code == "missing_columns"
    assert info.value.params["columns"] == "Product"


def test_normalize_header(sheet_reader):
    assert sheet_reader.normalize_header("  Serial__No  ") == "serial no"
    assert sheet_reader.normalize_header(None) == ""


def test_xlsx_optional_columns_folded(sheet_reader):
    content = _xlsx([["SERIAL", "Product", "Ref"], ["S-1", "FW", "aa:bb"]])
    _sep, rows = sheet_reader.read_sheet(
        content,
        ("product", "serial"),
        filename="asn.xlsx",
        optional=("ref", "po"),
        fold_case=True,
    )
    assert rows == [(2, ["FW", "S-1", "aa:bb", None])]


def test_csv_max_cell(sheet_reader):
    content = b"product,serial\nFW," + b"x" * 50 + b"\n"
    with pytest.raises(sheet_reader.SheetError) as info:
        sheet_reader.read_sheet(content, ("product", "serial"), max_cell=40)
    assert info.value.code == "cell_too_long"
    assert info.value.params["line"] == 2
    assert sheet_reader.read_sheet(content, ("product", "serial"), max_cell=50)[1]
