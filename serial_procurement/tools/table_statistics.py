# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Statistics of the stock tables during a big import.

PostgreSQL plans each statement (and caches the plans of the foreign key
checks and of PL/pgSQL triggers) from the statistics of the last ANALYZE. When
one import more than doubles a table that was small, those plans scan the
whole table for every row and the import grows with the square of its rows.
The import analyses, between two slices, only the tables that
grew that much since their statistics: never on a database whose tables are
already big, a few times (each doubling) on a new one. ANALYZE blocks no read
or write; it holds a lock that only another ANALYZE or a VACUUM of the same
table waits for, until the import's transaction ends."""

# The tables a count sheet import fills.
STOCK_TABLES = (
    "stock_lot",
    "stock_quant",
    "stock_move",
    "stock_move_line",
    "stock_valuation_layer",
)
# Below this many pages (8 kB each) a table is never worth analysing here.
MIN_PAGES = 32


def has_outgrown_statistics(pages_analysed, pages_now, min_pages=MIN_PAGES):
    """True when a table of ``pages_now`` pages has more than doubled since its
    statistics were taken at ``pages_analysed`` pages (PostgreSQL's
    ``pg_class.relpages``: 0 or -1 when never analysed)."""
    if pages_now < min_pages:
        return False
    return pages_now > 2 * max(pages_analysed, 0)


# Per table: its name, its pages at the last ANALYZE, its pages now.
SIZES_QUERY = """
    SELECT c.relname, c.relpages,
           pg_relation_size(c.oid) / current_setting('block_size')::int
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r'
       AND c.relname = ANY(%s)
"""


def grown_tables(sizes):
    """The names, among ``sizes`` (rows of ``SIZES_QUERY``), of the tables
    that outgrew their statistics."""
    return [
        name for name, analysed, now in sizes if has_outgrown_statistics(analysed, now)
    ]
