# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestTicketCockpit(SerialProcurementCase):
    """Issue #11, defects 2, 4, 6, 7: buttons follow the state, the delivery is
    visible from the ticket, the stage moves with the flow, the chatter logs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")

    def _bodies(self, record):
        return " ".join(record.message_ids.mapped(lambda m: str(m.body or "")))

    def _run_full_flow(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self._take_deposit(ticket, 1000.0, journal=self.bank_journal)
        purchase = self._purchase(ticket)
        receipt = self._receive(purchase, self.firewall, "CK-1, CK-2")
        return order, ticket, purchase, receipt

    # -- defect 2: buttons follow the state ---------------------------------

    def test_01_next_step_follows_the_flow(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self.assertEqual(ticket.serial_next_step, "deposit")
        self.assertTrue(ticket.serial_can_deposit)
        self._take_deposit(ticket, 2400.0)
        self.assertFalse(
            ticket.serial_can_deposit, "no Take Deposit after a 100 % deposit"
        )
        self.assertEqual(ticket.serial_next_step, "purchase")
        self.assertEqual(ticket.serial_qty_to_buy, 2)
        ticket.action_create_purchase_orders()
        self.assertEqual(
            ticket.serial_qty_to_buy, 0, "Create Purchase Orders disappears"
        )
        self.assertEqual(ticket.serial_next_step, "confirm_purchase")
        purchase = ticket.purchase_order_ids
        purchase.button_confirm()
        self.assertEqual(
            ticket.serial_next_step, "receive", "Make Invoice is not the next step yet"
        )
        self._receive(purchase, self.firewall, "CK-1, CK-2")
        self.assertEqual(ticket.serial_next_step, "invoice")
        ticket.action_make_invoice()
        self.assertEqual(ticket.serial_next_step, "deliver")
        self._deliver(order)
        self.assertEqual(ticket.serial_next_step, "done")

    def test_02_one_primary_button_per_step(self):
        arch = etree.fromstring(
            self.env["helpdesk.ticket"].get_view(view_type="form")["arch"]
        )
        for name, step in (
            ("action_take_deposit", "deposit"),
            ("action_allocate_from_stock", "allocate"),
            ("action_create_purchase_orders", "purchase"),
            ("action_make_invoice", "invoice"),
        ):
            buttons = arch.xpath(f"//header/button[@name='{name}']")
            self.assertEqual(len(buttons), 2, name)
            primary = [b for b in buttons if "btn-primary" in b.get("class", "")]
            self.assertEqual(len(primary), 1, name)
            self.assertIn(f"serial_next_step != '{step}'", primary[0].get("invisible"))

    def test_03_without_deposits_first_step_is_purchase(self):
        self.company.serial_deposit_enabled = False
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        self.assertFalse(ticket.serial_can_deposit)
        self.assertEqual(ticket.serial_next_step, "purchase")

    # -- defect 4: the delivery seen from the ticket ------------------------

    def test_04_delivery_smart_button_and_ticket_on_moves(self):
        order, ticket, _purchase, _receipt = self._run_full_flow()
        delivery = self._delivery(order)
        self.assertEqual(ticket.delivery_ids, delivery)
        self.assertEqual(ticket.delivery_count, 1)
        action = ticket.action_view_deliveries()
        self.assertEqual(action["res_id"], delivery.id)
        self.assertEqual(delivery.move_ids.ticket_id, ticket)
        self.assertIn(ticket, delivery.serial_ticket_ids)
        self.assertEqual(delivery.action_view_tickets()["res_id"], ticket.id)

    def test_05_invoiced_but_unshipped_says_so(self):
        order, ticket, _purchase, _receipt = self._run_full_flow()
        ticket.action_make_invoice()
        self.assertEqual(ticket.billing_status, "invoiced")
        self.assertEqual(ticket.delivery_status, "pending", "still in the warehouse")
        self.assertNotEqual(ticket.stage_id, self.stage_done)
        delivery = self._deliver(order)
        self.assertEqual(ticket.delivery_status, "full")
        logged = ticket.message_ids.filtered(
            lambda m: delivery.name in str(m.body or "")
        )
        self.assertEqual(len(logged), 1, "the delivery is logged on the ticket")
        self.assertIn("CK-1", str(logged.body))
        self.assertIn("CK-2", str(logged.body))

    def test_06_stage_moves_with_the_flow(self):
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertEqual(self.company.serial_stage_purchased_id, self.stage_progress)
        self.assertEqual(self.company.serial_stage_done_id, self.stage_done)
        purchase = self._purchase(ticket)
        self.assertEqual(ticket.stage_id, self.stage_progress, "purchased")
        self._receive(purchase, self.firewall, "CK-1, CK-2")
        ticket.action_make_invoice()
        self.assertEqual(ticket.stage_id, self.stage_progress, "not delivered yet")
        self._deliver(order)
        self.assertEqual(ticket.stage_id, self.stage_done, "delivered and invoiced")

    def test_07_stage_mapping_is_configurable_and_never_backward(self):
        settings = self.env["res.config.settings"].create({})
        settings.serial_stage_purchased_id = self.stage_awaiting
        settings.execute()
        self.assertEqual(self.company.serial_stage_purchased_id, self.stage_awaiting)
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        self._purchase(ticket)
        self.assertEqual(ticket.stage_id, self.stage_awaiting)
        # A ticket moved further by hand is not brought back.
        ticket2 = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        ticket2.stage_id = self.stage_done
        self._purchase(ticket2)
        self.assertEqual(ticket2.stage_id, self.stage_done)

    # -- defect 6: no second breadcrumb after the deposit wizard ------------

    def test_08_deposit_wizard_closes_instead_of_reopening_the_ticket(self):
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        wizard = self.env["serial.procurement.deposit.wizard"].create(
            {"ticket_id": ticket.id, "amount": 100.0}
        )
        self.assertEqual(
            wizard.action_confirm(), {"type": "ir.actions.act_window_close"}
        )

    # -- defect 7: chatter --------------------------------------------------

    def test_09_deposit_message_is_money_with_a_link(self):
        order = self._create_quotation([(self.firewall, 2), (self.switch, 2)])
        ticket = self._create_ticket(order)
        invoice = self._take_deposit(ticket, 2760.0)
        message = ticket.message_ids.filtered(lambda m: "Deposit" in str(m.body or ""))[
            :1
        ]
        body = str(message.body)
        self.assertIn("2,760.00", body)
        self.assertNotIn("2760.0 ", body)
        self.assertIn(f'data-oe-id="{invoice.id}"', body, "the invoice is a link")
        self.assertIn("<a ", body)

    def test_10_receipt_logged_on_ticket_and_receipt(self):
        _order, ticket, _purchase, receipt = self._run_full_flow()
        self.assertIn("CK-1", self._bodies(ticket))
        self.assertIn(receipt.name, self._bodies(ticket))
        self.assertIn(ticket.number, self._bodies(receipt))
        self.assertIn("CK-2", self._bodies(receipt))

    # -- issue #21 items 4 and 5: the next step is the primary button -------

    def _header_primary(self, arch, step):
        """The header buttons shown as primary at ``step``."""
        return [
            button.get("name")
            for button in arch.xpath("//header/button")
            if "btn-primary" in (button.get("class") or "")
            and f"serial_next_step != '{step}'" in (button.get("invisible") or "")
        ]

    def test_11_every_step_has_one_primary_header_button(self):
        from ..models.helpdesk_ticket import NEXT_STEPS

        arch = etree.fromstring(
            self.env["helpdesk.ticket"].get_view(view_type="form")["arch"]
        )
        expected = {
            "deposit": "action_take_deposit",
            "allocate": "action_allocate_from_stock",
            "purchase": "action_create_purchase_orders",
            "confirm_purchase": "action_serial_open_purchases_to_confirm",
            "receive": "action_serial_receive",
            "invoice": "action_make_invoice",
            "deliver": "action_serial_deliver",
        }
        steps = {step for step, _label in NEXT_STEPS} - {"none", "done"}
        self.assertEqual(steps, set(expected))
        for step, name in expected.items():
            with self.subTest(step=step):
                self.assertEqual(self._header_primary(arch, step), [name])

    def test_12_after_allocation_the_deposit_is_no_longer_the_next_step(self):
        self._put_in_stock(self.firewall, ["NS-1", "NS-2"])
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 2)]))
        self.assertEqual(ticket.serial_next_step, "deposit")
        ticket.action_allocate_first_available()
        self.assertEqual(len(ticket.lot_ids), 2)
        self.assertTrue(ticket.serial_can_deposit, "still possible, secondary")
        self.assertEqual(ticket.serial_next_step, "invoice")

    def test_13_after_the_invoice_the_header_leads_to_the_delivery(self):
        order, ticket, purchase, receipt = self._run_full_flow()
        ticket.action_make_invoice()
        self.assertEqual(ticket.serial_next_step, "deliver")
        delivery = self._delivery(order)
        action = ticket.action_serial_deliver()
        self.assertEqual((action["res_id"], action["view_mode"]), (delivery.id, "form"))
        # Receipts too open the form when there is one (as core does)
        self.assertEqual(ticket.receipt_ids, receipt)
        action = ticket.action_view_receipts()
        self.assertEqual((action["res_id"], action["view_mode"]), (receipt.id, "form"))
        self.assertEqual(
            ticket.action_serial_open_purchases_to_confirm()["res_id"], purchase.id
        )

    def test_14_confirm_and_receive_steps_open_their_documents(self):
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        self._take_deposit(ticket, 100.0)
        ticket.action_create_purchase_orders()
        purchase = ticket.purchase_order_ids
        self.assertEqual(ticket.serial_next_step, "confirm_purchase")
        action = ticket.action_serial_open_purchases_to_confirm()
        self.assertEqual((action["res_id"], action["view_mode"]), (purchase.id, "form"))
        purchase.button_confirm()
        self.assertEqual(ticket.serial_next_step, "receive")
        action = ticket.action_serial_receive()
        self.assertEqual(action["res_id"], purchase.picking_ids.id)

    def test_15_serials_and_deliveries_come_first(self):
        arch = etree.fromstring(
            self.env["helpdesk.ticket"].get_view(view_type="form")["arch"]
        )
        names = arch.xpath("//div[@name='button_box']/button/@name")
        self.assertEqual(names[:2], ["action_view_serials", "action_view_deliveries"])
