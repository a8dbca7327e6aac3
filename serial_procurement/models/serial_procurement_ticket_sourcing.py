# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

NEXT_STEPS = [
    ("none", "Nothing to Do"),
    ("deposit", "Take Deposit"),
    ("allocate", "Allocate from Stock"),
    ("purchase", "Create Purchase Orders"),
    ("confirm_purchase", "Confirm the Purchase Orders"),
    ("receive", "Receive the Serials"),
    ("invoice", "Make Invoice"),
    ("deliver", "Deliver"),
    ("done", "Done"),
]


class SerialProcurementTicketSourcing(models.AbstractModel):
    """Where each unit of a ticket comes from: serials allocated from stock,
    or bought on the ticket's purchase orders; the next step of the ticket and
    the stage it moves to. Methods only: ``helpdesk.ticket`` holds the fields."""

    _name = "serial.procurement.ticket.sourcing"
    _description = "Ticket fulfilment from stock or purchase"

    # ------------------------------------------------------------------
    # Figures per product
    # ------------------------------------------------------------------

    def _serial_units_to_source(self):
        """{product_id: units neither allocated nor on an open purchase order}."""
        self.ensure_one()
        unallocated = self._serial_units_unallocated()
        on_order = self._serial_units_on_open_purchases()
        return {
            product_id: max(qty - on_order.get(product_id, 0.0), 0.0)
            for product_id, qty in unallocated.items()
        }

    def _serial_free_stock(self):
        """{product_id: stock.lot} of serials on hand free for this ticket:
        in stock in its company, on no ticket. Those the ticket's own delivery
        already reserved come first."""
        self.ensure_one()
        needed = self._serial_units_needed()
        if not needed:
            return {}
        lots = self.env["stock.lot"].search(
            self.env["stock.lot"]._serial_free_stock_domain(
                [p.id for p in needed], self.company_id or self.env.company
            ),
            order="id",
        )
        reserved = self._serial_delivery_moves().move_line_ids.lot_id
        free = defaultdict(lambda: self.env["stock.lot"])
        for lot in (lots & reserved) | (lots - reserved):
            free[lot.product_id.id] |= lot
        return free

    def _serial_units_to_buy(self, free_stock=None):
        """{product_id: units to buy}: not allocated, not on order, not coverable
        by free serials in stock."""
        self.ensure_one()
        free_stock = self._serial_free_stock() if free_stock is None else free_stock
        return {
            product_id: max(qty - len(free_stock.get(product_id, ())), 0.0)
            for product_id, qty in self._serial_units_to_source().items()
        }

    def _serial_delivery_moves(self):
        """Pending moves of the ticket's deliveries, from stock."""
        return self.sale_order_id.picking_ids.move_ids.filtered(
            lambda m: (
                m.state not in ("draft", "done", "cancel")
                and m.location_id.usage == "internal"
            )
        )

    def _serial_lines_short(self):
        """Estimate lines of serialized products with fewer serials than units."""
        self.ensure_one()
        return self.sale_order_id.order_line.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and line.product_id.tracking == "serial"
                and float_compare(
                    len(line.serial_lot_ids),
                    line.product_uom._compute_quantity(
                        line.product_uom_qty, line.product_id.uom_id
                    ),
                    precision_rounding=line.product_id.uom_id.rounding,
                )
                < 0
            )
        )

    # ------------------------------------------------------------------
    # Allocation from stock
    # ------------------------------------------------------------------

    def action_allocate_from_stock(self):
        """Open the dialog that picks the exact serials to take from stock."""
        self.ensure_one()
        self._get_confirmed_order()
        return {
            "type": "ir.actions.act_window",
            "name": _("Allocate from Stock"),
            "res_model": "serial.procurement.allocate.stock.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_allocate_first_available(self):
        """Allocate the first free serials in stock to every short estimate line."""
        self.ensure_one()
        self._get_confirmed_order()
        free_stock = self._serial_free_stock()
        allocated = self.env["stock.lot"]
        for line in self._serial_lines_short():
            wanted = line._serial_units_missing()
            lots = free_stock.get(line.product_id.id, self.env["stock.lot"])
            take = lots[:wanted]
            if take:
                take._serial_allocate_from_stock(line)
                free_stock[line.product_id.id] = lots - take
                allocated |= take
        if not allocated:
            raise UserError(
                _(
                    "No free serial in stock for ticket %(ticket)s: every unit is "
                    "allocated already, or none is on hand.",
                    ticket=self.display_name,
                )
            )
        return True

    def _serial_log_allocation(self, lots, source):
        """Post on the ticket which serials it received and where from
        (``source``: a record, linked in the message, or a text)."""
        self.ensure_one()
        if hasattr(source, "_get_html_link"):
            source = source._get_html_link()
        self.message_post(
            body=Markup(
                _("Serials %(serials)s allocated to this ticket from %(source)s.")
            )
            % {"serials": ", ".join(lots.mapped("name")), "source": source}
        )

    # ------------------------------------------------------------------
    # Purchase
    # ------------------------------------------------------------------

    def _serial_explain_nothing_to_buy(self, free_stock):
        """The UserError of a Create Purchase Orders that has nothing to buy."""
        self.ensure_one()
        reasons = []
        coverable = {
            product_id: qty
            for product_id, qty in self._serial_units_to_source().items()
            if qty > 0
        }
        if coverable:
            reasons.append(
                _(
                    "the serials in stock cover %(products)s: use Allocate from Stock.",
                    products=", ".join(
                        self.env["product.product"]
                        .browse(list(coverable))
                        .mapped("display_name")
                    ),
                )
            )
        open_orders = self.purchase_order_ids.filtered(lambda o: o.state != "cancel")
        if open_orders:
            reasons.append(
                _(
                    "the rest is on purchase orders %(orders)s.",
                    orders=", ".join(open_orders.mapped("name")),
                )
            )
        if not reasons:
            reasons.append(_("every unit already has a serial."))
        return UserError(
            _(
                "Nothing to buy for ticket %(ticket)s: %(reasons)s",
                ticket=self.display_name,
                reasons=" ".join(reasons),
            )
        )

    # ------------------------------------------------------------------
    # Next step and stage
    # ------------------------------------------------------------------

    def _serial_compute_next_step(self, to_source, free_count):
        """The next step of the ticket's flow (one of ``NEXT_STEPS``)."""
        self.ensure_one()
        order = self.sale_order_id
        if not order or order.state != "sale":
            return "none"
        if (
            self.serial_deposit_enabled
            and not self.deposit_invoice_ids
            and self.billing_status == "to_invoice"
        ):
            return "deposit"
        if to_source > 0:
            # Serials on hand first: what they do not cover is bought after.
            return "allocate" if free_count else "purchase"
        if self.purchase_order_ids.filtered(lambda o: o.state in ("draft", "sent")):
            return "confirm_purchase"
        if self._serial_lines_short():
            return "receive"
        if self.billing_status in ("to_invoice", "partial"):
            return "invoice"
        if order.delivery_status not in ("full", False):
            return "deliver"
        return "done"

    def _serial_target_stage(self):
        """The stage the flow brings the ticket to, per the company's mapping."""
        self.ensure_one()
        company = self.company_id or self.env.company
        delivered = self.sale_order_id.delivery_status in ("full", False)
        if self.billing_status == "invoiced" and delivered:
            return company.serial_stage_done_id
        sourced = self.lot_ids or self.purchase_order_ids.filtered(
            lambda o: o.state in ("purchase", "done")
        )
        if sourced:
            return company.serial_stage_purchased_id
        return self.env["helpdesk.ticket.stage"]

    def _serial_update_stage(self):
        """Move each ticket forward to the stage of its flow; never backward,
        never out of a closed stage."""
        for ticket in self.filtered("sale_order_id"):
            target = ticket._serial_target_stage()
            current = ticket.stage_id
            if not target or target == current or current.closed:
                continue
            if current and target.sequence < current.sequence:
                continue
            ticket.stage_id = target
