# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Service tickets on sold serials (issue #13), apart from the procurement
side of the ticket (``helpdesk_ticket.py``)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicket(models.Model):
    # Apart from helpdesk_ticket.py on purpose: that file is near its size limit
    # and holds the procurement side of the ticket.
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    service_lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="serial_procurement_ticket_service_lot_rel",
        column1="ticket_id",
        column2="lot_id",
        string="Serviced Serials",
        domain="service_lot_domain",
        copy=False,
        help="The serials this service ticket is about: serials last delivered "
        "to the customer (distinct from the serials procured for a ticket).",
    )
    service_lot_domain = fields.Binary(compute="_compute_service_lot_domain")
    service_lot_count = fields.Integer(compute="_compute_service_lot_count")
    service_lot_warranty_ids = fields.Many2many(
        comodel_name="stock.lot",
        string="Warranty of the Serials",
        compute="_compute_service_lot_count",
        help="The serviced serials with their warranty status.",
    )

    @api.depends("partner_id.commercial_partner_id")
    def _compute_service_lot_domain(self):
        for ticket in self:
            customer = ticket.partner_id.commercial_partner_id
            ticket.service_lot_domain = (
                [("delivered_partner_id", "=", customer.id)]
                if customer
                else [("delivered_partner_id", "!=", False)]
            )

    @api.depends("service_lot_ids")
    def _compute_service_lot_count(self):
        for ticket in self:
            ticket.service_lot_count = len(ticket.service_lot_ids)
            ticket.service_lot_warranty_ids = ticket.service_lot_ids

    @api.onchange("service_lot_ids")
    def _onchange_service_lot_ids_customer(self):
        """A serial typed on a ticket without customer names the customer."""
        if not self.partner_id:
            customer = self._serial_customer_of_lots(self.service_lot_ids)
            if customer:
                self.partner_id = customer
                self._onchange_partner_id()

    @api.model
    def _serial_customer_of_lots(self, lots):
        # sudo: read who got the serial, nothing is written
        customers = lots.sudo().delivered_partner_id
        return customers if len(customers) == 1 else self.env["res.partner"]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._serial_fill_customer_from_lots(vals)
        return super().create(vals_list)

    @api.model
    def _serial_fill_customer_from_lots(self, vals):
        if vals.get("partner_id") or not vals.get("service_lot_ids"):
            return
        lots = self.new({"service_lot_ids": vals["service_lot_ids"]}).service_lot_ids
        customer = self._serial_customer_of_lots(lots)
        if customer:
            vals.update(
                partner_id=customer.id,
                partner_name=vals.get("partner_name") or customer.name,
                partner_email=vals.get("partner_email") or customer.email,
            )

    @api.constrains("service_lot_ids", "partner_id")
    def _check_service_lots_customer(self):
        """Refuse a serial that was not last delivered to the ticket's customer."""
        for ticket in self:
            customer = ticket.partner_id.commercial_partner_id
            # sudo: check every serial, including those the user may not read
            foreign = ticket.sudo().service_lot_ids.filtered(
                lambda lot, customer=customer: lot.delivered_partner_id != customer
            )
            if not foreign:
                continue
            lot = foreign[0]
            if not lot.delivered_partner_id:
                message = self.env._(
                    "Serial %(serial)s was never delivered to a customer: it cannot "
                    "be serviced on ticket %(ticket)s.",
                    serial=lot.name,
                    ticket=ticket.display_name,
                )
            else:
                message = self.env._(
                    "Serial %(serial)s belongs to another customer, not to "
                    "%(customer)s: it cannot be serviced on ticket %(ticket)s.",
                    serial=lot.name,
                    customer=customer.display_name or self.env._("(no customer)"),
                    ticket=ticket.display_name,
                )
            raise ValidationError(message)

    def action_view_service_lots(self):
        self.ensure_one()
        return self.service_lot_ids._action_open_serial_list(
            self.env._("Serviced Serials")
        )
