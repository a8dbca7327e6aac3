# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the receipt benchmark measures, inside Odoo (imported by bench_child.py).

Every scenario builds its documents first (not measured), then returns the
operation to measure. Each builds its own product, so that no stock or waiting
order of another scenario changes its cost.

- ``core``: a plain purchase receipt, nothing waiting for the goods; serials
  imported with core ``stock.move.action_generate_lot_line_vals``; validated
  along core's own done step, one quant at a time (bench_child.py switches the
  addon's batch of brand-new serials' quants off in its process);
- ``plain``: the same receipt with the addon's batch (what a plain receipt
  costs with the addon installed);
- ``core_waiting``: the same while a confirmed sale (no ticket) waits for the
  goods: core reserves them on arrival;
- ``ticket``: an estimate turned into a ticket, its purchase order, the serials
  entered onto the ticket with the addon's serial entry;
- ``two_tickets``: the same with an older open ticket for the same product
  waiting too (receipt for the newer one);
- ``ticket_queued``: the ``ticket`` receipt validated by a user request when
  serial_procurement_queue_job hands it to a background job (the request's
  cost only; every other path validates in the request);
- ``invoice``: the final invoice of a ticket whose serials are received;
- ``history_lots``: the Serial History report (QWeb HTML) of the serials of a
  receipt (one receipt movement each);
