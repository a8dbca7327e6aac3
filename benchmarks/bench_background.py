#!/usr/bin/env python3
# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Background receipt in slices: 10,000 / 50,000 serials onto a ticket.

For each size, in a database of its own (``--database``, committed: the slices
are jobs, each its own transaction), it builds an estimate of that many units of
one serial product, its ticket, the ticket's purchase and the receipt with the
serials entered (the serial entry wizard), then times:

- request: ``button_validate()`` as the user's request does it: every serial
  checked, the first slice queued (must fit one worker's limits too);
- slices: each queued slice job performed in a process of its own, as a worker
  runs one job (``--run-job``): CPU and wall of the job itself, SQL queries and
  the process's peak RSS (registry loaded: what a worker holds);

and prints the number of slices, CPU per slice (mean, max), the wall of all the
slices one after another, and the peak memory of a worker.

Usage (make bench-background builds the database and drops it afterwards):
    python3 benchmarks/bench_background.py --database DB [--sizes 10000,50000]
"""

import argparse
import json
import os
import resource
import subprocess
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


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load(args):
    try:
        import odoo
        from odoo import SUPERUSER_ID, api
        from odoo.modules.registry import Registry
    except ImportError:
        sys.exit("No importable Odoo 18 found: install it or run with its python.")
    odoo.tools.config.parse_config(
        ["-d", args.database, "--addons-path", addons_path(odoo), "--log-level", "warn"]
    )
    return odoo, SUPERUSER_ID, api, Registry(args.database)


def run_job(args):
    """One slice job, as a worker runs it: prints one JSON line."""
    _odoo, superuser, api, registry = load(args)
    from odoo.addons.queue_job.job import Job

    with registry.cursor() as cr:
        env = api.Environment(cr, superuser, {})
        job = Job.load(env, args.run_job)
        queries, cpu, wall = cr.sql_log_count, cpu_seconds(), time.perf_counter()
        job.set_started()
        job.store()
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        result = job.perform()
        env.flush_all()
        if profiler:
            profiler.disable()
            profiler.dump_stats(os.path.join(args.profile, f"{args.run_job}.prof"))
        job.set_done(result=result)
        job.store()
        env.flush_all()
        cr.commit()
        measure = {
            "cpu": cpu_seconds() - cpu,
            "wall": time.perf_counter() - wall,
            "queries": cr.sql_log_count - queries,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "result": str(result),
        }
    print(json.dumps(measure))


def build_receipt(env, size):
    """Estimate -> ticket -> purchase -> receipt with ``size`` serials."""
    from odoo import Command

    tag = f"{size}-{int(time.time())}"
    vendor = env["res.partner"].create({"name": f"Bench vendor {tag}"})
    customer = env["res.partner"].create({"name": f"Bench customer {tag}"})
    product = env["product.product"].create(
        {
            "name": f"Bench router {tag}",
            "is_storable": True,
            "tracking": "serial",
            "list_price": 10,
            "standard_price": 5,
            "seller_ids": [Command.create({"partner_id": vendor.id, "price": 5})],
        }
    )
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
    move = picking.move_ids
    env["serial.procurement.serial.entry.wizard"].create(
        {
            "move_id": move.id,
            "serials": "\n".join(f"BG-{tag}-{i:06d}" for i in range(size)),
        }
    ).action_apply()
    move.picked = True
    return ticket, picking


def bench_size(args, registry, api, superuser, size):
    with registry.cursor() as cr:
        env = api.Environment(cr, superuser, {})
        env.company.serial_job_receipt_serials = 2000
        start = time.perf_counter()
        ticket, picking = build_receipt(env, size)
        cr.commit()
        print(f"{size:>7} set-up {time.perf_counter() - start:8.1f} s (not timed)")
        env.invalidate_all()
        queries, cpu, wall = cr.sql_log_count, cpu_seconds(), time.perf_counter()
        picking.button_validate()
        env.flush_all()
        cr.commit()
        print(
            f"{size:>7} request  cpu {cpu_seconds() - cpu:6.1f} s  wall "
            f"{time.perf_counter() - wall:6.1f} s  queries "
            f"{cr.sql_log_count - queries}"
        )
        picking_id, ticket_id = picking.id, ticket.id
    slices, started = [], time.perf_counter()
    while True:
        with registry.cursor() as cr:
            env = api.Environment(cr, superuser, {})
            picking = env["stock.picking"].browse(picking_id)
            if picking.state == "done" or picking.serial_job_outcome != "queued":
                break
            uuid = picking.serial_job_uuid
        profile = ["--profile", args.profile] if args.profile else []
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--database",
                args.database,
                "--run-job",
                uuid,
                *profile,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        measure = json.loads(out.strip().splitlines()[-1])
        measure["uuid"] = uuid
        slices.append(measure)
        print(
            f"{size:>7} slice {len(slices):>3}  cpu {measure['cpu']:6.1f} s  wall "
            f"{measure['wall']:6.1f} s  queries {measure['queries']:>6}  peak "
            f"{measure['rss_mb']:6.0f} MB  {measure['result'][:60]}"
            + (f"  profile {uuid}.prof" if args.profile else "")
        )
    wall = time.perf_counter() - started
    with registry.cursor() as cr:
        env = api.Environment(cr, superuser, {})
        picking = env["stock.picking"].browse(picking_id)
        ticket = env["helpdesk.ticket"].browse(ticket_id)
        lots = len(ticket.lot_ids)
        state, progress = picking.state, picking.serial_job_progress
    cpus = [m["cpu"] for m in slices]
    if not slices:  # below the company's background threshold
        print(
            f"{size:>7} TOTAL no slice: validated in the request ({state}), "
            f"{lots} serials on the ticket (the background threshold is above "
            f"{size} serials)"
        )
        return
    print(
        f"{size:>7} TOTAL {len(slices)} slices, {state}, {progress}, {lots} serials "
        f"on the ticket; slices' wall {wall:.0f} s (one after another; includes "
        f"each worker's start), CPU per slice mean {sum(cpus) / len(cpus):.1f} s, "
        f"max {max(cpus):.1f} s; worker peak memory "
        f"{max(m['rss_mb'] for m in slices):.0f} MB"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--run-job", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="write each slice job's cProfile statistics to DIR/<job uuid>.prof "
        "(the CPU figures then include the profiler's overhead)",
    )
    args = parser.parse_args()
    if args.run_job:
        return run_job(args)
    odoo, superuser, api, registry = load(args)
    from odoo.addons.serial_procurement_queue_job.models import stock_picking

    print(
        f"database {args.database}, Odoo {odoo.release.version}, slices of "
        f"{stock_picking.SLICE_SERIALS} serials"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(args, registry, api, superuser, size)


if __name__ == "__main__":
    main()
