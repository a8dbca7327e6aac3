# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""#18 item 7: an estimate that has a ticket is invoiced only through that
ticket (Make Invoice, Take Deposit), whatever the company's rule settings."""

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import SerialProcurementCase, call_kw_over_http


@tagged("post_install", "-at_install")
class TestTicketOwnsEstimate(SerialProcurementCase):
    def _ticket_estimate(self, qty=1):
        order = self._create_quotation([(self.firewall, qty)])
        return order, self._create_ticket(order)

    def _invoice_count(self, order):
        return self.env["account.move"].search_count(
            [("line_ids.sale_line_ids.order_id", "=", order.id)]
        )

    def _advance(self, order, method="delivered", **vals):
        return (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": method, **vals})
        )

    def test_core_create_invoice_refused_rules_on_and_off(self):
        for enabled in (True, False):
            self.company.serial_rules_enabled = enabled
            order, ticket = self._ticket_estimate()
            with self.assertRaisesRegex(UserError, f"{ticket.name}.*Make Invoice"):
                order._create_invoices()
            with self.assertRaisesRegex(UserError, "Make Invoice"):
                self._advance(order).create_invoices()
            with self.assertRaisesRegex(UserError, "Make Invoice"):
                self._advance(order, "percentage", amount=10).create_invoices()
            with self.assertRaisesRegex(UserError, "Make Invoice"):
                self._advance(order, "fixed", fixed_amount=50).create_invoices()
            self.assertEqual(self._invoice_count(order), 0, "no draft either")
            self.assertEqual(ticket.billing_status, "to_invoice")

    def test_ticket_paths_still_invoice(self):
        order, ticket = self._ticket_estimate(2)
        deposit = self._take_deposit(ticket, 300.0, journal=self.bank_journal)
        self.assertEqual(deposit.state, "posted")
        self._take_deposit(ticket, 10.0, amount_type="percentage")
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, "OWN-1\nOWN-2")
        action = ticket.action_make_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(len(invoice.invoice_line_ids.lot_ids), 2)
        self.assertEqual(ticket.billing_status, "invoiced")
        # the ticket's permission lasted its own call only
        with self.assertRaisesRegex(UserError, "Make Invoice"):
            order._create_invoices()

    def test_ticket_make_invoice_with_the_rules_off(self):
        self.company.serial_rules_enabled = False
        order, ticket = self._ticket_estimate()
        action = ticket.action_make_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.state, "posted", "no serial required")
        self.assertEqual(ticket.billing_status, "invoiced")

    def test_billing_status_counts_posted_invoices_only(self):
        self.company.serial_rules_enabled = False
        order, ticket = self._ticket_estimate()
        self._take_deposit(ticket, 100.0)
        self.assertEqual(ticket.billing_status, "partial")
        with order._serial_invoicing_through_ticket():
            draft = order._create_invoices(final=True)
        self.assertEqual(draft.state, "draft")
        self.assertEqual(ticket.billing_status, "partial", "a draft bills nothing")
        self.assertTrue(ticket.serial_can_deposit)
        draft.action_post()
        self.assertEqual(ticket.billing_status, "invoiced")

    def test_button_hidden_on_estimates_with_a_ticket(self):
        arch = etree.fromstring(
            self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for button_id in ("create_invoice", "create_invoice_percentage"):
            [button] = arch.xpath(f"//button[@id='{button_id}']")
            self.assertIn("ticket_id", button.get("invisible"))

    def test_down_payment_wizard_uses_its_own_estimates(self):
        """Core may call ``_create_invoices`` with something else than the
        orders (sale ``test_accrued_sale_orders``): the wizard's own estimates
        are checked."""
        plain = self._create_quotation([(self.service, 1)])
        plain.action_confirm()
        wizard = self._advance(plain, "percentage", amount=50.0)
        invoice = wizard._create_invoices({"sale_orders": {"active_ids": plain.ids}})
        self.assertEqual(invoice.line_ids.sale_line_ids.order_id, plain)
        order, _ticket = self._ticket_estimate()
        wizard = self._advance(order, "percentage", amount=50.0)
        with self.assertRaisesRegex(UserError, "Make Invoice"):
            wizard._create_invoices(self.env["sale.order"])


@tagged("post_install", "-at_install")
class TestTicketOwnsEstimateRpc(SerialProcurementCase, HttpCase):
    """The same refusal over JSON-RPC, as a salesman."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls._create_user(
            "sp_owns_salesman",
            "base.group_user,sales_team.group_sale_salesman_all_leads,"
            "account.group_account_invoice,"
            "serial_procurement.group_serial_procurement_user",
        )

    def _call(self, model, method, args, kwargs=None):
        self.env.flush_all()
        answer, _response = call_kw_over_http(self, model, method, args, kwargs or {})
        self.env.invalidate_all()
        return answer

    def test_salesman_create_invoice_over_rpc_refused(self):
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        self.authenticate("sp_owns_salesman", "sp_owns_salesman")
        context = {
            "active_model": "sale.order",
            "active_ids": order.ids,
            "active_id": order.id,
        }
        for method, extra in (
            ("delivered", {}),
            ("percentage", {"amount": 20.0}),
        ):
            created = self._call(
                "sale.advance.payment.inv",
                "create",
                [{"advance_payment_method": method, **extra}],
                {"context": context},
            )
            wizard_id = created["result"]
            wizard_id = wizard_id[0] if isinstance(wizard_id, list) else wizard_id
            answer = self._call(
                "sale.advance.payment.inv",
                "create_invoices",
                [[wizard_id]],
                {"context": context},
            )
            self.assertIn("error", answer)
            message = answer["error"]["data"]["message"]
            self.assertIn(ticket.name, message)
            self.assertIn("Make Invoice", message)
        self.assertFalse(order.invoice_ids)
        # The ticket's own Make Invoice, by the same user, still invoices.
        self.company.serial_rules_enabled = False
        answer = self._call("helpdesk.ticket", "action_make_invoice", [ticket.ids])
        self.assertIn("result", answer, answer.get("error"))
        self.assertEqual(order.invoice_ids.state, "posted")
