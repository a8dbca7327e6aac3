# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang

from ..tools import billing, singleton


class SerialProcurementDepositWizard(models.TransientModel):
    _name = "serial.procurement.deposit.wizard"
    _inherit = ["serial.procurement.input.guard"]
    _description = "Take a Deposit on a Ticket"

    # A payment date is accepted from a year back to a month ahead of today.
    PAYMENT_DAYS_BACK = 366
    PAYMENT_DAYS_AHEAD = 31

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    sale_order_id = fields.Many2one(related="ticket_id.sale_order_id")
    company_id = fields.Many2one(related="ticket_id.company_id")
    currency_id = fields.Many2one(related="ticket_id.currency_id")
    order_total = fields.Monetary(
        related="sale_order_id.amount_total", currency_field="currency_id"
    )
    deposited_amount = fields.Monetary(
        related="ticket_id.deposit_amount",
        string="Already Deposited",
        currency_field="currency_id",
    )
    amount_choice = fields.Selection(
        selection=[
            ("remaining", "Remaining balance"),
            ("half", "50 % of the order"),
            ("other", "Another amount"),
        ],
        string="Deposit of",
        help="No choice is made for you: the remaining balance, half of the order, "
        "or an amount or percentage you type.",
    )
    amount_type = fields.Selection(
        selection=[
            ("fixed", "Fixed amount"),
            ("percentage", "Percentage of the order"),
        ],
        required=True,
        compute="_compute_amount_type",
        store=True,
        precompute=True,
        readonly=False,
    )
    remaining_amount = fields.Monetary(
        string="Remaining Balance",
        compute="_compute_remaining_amount",
        currency_field="currency_id",
    )
    amount = fields.Float(
        required=True,
        compute="_compute_amount",
        store=True,
        precompute=True,
        readonly=False,
        digits="Account",
        help="The deposit, tax included: an amount, or a percentage of the order "
        "total.",
    )
    deposit_value = fields.Monetary(
        string="Deposit",
        compute="_compute_deposit_value",
        currency_field="currency_id",
    )
    deposit_error = fields.Char(
        compute="_compute_deposit_error",
        help="Why the deposit as entered would be refused.",
    )
    register_payment = fields.Boolean(
        string="Payment received now",
        help="Tick when the customer has paid the deposit: the payment is "
        "registered with the invoice. Otherwise the deposit invoice is posted and "
        "left open, to send to the customer and mark paid later (Pay on the "
        "invoice).",
    )
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        compute="_compute_journal_id",
        store=True,
        precompute=True,
        readonly=False,
        string="Payment Journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="The bank or cash journal the customer's payment was received in.",
    )
    payment_date = fields.Date(default=fields.Date.context_today)
    payment_memo = fields.Char(
        string="Memo",
        help="The payment's reference (the deposit invoice's number when empty).",
    )

    @api.depends("order_total", "deposited_amount")
    def _compute_remaining_amount(self):
        for wizard in self:
            wizard.remaining_amount = max(
                wizard.order_total - wizard.deposited_amount, 0.0
            )

    @api.depends("amount_choice")
    def _compute_amount_type(self):
        for wizard in self:
            if wizard.amount_choice == "half":
                wizard.amount_type = "percentage"
            elif wizard.amount_choice == "remaining" or not wizard.amount_type:
                wizard.amount_type = "fixed"

    @api.depends("ticket_id", "amount_choice", "amount_type")
    def _compute_amount(self):
        """No amount until the user chooses one: the remaining balance, 50 % of
        the order, or another amount they type."""
        for wizard in self:
            if wizard.amount_choice == "remaining":
                wizard.amount = wizard.remaining_amount
            elif wizard.amount_choice == "half":
                wizard.amount = 50.0
            else:
                wizard.amount = 0.0

    @api.depends("company_id", "register_payment")
    def _compute_journal_id(self):
        """When the payment is received now: the company's first bank journal."""
        for wizard in self:
            if not wizard.register_payment:
                wizard.journal_id = False
                continue
            wizard.journal_id = self.env["account.journal"].search(
                [
                    ("type", "=", "bank"),
                    ("company_id", "=", (wizard.company_id or self.env.company).id),
                ],
                limit=1,
            )

    @api.depends(
        "amount_choice", "amount_type", "amount", "order_total", "deposited_amount"
    )
    def _compute_deposit_error(self):
        for wizard in self:
            if not wizard.amount:
                # nothing chosen or typed yet: the dialog asks, it does not scold
                wizard.deposit_error = False
                continue
            try:
                wizard._check_deposit_value()
            except UserError as error:
                wizard.deposit_error = error.args[0]
            else:
                wizard.deposit_error = False

    @api.depends("amount_type", "amount", "order_total")
    def _compute_deposit_value(self):
        for wizard in self:
            wizard.deposit_value = billing.deposit_amount(
                wizard.amount_type, wizard.amount, wizard.order_total
            )

    def _check_deposit_value(self):
        """Return the deposit to invoice, or raise a UserError saying why not."""
        self.ensure_one()
        order = self.ticket_id._check_deposit_allowed()
        currency = order.currency_id
        if not self.amount_choice and not self.amount:
            raise UserError(
                _(
                    "The deposit amount must be positive: choose the remaining "
                    "balance, 50 % of the order, or type another amount."
                )
            )
        try:
            return billing.check_deposit(
                self.amount_type,
                self.amount,
                order.amount_total,
                self.ticket_id.deposit_amount,
                rounding=order.currency_id.rounding,
            )
        except billing.DepositError as error:
            messages = {
                "not_positive": _("The deposit amount must be positive."),
                "percentage": _("A deposit percentage cannot exceed 100%."),
                "exceeds": _(
                    "The deposits would exceed the order total of %(total)s: "
                    "%(deposited)s is already deposited.",
                    total=formatLang(
                        self.env, order.amount_total, currency_obj=currency
                    ),
                    deposited=formatLang(
                        self.env, self.ticket_id.deposit_amount, currency_obj=currency
                    ),
                ),
            }
            raise UserError(messages[error.code]) from error

    def _create_deposit_invoice(self, order, value):
        """Create the down-payment invoice through Odoo's own mechanism."""
        advance = self.env["sale.advance.payment.inv"].create(
            {
                "sale_order_ids": [(6, 0, order.ids)],
                "advance_payment_method": self.amount_type,
                "amount": self.amount if self.amount_type == "percentage" else 0.0,
                "fixed_amount": value if self.amount_type == "fixed" else 0.0,
            }
        )
        with order._serial_invoicing_through_ticket():
            return advance._create_invoices(order)

    def _check_payment(self):
        """The payment journal belongs to the ticket's company and takes payments;
        the payment date lies within a sane window and after the lock date."""
        self.ensure_one()
        if not self.register_payment:
            return
        journal = self.journal_id
        if not journal:
            raise UserError(
                _("Choose the bank or cash journal the payment was received in.")
            )
        if journal.type not in ("bank", "cash") or journal.company_id != (
            self.ticket_id.company_id
        ):
            raise UserError(
                _(
                    "Register the deposit's payment in a bank or cash journal of "
                    "%(company)s.",
                    company=self.ticket_id.company_id.name,
                )
            )
        today = fields.Date.context_today(self)
        first = today - timedelta(days=self.PAYMENT_DAYS_BACK)
        last = today + timedelta(days=self.PAYMENT_DAYS_AHEAD)
        lock_date = self.ticket_id.company_id.sudo().fiscalyear_lock_date
        if lock_date and lock_date >= first:
            first = lock_date + timedelta(days=1)
        date = self.payment_date
        if not date or date < first or date > last:
            raise UserError(
                _(
                    "The payment date must lie between %(first)s and %(last)s.",
                    first=first,
                    last=last,
                )
            )

    def _register_payment(self, invoice):
        register = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": self.journal_id.id,
                    "payment_date": self.payment_date,
                    **(
                        {"communication": self.payment_memo}
                        if self.payment_memo
                        else {}
                    ),
                }
            )
        )
        return register._create_payments()

    def action_confirm(self):
        """Create and post the deposit invoice; register its payment when it
        was received now (``register_payment``), else leave the invoice open."""
        singleton.ensure_one(self)
        # Rights checked here, where the invoice is posted, not on the button.
        poster = self.ticket_id._serial_billing_env()
        value = self._check_deposit_value()
        self._check_payment()
        order = self.sale_order_id
        invoice = self._create_deposit_invoice(order, value)
        invoice.with_env(poster.env).action_post()
        if self.register_payment:
            self.with_env(poster.env)._register_payment(invoice.with_env(poster.env))
        if self.register_payment:
            body = _("Deposit %(invoice)s of %(amount)s taken, payment received.")
        else:
            body = _(
                "Deposit %(invoice)s of %(amount)s invoiced: the payment is still "
                "to receive."
            )
        self.ticket_id.message_post(
            body=Markup(body)
            % {
                "invoice": invoice._get_html_link(),
                "amount": formatLang(
                    self.env, invoice.amount_total, currency_obj=invoice.currency_id
                ),
            }
        )
        # Close the dialog: the ticket underneath reloads, no second breadcrumb.
        return {"type": "ir.actions.act_window_close"}
