# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_procurement.tools import singleton


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    rma_ids = fields.One2many(
        comodel_name="rma",
        inverse_name="ticket_id",
        string="RMAs",
    )
    rma_count = fields.Integer(compute="_compute_rma_count")

    def _compute_rma_count(self):
        for ticket in self:
            ticket.rma_count = len(ticket.rma_ids)

    def action_serial_create_rma(self):
        """One confirmed customer RMA (OCA rma, operation Replace) per serviced
        serial still at the customer and not on an RMA of this ticket yet; its
        receipt expects that exact serial."""
        singleton.ensure_one(self)
        on_rma = self.rma_ids.filtered(lambda r: r.state != "cancelled").lot_id
        lots = self.service_lot_ids.filtered("serial_at_customer") - on_rma
        if not lots:
            raise UserError(
                self.env._(
                    "No serial to return on ticket %(ticket)s: name the serials the "
                    "customer holds in Serviced Serials (those already on an RMA "
                    "are skipped).",
                    ticket=self.display_name,
                )
            )
        rmas = self.env["rma"].create([self._serial_rma_vals(lot) for lot in lots])
        rmas.action_confirm()
        return self.action_view_rmas()

    def _serial_rma_vals(self, lot):
        delivery = self._serial_last_delivery_move(lot)
        return {
            "partner_id": self.partner_id.id,
            "product_id": lot.product_id.id,
            "product_uom_qty": 1.0,
            "product_uom": lot.product_id.uom_id.id,
            "lot_id": lot.id,
            "picking_id": delivery.picking_id.id,
            "move_id": delivery.id,
            "operation_id": self.env.ref("rma.rma_operation_replace").id,
            "ticket_id": self.id,
            "origin": self.number,
            "company_id": self.company_id.id or self.env.company.id,
            "description": self.description,
        }

    def _serial_last_delivery_move(self, lot):
        line = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("state", "=", "done"),
                    ("location_dest_id.usage", "=", "customer"),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        return line.move_id.with_env(self.env)

    def action_view_rmas(self):
        singleton.ensure_one(self)
        action = self.env["ir.actions.actions"]._for_xml_id("rma.rma_action")
        action.update(
            domain=[("ticket_id", "=", self.id)],
            context={"default_ticket_id": self.id, "create": False},
        )
        if len(self.rma_ids) == 1:
            action.update(
                views=[(False, "form")], view_mode="form", res_id=self.rma_ids.id
            )
        return action
