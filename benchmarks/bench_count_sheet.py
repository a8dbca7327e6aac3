#!/usr/bin/env python3
# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Count sheet import cost: 1,000 / 10,000 / 100,000 rows.

For each size it builds, inside one transaction that is rolled back at the end,
a CSV count sheet of that many new serials of one product in one location
(the heaviest case: every row creates a serial, a quant and an inventory
move), then times:

- check: ``action_check()``, every row checked, nothing written;
- import: ``action_import()``, the whole sheet in one call, applied in slices of
  ``SLICE_SIZE`` rows (flushed and cache cleared between slices);
- read: above ``--max-import``, the sheet read and sorted once, as the
  background job of the queue_job bridge does before it splits the sheet;
- slices: then ``import_count_rows()`` per slice of rows, the unit of work of
  one background job (sizes above ``--max-import`` are imported this way only,
  never in one request); ``--max-slices N`` times the first N slices only and
  projects the whole sheet from their mean.

and prints seconds, SQL queries and ms per row.

Usage: python3 benchmarks/bench_count_sheet.py [--database DB]
           [--sizes 1000,10000,100000] [--max-import 10000]
The database must have serial_procurement installed (``make run`` makes one).
"""

import argparse
import base64
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def addons_path(odoo):
    paths = [
        ROOT,
        os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons"),
    ]
    paths += list(odoo.addons.__path__)
    return ",".join(p for p in paths if os.path.isdir(p))


def make_sheet(env, size, tag):
    env["product.product"].create(
        {
            "name": f"Bench count {tag}",
            "default_code": f"BENCH-{tag}",
            "is_storable": True,
            "tracking": "serial",
        }
    )
    location = env["stock.warehouse"].search([], limit=1).lot_stock_id
    lines = ["Product,Location,SerialOrBatch,Counted Quantity"]
    lines += [
        f"BENCH-{tag},{location.complete_name},CS-{tag}-{i:06d},1" for i in range(size)
    ]
    return env["serial.procurement.count.sheet.wizard"].create(
        {
            "data": base64.b64encode("\n".join(lines).encode()),
            "filename": "count.csv",
        }
    )


def timed(env, func):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    # What the commit would check (deferred constraints: one place per serial).
    env.cr.execute("SET CONSTRAINTS ALL IMMEDIATE")
    env.cr.execute("SET CONSTRAINTS ALL DEFERRED")
    return time.perf_counter() - start, env.cr.sql_log_count - queries, result


def report(size, label, elapsed, queries, rows):
    print(
        f"{size:>8} {label:<7} {elapsed:>9.2f} {queries:>9} "
        f"{1000 * elapsed / rows:>8.2f} {queries / rows:>7.2f}"
    )


def bench_size(env, size, max_import, slice_size, max_slices=0):
    wizard = make_sheet(env, size, f"{size}")
    elapsed, queries, _res = timed(env, wizard.action_check)
    report(size, "check", elapsed, queries, size)
    if size <= max_import:
        elapsed, queries, _res = timed(env, wizard.action_import)
        report(size, "import", elapsed, queries, size)
        return
    # Beyond max_import: as the queue_job bridge does it, the whole sheet read
    # and checked once, then one call (one job, one transaction) per slice,
    # each given its rows.
    elapsed, queries, rows = timed(env, wizard._sorted_rows)
    report(size, "read", elapsed, queries, size)
    parts = [rows[i : i + slice_size] for i in range(0, len(rows), slice_size)]
    if max_slices:
        parts = parts[:max_slices]
    total_time = total_queries = 0
    for part in parts:
        elapsed, queries, _done = timed(
            env, lambda part=part: wizard.import_count_rows(part)
        )
        total_time += elapsed
        total_queries += queries
    done = sum(len(part) for part in parts)
    report(size, "slices", total_time, total_queries, done)
    slices = -(-size // slice_size)
    print(
        f"{'':>8} {len(parts)} slices of {slice_size} rows timed: "
        f"{total_time / len(parts):.2f} s per slice (one job each); "
        f"whole sheet {total_time / len(parts) * slices:.0f} s in {slices} slices"
        + (" (projected)" if done < size else "")
    )


def vacuum_stock_tables(odoo, database):
    """VACUUM ANALYZE the tables an import fills: every run is rolled back and
    leaves its rows dead in them, which would slow the next run."""
    import psycopg2

    from odoo.addons.serial_procurement.tools.table_statistics import STOCK_TABLES

    _name, dsn = odoo.sql_db.connection_info_for(database)
    connection = psycopg2.connect(**dsn)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in STOCK_TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", "-d", default=os.environ.get("SP_DB", "serial_procurement")
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--max-import", type=int, default=10000)
    parser.add_argument(
        "--max-slices",
        type=int,
        default=0,
        help="above --max-import, time only this many slices and project the "
        "total from their mean (0: all slices)",
    )
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="do not VACUUM ANALYZE the stock tables first",
    )
    args = parser.parse_args()
    try:
        import odoo
        from odoo import SUPERUSER_ID, api
        from odoo.modules.registry import Registry
    except ImportError:
        sys.exit("No importable Odoo 18 found: install it or run with its python.")
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", addons_path(odoo), "--log-level", "warn"]
    )
    from odoo.addons.serial_procurement.wizards import (
        serial_procurement_count_sheet_wizard as wizard_module,
    )

    if not args.no_vacuum:
        vacuum_stock_tables(odoo, args.database)
    registry = Registry(args.database)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"database {args.database}, Odoo {odoo.release.version}")
    print(
        f"{'rows':>8} {'step':<7} {'seconds':>9} {'queries':>9} "
        f"{'ms/row':>8} {'q/row':>7}"
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "serial_job_count_sheet_rows" in env.company._fields:
            # The queue_job bridge would queue big sheets: time the import itself.
            env.company.serial_job_count_sheet_rows = 0
        make_sheet(env, 3, "warm").action_import()
        for size in sizes:
            bench_size(
                env, size, args.max_import, wizard_module.SLICE_SIZE, args.max_slices
            )
        cr.rollback()


if __name__ == "__main__":
    main()
