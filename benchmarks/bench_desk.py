#!/usr/bin/env python3
# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Procurement desk (issue #22) speed, inside one transaction rolled back.

- queue: 10,000 open estimate lines (``--queue-lines``) of tickets; times the
  Procurement list as the web client loads it: grouped by vendor
  (``web_read_group``), the first page of a group and the ungrouped first
  page (``web_search_read`` of 80 lines with the count), and every line read
  at once;
- order: ``sale.order.line.action_serial_order()`` on 1,000 lines across 300
  tickets and 20 vendors (one request for quotation per vendor);
- import: a 10,000-row shipment file (CSV) onto the receipt of 20 tickets'
  units, ``serial.procurement.shipment.import.wizard.action_import()``.

Goals: queue < 1 s, order < 10 s, import < 20 s. Prints seconds and SQL
queries. The machine is shared: treat the figures as orders of magnitude.

Usage: python3 benchmarks/bench_desk.py [--database DB] [--queue-lines 10000]
           [--order-lines 1000] [--tickets 300] [--vendors 20] [--rows 10000]
The database must have serial_procurement installed. Diagnostics:
``--profile N`` prints the N costliest functions of each timed step (cProfile);
``SP_BENCH_SQL=1`` counts the step's SQL statements by their first characters.
"""

import argparse
import base64
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUEUE_FIELDS = {
    "serial_vendor_id": {"fields": {"display_name": {}}},
    "serial_ticket_id": {"fields": {"display_name": {}}},
    "order_partner_id": {"fields": {"display_name": {}}},
    "order_id": {"fields": {"display_name": {}}},
    "product_id": {"fields": {"display_name": {}}},
    "product_uom_qty": {},
    "serial_qty_to_order": {},
    "serial_qty_allocated": {},
    "qty_delivered": {},
    "serial_procurement_state": {},
    "company_id": {"fields": {"display_name": {}}},
}


def addons_path(odoo):
    paths = [
        ROOT,
        os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons"),
    ]
    paths += list(odoo.addons.__path__)
    return ",".join(p for p in paths if os.path.isdir(p))


PROFILE = []


def timed(env, func):
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    if PROFILE:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(lambda: (func(), env.flush_all())[0])
        stats = pstats.Stats(profiler).sort_stats("cumtime")
        stats.print_stats(PROFILE[0])
        if os.environ.get("SP_BENCH_CALLEES"):
            stats.print_callees(os.environ["SP_BENCH_CALLEES"])
    elif os.environ.get("SP_BENCH_SQL"):
        import collections
        import re as _re

        seen = collections.Counter()
        original = type(env.cr._obj).execute
        raw = env.cr._obj

        class Spy:
            def __getattr__(self, name):
                return getattr(raw, name)

            def execute(self, query, params=None):
                text = query.decode() if isinstance(query, bytes) else str(query)
                key = _re.sub(r"\s+", " ", text)[:110]
                seen[key] += 1
                trace = os.environ.get("SP_BENCH_SQL_TRACE")
                if trace and trace in key and seen[key] == 3:
                    import traceback

                    traceback.print_stack(limit=25)
                return original(raw, query, params)

        env.cr._obj = Spy()
        try:
            result = func()
            env.flush_all()
        finally:
            env.cr._obj = raw
        for text, count in seen.most_common(25):
            print(f"{count:>6} {text}")
    else:
        result = func()
    env.flush_all()
    return time.perf_counter() - start, env.cr.sql_log_count - queries, result


def report(label, elapsed, queries, goal=None):
    mark = ""
    if goal is not None:
        mark = f"  (goal < {goal} s: {'ok' if elapsed < goal else 'MISSED'})"
    print(f"{label:<48} {elapsed:>8.2f} s {queries:>8} queries{mark}")


class Data:
    def __init__(self, env, tag):
        self.env = env
        self.tag = tag
        self.customer = env["res.partner"].create({"name": f"Desk bench {tag}"})

    def products(self, count):
        vendors = self.env["res.partner"].create(
            [{"name": f"Desk vendor {self.tag}-{i}"} for i in range(count)]
        )
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Desk product {self.tag}-{i}",
                    "default_code": f"DESK-{self.tag}-{i}",
                    "is_storable": True,
                    "tracking": "serial",
                    "invoice_policy": "order",
                    "list_price": 100.0,
                    "seller_ids": [(0, 0, {"partner_id": vendor.id, "price": 50.0})],
                }
                for i, vendor in enumerate(vendors)
            ]
        )
        return products

    def tickets(self, products, tickets, lines, qty=1):
        """``tickets`` estimates with ``lines`` lines in all, confirmed, each
        linked to a new ticket (in batches)."""
        per = [
            lines // tickets + (1 if i < lines % tickets else 0) for i in range(tickets)
        ]
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": products[(t + j) % len(products)].id,
                                "product_uom_qty": qty,
                            },
                        )
                        for j in range(count)
                    ],
                }
                for t, count in enumerate(per)
            ]
        )
        orders.action_confirm()
        self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Desk bench {order.name}",
                    "description": order.name,
                    "partner_id": self.customer.id,
                    "sale_order_link_ids": [(4, order.id)],
                }
                for order in orders
            ]
        )
        return orders


def bench_queue(env, size):
    data = Data(env, "Q")
    products = data.products(20)
    data.tickets(products, max(size // 20, 1), size)
    Line = env["sale.order.line"]
    domain = [("serial_procurement_state", "=", "to_order")]
    print(f"queue: {Line.search_count(domain)} lines to order")
    elapsed, queries, groups = timed(
        env,
        lambda: Line.web_read_group(
            domain, ["serial_qty_to_order:sum"], ["serial_vendor_id"], limit=80
        ),
    )
    report("queue grouped by vendor (web_read_group)", elapsed, queries, 1)
    vendor_id = groups["groups"][0]["serial_vendor_id"][0]
    elapsed, queries, _res = timed(
        env,
        lambda: Line.web_search_read(
            [*domain, ("serial_vendor_id", "=", vendor_id)],
            QUEUE_FIELDS,
            limit=80,
            count_limit=10001,
        ),
    )
    report("queue: a vendor's group opened (80 lines)", elapsed, queries, 1)
    elapsed, queries, _res = timed(
        env,
        lambda: Line.web_search_read(
            domain, QUEUE_FIELDS, limit=80, count_limit=100001
        ),
    )
    report("queue ungrouped, first page of 80 + count", elapsed, queries, 1)
    elapsed, queries, res = timed(
        env, lambda: Line.web_search_read(domain, QUEUE_FIELDS)
    )
    report(f"queue: all {res['length']} lines read at once", elapsed, queries)


def bench_order(env, lines, tickets, vendors):
    data = Data(env, "O")
    products = data.products(vendors)
    orders = data.tickets(products, tickets, lines)
    sale_lines = orders.order_line
    elapsed, queries, _res = timed(env, sale_lines.action_serial_order)
    rfqs = env["purchase.order"].search(
        [
            ("serial_desk", "=", True),
            ("partner_id", "in", products.seller_ids.partner_id.ids),
        ]
    )
    report(
        f"order {len(sale_lines)} lines / {tickets} tickets -> {len(rfqs)} RFQs",
        elapsed,
        queries,
        10,
    )


def bench_import(env, rows):
    data = Data(env, "I")
    product = data.products(1)
    tickets = 20
    orders = data.tickets(product, tickets, tickets, qty=rows // tickets)
    orders.order_line.action_serial_order()
    rfq = orders.ticket_id.purchase_order_ids
    rfq.button_confirm()
    picking = rfq.picking_ids
    lines = ["product,serial,ref"]
    lines += [
        f"{product.default_code},ASN-{i:06d},00:11:22:{i // 65536 % 256:02X}:"
        f"{i // 256 % 256:02X}:{i % 256:02X}"
        for i in range(rows)
    ]
    action = picking.action_serial_import_shipment()
    wizard = (
        env[action["res_model"]]
        .with_context(**action["context"])
        .create(
            {
                "data": base64.b64encode("\n".join(lines).encode()),
                "filename": "asn.csv",
            }
        )
    )
    elapsed, queries, _res = timed(env, wizard.action_import)
    filled = len(picking.move_line_ids.filtered("lot_name"))
    report(
        f"import {rows}-row shipment file ({filled} serials, "
        f"{len(picking.move_ids)} moves)",
        elapsed,
        queries,
        20,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", "-d", default=os.environ.get("SP_DB", "serial_procurement")
    )
    parser.add_argument("--queue-lines", type=int, default=10000)
    parser.add_argument("--order-lines", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--vendors", type=int, default=20)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--only", default="queue,order,import")
    parser.add_argument(
        "--profile", type=int, default=0, help="print the N costliest functions"
    )
    args = parser.parse_args()
    if args.profile:
        PROFILE.append(args.profile)
    try:
        import odoo
        from odoo import SUPERUSER_ID, api
        from odoo.modules.registry import Registry
    except ImportError:
        sys.exit("No importable Odoo 18 found: install it or run with its python.")
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", addons_path(odoo), "--log-level", "warn"]
    )
    registry = Registry(args.database)
    print(f"database {args.database}, Odoo {odoo.release.version}")
    only = set(args.only.split(","))
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
        )
        start = time.perf_counter()
        if "order" in only:
            bench_order(env, args.order_lines, args.tickets, args.vendors)
        if "import" in only:
            bench_import(env, args.rows)
        if "queue" in only:
            bench_queue(env, args.queue_lines)
        print(f"(whole run, data included: {time.perf_counter() - start:.0f} s)")
        cr.rollback()


if __name__ == "__main__":
    main()
