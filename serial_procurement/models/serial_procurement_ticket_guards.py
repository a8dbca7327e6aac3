# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import UserError


class SerialProcurementTicketGuards(models.AbstractModel):
    """What a ticket holding serials or posted deposits refuses (issue #9,
    F8, F10, F11): losing its estimate, being deleted, taking serials once
    closed. Inherited by ``helpdesk.ticket``."""

    _name = "serial.procurement.ticket.guards"
    _description = "Ticket lifecycle guards"

    def _serial_commitments(self):
        """Why this ticket cannot lose its estimate: serials, posted deposits."""
        self.ensure_one()
        reasons = []
        lot_count = (
            self.env["stock.lot"].sudo().search_count([("ticket_id", "=", self.id)])
        )
        if lot_count:
            reasons.append(_("%(count)s serial(s) received", count=lot_count))
        deposits = self.sudo().sale_order_link_ids.invoice_ids.filtered(
            lambda m: m.state == "posted" and m._is_serial_deposit_invoice()
        )
        if deposits:
            reasons.append(
                _("deposit(s) %(names)s", names=", ".join(deposits.mapped("name")))
            )
        return reasons

    def _check_estimate_change_allowed(self):
        """Refuse to take its estimate from a ticket that holds serials or posted
        deposits: they belong to that estimate's lines."""
        for ticket in self:
            reasons = ticket._serial_commitments()
            if reasons:
                raise UserError(
                    _(
                        "The estimate of ticket %(ticket)s cannot change: it holds "
                        "%(reasons)s. Credit the deposits and release the serials "
                        "first.",
                        ticket=ticket.display_name,
                        reasons="; ".join(reasons),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_serial_commitments(self):
        for ticket in self:
            reasons = ticket._serial_commitments()
            if reasons:
                raise UserError(
                    _(
                        "Ticket %(ticket)s cannot be deleted: it holds %(reasons)s. "
                        "Close it instead, or credit the deposits and release the "
                        "serials first.",
                        ticket=ticket.display_name,
                        reasons="; ".join(reasons),
                    )
                )

    def _check_can_receive_serials(self):
        """A closed ticket, or one whose estimate is missing or cancelled, takes
        no serial."""
        for ticket in self:
            if ticket.closed:
                raise UserError(
                    _(
                        "Ticket %(ticket)s is closed: it takes no more serials.",
                        ticket=ticket.display_name,
                    )
                )
            ticket._get_confirmed_order()
