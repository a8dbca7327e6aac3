# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestReceiptReservation(SerialProcurementCase):
    """A receipt onto tickets reserves each ticket's serials on its own
    delivery in one batch; core reserves what is left for the others."""

    def _ticket(self, qty, partner=None):
        order = self._create_quotation([(self.firewall, qty)], partner=partner)
        return order, self._create_ticket(order)

    def _purchase_for(self, ticket, qty):
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "ticket_id": ticket.id if ticket else False,
                "order_line": [
                    (0, 0, {"product_id": self.firewall.id, "product_qty": qty})
                ],
            }
        )
        purchase.button_confirm()
        return purchase

    @staticmethod
    def _delivery(order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def _names(self, picking):
        return sorted(picking.move_line_ids.lot_id.mapped("name"))

    def test_two_open_tickets_each_delivery_holds_its_serials(self):
        order_a, ticket_a = self._ticket(2)
        order_b, ticket_b = self._ticket(3, partner=self.customer_b)
        purchase_b = self._purchase(ticket_b)
        # The newer ticket's goods arrive first: the older ticket's delivery,
        # first in core's queue, must not take them.
        self._receive(purchase_b, self.firewall, "B-1\nB-2\nB-3", ticket=ticket_b)
        delivery_a, delivery_b = self._delivery(order_a), self._delivery(order_b)
        self.assertEqual(self._names(delivery_b), ["B-1", "B-2", "B-3"])
        self.assertEqual(delivery_b.state, "assigned")
        self.assertFalse(delivery_a.move_line_ids)
        self.assertEqual(delivery_a.state, "confirmed")
        purchase_a = self._purchase(ticket_a)
        self._receive(purchase_a, self.firewall, "A-1\nA-2", ticket=ticket_a)
        self.assertEqual(self._names(delivery_a), ["A-1", "A-2"])
        self.assertEqual(delivery_a.state, "assigned")
        self.assertEqual(self._names(delivery_b), ["B-1", "B-2", "B-3"])
        self.assertEqual(delivery_a.move_line_ids.lot_id, ticket_a.lot_ids)
        self.assertEqual(delivery_b.move_line_ids.lot_id, ticket_b.lot_ids)
        for lot in ticket_a.lot_ids | ticket_b.lot_ids:
            quant = lot.quant_ids.filtered(lambda q: q.location_id.usage == "internal")
            self.assertEqual((quant.quantity, quant.reserved_quantity), (1.0, 1.0))

    def test_one_receipt_for_two_tickets_and_spare_stock(self):
        """Serials for two tickets and one for no ticket: each ticket's delivery
        holds its own; core gives the spare one to a plain waiting order."""
        order_a, ticket_a = self._ticket(1)
        order_b, ticket_b = self._ticket(2, partner=self.customer_b)
        plain = self._create_quotation([(self.firewall, 1)])
        plain.action_confirm()
        purchase = self._purchase_for(ticket_b, 4)
        picking = purchase.picking_ids
        self._enter_serials(picking, self.firewall, "B-1\nB-2", ticket=ticket_b)
        self._enter_serials(picking, self.firewall, "A-1", ticket=ticket_a)
        self._enter_serials(picking, self.firewall, "SPARE-1", ticket=None)
        self._validate(picking)
        self.assertEqual(self._names(self._delivery(order_a)), ["A-1"])
        self.assertEqual(self._names(self._delivery(order_b)), ["B-1", "B-2"])
        self.assertEqual(self._names(self._delivery(plain)), ["SPARE-1"])

    def test_partial_receipt_is_not_topped_up_with_other_stock(self):
        """A ticket's delivery holds only the ticket's serials, even when other
        stock could fill it (as before the batch)."""
        spare = self.env["stock.lot"].create(
            {"name": "OLD-1", "product_id": self.firewall.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.firewall, self.stock_location, 1, lot_id=spare
        )
        order, ticket = self._ticket(2)
        delivery = self._delivery(order)
        self.assertEqual(self._names(delivery), ["OLD-1"], "core reserved old stock")
        purchase = self._purchase(ticket)
        picking = purchase.picking_ids
        self._enter_serials(picking, self.firewall, "NEW-1", ticket=ticket)
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._names(delivery), ["NEW-1"])
        self.assertEqual(delivery.move_ids.state, "partially_available")
        self.assertEqual(spare.quant_ids.reserved_quantity, 0.0, "old unit released")

    def test_serial_held_by_another_delivery_is_taken_back(self):
        """A ticket's serial reserved by another transfer moves to the ticket's
        delivery; the other transfer reserves other stock."""
        order, ticket = self._ticket(1)
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, "T-1", ticket=ticket)
        lot = ticket.lot_ids
        delivery = self._delivery(order)
        delivery.do_unreserve()
        other = self._create_quotation([(self.firewall, 1)], partner=self.customer_b)
        other.action_confirm()
        self.assertEqual(self._names(self._delivery(other)), ["T-1"])
        spare = self.env["stock.lot"].create(
            {"name": "SPARE-1", "product_id": self.firewall.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.firewall, self.stock_location, 1, lot_id=spare
        )
        moves = lot._serial_reserve_on_deliveries()
        self.assertEqual(moves, delivery.move_ids)
        self.assertEqual(self._names(delivery), ["T-1"])
        self.assertEqual(self._names(self._delivery(other)), ["SPARE-1"])

    def test_picked_line_elsewhere_is_left_alone(self):
        order, ticket = self._ticket(1)
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, "T-1", ticket=ticket)
        delivery = self._delivery(order)
        delivery.do_unreserve()
        other = self._create_quotation([(self.firewall, 1)], partner=self.customer_b)
        other.action_confirm()
        other_delivery = self._delivery(other)
        other_delivery.move_line_ids.picked = True
        ticket.lot_ids._serial_reserve_on_deliveries()
        self.assertFalse(delivery.move_line_ids, "a picked serial is not taken")
        self.assertEqual(self._names(other_delivery), ["T-1"])

    def test_receipt_without_ticket_is_plain_core(self):
        """No ticket on the receipt: core's reserve-on-arrival as usual."""
        plain = self._create_quotation([(self.firewall, 1)])
        plain.action_confirm()
        purchase = self._purchase_for(None, 1)
        self._receive(purchase, self.firewall, "P-1")
        self.assertEqual(self._names(self._delivery(plain)), ["P-1"])

    def test_batch_reserve_counts_planned_quants_only(self):
        """Inside a batch, the reservation of a planned quant is counted and
        written once at the end; any other quant is reserved by core at once."""
        stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        )
        Quant = self.env["stock.quant"]
        lots = self.env["stock.lot"].create(
            [
                {"name": name, "product_id": self.firewall.id}
                for name in ("BR-1", "BR-2", "BR-3")
            ]
        )
        for lot in lots:
            Quant._update_available_quantity(self.firewall, stock, 1, lot_id=lot)
        quants = Quant.search([("lot_id", "in", lots.ids)])
        planned, other = quants[:2], quants[2]
        batch = Quant._serial_new_batch_reserve(planned)
        with Quant._serial_batch_reserving(batch):
            for quant in quants:
                Quant._update_reserved_quantity(
                    self.firewall, stock, 1, lot_id=quant.lot_id
                )
        self.assertEqual(planned.mapped("reserved_quantity"), [0.0, 0.0])
        self.assertEqual(other.reserved_quantity, 1.0, "not planned: core at once")
        self.assertEqual(sorted(batch["reserved"].values()), [1, 1])
        Quant._serial_apply_batch_reserve(batch)
        self.assertEqual(planned.mapped("reserved_quantity"), [1.0, 1.0])
        self.assertFalse(batch["reserved"], "applied once")

    def test_reservation_change_leaves_the_history_alone(self):
        """A delivery that reserves more serials changes the state of the lines
        it already holds (partially available -> assigned): the serials'
        history (received on, holder) is not recomputed for that, only when a
        movement of theirs is done."""
        order, ticket = self._ticket(2)
        purchase = self._purchase(ticket)
        picking = purchase.picking_ids
        self._enter_serials(picking, self.firewall, "H-1", ticket=ticket)
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        delivery = self._delivery(order)
        first = ticket.lot_ids
        self.assertEqual(delivery.move_ids.state, "partially_available")
        received_on = first.serial_received_date
        self.assertTrue(received_on)
        self.env.flush_all()
        Lot = type(first)
        compute, computed = Lot._compute_serial_after_sale, []

        def recording(lots):
            computed.extend(lots.ids)
            return compute(lots)

        with patch.object(Lot, "_compute_serial_after_sale", recording):
            self._receive(purchase, self.firewall, "H-2", ticket=ticket)
            self.env.flush_all()
        self.assertEqual(delivery.move_ids.state, "assigned")
        second = ticket.lot_ids - first
        self.assertIn(second.id, computed)
        self.assertNotIn(first.id, computed)
        self.assertTrue(second.serial_received_date)
        self.assertEqual(first.serial_received_date, received_on)
        # the delivery done: both serials' holder is the customer
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(
            (first | second).mapped("delivered_partner_id"),
            order.partner_id.commercial_partner_id,
        )
        self.assertTrue(all((first | second).mapped("serial_at_customer")))
