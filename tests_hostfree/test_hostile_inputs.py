"""Serial names, numbers and spreadsheet cells as a hostile user types them."""

import math

import pytest


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("FW1", "FW1"),
        ("  EXIST1 ", "EXIST1"),
        ("\u00a0EXIST1\u3000", "EXIST1"),  # odd spaces at the ends are trimmed
        ("SN 001", "SN 001"),
        ("Cafe\u0301", "Caf\u00e9"),  # NFC: one form for one text
        ("x" * 64, "x" * 64),
    ],
)
def test_normalize_accepts(serial_parser, raw, stored):
    assert serial_parser.normalize_serial(raw) == stored


@pytest.mark.parametrize(
    "raw, code",
    [
        (False, "not_text"),
        (None, "not_text"),
        (12, "not_text"),
        ("", "empty"),
        ("   ", "empty"),
        ("FW\x001", "control"),
        ("FW1\x00", "control"),
        ("FW\x071", "control"),
        ("FW\n1", "control"),
        ("FW\u20281", "control"),
        ("FW1\u200b", "invisible"),
        ("\u200bFW1", "invisible"),
        ("FW\u200d1", "invisible"),
        ("FW\ufeff1", "invisible"),
        ("FW\u202e1", "invisible"),
        ("FW\u00a01", "invisible"),
        ("x" * 65, "too_long"),
        ("x" * 10000, "too_long"),
    ],
)
def test_normalize_refuses(serial_parser, raw, code):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.normalize_serial(raw)
    assert info.value.code == code


def test_refusal_message_shows_invisible_characters(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.normalize_serial("FW1\u200b")
    assert "FW1\\u200b" in str(info.value)
    assert "U+200B" in str(info.value)


def test_too_long_message_is_cut(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.normalize_serial("y" * 10000)
    assert len(str(info.value)) < 200
    assert info.value.params["length"] == 10000


def test_max_length_parameter(serial_parser):
    assert serial_parser.normalize_serial("abcd", max_length=4) == "abcd"
    with pytest.raises(serial_parser.SerialEntryError):
        serial_parser.normalize_serial("abcde", max_length=4)


def test_parse_entry_refuses_nul(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry("A1\nB\x001\nC1")
    assert info.value.code == "control"


def test_parse_entry_refuses_non_text(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry(["A1"])
    assert info.value.code == "not_text"


def test_parse_entry_case_insensitive(serial_parser):
    assert serial_parser.parse_serial_entry("fw1\nFW2") == ["fw1", "FW2"]
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry("fw1\nFW1", case_insensitive=True)
    assert info.value.code == "duplicate"
    assert info.value.params["serials"] == "fw1, FW1"


def test_serial_key(serial_parser):
    assert serial_parser.serial_key("Ab") == "Ab"
    assert serial_parser.serial_key("Ab", True) == serial_parser.serial_key("aB", True)


@pytest.mark.parametrize(
    "name, warned",
    [
        ("FW1", False),
        ("\u0410BC1", True),  # Cyrillic A, Latin BC
        ("\u0391BC1", True),  # Greek Alpha
        ("\uff21BC", True),  # full-width A
        ("\u0416\u0416", False),  # plain Cyrillic
        ("12-34", False),
    ],
)
def test_confusable_scripts(serial_parser, name, warned):
    assert bool(serial_parser.confusable_scripts(name)) is warned


@pytest.mark.parametrize(
    "cell, exported",
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("SN-1", "SN-1"),
        ("", ""),
        (-5.0, -5.0),
        (None, None),
    ],
)
def test_neutralize_cell(spreadsheet, cell, exported):
    assert spreadsheet.neutralize_cell(cell) == exported


def test_neutralize_row(spreadsheet):
    assert spreadsheet.neutralize_row(["=1", 2, "a"]) == ["'=1", 2, "a"]


@pytest.mark.parametrize("value", [0, 1, "2.5", 1e12, -0.0])
def test_check_number_accepts(input_checks, value):
    assert input_checks.check_number(value) == float(value)


@pytest.mark.parametrize(
    "value, code",
    [
        (math.nan, "not_finite"),
        (math.inf, "not_finite"),
        (-math.inf, "not_finite"),
        ("inf", "not_finite"),
        ("nan", "not_finite"),
        (1e300, "too_big"),
        ("1e300", "too_big"),
        ("abc", "not_number"),
        (None, "not_number"),
        (True, "not_number"),
        ([1], "not_number"),
        (-1, "negative"),
    ],
)
def test_check_number_refuses(input_checks, value, code):
    with pytest.raises(input_checks.NumberError) as info:
        input_checks.check_number(value)
    assert info.value.code == code


def test_check_number_negative_allowed(input_checks):
    assert input_checks.check_number(-3, allow_negative=True) == -3.0


@pytest.mark.parametrize(
    "amount_type, amount, code",
    [
        ("fixed", math.nan, "not_finite"),
        ("fixed", math.inf, "not_finite"),
        ("fixed", -math.inf, "not_finite"),
        ("percentage", math.nan, "not_finite"),
        ("fixed", "100", "not_finite"),
        ("bogus", 10.0, "amount_type"),
        (False, 10.0, "amount_type"),
    ],
)
def test_check_deposit_hostile(billing, amount_type, amount, code):
    with pytest.raises(billing.DepositError) as info:
        billing.check_deposit(amount_type, amount, 1000.0, 0.0)
    assert info.value.code == code
