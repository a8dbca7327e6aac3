#!/usr/bin/env python3
# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One measure of the receipt benchmark, in a process of its own (so that its
peak RSS is its own): run by bench_receipt.py with the python of Odoo 18.

Prints one JSON line: wall s, CPU s (this process: Odoo's side), SQL queries,
peak RSS (MB). Everything it builds is rolled back.
"""

import argparse
import contextlib
import json
import os
import resource
import sys
import time
from unittest.mock import patch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(env, operation):
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    queries, cpu, wall = cr.sql_log_count, cpu_seconds(), time.perf_counter()
    operation()
    env.flush_all()
    return {
        "wall": time.perf_counter() - wall,
        "cpu": cpu_seconds() - cpu,
        "queries": cr.sql_log_count - queries,
    }


def prepare(scenarios, path, size):
    """(operation to measure, check to run after it)."""
    from bench_scenarios import SERIAL_PATHS

    if path in SERIAL_PATHS:
        picking, check = scenarios.receipt(path, size)
        validate = scenarios.validate(picking)

        def check_done():
            expected = "assigned" if path == "ticket_queued" else "done"
            assert picking.state == expected, picking.state
            check()

        return validate, check_done
    return getattr(scenarios, path)(size)


def done_step(env, path):
    """Core's own done step for the core paths: the addon's batch of brand-new
    serials' quants switched off in this process (older checkouts of the
    addon have no batch: nothing to switch off)."""
    from bench_scenarios import CORE_PATHS

    line = env.registry["stock.move.line"]
    if path in CORE_PATHS and hasattr(line, "_serial_new_quants_batch"):
        return patch.object(line, "_serial_new_quants_batch", lambda self: None)
    return contextlib.nullcontext()


def run(env, path, size):
    from bench_scenarios import Scenarios

    with done_step(env, path):
        # Warm the registry caches (views, defaults, subtypes) with a small run.
        operation, check = prepare(Scenarios(env, "warm"), path, 3)
        operation()
        check()
        operation, check = prepare(Scenarios(env, f"{path}{size}"), path, size)
        result = measure(env, operation)
        check()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--size", type=int, required=True)
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", args.addons_path, "--log-level", "warn"]
    )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": False})
        try:
            result = run(env, args.path, args.size)
        finally:
            cr.rollback()
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
