# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing rules of a ticket, as pure functions of amounts and states."""

import math

BILLING_NO = "no"
BILLING_TO_INVOICE = "to_invoice"
BILLING_PARTIAL = "partial"
BILLING_INVOICED = "invoiced"

BILLING_STATUSES = [
    (BILLING_NO, "Nothing to Invoice"),
    (BILLING_TO_INVOICE, "Invoice Required"),
    (BILLING_PARTIAL, "Partially Invoiced"),
    (BILLING_INVOICED, "Invoiced"),
]


def billing_status(order_state, order_total, invoiced_total, fully_invoiced):
    """Return the billing status of a ticket from its order's figures.

    :param order_state: the sale order's state, or ``None`` without an order.
    :param order_total: the order total (tax included).
    :param invoiced_total: the total of the order's open or posted customer
        invoices (deposits included, refunds deducted).
    :param fully_invoiced: True when no order line is left to invoice.
    """
    if not order_state or order_state == "cancel" or order_total <= 0:
        return BILLING_NO
    if fully_invoiced and invoiced_total > 0:
        return BILLING_INVOICED
    if invoiced_total > 0:
        return BILLING_PARTIAL
    return BILLING_TO_INVOICE


def deposit_amount(amount_type, amount, order_total):
    """Return the deposit to invoice for ``amount`` given as fixed or percentage."""
    if amount_type == "percentage":
        return round(order_total * amount / 100.0, 2)
    return amount


AMOUNT_TYPES = ("fixed", "percentage")


class DepositError(ValueError):
    """A refused deposit; ``code``: ``not_positive``, ``percentage``, ``exceeds``,
    ``not_finite``, ``amount_type``."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def check_deposit(amount_type, amount, order_total, deposited_total, rounding=0.01):
    """Return the deposit amount, or raise DepositError saying why it is refused."""
    if amount_type not in AMOUNT_TYPES:
        raise DepositError(
            "amount_type", "The deposit type must be fixed or percentage."
        )
    if amount is None:
        raise DepositError("not_positive", "The deposit amount must be positive.")
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        raise DepositError("not_finite", "The deposit amount must be a number.")
    if not math.isfinite(amount):
        raise DepositError("not_finite", "The deposit amount must be a finite number.")
    if amount <= 0:
        raise DepositError("not_positive", "The deposit amount must be positive.")
    if amount_type == "percentage" and amount > 100:
        raise DepositError("percentage", "A deposit percentage cannot exceed 100%.")
    value = deposit_amount(amount_type, amount, order_total)
    if deposited_total + value - order_total > rounding / 2:
        raise DepositError(
            "exceeds",
            "Deposits of %.2f would exceed the order total of %.2f."
            % (deposited_total + value, order_total),
        )
    return value
