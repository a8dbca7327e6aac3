# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _, api, models
from odoo.tools import float_compare

NEXT_STEPS = [
    ("none", "Nothing to Do"),
    ("deposit", "Take Deposit"),
    ("allocate", "Allocate from Stock"),
    ("purchase", "Create Purchase Orders"),
    ("confirm_purchase", "Confirm the Purchase Orders"),
    ("receive", "Receive the Serials"),
    ("invoice", "Make Invoice"),
    ("deliver", "Deliver"),
    ("done", "Done"),
]


class SerialProcurementTicketFlow(models.AbstractModel):
    """The flow of a ticket: its next step (the one primary button), whether
    it may take a deposit, the stage the flow brings it to, and the chatter
    notes of its serials. Methods only: ``helpdesk.ticket`` holds the fields."""

    _name = "serial.procurement.ticket.flow"
    _description = "Ticket flow: next step, stage and chatter"

    @api.depends(
        "serial_deposit_enabled",
        "sale_order_id.state",
        "deposit_amount",
        "billing_status",
    )
    def _compute_serial_can_deposit(self):
        for ticket in self:
            order = ticket.sale_order_id
            ticket.serial_can_deposit = bool(
                ticket.serial_deposit_enabled
                and order.state == "sale"
                and ticket.billing_status in ("to_invoice", "partial")
                and float_compare(
                    ticket.deposit_amount,
                    order.amount_total,
                    precision_rounding=order.currency_id.rounding or 0.01,
                )
                < 0
            )

    # ------------------------------------------------------------------
    # Next step and stage
    # ------------------------------------------------------------------

    def _serial_compute_next_step(self, to_source, free_count):
        """The next step of the ticket's flow (one of ``NEXT_STEPS``)."""
        self.ensure_one()
        order = self.sale_order_id
        if not order or order.state != "sale":
            return "none"
        if (
            self.serial_deposit_enabled
            and not self.deposit_invoice_ids
            and self.billing_status == "to_invoice"
        ):
            return "deposit"
        if to_source > 0:
            # Serials on hand first: what they do not cover is bought after.
            return "allocate" if free_count else "purchase"
        if self.purchase_order_ids.filtered(lambda o: o.state in ("draft", "sent")):
            return "confirm_purchase"
        if self._serial_lines_short():
            return "receive"
        if self.billing_status in ("to_invoice", "partial"):
            return "invoice"
        if order.delivery_status not in ("full", False):
            return "deliver"
        return "done"

    def _serial_target_stage(self):
        """The stage the flow brings the ticket to, per the company's mapping."""
        self.ensure_one()
        company = self.company_id or self.env.company
        delivered = self.sale_order_id.delivery_status in ("full", False)
        if self.billing_status == "invoiced" and delivered:
            return company.serial_stage_done_id
        sourced = self.lot_ids or self.purchase_order_ids.filtered(
            lambda o: o.state in ("purchase", "done")
        )
        if sourced:
            return company.serial_stage_purchased_id
        return self.env["helpdesk.ticket.stage"]

    def _serial_update_stage(self):
        """Move each ticket forward to the stage of its flow; never backward,
        never out of a closed stage."""
        for ticket in self.filtered("sale_order_id"):
            target = ticket._serial_target_stage()
            current = ticket.stage_id
            if not target or target == current or current.closed:
                continue
            if current and target.sequence < current.sequence:
                continue
            ticket.stage_id = target

    def _serial_log_allocation(self, lots, source):
        """Post on the ticket which serials it received and where from
        (``source``: a record, linked in the message, or a text)."""
        self.ensure_one()
        if hasattr(source, "_get_html_link"):
            source = source._get_html_link()
        self.message_post(
            body=Markup(
                _("Serials %(serials)s allocated to this ticket from %(source)s.")
            )
            % {"serials": ", ".join(lots.mapped("name")), "source": source}
        )
