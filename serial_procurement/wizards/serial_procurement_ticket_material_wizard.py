# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools import singleton


class SerialProcurementTicketMaterialWizard(models.TransientModel):
    """Take serialized stock out to a ticket's customer without a sale (work
    under contract, a replacement part): the exact serials must be chosen."""

    _name = "serial.procurement.ticket.material.wizard"
    _description = "Use Materials on a Ticket"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="ticket_id.company_id")
    partner_id = fields.Many2one(related="ticket_id.partner_id", string="Customer")
    location_id = fields.Many2one(
        comodel_name="stock.location",
        string="From",
        required=True,
        compute="_compute_location_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('usage', '=', 'internal'), "
        "('company_id', 'in', (company_id, False))]",
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        domain="[('tracking', '=', 'serial')]",
    )
    lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        string="Serial Numbers",
        domain="[('product_id', '=', product_id), ('in_stock', '=', True)]",
        help="The exact serials physically used.",
    )

    @api.depends("ticket_id")
    def _compute_location_id(self):
        for wizard in self:
            company = wizard.ticket_id.company_id or self.env.company
            wizard.location_id = (
                self.env["stock.warehouse"]
                .search([("company_id", "=", company.id)], limit=1)
                .lot_stock_id
            )

    # ------------------------------------------------------------ checks

    def _check_request(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s has no customer to take the materials to.",
                    ticket=self.ticket_id.display_name,
                )
            )
        if self.product_id.tracking != "serial":
            raise UserError(
                self.env._(
                    "%(product)s is not tracked by unique serial number.",
                    product=self.product_id.display_name,
                )
            )
        if not self.lot_ids:
            raise UserError(
                self.env._(
                    "Choose the exact serial number(s) of %(product)s used on the "
                    "ticket: a serialized product cannot be used without one.",
                    product=self.product_id.display_name,
                )
            )
        wrong = self.lot_ids.filtered(lambda lot: lot.product_id != self.product_id)
        if wrong:
            raise UserError(
                self.env._(
                    "Serial(s) %(serials)s are not serials of %(product)s.",
                    serials=", ".join(wrong.mapped("name")),
                    product=self.product_id.display_name,
                )
            )
        taken = self.lot_ids.filtered(
            lambda lot: lot.ticket_id and lot.ticket_id != self.ticket_id
        )
        if taken:
            raise UserError(
                self.env._(
                    "Serial %(serial)s was received for ticket %(ticket)s and "
                    "cannot be used on another ticket.",
                    serial=taken[0].name,
                    ticket=taken[0].ticket_id.display_name,
                )
            )

    def _check_on_hand(self):
        """Refuse serials that are not on hand under ``location_id``."""
        on_hand = (
            self.env["stock.quant"]
            .search(
                [
                    ("lot_id", "in", self.lot_ids.ids),
                    ("location_id", "child_of", self.location_id.id),
                    ("quantity", ">", 0),
                ]
            )
            .lot_id
        )
        missing = self.lot_ids - on_hand
        if missing:
            raise UserError(
                self.env._(
                    "Serial(s) %(serials)s are not on hand in %(location)s.",
                    serials=", ".join(missing.mapped("name")),
                    location=self.location_id.complete_name,
                )
            )

    # ----------------------------------------------------------- action

    def _prepare_picking_vals(self):
        warehouse = self.location_id.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        dest = self.partner_id.property_stock_customer
        product = self.product_id
        return {
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": self.partner_id.id,
            "location_id": self.location_id.id,
            "location_dest_id": dest.id,
            "origin": self.ticket_id.number or self.ticket_id.name,
            "material_ticket_id": self.ticket_id.id,
            "company_id": self.company_id.id or self.env.company.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": len(self.lot_ids),
                        "product_uom": product.uom_id.id,
                        "location_id": self.location_id.id,
                        "location_dest_id": dest.id,
                    }
                )
            ],
        }

    def action_confirm(self):
        """Deliver the chosen serials to the ticket's customer, validated."""
        singleton.ensure_one(self)
        self._check_request()
        self._check_on_hand()
        picking = self.env["stock.picking"].create(self._prepare_picking_vals())
        picking.action_confirm()
        move = picking.move_ids
        # Exactly the chosen serials, taken from any transfer that reserved them.
        move._serial_reserve_lots(self.lot_ids)
        move.move_line_ids.filtered(lambda ml: ml.lot_id not in self.lot_ids).unlink()
        move.move_line_ids.ticket_id = self.ticket_id
        move.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        if picking.state != "done":
            raise UserError(
                self.env._(
                    "The materials transfer %(picking)s could not be validated.",
                    picking=picking.name,
                )
            )
        self.ticket_id.message_post(
            body=self.env._(
                "Materials used: %(product)s, serial(s) %(serials)s (%(picking)s).",
                product=self.product_id.display_name,
                serials=", ".join(self.lot_ids.mapped("name")),
                picking=picking.name,
            )
        )
        return {"type": "ir.actions.act_window_close"}
