# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import _, api, models


class SerialProcurementTicketAutomation(models.AbstractModel):
    """The methods the addon's automated actions call
    (data/base_automation_data.xml): every serial received, closing the ticket,
    telling the customer. Inherited by ``helpdesk.ticket``."""

    _name = "serial.procurement.ticket.automation"
    _description = "Ticket automation rule methods"

    @api.depends(
        "lot_ids.product_id",
        "sale_order_id.order_line.product_id",
        "sale_order_id.order_line.product_uom_qty",
    )
    def _compute_serial_all_received(self):
        allocated = {
            (ticket.id, product.id): count
            for ticket, product, count in self.env["stock.lot"]._read_group(
                [("ticket_id", "in", self.ids)],
                ["ticket_id", "product_id"],
                ["__count"],
            )
        }
        for ticket in self:
            needed = ticket._serial_units_needed()
            ticket.serial_all_received = bool(needed) and all(
                allocated.get((ticket.id, product.id), 0) >= qty
                for product, qty in needed.items()
            )

    def _serial_closing_stage(self):
        """The first closed stage the ticket's team may use."""
        self.ensure_one()
        return self.team_id._get_applicable_stages().filtered("closed")[:1]

    def _serial_move_to_closing_stage(self):
        """Move open tickets to their team's first closed stage."""
        for ticket in self.filtered(lambda t: not t.stage_id.closed):
            stage = ticket._serial_closing_stage()
            if stage:
                ticket.stage_id = stage

    def _serial_notify_all_serials_received(self):
        """Tell the ticket's customer that every serialized unit has arrived,
        with the serial numbers (a comment: the customer is notified by email)."""
        for ticket in self.filtered("partner_id"):
            items = Markup("").join(
                Markup("<li>%s: %s</li>")
                % (escape(lot.product_id.display_name), escape(lot.name))
                for lot in ticket.lot_ids.sorted(
                    lambda lot: (lot.product_id.id, lot.name)
                )
            )
            ticket.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    _(
                        "Good news: every unit ordered on %(ticket)s has arrived.",
                        ticket=ticket.display_name,
                    ),
                    items,
                ),
                partner_ids=ticket.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
