# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from markupsafe import Markup

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class SerialProcurementLotAllocation(models.AbstractModel):
    """Serials on hand allocated to a ticket, the document a serial to
    investigate was typed on, and the timeline of a serial. Methods only:
    ``stock.lot`` holds the fields."""

    _name = "serial.procurement.lot.allocation"
    _description = "Serial allocation from stock"

    # ------------------------------------------------------------------
    # Allocation from stock
    # ------------------------------------------------------------------

    def _serial_free_stock_domain(self, product_ids, company):
        """Serials of ``product_ids`` on hand in ``company``, on no ticket."""
        return [
            ("product_id", "in", product_ids),
            ("in_stock", "=", True),
            ("ticket_id", "=", False),
            ("sale_line_id", "=", False),
            ("company_id", "in", [company.id, False]),
        ]

    def _serial_check_allocation_from_stock(self, sale_line):
        """Refuse serials that cannot fill ``sale_line``; nothing is written."""
        ticket = sale_line.order_id.ticket_id
        if not ticket:
            raise UserError(
                _(
                    "The estimate %(order)s has no ticket to allocate serials to.",
                    order=sale_line.order_id.name,
                )
            )
        taken = self.filtered(lambda lot: lot.ticket_id and lot.ticket_id != ticket)
        if taken:
            raise UserError(
                _(
                    "These serials are allocated to another ticket and cannot be "
                    "taken until it releases them: %(lines)s",
                    lines=", ".join(
                        f"{lot.name} ({lot.ticket_id.display_name})" for lot in taken
                    ),
                )
            )
        wrong = self.filtered(lambda lot: lot.product_id != sale_line.product_id)
        if wrong:
            raise UserError(
                _(
                    "%(serials)s: not a serial of %(product)s.",
                    serials=", ".join(wrong.mapped("name")),
                    product=sale_line.product_id.display_name,
                )
            )
        absent = self.filtered(lambda lot: not lot.in_stock)
        if absent:
            raise UserError(
                _(
                    "These serials are not in stock: %(serials)s.",
                    serials=", ".join(absent.mapped("name")),
                )
            )
        new = self.filtered(lambda lot: lot.sale_line_id != sale_line)
        missing = sale_line._serial_units_missing()
        if len(new) > missing:
            raise UserError(
                _(
                    "%(count)s serial(s) chosen but only %(missing)s unit(s) of "
                    "%(product)s wait for a serial on ticket %(ticket)s.",
                    count=len(new),
                    missing=missing,
                    product=sale_line.product_id.display_name,
                    ticket=ticket.display_name,
                )
            )
        return new

    def _serial_allocate_from_stock(self, sale_line):
        """Allocate these serials on hand to ``sale_line`` of a ticket's estimate
        and reserve them on its delivery."""
        lots = self._serial_check_allocation_from_stock(sale_line)
        if not lots:
            return lots
        ticket = sale_line.order_id.ticket_id
        vals = {
            "ticket_id": ticket.id,
            "sale_line_id": sale_line.id,
            "serial_from_stock": True,
        }
        customer = ticket.partner_id.commercial_partner_id
        if customer:
            vals["customer_id"] = customer.id
        lots.write(vals)
        lots._serial_reserve_for_ticket()
        ticket._serial_log_allocation(lots, _("stock"))
        ticket._serial_update_stage()
        return lots

    def _serial_reserve_for_ticket(self):
        """Reserve exactly these ticket serials on their ticket's pending
        delivery. The one place where a ticket claims its serials on a
        delivery (allocation from stock and receipt onto a ticket)."""
        self._serial_reserve_on_deliveries()

    def _serial_allocate_delivered(self, moves):
        """Serials delivered on ``moves`` of a ticket's estimate without being
        allocated (core reserved them) become the ticket's, so the ticket can
        invoice them."""
        for move in moves:
            line = move.sale_line_id
            if not line.order_id.ticket_id or line.product_id.tracking != "serial":
                continue
            lots = move.move_line_ids.lot_id.filtered(
                lambda lot, line=line: not lot.ticket_id and not lot.sale_line_id
            )
            lots = lots[: line._serial_units_missing()]
            if lots:
                customer = line.order_id.partner_id.commercial_partner_id
                lots.write(
                    {
                        "ticket_id": line.order_id.ticket_id.id,
                        "sale_line_id": line.id,
                        "serial_from_stock": True,
                        "customer_id": customer.id,
                    }
                )
                line.order_id.ticket_id._serial_log_allocation(lots, move.picking_id)

    # ------------------------------------------------------------------
    # Investigation and timeline
    # ------------------------------------------------------------------

    def _compute_review_origin(self):
        """The invoice, transfer or scrap each serial was first typed on."""
        move_lines = self.env["stock.move.line"].search(
            [("lot_id", "in", self.ids)], order="id"
        )
        first_line = {}
        for ml in move_lines:
            first_line.setdefault(ml.lot_id.id, ml)
        scraps = self.env["stock.scrap"].search(
            [("lot_id", "in", self.ids)], order="id"
        )
        first_scrap = {}
        for scrap in scraps:
            first_scrap.setdefault(scrap.lot_id.id, scrap)
        for lot in self:
            ml = first_line.get(lot.id)
            scrap = first_scrap.get(lot.id)
            invoice = lot.sudo().invoice_line_ids.move_id[:1]
            if scrap:
                lot.review_origin = scrap.name
            elif ml:
                lot.review_origin = ml.picking_id.name or ml.reference
            else:
                lot.review_origin = invoice.name or False

    def _serial_timeline_events(self):
        """[(date, label, document)] of this serial, oldest first: movements in
        the order they were done, each invoice on its invoice date."""
        self.ensure_one()
        events = []
        labels = {"incoming": _("Received"), "outgoing": _("Delivered")}
        for ml in self.history_move_line_ids.sorted(lambda ml: (ml.date, ml.id)):
            events.append(
                (
                    ml.date.date(),
                    labels.get(ml.picking_code, _("Moved")),
                    ml.reference or "",
                )
            )
        invoices = self.sudo().invoice_line_ids.move_id.filtered(
            lambda m: m.state == "posted"
        )
        for move in invoices.sorted(lambda m: (m.invoice_date or m.date, m.id)):
            events.append(
                (move.invoice_date or move.date, _("Invoiced"), move.name or "")
            )
        # Stable sort: same-day events keep their order.
        return sorted(events, key=lambda event: event[0])

    def _compute_serial_timeline(self):
        for lot in self:
            events = lot._serial_timeline_events()
            if not events:
                lot.serial_timeline = False
                continue
            counts = Counter(label for _date, label, _doc in events)
            items = Markup("").join(
                Markup(
                    "<li class='list-group-item'><span class='badge text-bg-info "
                    "me-2'>%s</span><b>%s</b> %s</li>"
                )
                % (format_date(self.env, date), label, document)
                for date, label, document in events
            )
            summary = ", ".join(f"{label}: {count}" for label, count in counts.items())
            lot.serial_timeline = Markup(
                "<p class='text-muted'>%s</p><ul class='list-group'>%s</ul>"
            ) % (summary, items)
