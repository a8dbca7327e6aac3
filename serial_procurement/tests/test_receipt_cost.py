# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import SerialProcurementCase

# Reserving a serial on its ticket's delivery is one move line in core's
# batched create plus core's lock of its quant (measured: 1 query per serial on
# top of a plain receipt of the same serials).
RESERVATION_QUERIES_PER_SERIAL = 1.5


@tagged("post_install", "-at_install")
class TestReceiptCost(SerialProcurementCase):
    """Receiving serials onto tickets costs the same per serial whatever the
    number of serials and of open tickets: no query grows with the serials
    beyond the receipt and the reservation themselves."""

    def _product(self, tag, count):
        """A product of its own per measure: no stock or waiting order of an
        earlier measure changes the count."""
        return self._create_serial_product(
            f"Cost {tag} {count}", 10.0, 5.0, self.vendor
        )

    def _plain_receipt(self, count, tag):
        product = self._product(tag, count)
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_qty": count})
                ],
            }
        )
        purchase.button_confirm()
        picking = purchase.picking_ids
        self._enter_serials(picking, product, self._serials(count, tag))
        return picking, self.env["helpdesk.ticket"]

    def _ticket_receipt(self, count, tag, older_tickets=0):
        product = self._product(tag, count)
        for _i in range(older_tickets):
            self._create_ticket(self._create_quotation([(product, count)]))
        ticket = self._create_ticket(self._create_quotation([(product, count)]))
        picking = self._purchase(ticket).picking_ids
        self._enter_serials(picking, product, self._serials(count, tag))
        return picking, ticket

    @staticmethod
    def _serials(count, tag):
        return "\n".join(f"Q-{tag}-{count}-{i:04d}" for i in range(count))

    def _validation_queries(self, picking):
        picking.move_ids.picked = True
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        picking.button_validate()
        self.env.flush_all()
        self.assertEqual(picking.state, "done")
        return self.cr.sql_log_count - start

    def _queries(self, path, count):
        builders = {
            "plain": lambda: self._plain_receipt(count, path),
            "ticket": lambda: self._ticket_receipt(count, path),
            "two_tickets": lambda: self._ticket_receipt(count, path, older_tickets=1),
        }
        picking, ticket = builders[path]()
        queries = self._validation_queries(picking)
        if ticket:
            delivery = ticket.sale_order_id.picking_ids
            self.assertEqual(len(ticket.lot_ids), count)
            self.assertEqual(delivery.move_line_ids.lot_id, ticket.lot_ids)
        return queries

    def test_queries_per_serial_are_flat(self):
        # Warm the registry caches (views, defaults, subtypes) once, so the
        # counts compare the receipts and nothing else.
        for path in ("plain", "ticket", "two_tickets"):
            self._queries(path, 3)
        counts = {
            path: {size: self._queries(path, size) for size in (10, 100)}
            for path in ("plain", "ticket", "two_tickets")
        }
        per_serial = {
            path: (by_size[100] - by_size[10]) / 90 for path, by_size in counts.items()
        }
        for path in ("ticket", "two_tickets"):
            self.assertLessEqual(
                per_serial[path],
                per_serial["plain"] + RESERVATION_QUERIES_PER_SERIAL,
                f"{path}: queries per serial beyond the receipt and one reservation "
                f"each: {counts}",
            )
        self.assertLessEqual(
            abs(counts["two_tickets"][100] - counts["ticket"][100]),
            abs(counts["two_tickets"][10] - counts["ticket"][10]) + 5,
            f"an older open ticket costs queries per serial: {counts}",
        )
