# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may post a ticket's invoices: the public methods called as each group
would call them over RPC (``with_user``), rights checked where the work is done."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SerialProcurementCase

SALES_HELPDESK_STOCK = (
    "sales_team.group_sale_salesman,helpdesk_mgmt.group_helpdesk_user,"
    "stock.group_stock_user"
)
SP_USER = (
    "serial_procurement.group_serial_procurement_user,"
    "sales_team.group_sale_salesman,purchase.group_purchase_user,"
    "stock.group_stock_user"
)
# login: (groups, may post the deposit and the final invoice)
MATRIX = {
    "sp_m_sales_helpdesk_stock": (SALES_HELPDESK_STOCK, False),
    "sp_m_user": (SP_USER, False),
    "sp_m_manager": (
        SP_USER + ",serial_procurement.group_serial_procurement_manager",
        False,
    ),
    "sp_m_user_billing_group": (
        SP_USER + ",serial_procurement.group_serial_procurement_billing",
        True,
    ),
    "sp_m_user_accounting_billing": (SP_USER + ",account.group_account_invoice", True),
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            login: cls._create_user(login, groups)
            for login, (groups, _allowed) in MATRIX.items()
        }

    def _ready_ticket(self, user):
        order = self._create_quotation([(self.firewall, 1)])
        order.user_id = user  # a salesman reads his own estimates
        ticket = self._create_ticket(order)
        self._receive(self._purchase(ticket), self.firewall, f"AM-{ticket.id}")
        return ticket

    def _deposit(self, user, ticket):
        wizard = (
            self.env["serial.procurement.deposit.wizard"]
            .with_user(user)
            .create(
                {
                    "ticket_id": ticket.id,
                    "amount_type": "fixed",
                    "amount": 100.0,
                    "register_payment": True,
                    "journal_id": self.bank_journal.id,
                }
            )
        )
        wizard.action_confirm()

    def test_matrix(self):
        for login, (_groups, allowed) in MATRIX.items():
            user = self.users[login]
            with self.subTest(user=login):
                ticket = self._ready_ticket(user)
                if not allowed:
                    with self.assertRaises(AccessError):
                        ticket.with_user(user).action_make_invoice()
                    if user.has_group(
                        "serial_procurement.group_serial_procurement_user"
                    ):
                        with self.assertRaisesRegex(AccessError, "Billing"):
                            self._deposit(user, ticket)
                    self.assertFalse(ticket.invoice_ids)
                    continue
                self._deposit(user, ticket)
                deposit = ticket.deposit_invoice_ids
                self.assertEqual(deposit.state, "posted")
                self.assertIn(deposit.payment_state, ("paid", "in_payment"))
                action = ticket.with_user(user).action_make_invoice()
                invoice = self.env["account.move"].browse(action["res_id"])
                self.assertEqual(invoice.state, "posted")
                self.assertEqual(invoice.invoice_line_ids.lot_ids, ticket.lot_ids)

    def test_billing_group_is_granted_by_the_admin_only(self):
        billing = self.env.ref("serial_procurement.group_serial_procurement_billing")
        manager = self.env.ref("serial_procurement.group_serial_procurement_manager")
        self.assertNotIn(billing, manager.trans_implied_ids)
        self.assertIn(
            self.env.ref("serial_procurement.group_serial_procurement_user"),
            billing.implied_ids,
        )
