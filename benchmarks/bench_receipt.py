#!/usr/bin/env python3
# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Receipt validation cost, with and without ticket allocation.

For each size (100 and 1,000 serials by default) it builds, inside one
transaction that is rolled back at the end:

- core: a purchase receipt of serial-tracked units, serials imported with core
  ``stock.move.action_generate_lot_line_vals(..., 'import', ...)``, no ticket;
- order: the estimate, purchase order and waiting customer delivery of the
  ticket mode, but the serials sent to no ticket (core reserves them on the
  delivery): the baseline the ticket allocation adds to;
- ticket: an estimate for the same units turned into a ticket, its purchase
  order, the serials entered with the addon's serial entry (onto the ticket),
  so validation also allocates the serials and reserves the ticket's delivery;

and prints the time and SQL query count of ``button_validate()``.

Usage: python3 benchmarks/bench_receipt.py [--database DB] [--sizes 100,1000]
The database must have serial_procurement installed (``make run`` makes one).
"""

import argparse
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


def make_product(env, name):
    from odoo import Command

    vendor = env["res.partner"].create({"name": f"Bench vendor {name}"})
    return env["product.product"].create(
        {
            "name": name,
            "is_storable": True,
            "tracking": "serial",
            "invoice_policy": "order",
            "list_price": 100.0,
            "taxes_id": [Command.clear()],
            "seller_ids": [Command.create({"partner_id": vendor.id, "price": 50.0})],
        }
    ), vendor


def measure(env, picking):
    picking.move_ids.picked = True
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    picking.button_validate()
    env.flush_all()
    elapsed = time.perf_counter() - start
    assert picking.state == "done", picking.state
    return elapsed, cr.sql_log_count - queries


def core_receipt(env, size, tag):
    from odoo import Command

    product, vendor = make_product(env, f"Bench core {tag}")
    purchase = env["purchase.order"].create(
        {
            "partner_id": vendor.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_qty": size})
            ],
        }
    )
    purchase.button_confirm()
    picking = purchase.picking_ids
    move = picking.move_ids
    vals = move.action_generate_lot_line_vals(
        {
            "default_product_id": product.id,
            "default_location_dest_id": move.location_dest_id.id,
            "default_location_id": move.location_id.id,
            "default_tracking": "serial",
            "default_quantity": size,
            "default_move_id": move.id,
            "default_picking_id": picking.id,
            "default_company_id": move.company_id.id,
        },
        "import",
        False,
        size,
        "\n".join(f"CORE-{tag}-{i:05d}" for i in range(size)),
    )
    for line in vals:
        for key, value in list(line.items()):
            if isinstance(value, dict):
                line[key] = value["id"]
    move.move_line_ids.unlink()
    env["stock.move.line"].create(vals)
    return measure(env, picking)


def ticket_receipt(env, size, tag, onto_ticket=True):
    from odoo import Command

    product, _vendor = make_product(env, f"Bench ticket {tag}")
    customer = env["res.partner"].create({"name": f"Bench customer {tag}"})
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                Command.create({"product_id": product.id, "product_uom_qty": size})
            ],
        }
    )
    ticket = env["helpdesk.ticket"].browse(order.action_create_ticket()["res_id"])
    ticket.action_create_purchase_orders()
    ticket.purchase_order_ids.button_confirm()
    picking = ticket.purchase_order_ids.picking_ids
    env["serial.procurement.serial.entry.wizard"].create(
        {
            "move_id": picking.move_ids.id,
            "serials": "\n".join(f"TKT-{tag}-{i:05d}" for i in range(size)),
        }
    ).action_apply()
    if not onto_ticket:
        picking.move_line_ids.ticket_id = False
    result = measure(env, picking)
    assert len(ticket.lot_ids) == (size if onto_ticket else 0)
    delivery = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
    assert len(delivery.move_line_ids.lot_id) == size
    if onto_ticket:
        assert delivery.move_line_ids.lot_id == ticket.lot_ids
    return result


def order_receipt(env, size, tag):
    """The same estimate and waiting delivery, serials sent to no ticket."""
    return ticket_receipt(env, size, tag, onto_ticket=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", "-d", default=os.environ.get("SP_DB", "serial_procurement")
    )
    parser.add_argument("--sizes", default="100,1000")
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
    registry = Registry(args.database)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"database {args.database}, Odoo {odoo.release.version}")
    print(
        f"{'serials':>8} {'mode':<8} {'validate s':>11} {'queries':>8} "
        f"{'ms/serial':>10} {'q/serial':>9}"
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # Warm the caches once so that the first measure is not penalised.
        core_receipt(env, 3, "warm")
        ticket_receipt(env, 3, "warm")
        for size in sizes:
            modes = (
                ("core", core_receipt),
                ("order", order_receipt),
                ("ticket", ticket_receipt),
            )
            for mode, run in modes:
                elapsed, queries = run(env, size, f"{mode}{size}")
                print(
                    f"{size:>8} {mode:<8} {elapsed:>11.2f} {queries:>8} "
                    f"{1000 * elapsed / size:>10.1f} {queries / size:>9.2f}"
                )
        cr.rollback()


if __name__ == "__main__":
    main()
