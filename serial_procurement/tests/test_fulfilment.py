# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestFulfilmentFromStock(SerialProcurementCase):
    """Issue #11, defect 1: a ticket is fulfilled from the serials on hand or
    by purchase; Create Purchase Orders buys only the shortfall."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Sales from stock, without deposits: the next step is the sourcing.
        cls.company.serial_deposit_enabled = False

    def _invoice(self, ticket):
        return self.env["account.move"].browse(ticket.action_make_invoice()["res_id"])

    def test_01_stock_covers_the_order_nothing_to_buy(self):
        self._put_in_stock(self.firewall, ["ST-1", "ST-2"])
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self.assertEqual(ticket.serial_qty_to_source, 2)
        self.assertEqual(ticket.serial_qty_free_stock, 2)
        self.assertEqual(ticket.serial_qty_to_buy, 0)
        self.assertEqual(ticket.serial_next_step, "allocate")
        with self.assertRaisesRegex(UserError, "Allocate from Stock"):
            ticket.action_create_purchase_orders()
        self.assertFalse(ticket.purchase_order_ids, "nothing bought")

    def test_02_purchase_buys_only_the_shortfall(self):
        self._put_in_stock(self.firewall, ["ST-1", "ST-2"])
        order = self._create_quotation([(self.firewall, 3)])
        ticket = self._create_ticket(order)
        self.assertEqual(ticket.serial_qty_to_buy, 1)
        self.assertEqual(
            ticket.serial_next_step, "allocate", "serials on hand are offered first"
        )
        ticket.action_create_purchase_orders()
        self.assertEqual(ticket.purchase_order_ids.order_line.product_qty, 1)
        # A second click neither buys again nor silently reopens the PO.
        purchase = ticket.purchase_order_ids
        with self.assertRaisesRegex(UserError, purchase.name):
            ticket.action_create_purchase_orders()
        self.assertEqual(ticket.purchase_order_ids, purchase)
        self.assertEqual(ticket.serial_qty_to_buy, 0)

    def test_03_pick_exact_serials_reserves_them_and_invoices(self):
        lots = self._put_in_stock(self.firewall, ["ST-1", "ST-2", "ST-3"])
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        line = order.order_line
        action = ticket.action_allocate_from_stock()
        self.assertEqual(
            action["res_model"], "serial.procurement.allocate.stock.wizard"
        )
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"lot_ids": [(6, 0, lots[2].ids)]})
        )
        self.assertEqual(wizard.sale_line_id, line, "the short line is proposed")
        self.assertEqual(wizard.missing_qty, 1)
        wizard.action_apply()
        chosen = lots[2]
        self.assertEqual(chosen.ticket_id, ticket)
        self.assertEqual(chosen.sale_line_id, line)
        self.assertEqual(chosen.customer_id, self.customer)
        self.assertTrue(chosen.serial_from_stock)
        self.assertEqual(line.serial_qty_allocated, 1)
        self.assertEqual(line.serial_qty_from_stock, 1)
        self.assertEqual(line.serial_qty_received, 0)
        delivery = self._delivery(order)
        self.assertEqual(
            delivery.move_line_ids.lot_id, chosen, "that exact serial is reserved"
        )
        self.assertEqual(ticket.serial_next_step, "invoice")
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: "ST-3" in (m.body or "")),
            "the allocation is logged on the ticket",
        )
        invoice = self._invoice(ticket)
        self.assertEqual(invoice.invoice_line_ids.lot_ids, chosen)

    def test_04_first_available_prefers_the_serial_the_delivery_holds(self):
        self._put_in_stock(self.firewall, ["ST-1", "ST-2"])
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        held = self._delivery(order).move_line_ids.lot_id
        self.assertEqual(len(held), 1, "core reserved one serial")
        ticket.action_allocate_first_available()
        self.assertEqual(ticket.lot_ids, held)
        self.assertEqual(self._delivery(order).move_line_ids.lot_id, held)
        with self.assertRaisesRegex(UserError, "No free serial"):
            ticket.action_allocate_first_available()

    def test_05_serial_of_another_ticket_cannot_be_taken(self):
        lot = self._put_in_stock(self.firewall, ["ST-1"])
        ticket_a = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        ticket_a.action_allocate_first_available()
        self.assertEqual(lot.ticket_id, ticket_a)
        order_b = self._create_quotation([(self.firewall, 1)], partner=self.customer_b)
        ticket_b = self._create_ticket(order_b)
        self.assertEqual(ticket_b.serial_qty_free_stock, 0)
        with self.assertRaisesRegex(UserError, "another ticket"):
            lot._serial_allocate_from_stock(order_b.order_line)
        self.assertEqual(lot.ticket_id, ticket_a, "nothing written")

    def test_06_too_many_serials_or_not_in_stock_refused(self):
        lots = self._put_in_stock(self.firewall, ["ST-1", "ST-2"])
        order = self._create_quotation([(self.firewall, 1)])
        self._create_ticket(order)
        with self.assertRaisesRegex(UserError, "only 1 unit"):
            lots._serial_allocate_from_stock(order.order_line)
        gone = self.env["stock.lot"].create(
            {"name": "NOT-HERE", "product_id": self.firewall.id}
        )
        with self.assertRaisesRegex(UserError, "not in stock"):
            gone._serial_allocate_from_stock(order.order_line)
        self.assertFalse(lots.ticket_id)

    def test_07_part_from_stock_part_bought(self):
        self._put_in_stock(self.firewall, ["ST-1"])
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        ticket.action_allocate_first_available()
        self.assertEqual(ticket.serial_qty_to_buy, 1)
        self.assertEqual(ticket.serial_next_step, "purchase", "then the shortfall")
        purchase = self._purchase(ticket)
        self.assertEqual(purchase.order_line.product_qty, 1)
        self._receive(purchase, self.firewall, "NEW-1")
        line = order.order_line
        self.assertEqual(line.serial_qty_allocated, 2)
        self.assertEqual(line.serial_qty_from_stock, 1)
        self.assertEqual(line.serial_qty_received, 1)
        invoice = self._invoice(ticket)
        self.assertEqual(
            sorted(invoice.invoice_line_ids.lot_ids.mapped("name")), ["NEW-1", "ST-1"]
        )
        self.assertEqual(
            sorted(self._delivery(order).move_line_ids.lot_id.mapped("name")),
            ["NEW-1", "ST-1"],
        )

    def test_08_serial_delivered_without_allocation_can_be_invoiced(self):
        # Seed of the defect: core reserved and delivered a serial on hand.
        self._put_in_stock(self.firewall, ["ST-1"])
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        delivery = self._deliver(order)
        self.assertEqual(delivery.state, "done")
        lot = delivery.move_line_ids.lot_id
        self.assertEqual(lot.ticket_id, ticket)
        self.assertEqual(order.order_line.serial_lot_ids, lot)
        invoice = self._invoice(ticket)
        self.assertEqual(invoice.invoice_line_ids.lot_ids, lot)
