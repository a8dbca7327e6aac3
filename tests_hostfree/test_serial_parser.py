import pytest


@pytest.mark.parametrize(
    "text",
    [
        "SN1\nSN2\nSN3",
        "SN1,SN2,SN3",
        "SN1\tSN2\tSN3",
        "SN1;SN2;SN3",
        "SN1\r\nSN2\r\nSN3",
        "SN1\rSN2\rSN3",
        "SN1, SN2;\tSN3\r\n",
        "\n\nSN1\n\n\nSN2,,;;SN3\n",
    ],
)
def test_split_separators(serial_parser, text):
    assert serial_parser.split_serials(text) == ["SN1", "SN2", "SN3"]


def test_split_trims_and_keeps_case(serial_parser):
    assert serial_parser.split_serials("  abc-1 \n Abc-1\t\nABC-1  ") == [
        "abc-1",
        "Abc-1",
        "ABC-1",
    ]


def test_split_keeps_inner_spaces(serial_parser):
    assert serial_parser.split_serials(" SN 001 \n") == ["SN 001"]


@pytest.mark.parametrize("text", [None, "", "   ", "\n\r\n\t", ",;, ;\n"])
def test_split_blank(serial_parser, text):
    assert serial_parser.split_serials(text) == []


def test_split_keeps_order_and_duplicates(serial_parser):
    assert serial_parser.split_serials("B\nA\nB") == ["B", "A", "B"]


def test_find_duplicates_first_seen_order(serial_parser):
    assert serial_parser.find_duplicates(["A", "B", "B", "A", "A", "C"]) == ["B", "A"]
    assert serial_parser.find_duplicates(["A", "a"]) == []
    assert serial_parser.find_duplicates([]) == []


def test_parse_ok(serial_parser):
    assert serial_parser.parse_serial_entry("X1\nX2", max_count=2) == ["X1", "X2"]
    assert serial_parser.parse_serial_entry("X1;X2;X3") == ["X1", "X2", "X3"]
    assert serial_parser.parse_serial_entry("X1", max_count=5) == ["X1"]


@pytest.mark.parametrize("text", [None, "", "  \n ,; "])
def test_parse_empty(serial_parser, text):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry(text)
    assert info.value.code == "empty"
    assert info.value.params == {}
    assert "at least one serial" in str(info.value)


def test_parse_duplicate(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry("A\nB\n A \nB", max_count=10)
    assert info.value.code == "duplicate"
    assert info.value.params == {"serials": "A, B"}
    assert "A, B" in str(info.value)


def test_parse_duplicate_is_case_sensitive(serial_parser):
    assert serial_parser.parse_serial_entry("abc\nABC") == ["abc", "ABC"]


def test_parse_too_many(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry("A,B,C", max_count=2)
    assert info.value.code == "too_many"
    assert info.value.params == {"count": 3, "remaining": 2}
    assert "3 serial numbers entered but only 2 unit(s)" in str(info.value)


def test_parse_zero_remaining(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry("A", max_count=0)
    assert info.value.code == "too_many"


def test_duplicate_checked_before_count(serial_parser):
    with pytest.raises(serial_parser.SerialEntryError) as info:
        serial_parser.parse_serial_entry("A,A,B", max_count=1)
    assert info.value.code == "duplicate"


def test_error_is_value_error(serial_parser):
    assert issubclass(serial_parser.SerialEntryError, ValueError)
