# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""When a big import refreshes the statistics of a stock table."""

import pytest


@pytest.mark.parametrize(
    "analysed, now, expected",
    [
        (0, 10, False),  # small table: never worth an ANALYZE
        (0, 31, False),
        (0, 32, True),  # never analysed and no longer small
        (-1, 100, True),  # -1: PostgreSQL has never analysed it
        (40, 80, False),  # doubled exactly: not yet
        (40, 81, True),  # more than doubled since its statistics
        (5000, 6000, False),  # a big table that an import barely grows
        (100000, 150000, False),
    ],
)
def test_has_outgrown_statistics(table_statistics, analysed, now, expected):
    assert table_statistics.has_outgrown_statistics(analysed, now) is expected


def test_minimum_is_a_parameter(table_statistics):
    assert table_statistics.has_outgrown_statistics(0, 5, min_pages=4)
    assert not table_statistics.has_outgrown_statistics(0, 5, min_pages=6)


def test_stock_tables_named(table_statistics):
    assert {"stock_quant", "stock_move_line", "stock_lot"} <= set(
        table_statistics.STOCK_TABLES
    )


def test_grown_tables(table_statistics):
    sizes = [("stock_quant", 10, 500), ("stock_lot", 400, 500), ("stock_move", 0, 3)]
    assert table_statistics.grown_tables(sizes) == ["stock_quant"]
    assert table_statistics.grown_tables([]) == []


def test_sizes_query_takes_the_table_names(table_statistics):
    query = table_statistics.SIZES_QUERY
    assert query.count("%s") == 1
    assert "relpages" in query and "pg_relation_size" in query
