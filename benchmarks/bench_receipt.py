#!/usr/bin/env python3
# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Receipt benchmark: receiving serials onto tickets next to core alone.

Prints ONE table, size x path: wall s, CPU s (the Odoo process), SQL queries,
queries per serial, peak RSS and the ratios to core of the same size (CPU and
queries) and to plain (CPU). Paths (see bench_scenarios.py): core (plain
receipt, nothing waiting, validated along core's own one-quant-at-a-time done
step), plain (the same with the addon's batch of new serials' quants), ticket
(onto one ticket), two_tickets (an older open ticket for the product waits
too), optionally core_waiting and ticket_queued (the request when the
validation goes to a background job); then the final invoice of a ticket, the
Serial History report of one serial moved N times (history_moves) and of the N
serials of a receipt (history_lots).

Each measure runs in a process of its own (its peak RSS is its own) inside a
transaction that is rolled back, in the `make run` database (SP_DB, or
--database). Odoo is found, or installed, by the project's shared tooling
(scripts/sptool: the same discovery as `make test`), so this works with any
python3 wherever `make test` does:

    make bench                        # 1,000 and 10,000 serials (minutes)
    make bench ARGS="--sizes 100,1000"
    python3 benchmarks/bench_receipt.py --sizes 100 --paths core,ticket
    python3 benchmarks/bench_receipt.py --addons-root /other/checkout  # compare
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "scripts"))

from sptool.commands import prepare_run_db  # noqa: E402
from sptool.host import get_odoo  # noqa: E402
from sptool.layout import ADDON  # noqa: E402
from sptool.output import Failure  # noqa: E402
from sptool.system import ensure_postgres  # noqa: E402

DEFAULT_PATHS = "core,plain,ticket,two_tickets"
EXTRAS = ("invoice", "history_moves", "history_lots")
HEADER = (
    f"{'serials':>7}  {'path':<15} {'wall s':>8} {'CPU s':>8} {'queries':>8} "
    f"{'q/serial':>8} {'RSS MB':>7} {'CPU x core':>10} {'queries x core':>14} "
    f"{'CPU x plain':>11}"
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", default=os.environ.get("SP_DB", ADDON))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument(
        "--big", action="store_true", help="add 10,000 serials (minutes per path)"
    )
    parser.add_argument(
        "--paths", default=DEFAULT_PATHS, help="core_waiting, ticket_queued too"
    )
    parser.add_argument(
        "--extras",
        default="1000",
        help="sizes of the invoice and history report rows ('' for none)",
    )
    parser.add_argument(
        "--addons-root",
        help="another checkout of this repository to measure instead (before/after)",
    )
    return parser.parse_args(argv)


def addons_path(odoo, root):
    """The tooling's addons path, with ``root`` in place of this repository."""
    paths = odoo.addons_paths(with_repo=False)
    return ",".join([str(root or REPO), *paths])


def run_child(odoo, args, path, size):
    cmd = [
        odoo.python,
        str(HERE / "bench_child.py"),
        "--database",
        args.database,
        "--addons-path",
        addons_path(odoo, args.addons_root),
        "--path",
        path,
        "--size",
        str(size),
    ]
    done = subprocess.run(
        cmd, env=odoo.env(), capture_output=True, text=True, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
    raise Failure(f"bench_child.py {path} {size} failed (exit {done.returncode})")


def ratio(result, base, key):
    return f"{result[key] / base[key]:.2f}" if base else "-"


def row(size, path, result, core, plain=None):
    return (
        f"{size:>7}  {path:<15} {result['wall']:>8.2f} {result['cpu']:>8.2f} "
        f"{result['queries']:>8} {result['queries'] / size:>8.2f} "
        f"{result['rss_mb']:>7.0f} {ratio(result, core, 'cpu'):>10} "
        f"{ratio(result, core, 'queries'):>14} {ratio(result, plain, 'cpu'):>11}"
    )


def sizes_of(args):
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.big and 10000 not in sizes:
        sizes.append(10000)
    return sizes


def main(argv=None):
    args = parse_args(argv)
    try:
        odoo = get_odoo()
        ensure_postgres()
        prepare_run_db(odoo, args.database)
    except Failure as error:
        sys.exit(str(error))
    paths = [p for p in args.paths.split(",") if p]
    print(
        f"database {args.database}, Odoo {odoo.version}, addons "
        f"{args.addons_root or REPO}; ratios to core (core's own done step) and "
        "to plain (the addon's) of the same size"
    )
    print(HEADER, flush=True)
    for size in sizes_of(args):
        bases = {}
        for path in paths:
            result = run_child(odoo, args, path, size)
            if path in ("core", "plain"):
                bases[path] = result
            print(row(size, path, result, bases.get("core"), bases.get("plain")))
            sys.stdout.flush()
    for size in [int(s) for s in args.extras.split(",") if s]:
        for path in EXTRAS:
            print(row(size, path, run_child(odoo, args, path, size), None), flush=True)


if __name__ == "__main__":
    main()
