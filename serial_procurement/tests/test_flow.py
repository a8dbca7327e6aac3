# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestProcurementFlow(SerialProcurementCase):
    """Seed 000, step by step: estimate -> ticket -> deposit -> purchase ->
    receive onto the ticket -> invoice -> serial history."""

    def _run_until_received(
        self, deposit=None, deposit_type="fixed", serials="FW-A1\nFW-A2"
    ):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        if deposit:
            self._take_deposit(ticket, deposit, deposit_type, journal=self.bank_journal)
        purchase = self._purchase(ticket)
        picking = self._receive(purchase, self.firewall, serials)
        return order, ticket, purchase, picking

    # -- step 1: estimate -> ticket ----------------------------------------

    def test_01_estimate_becomes_ticket(self):
        order = self._create_quotation([(self.firewall, 2), (self.service, 1)])
        self.assertEqual(order.state, "draft")
        action = order.action_create_ticket()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "helpdesk.ticket")
        self.assertEqual(order.state, "sale", "the approved estimate is confirmed")
        self.assertEqual(order.ticket_id, ticket)
        self.assertEqual(
            ticket.sale_order_id, order, "the estimate is linked on the ticket"
        )
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertIn(order.name, ticket.name)
        self.assertIn("Managed Firewall FW-200", str(ticket.description))
        # Seed: Billing Status is "Invoice Required", pending charges show the product.
        self.assertEqual(ticket.billing_status, "to_invoice")
        self.assertIn(self.firewall, ticket.charge_line_ids.product_id)
        # Calling it again returns the same ticket.
        again = order.action_create_ticket()
        self.assertEqual(again["res_id"], ticket.id)
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count(
                [("sale_order_id", "=", order.id)]
            ),
            1,
        )

    def test_02_billing_status_change_is_tracked_in_chatter(self):
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        # End of the request that created the ticket (Invoice Required) ...
        self.env.flush_all()
        self.env.cr.flush()
        self.assertEqual(ticket.billing_status, "to_invoice")
        self._take_deposit(ticket, 100.0)  # ... then, in a later request, the deposit.
        self.env.flush_all()
        self.env.cr.flush()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "helpdesk.ticket"),
                ("mail_message_id.res_id", "=", ticket.id),
                ("field_id.name", "=", "billing_status"),
            ]
        )
        self.assertTrue(tracked, "billing status changes are logged in the chatter")

    # -- step 2: take deposit ------------------------------------------------

    def test_03_take_partial_deposit(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self.assertEqual(
            ticket.action_take_deposit()["res_model"],
            "serial.procurement.deposit.wizard",
        )
        deposit = self._take_deposit(ticket, 1000.0, journal=self.bank_journal)
        self.assertEqual(deposit.state, "posted")
        self.assertAlmostEqual(deposit.amount_total, 1000.0)
        self.assertIn(
            deposit.payment_state, ("in_payment", "paid"), "payment registered"
        )
        self.assertIn(
            deposit, ticket.invoice_ids, "deposit invoice linked to the ticket"
        )
        self.assertEqual(ticket.deposit_invoice_ids, deposit)
        self.assertAlmostEqual(ticket.deposit_amount, 1000.0)
        self.assertEqual(ticket.billing_status, "partial")
        deposit_charge = ticket.charge_line_ids.filtered("is_downpayment")
        self.assertAlmostEqual(
            sum(deposit_charge.mapped("serial_charge_amount")),
            -1000.0,
            msg="the deposit shows as a negative charge",
        )
        # Odoo's own down-payment mechanism: a down-payment line on the order.
        self.assertTrue(
            order.order_line.filtered(
                lambda line: line.is_downpayment and not line.display_type
            )
        )

    def test_04_several_deposits_and_percentage(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self._take_deposit(ticket, 25.0, "percentage")
        self._take_deposit(ticket, 600.0)
        self.assertEqual(len(ticket.deposit_invoice_ids), 2)
        self.assertAlmostEqual(ticket.deposit_amount, 1200.0)

    # -- step 3: purchase ------------------------------------------------------

    def test_05_create_purchase_orders_per_vendor_once(self):
        order = self._create_quotation(
            [(self.firewall, 2), (self.switch, 3), (self.service, 1)]
        )
        ticket = self._create_ticket(order)
        ticket.action_create_purchase_orders()
        purchases = ticket.purchase_order_ids
        self.assertEqual(len(purchases), 2, "one purchase order per vendor")
        self.assertEqual(set(purchases.mapped("state")), {"draft"})
        fw_po = purchases.filtered(lambda p: p.partner_id == self.vendor)
        self.assertEqual(fw_po.order_line.product_id, self.firewall)
        self.assertEqual(fw_po.order_line.product_qty, 2)
        self.assertEqual(fw_po.order_line.price_unit, 800.0, "vendor price used")
        self.assertEqual(fw_po.ticket_id, ticket)
        self.assertEqual(fw_po.order_line.ticket_id, ticket)
        with self.assertRaisesRegex(UserError, "Nothing to buy"):
            ticket.action_create_purchase_orders()
        self.assertEqual(
            ticket.purchase_order_ids, purchases, "calling again creates nothing"
        )

    # -- step 4: receive onto the ticket -----------------------------------

    def test_06_receive_serials_onto_ticket(self):
        order, ticket, purchase, picking = self._run_until_received(deposit=1000.0)
        self.assertEqual(picking.state, "done")
        lots = ticket.lot_ids
        self.assertEqual(sorted(lots.mapped("name")), ["FW-A1", "FW-A2"])
        line = order.order_line.filtered(lambda line: line.product_id == self.firewall)
        for lot in lots:
            self.assertEqual(lot.ticket_id, ticket)
            self.assertEqual(lot.customer_id, self.customer)
            self.assertEqual(lot.supplier_id, self.vendor)
            self.assertEqual(lot.purchase_order_id, purchase)
            self.assertEqual(lot.sale_line_id, line)
        self.assertEqual(
            line.serial_lot_ids, lots, "serials assigned to the pending charge"
        )
        delivery = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(
            delivery.move_line_ids.lot_id, lots, "the delivery reserves those serials"
        )
        self.assertIn(picking, ticket.receipt_ids)
        # Nothing left to buy, and the ticket says so.
        with self.assertRaisesRegex(UserError, "Nothing to buy"):
            ticket.action_create_purchase_orders()
        self.assertEqual(ticket.purchase_order_ids, purchase)

    def test_07_delivery_reserves_ticket_serials_not_older_stock(self):
        # Older stock of the same product exists before the ticket's units arrive.
        old_lot = self.env["stock.lot"].create(
            {"name": "OLD-1", "product_id": self.firewall.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.firewall, self.stock_location, 1, lot_id=old_lot
        )
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        delivery = order.picking_ids
        self.assertEqual(
            delivery.move_line_ids.lot_id, old_lot, "core reserved the old unit"
        )
        # The ticket buys a new unit anyway (the old one stays unallocated).
        purchase = self.env["purchase.order"].create(
            ticket._prepare_purchase_order_vals(self.vendor, [(self.firewall, 1)])
        )
        purchase.button_confirm()
        self._receive(purchase, self.firewall, "NEW-1")
        self.assertEqual(delivery.move_line_ids.lot_id.name, "NEW-1")

    # -- step 5: make invoice ------------------------------------------------

    def test_08_make_invoice_partial_deposit(self):
        order, ticket, _purchase, _picking = self._run_until_received(deposit=1000.0)
        action = ticket.action_make_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(
            invoice.ticket_id, ticket, "the ticket is linked on the invoice"
        )
        fw_line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.firewall
        )
        self.assertEqual(fw_line.lot_ids, ticket.lot_ids, "serials on the line items")
        deposit_line = invoice.invoice_line_ids.filtered(
            lambda line: line.is_downpayment
        )
        self.assertAlmostEqual(
            sum(deposit_line.mapped("price_subtotal")),
            -1000.0,
            msg="the deposit appears as a negative line",
        )
        self.assertAlmostEqual(invoice.amount_total, 1400.0)
        self.assertEqual(
            invoice.payment_state, "not_paid", "a balance remains to collect"
        )
        self.assertEqual(ticket.billing_status, "invoiced")
        self.assertEqual(
            len(ticket.invoice_ids), 2, "deposit and balance invoices linked"
        )
        self.assertFalse(ticket.charge_line_ids, "no pending charge left")
        # Printed on the invoice PDF.
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertIn("FW-A1", html)
        self.assertIn("FW-A2", html)

    def test_09_full_deposit_zero_balance_is_paid(self):
        _order, ticket, _purchase, _picking = self._run_until_received(
            deposit=100.0, deposit_type="percentage"
        )
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        self.assertAlmostEqual(invoice.amount_total, 0.0)
        self.assertEqual(
            invoice.payment_state, "paid", "a zero balance closes the invoice"
        )
        self.assertEqual(ticket.billing_status, "invoiced")

    def test_10_no_deposit(self):
        _order, ticket, _purchase, _picking = self._run_until_received()
        self.assertEqual(ticket.billing_status, "to_invoice")
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        self.assertAlmostEqual(invoice.amount_total, 2400.0)
        self.assertFalse(invoice.invoice_line_ids.filtered("is_downpayment"))
        self.assertEqual(ticket.billing_status, "invoiced")

    # -- step 6: serial history ------------------------------------------------

    def test_11_serial_history(self):
        order, ticket, purchase, picking = self._run_until_received(deposit=500.0)
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        lot = ticket.lot_ids.filtered(lambda line: line.name == "FW-A1")
        action = lot.action_open_serial_history()
        self.assertEqual((action["res_model"], action["res_id"]), ("stock.lot", lot.id))
        self.assertEqual(lot.product_id, self.firewall)
        self.assertEqual(lot.customer_id, self.customer)
        self.assertEqual(lot.supplier_id, self.vendor)
        self.assertEqual(lot.ticket_id, ticket)
        self.assertEqual(lot.sale_order_id, order)
        self.assertIn(purchase, lot.purchase_order_ids)
        self.assertEqual(lot.receipt_ids, picking)
        self.assertEqual(lot.invoice_ids, invoice)
        self.assertTrue(lot.in_stock)
        self.assertIn(lot, self.env["stock.lot"].search([("in_stock", "=", True)]))
        self.assertEqual(lot.history_move_line_ids.picking_id, picking)
        # Reachable from the ticket, the purchase order and the invoice.
        self.assertEqual(purchase.serial_lot_ids, ticket.lot_ids)
        self.assertEqual(purchase.action_view_serials()["res_model"], "stock.lot")
        self.assertEqual(invoice.action_view_serials()["res_model"], "stock.lot")
        fw_line = invoice.invoice_line_ids.filtered(lambda line: line.lot_ids)
        self.assertEqual(fw_line.action_view_serial_history()["res_model"], "stock.lot")
        self.assertEqual(ticket.action_view_serials()["res_model"], "stock.lot")
        # After delivery the serial is at the customer, no longer in stock.
        delivery = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        self._validate(delivery)
        lot.invalidate_recordset()
        self.assertFalse(lot.in_stock)
        self.assertIn(delivery, lot.delivery_ids)
        self.assertEqual(lot.last_delivery_partner_id, self.customer)

    # -- variants ---------------------------------------------------------------

    def test_12_one_receipt_feeds_two_tickets(self):
        order_a = self._create_quotation([(self.firewall, 1)])
        order_b = self._create_quotation([(self.firewall, 1)], partner=self.customer_b)
        ticket_a, ticket_b = self._create_ticket(order_a), self._create_ticket(order_b)
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "ticket_id": ticket_a.id,
                "order_line": [
                    (0, 0, {"product_id": self.firewall.id, "product_qty": 2})
                ],
            }
        )
        purchase.button_confirm()
        picking = purchase.picking_ids
        self._enter_serials(picking, self.firewall, "SN-A")
        self._enter_serials(picking, self.firewall, "SN-B", ticket=ticket_b)
        self.assertEqual(
            sorted(
                picking.move_line_ids.mapped(lambda ml: (ml.lot_name, ml.ticket_id.id))
            ),
            [("SN-A", ticket_a.id), ("SN-B", ticket_b.id)],
        )
        self._validate(picking)
        self.assertEqual(ticket_a.lot_ids.name, "SN-A")
        self.assertEqual(ticket_b.lot_ids.name, "SN-B")
        self.assertEqual(ticket_b.lot_ids.customer_id, self.customer_b)
        self.assertEqual(order_a.picking_ids.move_line_ids.lot_id.name, "SN-A")
        self.assertEqual(order_b.picking_ids.move_line_ids.lot_id.name, "SN-B")

    def test_13_receipt_line_without_ticket(self):
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (0, 0, {"product_id": self.firewall.id, "product_qty": 1})
                ],
            }
        )
        purchase.button_confirm()
        self._receive(purchase, self.firewall, "STOCK-1")
        lot = purchase.serial_lot_ids
        self.assertEqual(lot.name, "STOCK-1")
        self.assertFalse(lot.ticket_id)
        self.assertEqual(lot.supplier_id, self.vendor)

    def test_14_hand_made_purchase_linked_later(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (0, 0, {"product_id": self.firewall.id, "product_qty": 2})
                ],
            }
        )
        purchase.button_confirm()
        self.assertFalse(purchase.picking_ids.move_ids.move_line_ids.ticket_id)
        purchase.ticket_id = ticket
        self.assertEqual(purchase.order_line.ticket_id, ticket)
        self.assertEqual(ticket.purchase_order_ids, purchase)
        with self.assertRaisesRegex(UserError, purchase.name):
            ticket.action_create_purchase_orders()
        self.assertEqual(
            ticket.purchase_order_ids, purchase, "already on an open purchase order"
        )
        self._receive(purchase, self.firewall, "H-1, H-2")
        self.assertEqual(sorted(ticket.lot_ids.mapped("name")), ["H-1", "H-2"])
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        self.assertEqual(invoice.invoice_line_ids.lot_ids, ticket.lot_ids)

    def test_15_bulk_paste_separators_and_scanner(self):
        order = self._create_quotation([(self.firewall, 5)])
        ticket = self._create_ticket(order)
        purchase = self._purchase(ticket)
        picking = purchase.picking_ids
        # Paste with mixed separators, padding kept out, case kept; then a scan.
        self._enter_serials(picking, self.firewall, " ab-1 ,AB-2;Ab-3\tab-4\r\n")
        self._enter_serials(picking, self.firewall, "SCAN-5\n")
        names = sorted(picking.move_line_ids.mapped("lot_name"))
        self.assertEqual(names, ["AB-2", "Ab-3", "SCAN-5", "ab-1", "ab-4"])
        self.assertEqual(picking.move_line_ids.mapped("quantity"), [1.0] * 5)
        self._validate(picking)
        self.assertEqual(len(ticket.lot_ids), 5)

    def test_16_correct_received_serial_before_invoicing(self):
        """A typo found after receipt: Correct Serial moves the ticket's unit to
        the right number; the invoice and the delivery carry the right one."""
        order, ticket, _purchase, _picking = self._run_until_received(
            serials="FW-TYPO\nFW-A2"
        )
        typo = ticket.lot_ids.filtered(lambda lot: lot.name == "FW-TYPO")
        self.env["serial.procurement.correct.serial.wizard"].create(
            {"lot_id": typo.id, "new_name": "FW-A1"}
        ).action_correct()
        self.assertEqual(sorted(ticket.lot_ids.mapped("name")), ["FW-A1", "FW-A2"])
        self.assertFalse(typo.ticket_id)
        delivery = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        self.assertEqual(delivery.move_line_ids.lot_id, ticket.lot_ids)
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        self.assertEqual(
            sorted(invoice.invoice_line_ids.lot_ids.mapped("name")), ["FW-A1", "FW-A2"]
        )

    def test_17_smart_buttons(self):
        order, ticket, purchase, picking = self._run_until_received(deposit=500.0)
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        self.assertEqual(ticket.action_view_sale_order()["res_id"], order.id)
        self.assertEqual(order.action_view_ticket()["res_id"], ticket.id)
        self.assertEqual(purchase.action_view_ticket()["res_id"], ticket.id)
        self.assertEqual(invoice.action_view_ticket()["res_id"], ticket.id)
        self.assertEqual(picking.action_view_tickets()["res_id"], ticket.id)
        self.assertEqual(ticket.lot_ids[0].action_view_ticket()["res_id"], ticket.id)
        invoices = self.env["account.move"].search(
            ticket.action_view_invoices()["domain"]
        )
        self.assertEqual(invoices, ticket.invoice_ids)
        self.assertEqual(len(invoices), 2, "the deposit and the balance invoice")
        self.assertEqual(ticket.action_view_purchase_orders()["res_id"], purchase.id)
        receipts = self.env["stock.picking"].search(
            ticket.action_view_receipts()["domain"]
        )
        self.assertEqual(receipts, picking)
        self.assertEqual(
            (ticket.purchase_order_count, ticket.receipt_count, ticket.lot_count),
            (1, 1, 2),
        )
        self.assertEqual(purchase.serial_lot_count, 2)
        self.assertEqual(invoice.serial_lot_count, 2)
        # A receipt feeding two tickets lists both.
        order_b = self._create_quotation([(self.firewall, 1)], partner=self.customer_b)
        ticket_b = self._create_ticket(order_b)
        other = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "ticket_id": ticket.id,
                "order_line": [
                    (0, 0, {"product_id": self.firewall.id, "product_qty": 2})
                ],
            }
        )
        other.button_confirm()
        self._enter_serials(other.picking_ids, self.firewall, "SB-1")
        self._enter_serials(other.picking_ids, self.firewall, "SB-2", ticket=ticket_b)
        action = other.picking_ids.action_view_tickets()
        self.assertEqual(
            self.env["helpdesk.ticket"].search(action["domain"]), ticket | ticket_b
        )

    def test_18_serial_entry_from_the_receipt_line(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        purchase = self._purchase(ticket)
        move = purchase.picking_ids.move_ids
        action = move.action_open_serial_entry()
        self.assertEqual(action["res_model"], "serial.procurement.serial.entry.wizard")
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"serials": "E-1\nE-2"})
        )
        self.assertEqual(wizard.ticket_id, ticket, "defaults to the purchase's ticket")
        self.assertEqual((wizard.remaining_qty, wizard.serial_count), (2, 2))
        wizard.action_apply()
        self.assertEqual(sorted(move.move_line_ids.mapped("lot_name")), ["E-1", "E-2"])
        self.assertEqual(move._serial_units_without_serial(), 0)
