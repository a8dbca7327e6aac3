# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SerialProcurementCase, draft_credit_note


@tagged("post_install", "-at_install")
class TestScreensThatGuide(SerialProcurementCase):
    """Issue #11, defects 3, 5, 8, 9, 10 and the pictures: receipt progress,
    deposit defaults, live serial counter, history, lists and reports."""

    def _arch(self, model, view_type="form", view_ref=None):
        view_id = self.env.ref(view_ref).id if view_ref else None
        return etree.fromstring(
            self.env[model].get_view(view_id=view_id, view_type=view_type)["arch"]
        )

    def _ticket_with_receipt(self, qty=2):
        order = self._create_quotation([(self.firewall, qty)])
        ticket = self._create_ticket(order)
        purchase = self._purchase(ticket)
        receipt = purchase.picking_ids
        return order, ticket, purchase, receipt

    # -- defect 3: the receipt shows serial progress -------------------------

    def test_01_receipt_line_shows_serials_and_ticket(self):
        _order, ticket, _purchase, receipt = self._ticket_with_receipt()
        move = receipt.move_ids
        self.assertEqual(move.serial_progress, "0/2 serials")
        self._enter_serials(receipt, self.firewall, "SC-1")
        self.assertEqual(move.serial_progress, f"1/2 serials → {ticket.number}")
        self._enter_serials(receipt, self.firewall, "SC-2")
        self.assertEqual(move.serial_progress, f"2/2 serials → {ticket.number}")

    def test_02_entering_serials_keeps_the_receipt_ready(self):
        _order, _ticket, _purchase, receipt = self._ticket_with_receipt()
        self.assertEqual(receipt.move_ids.state, "assigned")
        self._enter_serials(receipt, self.firewall, "SC-1")
        self.assertEqual(receipt.move_ids.state, "assigned", "partial entry")
        self.assertFalse(receipt.show_check_availability)
        self._enter_serials(receipt, self.firewall, "SC-2")
        self.assertEqual(receipt.move_ids.state, "assigned")
        self.assertEqual(receipt.state, "assigned")
        self.assertFalse(receipt.show_check_availability)

    def test_03_serial_entry_button_is_labelled_and_distinct(self):
        arch = self._arch("stock.picking")
        button = arch.xpath("//button[@name='action_open_serial_entry']")[0]
        self.assertEqual(button.get("string"), "Serials")
        self.assertNotIn(button.get("icon"), ("fa-list", "fa-barcode"))
        self.assertTrue(arch.xpath("//field[@name='serial_progress']"))

    # -- defect 5: deposit wizard defaults -----------------------------------

    def test_04_deposit_amount_is_chosen_and_payment_said_received(self):
        """Issue #21 item 2: no amount and no payment unless the user says so;
        the remaining balance and 50 % are one click away."""
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self._take_deposit(ticket, 1000.0)
        wizard_form = Form(
            self.env["serial.procurement.deposit.wizard"].with_context(
                default_ticket_id=ticket.id
            )
        )
        self.assertFalse(wizard_form.amount_choice, "nothing chosen for the user")
        self.assertFalse(wizard_form.amount)
        self.assertFalse(wizard_form.deposit_error, "asks, does not scold")
        self.assertFalse(wizard_form.register_payment)
        self.assertFalse(wizard_form.journal_id)
        wizard_form.amount_choice = "remaining"
        self.assertAlmostEqual(wizard_form.amount, 1400.0, "the remaining balance")
        self.assertAlmostEqual(wizard_form.deposit_value, 1400.0)
        wizard_form.amount_choice = "half"
        self.assertEqual(wizard_form.amount_type, "percentage")
        self.assertAlmostEqual(wizard_form.deposit_value, 1200.0)
        self.assertFalse(wizard_form.deposit_error, "1,000 + 1,200 <= 2,400")
        wizard_form.amount_choice = "other"
        wizard_form.amount_type = "fixed"
        self.assertFalse(wizard_form.amount, "typed by the user")
        self.assertFalse(wizard_form.deposit_error, "not typed yet")
        wizard_form.amount = -5.0
        self.assertIn("positive", wizard_form.deposit_error, "said before submit")
        wizard_form.amount = 5000.0
        self.assertIn("exceed", wizard_form.deposit_error)
        self.assertIn("2,400.00", wizard_form.deposit_error, "money formatted")
        wizard_form.amount = 1400.0
        wizard_form.register_payment = True
        self.assertEqual(wizard_form.journal_id, self.bank_journal)
        self.assertEqual(wizard_form.payment_date, fields.Date.context_today(ticket))
        wizard_form.payment_memo = "Cheque 1234"
        wizard = wizard_form.save()
        wizard.action_confirm()
        self.assertAlmostEqual(ticket.deposit_amount, 2400.0)
        deposit = ticket.deposit_invoice_ids.sorted("id")[-1:]
        self.assertIn(deposit.payment_state, ("paid", "in_payment"), "paid")
        payment = deposit.matched_payment_ids
        self.assertEqual(payment.journal_id, self.bank_journal)
        self.assertEqual(payment.memo, "Cheque 1234")

    def test_04b_deposit_without_payment_is_left_open(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        wizard_form = Form(
            self.env["serial.procurement.deposit.wizard"].with_context(
                default_ticket_id=ticket.id
            )
        )
        wizard_form.amount_choice = "half"
        wizard = wizard_form.save()
        self.assertFalse(wizard.register_payment)
        wizard.action_confirm()
        deposit = ticket.deposit_invoice_ids
        self.assertEqual(deposit.state, "posted")
        self.assertEqual(deposit.payment_state, "not_paid", "left open")
        self.assertFalse(deposit.matched_payment_ids)
        self.assertAlmostEqual(deposit.amount_total, 1200.0)
        self.assertIn("still to receive", str(ticket.message_ids[:1].body))
        # no choice and no amount: refused with what to do, nothing written
        wizard = self.env["serial.procurement.deposit.wizard"].create(
            {"ticket_id": ticket.id}
        )
        with self.assertRaisesRegex(UserError, "choose the remaining balance"):
            wizard.action_confirm()
        # payment said received without a journal: refused
        wizard = self.env["serial.procurement.deposit.wizard"].create(
            {
                "ticket_id": ticket.id,
                "amount_choice": "remaining",
                "register_payment": True,
                "journal_id": False,
            }
        )
        with self.assertRaisesRegex(UserError, "journal the payment was received"):
            wizard.action_confirm()
        self.assertEqual(ticket.deposit_invoice_ids, deposit)

    def test_04c_refunded_deposit_is_taken_off(self):
        """#18 item 8: deposits of 200 and 100, a credit note of the first:
        100 deposited (was 500), and the wizard's figures follow."""
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        first = self._take_deposit(ticket, 200.0)
        self._take_deposit(ticket, 100.0)
        self.assertAlmostEqual(ticket.deposit_amount, 300.0)
        refund = draft_credit_note(first)
        refund.action_post()
        self.assertEqual(refund.move_type, "out_refund")
        self.assertAlmostEqual(ticket.deposit_amount, 100.0)
        wizard = self.env["serial.procurement.deposit.wizard"].create(
            {"ticket_id": ticket.id, "amount_choice": "remaining"}
        )
        self.assertAlmostEqual(wizard.deposited_amount, 100.0)
        self.assertAlmostEqual(wizard.remaining_amount, 2300.0)
        self.assertAlmostEqual(wizard.amount, 2300.0)
        self.assertFalse(wizard.deposit_error)

    def test_05_deposit_error_names_the_settings_block(self):
        self.company.serial_deposit_enabled = False
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        with self.assertRaisesRegex(UserError, "Serialized Products"):
            ticket.action_take_deposit()

    # -- defect 8: live counter and warnings in the entry dialog --------------

    def test_06_entry_counter_counts_distinct_serials_and_warns(self):
        _order, _ticket, _purchase, receipt = self._ticket_with_receipt()
        entry = Form(
            self.env["serial.procurement.serial.entry.wizard"].with_context(
                default_move_id=receipt.move_ids.id
            )
        )
        entry.serials = "A001, A001, A002"
        self.assertEqual(entry.serial_count, 2)
        self.assertIn("A001", entry.serial_warning)
        self.assertIn("twice", entry.serial_warning)
        entry.serials = "A001, A002, A003"
        self.assertEqual(entry.serial_count, 3)
        self.assertIn("2 unit(s)", entry.serial_warning)
        entry.serials = "A001\nA002"
        self.assertFalse(entry.serial_warning)
        entry.save().action_apply()
        again = Form(
            self.env["serial.procurement.serial.entry.wizard"].with_context(
                default_move_id=receipt.move_ids.id
            )
        )
        again.serials = "A002"
        self.assertIn("Already received or entered: A002", again.serial_warning)

    def test_06b_entry_flags_case_variants_when_the_company_ignores_case(self):
        """Issue #21 item 9: "usw24-0003 " is USW24-0003 when case is ignored."""
        _order, _ticket, _purchase, receipt = self._ticket_with_receipt(qty=3)
        self._enter_serials(receipt, self.firewall, "USW24-0003")
        self.company.serial_case_insensitive = True
        entry = Form(
            self.env["serial.procurement.serial.entry.wizard"].with_context(
                default_move_id=receipt.move_ids.id
            )
        )
        entry.serials = "usw24-0003 "
        self.assertIn(
            "Already received or entered: usw24-0003 (USW24-0003)",
            entry.serial_warning,
        )
        entry.serials = "B-1, b-1"
        self.assertEqual(entry.serial_count, 1)
        self.assertIn("Entered twice: B-1, b-1", entry.serial_warning)
        self.company.serial_case_insensitive = False
        entry.serials = "usw24-0003"
        self.assertFalse(entry.serial_warning, "another serial when case counts")

    # -- defect 9: history and investigation ---------------------------------

    def test_07_history_lists_are_clickable_records_and_timeline(self):
        arch = self._arch("stock.lot")
        for name in (
            "invoice_ids",
            "delivery_ids",
            "purchase_order_ids",
            "receipt_ids",
        ):
            field = arch.xpath(f"//page[@name='serial_history']//field[@name='{name}']")
            self.assertTrue(field, name)
            self.assertNotEqual(field[0].get("widget"), "many2many_tags", name)
            self.assertTrue(field[0].xpath("./list"), f"{name} is a list of records")
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, "TL-1")
        ticket.action_make_invoice()
        self._deliver(order)
        lot = ticket.lot_ids
        timeline = str(lot.serial_timeline)
        for label in ("Received", "Delivered", "Invoiced"):
            self.assertIn(label, timeline)
        self.assertLess(timeline.index("Received"), timeline.index("Delivered"))

    def test_08_serial_to_investigate_shows_where_it_was_typed(self):
        manager = self._create_user(
            "sp_screens_manager",
            "serial_procurement.group_serial_procurement_manager,"
            "account.group_account_invoice,stock.group_stock_user",
        )
        invoice = (
            self.env["account.move"]
            .with_user(manager)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.firewall.id,
                                "quantity": 1,
                                "price_unit": 10.0,
                                "new_serial_names": "NEVER-1",
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        lot = invoice.invoice_line_ids.lot_ids
        self.assertTrue(lot.needs_review)
        self.assertEqual(lot.review_origin, invoice.name)
        action = self.env.ref("serial_procurement.stock_lot_action_to_investigate")
        list_view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        self.assertIn("review_origin", list_view.arch)
        # The "never received" column shows by default on invoice lines.
        arch = self._arch("account.move")
        column = arch.xpath("//field[@name='new_serial_names']")[0]
        self.assertEqual(column.get("optional"), "show")

    # -- defect 10: list and search gaps -------------------------------------

    def test_09_ticket_invoiced_filter_and_group_by_billing_status(self):
        order, ticket, _purchase, _receipt = self._ticket_with_receipt(qty=1)
        self._receive(ticket.purchase_order_ids, self.firewall, "FL-1")
        ticket.action_make_invoice()
        search = self._arch("helpdesk.ticket", "search")
        invoiced = search.xpath("//filter[@name='billing_invoiced']")[0]
        tickets = self.env["helpdesk.ticket"].search(
            ast.literal_eval(invoiced.get("domain"))
        )
        self.assertIn(ticket, tickets)
        self.assertTrue(search.xpath("//filter[@name='group_billing_status']"))
        self.assertTrue(search.xpath("//filter[@name='group_delivery_status']"))
        groups = self.env["helpdesk.ticket"].read_group(
            [("id", "=", ticket.id)], ["billing_status"], ["billing_status"]
        )
        self.assertEqual(groups[0]["billing_status"], "invoiced")

    def test_10_enquiry_and_sold_report_columns(self):
        enquiry = self._arch(
            "stock.lot", "list", "serial_procurement.stock_lot_view_tree_enquiry"
        )
        for name in ("in_stock", "location_id", "invoice_ids"):
            self.assertTrue(enquiry.xpath(f"//field[@name='{name}']"), name)
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        self._receive(self._purchase(ticket), self.firewall, "SR-1")
        ticket.action_make_invoice()
        self.env.flush_all()
        rows = self.env["serial.procurement.sold.report"].search(
            [("serial", "=", "SR-1"), ("kind", "=", "invoiced")]
        )
        self.assertEqual(rows.ticket_id, ticket)
        report_list = self._arch("serial.procurement.sold.report", "list")
        self.assertTrue(report_list.xpath("//field[@name='ticket_id']"))
        graph = self._arch("serial.procurement.sold.report", "graph")
        self.assertEqual(
            [f.get("name") for f in graph.xpath("//field[not(@type)]")],
            ["date", "customer_id"],
            "serials sold per month and per customer",
        )
        self.assertTrue(
            self._arch("serial.procurement.sold.report", "pivot") is not None
        )

    # -- pictures: the ticket-side summary -----------------------------------

    def test_11_ticket_summary_per_line(self):
        self._put_in_stock(self.firewall, ["PS-1"])
        order = self._create_quotation([(self.firewall, 2), (self.service, 1)])
        ticket = self._create_ticket(order)
        ticket.action_allocate_first_available()
        self._receive(self._purchase(ticket), self.firewall, "PS-2")
        fw_line = ticket.serial_line_ids.filtered(
            lambda line: line.product_id == self.firewall
        )
        self.assertEqual(len(ticket.serial_line_ids), 2, "firewall and service")
        self.assertEqual(
            (
                fw_line.product_uom_qty,
                fw_line.serial_qty_allocated,
                fw_line.serial_qty_from_stock,
                fw_line.serial_qty_received,
                fw_line.qty_delivered,
                fw_line.qty_invoiced,
            ),
            (2, 2, 1, 1, 0, 0),
        )
        ticket.action_make_invoice()
        self._deliver(order)
        self.assertEqual((fw_line.qty_delivered, fw_line.qty_invoiced), (2, 2))