- ``history_moves``: the Serial History report of one serial moved N times.
"""

from odoo import Command

SERIAL_PATHS = (
    "core",
    "plain",
    "core_waiting",
    "ticket",
    "two_tickets",
    "ticket_queued",
)
# Paths validated along core's own done step (no batch of new quants).
CORE_PATHS = ("core", "core_waiting")
# serial_procurement_queue_job's threshold (serials) above which a receipt is
# validated in a background job
JOB_THRESHOLD = "serial_job_receipt_serials"


class Scenarios:
    def __init__(self, env, tag):
        self.env = env
        self.tag = tag

    # ------------------------------------------------------------------ data

    def product(self, name):
        vendor = self.env["res.partner"].create({"name": f"Bench vendor {name}"})
        return self.env["product.product"].create(
            {
                "name": f"Bench {name} {self.tag}",
                "is_storable": True,
                "tracking": "serial",
                "invoice_policy": "order",
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
                "seller_ids": [
                    Command.create({"partner_id": vendor.id, "price": 50.0})
                ],
            }
        ), vendor

    def serials(self, prefix, size):
        return [f"{prefix}-{self.tag}-{i:06d}" for i in range(size)]

    def estimate(self, product, size, name):
        customer = self.env["res.partner"].create({"name": f"Bench customer {name}"})
        return self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": size})
                ],
            }
        )

    def ticket(self, product, size, name):
        order = self.estimate(product, size, name)
        return self.env["helpdesk.ticket"].browse(
            order.action_create_ticket()["res_id"]
        )

    # ------------------------------------------------------------- receipts

    def core_import(self, picking, names):
        """Serials entered the core way (Import Serials of the move)."""
        move = picking.move_ids
        vals = move.action_generate_lot_line_vals(
            {
                "default_product_id": move.product_id.id,
                "default_location_dest_id": move.location_dest_id.id,
                "default_location_id": move.location_id.id,
                "default_tracking": "serial",
                "default_quantity": len(names),
                "default_move_id": move.id,
                "default_picking_id": picking.id,
                "default_company_id": move.company_id.id,
            },
            "import",
            False,
            len(names),
            "\n".join(names),
        )
        for line in vals:
            for key, value in list(line.items()):
                if isinstance(value, dict):
                    line[key] = value["id"]
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(vals)

    def plain_purchase(self, product, vendor, size):
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_qty": size})
                ],
            }
        )
        purchase.button_confirm()
        return purchase.picking_ids

    def enter_onto_ticket(self, ticket, size):
        ticket.action_create_purchase_orders()
        ticket.purchase_order_ids.button_confirm()
        picking = ticket.purchase_order_ids.picking_ids
        self.env["serial.procurement.serial.entry.wizard"].create(
            {
                "move_id": picking.move_ids.id,
                "serials": "\n".join(self.serials("TKT", size)),
            }
        ).action_apply()
        return picking

    def set_job_threshold(self, path):
        """Validate in the request, except on the queued path."""
        company = self.env.company
        if JOB_THRESHOLD in company._fields:
            company[JOB_THRESHOLD] = 1 if path == "ticket_queued" else 0
        elif path == "ticket_queued":
            raise SystemExit(
                "ticket_queued: serial_procurement_queue_job is not installed"
            )

    def receipt(self, path, size):
        """Build the receipt of ``path``; return (picking, check after validation)."""
        self.set_job_threshold(path)
        product, vendor = self.product(path)
        if path in ("core", "plain", "core_waiting"):
            if path == "core_waiting":
                self.estimate(product, size, path).action_confirm()
            picking = self.plain_purchase(product, vendor, size)
            self.core_import(picking, self.serials("CORE", size))
            return picking, lambda: None
        if path == "two_tickets":
            self.ticket(product, size, "older")
        ticket = self.ticket(product, size, path)
        picking = self.enter_onto_ticket(ticket, size)
        if path == "ticket_queued":
            return picking, lambda: None

        def check():
            delivery = ticket.sale_order_id.picking_ids
            assert len(ticket.lot_ids) == size, len(ticket.lot_ids)
            assert delivery.move_line_ids.lot_id == ticket.lot_ids, "reservation"

        return picking, check

    @staticmethod
    def validate(picking):
        picking.move_ids.picked = True
        return picking.button_validate

    # ------------------------------------------------------- invoice, report

    def received_ticket(self, size):
        self.set_job_threshold("invoice")
        product, _vendor = self.product("invoice")
        ticket = self.ticket(product, size, "invoice")
        picking = self.enter_onto_ticket(ticket, size)
        self.validate(picking)()
        return ticket

    def invoice(self, size):
        ticket = self.received_ticket(size)

        def check():
            invoice = ticket.invoice_ids.filtered(lambda m: m.state == "posted")
            assert len(invoice.invoice_line_ids.lot_ids) == size, "serials on lines"

        return ticket.action_make_invoice, check

    def history_lots(self, size):
        return self.history_report(self.received_ticket(size).lot_ids)

    def history_moves(self, size):
        """One serial moved ``size`` times between two shelves (one batch)."""
        product, _vendor = self.product("history")
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        shelves = self.env["stock.location"].create(
            [
                {"name": f"Bench shelf {i} {self.tag}", "location_id": stock.id}
                for i in (1, 2)
            ]
        )
        lot = self.env["stock.lot"].create(
            {"name": f"HIST-{self.tag}", "product_id": product.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            product, shelves[0], 1, lot_id=lot
        )
        moves = self.env["stock.move"].create(
            [
                self._shuttle_vals(product, lot, shelves[i % 2], shelves[1 - i % 2])
                for i in range(size)
            ]
        )
        moves._action_confirm(merge=False)
        moves._action_done()
        return self.history_report(lot)

    @staticmethod
    def _shuttle_vals(product, lot, source, dest):
        return {
            "name": "Bench move",
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": 1,
            "location_id": source.id,
            "location_dest_id": dest.id,
            "picked": True,
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "lot_id": lot.id,
                        "quantity": 1,
                        "location_id": source.id,
                        "location_dest_id": dest.id,
                        "picked": True,
                    }
                )
            ],
        }

    def history_report(self, lots):
        report = self.env["ir.actions.report"]
        rendered = []

        def render():
            rendered.append(
                report._render_qweb_html(
                    "serial_procurement.action_report_serial_history", lots.ids
                )[0]
            )

        def check():
            html = rendered[-1].decode()
            assert all(name in html for name in lots.mapped("name")), "serials shown"

        return render, check
