#!/usr/bin/env python3
# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the Serial Enquiry search (not a test).

Fills a dedicated database with N serials (bulk SQL INSERT ... generate_series),
spreads customers, suppliers and tickets over them, ANALYZEs, then times the
enquiry search (``stock.lot`` ``serial_enquiry`` ilike, ORM ``search`` with the
list view's limit and order) by serial, customer, ticket and supplier, and core's
own ``name ilike`` search for comparison, in two states of the table: right after
the fill (ANALYZE only: what a user meets after a big import; autovacuum is held
off on the table meanwhile) and after VACUUM ANALYZE. Prints the median of
``--runs`` rounds in ms (each round searches every case once, in turn, so that
the ratio to core's name search of the same state compares searches made side
by side).

Serials already filled are deleted and filled again (the table vacuumed in
between), so that the first state is always a fresh fill; ``--skip-fill`` times
the table as it is instead.

A new index is not used by a transaction older than it while other transactions
are open on the cluster (PostgreSQL's ``indcheckxmin``, after an install on a
table with updated rows): the benchmark waits for its indexes to be usable, or
says which sessions hold them back.

The database must have serial_procurement installed, e.g.::

    createdb -T sp_deps_tmpl sp_wt4_bench
    python3 -m odoo -d sp_wt4_bench --addons-path=... -i serial_procurement \
        --stop-after-init
    python3 benchmarks/bench_enquiry.py -d sp_wt4_bench --addons-path=... \
        --count 1000000
"""

import argparse
import os
import statistics
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

MARK = "BENCH-SN-"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--addons-path",
        help="defaults to this repository, Odoo's addons and odoo.addons.__path__",
    )
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=51)
    parser.add_argument("--limit", type=int, default=80, help="list view page size")
    parser.add_argument(
        "--order",
        default="id desc",
        help="sort order of the search (the Serial Enquiry list: newest first)",
    )
    parser.add_argument(
        "--skip-fill",
        action="store_true",
        help="time the serials already filled as they are (no fresh fill)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN (ANALYZE, BUFFERS) of every query of each case, "
        "in both states",
    )
    parser.add_argument(
        "--wait-indexes",
        type=int,
        default=300,
        help="seconds to wait for the table's new indexes to be usable",
    )
    return parser.parse_args()


def autocommit(cr, statement):
    """Run a statement that cannot run in a transaction (VACUUM)."""
    cr.commit()
    cr._cnx.autocommit = True
    try:
        cr.execute(statement)
    finally:
        cr._cnx.autocommit = False


def empty(env):
    """Delete the benchmark serials of an earlier run and vacuum the table, so
    that the next fill meets the table as a first fill does."""
    cr = env.cr
    started = time.perf_counter()
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cr.fetchone()[0]:
        # nothing refers to the benchmark serials: skip the foreign-key checks,
        # one per referring table and serial (minutes for 1,000,000 serials)
        cr.execute("SET LOCAL session_replication_role = replica")
    cr.execute("DELETE FROM stock_lot WHERE name LIKE %s", [MARK + "%"])
    print(f"deleted {cr.rowcount} serials of an earlier run", end="")
    autocommit(cr, "VACUUM stock_lot")
    print(f" and vacuumed: {time.perf_counter() - started:.1f} s")


def fill(env, args):
    cr = env.cr
    cr.execute("SELECT count(*) FROM stock_lot WHERE name LIKE %s", [MARK + "%"])
    if cr.fetchone()[0]:
        empty(env)
    # the state "right after the fill" is what is timed first: no autovacuum
    cr.execute("ALTER TABLE stock_lot SET (autovacuum_enabled = false)")
    cr.commit()
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    company = env.company
    product = env["product.product"].search(
        [("default_code", "=", "BENCH-SERIAL")], limit=1
    )
    if not product:
        product = env["product.product"].create(
            {
                "name": "Bench Serial Product",
                "default_code": "BENCH-SERIAL",
                "is_storable": True,
                "tracking": "serial",
            }
        )
    started = time.perf_counter()
    Partner, Ticket = env["res.partner"], env["helpdesk.ticket"]
    # those of an earlier run are reused: a refill keeps the same references
    customers = Partner.search([("name", "=like", "Bench Customer %")], order="id")
    suppliers = Partner.search([("name", "=like", "Bench Supplier %")], order="id")
    tickets = Ticket.search([("name", "=like", "Bench Ticket %")], order="id")
    if len(customers) < args.customers or len(suppliers) < 50:
        customers = Partner.create(
            [{"name": f"Bench Customer {i:05d}"} for i in range(args.customers)]
        )
        suppliers = Partner.create(
            [{"name": f"Bench Supplier {i:03d}", "supplier_rank": 1} for i in range(50)]
        )
    if len(tickets) < args.tickets:
        tickets = Ticket.create(
            [
                {
                    "name": f"Bench Ticket {i:05d}",
                    "description": "benchmark",
                    "partner_id": customers[i % len(customers)].id,
                }
                for i in range(args.tickets)
            ]
        )
    customers = customers[: args.customers]
    suppliers = suppliers[:50]
    tickets = tickets[: args.tickets]
    env.flush_all()
    print(f"partners and tickets: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    cr.execute(
        """
        INSERT INTO stock_lot (name, product_id, company_id, customer_id,
                               supplier_id, ticket_id, create_uid, write_uid,
                               create_date, write_date)
        SELECT %(mark)s || lpad(g::text, 9, '0'),
               %(product)s, %(company)s,
               CASE WHEN g %% 3 = 0
                    THEN (%(customers)s::int[])[1 + g %% %(ncust)s] END,
               (%(suppliers)s::int[])[1 + g %% %(nsupp)s],
               CASE WHEN g %% 10 = 0
                    THEN (%(tickets)s::int[])[1 + (g / 10) %% %(ntick)s] END,
               %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM generate_series(%(start)s, %(stop)s) AS g
        """,
        {
            "mark": MARK,
            "product": product.id,
            "company": company.id,
            "customers": customers.ids,
            "ncust": len(customers),
            "suppliers": suppliers.ids,
            "nsupp": len(suppliers),
            "tickets": tickets.ids,
            "ntick": len(tickets),
            "uid": SUPERUSER_ID,
            "start": 1,
            "stop": args.count,
        },
    )
    print(f"inserted {cr.rowcount} serials in {time.perf_counter() - started:.1f} s")
    cr.commit()
    started = time.perf_counter()
    for table in (
        "stock_lot",
        "res_partner",
        "helpdesk_ticket",
        "purchase_order",
        "account_move",
        "serial_procurement_aml_lot_rel",
    ):
        cr.execute(f"ANALYZE {table}")  # noqa: S608 - fixed table names
    cr.commit()
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s")


def unusable_indexes(cr):
    """The indexes of stock_lot this transaction's snapshot may not use yet."""
    cr.execute(
        """
        SELECT i.indexrelid::regclass::text
          FROM pg_index i
         WHERE i.indrelid = 'stock_lot'::regclass AND i.indcheckxmin
           AND i.xmin::text::bigint
               >= mod(txid_snapshot_xmin(txid_current_snapshot()), 4294967296)
        """
    )
    return [row[0] for row in cr.fetchall()]


def wait_for_indexes(env, args):
    cr = env.cr
    deadline = time.monotonic() + args.wait_indexes
    while True:
        cr.commit()  # a new snapshot
        blocked = unusable_indexes(cr)
        if not blocked:
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(5)
    cr.execute(
        """
        SELECT pid, datname, xact_start FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
         ORDER BY xact_start LIMIT 5
        """
    )
    print(
        f"!! {len(blocked)} index(es) of stock_lot not usable yet "
        f"({', '.join(blocked)}): older transactions still open: "
        f"{cr.fetchall()}; the figures below are those of a table without them"
    )
    return False


def timed(env, cases, args):
    """``{label: (median, min, max, found)}`` in ms: the cases are timed in
    turns (one search of each case per round), so that a slower moment of the
    machine weighs on every case alike and the ratios to core compare searches
    made side by side; the first round warms the caches."""
    Lot = env["stock.lot"]
    durations = {label: [] for label, _domain in cases}
    found = {}
    for run in range(args.runs + 1):
        for label, domain in cases:
            env.invalidate_all()
            started = time.perf_counter()
            result = Lot.search(domain, limit=args.limit, order=args.order)
            elapsed = (time.perf_counter() - started) * 1000
            if run:
                durations[label].append(elapsed)
            found[label] = len(result)
    return {
        label: (statistics.median(values), min(values), max(values), found[label])
        for label, values in durations.items()
    }


def recorded_queries(env, domain, args):
    """The SELECT queries (code, params) one search of ``domain`` runs."""
    cr, seen = env.cr, []
    original = cr.execute

    def record(query, params=None, log_exceptions=True):
        code, args_ = (
            (query.code, query.params)
            if hasattr(query, "code")
            else (
                query,
                params,
            )
        )
        if str(code).lstrip().upper().startswith(("SELECT", "(", "WITH")):
            seen.append((code, args_))
        return original(query, params, log_exceptions)

    cr.execute = record  # the instance attribute shadows the method
    try:
        env.invalidate_all()
        env["stock.lot"].search(domain, limit=args.limit, order=args.order)
    finally:
        del cr.execute
    return seen


def print_plans(env, label, domain, args):
    for code, params in recorded_queries(env, domain, args):
        env.cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {code}", params)
        plan = "\n".join(f"    {row[0]}" for row in env.cr.fetchall())
        print(f"\n  plan of {label}:\n    {code}\n{plan}")


def default_addons_path():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [
        root,
        os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons"),
    ]
    paths += list(odoo.addons.__path__)
    return ",".join(p for p in paths if os.path.isdir(p))


def main():
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress lines as they come
    args.addons_path = args.addons_path or default_addons_path()
    odoo.tools.config.parse_config(
        ["-d", args.database, f"--addons-path={args.addons_path}", "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not args.skip_fill:
            fill(env, args)
        cr.execute("SELECT count(*) FROM stock_lot")
        total = cr.fetchone()[0]
        middle = max(args.count // 2, 1)
        serial = f"{middle:09d}"
        customer = env["res.partner"].search(
            [("name", "=like", "Bench Customer %")], order="id", limit=43
        )[-1:]
        ticket = env["helpdesk.ticket"].search(
            [("name", "=like", "Bench Ticket %")], order="id", limit=43
        )[-1:]
        cases = [
            ("core name search (serial)", [("name", "ilike", serial)]),
            ("enquiry by serial", [("serial_enquiry", "ilike", serial)]),
            ("enquiry by customer", [("serial_enquiry", "ilike", customer.name)]),
            ("enquiry by ticket", [("serial_enquiry", "ilike", ticket.name)]),
            (
                "enquiry by supplier",
                [("serial_enquiry", "ilike", "Bench Supplier 007")],
            ),
        ]
        print(
            f"stock_lot rows: {total}; runs per case: {args.runs}; "
            f"limit {args.limit}; order {args.order}"
        )
        states = [
            ("as filled" if args.skip_fill else "right after the fill (ANALYZE only)")
        ]
        states.append("after VACUUM ANALYZE")
        for index, state in enumerate(states):
            if index:
                autocommit(cr, "VACUUM ANALYZE stock_lot")
                cr.execute("ALTER TABLE stock_lot RESET (autovacuum_enabled)")
                cr.commit()
            wait_for_indexes(env, args)
            print(f"\n{state}:")
            print(
                f"{'case':32} {'median ms':>10} {'min ms':>8} {'max ms':>8} "
                f"{'found':>6} {'x core':>7}"
            )
            core = None
            figures = timed(env, cases, args)
            for label, _domain in cases:
                median, low, high, found = figures[label]
                core = core or median
                print(
                    f"{label:32} {median:10.1f} {low:8.1f} {high:8.1f} {found:6d} "
                    f"{median / core:7.2f}"
                )
            if args.explain:
                for label, domain in cases:
                    print_plans(env, label, domain, args)
        cr.rollback()


if __name__ == "__main__":
    main()
