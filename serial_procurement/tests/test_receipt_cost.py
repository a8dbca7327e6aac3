# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestReceiptCost(SerialProcurementCase):
    """Receiving serials onto a ticket adds a constant number of SQL queries
    per receipt, not per serial."""

    def _validation_queries(self, count, onto_ticket):
        order = self._create_quotation([(self.firewall, count)])
        ticket = self._create_ticket(order)
        # Bought directly: the serials left on no ticket by an earlier round
        # are free stock that Create Purchase Orders would not buy again.
        purchase = self.env["purchase.order"].create(
            ticket._prepare_purchase_order_vals(self.vendor, [(self.firewall, count)])
        )
        purchase.button_confirm()
        picking = purchase.picking_ids
        serials = "\n".join(f"Q{count}-{onto_ticket:d}-{i:04d}" for i in range(count))
        self._enter_serials(
            picking, self.firewall, serials, ticket=ticket if onto_ticket else None
        )
        if not onto_ticket:
            picking.move_line_ids.ticket_id = False
        picking.move_ids.picked = True
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        picking.button_validate()
        self.env.flush_all()
        queries = self.cr.sql_log_count - start
        self.assertEqual(picking.state, "done")
        self.assertEqual(len(ticket.lot_ids), count if onto_ticket else 0)
        return queries

    def test_ticket_allocation_cost_is_per_receipt(self):
        # Warm the registry caches (views, defaults, subtypes) once, so the
        # counts compare the receipts and nothing else.
        self._validation_queries(3, onto_ticket=False)
        self._validation_queries(3, onto_ticket=True)
        extra = {}
        for count in (10, 100):
            plain = self._validation_queries(count, onto_ticket=False)
            ticketed = self._validation_queries(count, onto_ticket=True)
            extra[count] = ticketed - plain
        self.assertLessEqual(
            abs(extra[100] - extra[10]),
            2,
            f"ticket allocation must not cost queries per serial: extra queries "
            f"{extra}",
        )
