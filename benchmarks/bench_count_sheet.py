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
- slices: ``import_count_slice()`` calls, the unit of work a background job
  runs (sizes above ``--max-import`` are imported this way only: one request
  per slice, never one request for the whole sheet); ``--max-slices N`` times
  the first N slices only and projects the whole sheet from their mean.

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
    # Beyond max_import: slice by slice, as a background job would.
    total_time = total_queries = slices = 0
    offset = 0
    while True:
        elapsed, queries, done = timed(
            env, lambda offset=offset: wizard.import_count_slice(offset, slice_size)
        )
        if not done or (max_slices and slices >= max_slices):
            break
        total_time += elapsed
        total_queries += queries
        slices += 1
        offset += done
    rows = min(size, slices * slice_size)
    report(size, "slices", total_time, total_queries, rows)
    projected = total_time / slices * -(-size // slice_size)
    print(
        f"{'':>8} {slices} slices of {slice_size} rows timed: "
        f"{total_time / slices:.2f} s per slice (one request each); "
        f"whole sheet {projected:.0f} s in {-(-size // slice_size)} slices"
        + (" (projected)" if rows < size else "")
    )


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

    registry = Registry(args.database)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"database {args.database}, Odoo {odoo.release.version}")
    print(
        f"{'rows':>8} {'step':<7} {'seconds':>9} {'queries':>9} "
        f"{'ms/row':>8} {'q/row':>7}"
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        make_sheet(env, 3, "warm").action_import()
        for size in sizes:
            bench_size(
                env, size, args.max_import, wizard_module.SLICE_SIZE, args.max_slices
            )
        cr.rollback()


if __name__ == "__main__":
    main()
