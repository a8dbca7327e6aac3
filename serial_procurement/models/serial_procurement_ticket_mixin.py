# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import singleton


class SerialProcurementTicketMixin(models.AbstractModel):
    """What every document linked to a ticket shares: the ticket belongs to the
    document's company (if it has one), and a smart button opens it. The
    inheriting model defines ``ticket_id`` and ``company_id``."""

    _name = "serial.procurement.ticket.mixin"
    _description = "Document linked to a ticket"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket")
    company_id = fields.Many2one(comodel_name="res.company")

    @api.constrains("ticket_id", "company_id")
    def _check_ticket_company(self):
        for record in self:
            ticket = record.ticket_id
            company = record.company_id
            if ticket.company_id and company and company != ticket.company_id:
                raise ValidationError(
                    _(
                        "The ticket %(ticket)s belongs to another company than "
                        "%(record)s.",
                        ticket=ticket.display_name,
                        record=record.display_name,
                    )
                )

    def action_view_ticket(self):
        singleton.ensure_one(self)
        return self.ticket_id._get_form_action()
