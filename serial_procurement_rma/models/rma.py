# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.serial_procurement.tools import markers, singleton

from ..wizards.stock_return_picking import RETURN_LOCATION


class Rma(models.Model):
    _inherit = "rma"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Service Ticket",
        index="btree_not_null",
        tracking=True,
        copy=False,
        help="The service ticket this return was opened from.",
    )
    serial_vendor_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor of the Serial",
        compute="_compute_serial_vendor",
        help="The vendor this serial was received from (its history).",
    )
    vendor_return_picking_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Return to Vendor",
        copy=False,
        readonly=True,
        tracking=True,
    )
    replacement_lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Replacement Serial",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
    )

    @api.depends("product_id", "product_uom_qty", "warehouse_id", "partner_id")
    def _compute_domain_lot_id(self):
        """A customer returns a serial it was delivered, not one in our stock."""
        res = super()._compute_domain_lot_id()
        for rma in self:
            customer = rma.partner_id.commercial_partner_id
            if rma.product_id.tracking == "serial" and customer:
                rma.domain_lot_id = [
                    ("product_id", "=", rma.product_id.id),
                    ("delivered_partner_id", "=", customer.id),
                ]
        return res

    @api.depends("lot_id")
    def _compute_serial_vendor(self):
        for rma in self:
            receipt = rma._serial_vendor_receipt_move()
            rma.serial_vendor_id = (
                receipt.picking_id.partner_id.commercial_partner_id
                or rma.sudo().lot_id.supplier_id
            )

    def _serial_vendor_receipt_move(self):
        """The done move that received this serial from a vendor (first one)."""
        self.ensure_one()
        if not self.lot_id:
            return self.env["stock.move"]
        line = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", self.lot_id.id),
                    ("state", "=", "done"),
                    ("location_id.usage", "=", "supplier"),
                ],
                order="date, id",
                limit=1,
            )
        )
        return line.move_id.with_env(self.env)

    @api.constrains("lot_id", "partner_id")
    def _check_serial_delivered_to_customer(self):
        """Refuse the return of a serial the customer never got."""
        for rma in self:
            # sudo: the rule holds whatever the user may read
            lot = rma.sudo().lot_id
            if not lot or lot.product_id.tracking != "serial":
                continue
            customer = rma.partner_id.commercial_partner_id
            if lot.delivered_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "Serial %(serial)s was never delivered to %(customer)s: "
                        "it cannot be returned by them.",
                        serial=lot.name,
                        customer=customer.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Return to the vendor
    # ------------------------------------------------------------------

    def action_serial_return_to_vendor(self):
        """Return the received serial to the vendor it came from: a return of
        the vendor's receipt (core stock.return.picking), from where the unit
        is now."""
        singleton.ensure_one(self)
        self._serial_check_can_return_to_vendor()
        receipt_move = self._serial_vendor_receipt_move()
        quant = self._serial_internal_quant()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=receipt_move.picking_id.id, active_model="stock.picking"
            )
            .create({"picking_id": receipt_move.picking_id.id})
        )
        for line in wizard.product_return_moves:
            mine = line.move_id == receipt_move and line.lot_id == self.lot_id
            line.quantity = 1.0 if mine else 0.0
        with markers.marked(self.env, RETURN_LOCATION, quant.location_id.id):
            picking = wizard._create_return()
        picking.origin = f"{self.name} ({picking.origin})"
        self.vendor_return_picking_id = picking
        self.message_post(
            body=self.env._(
                "Serial %(serial)s goes back to vendor %(vendor)s on %(picking)s.",
                serial=self.lot_id.name,
                vendor=picking.partner_id.display_name,
                picking=picking.name,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": picking.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _serial_internal_quant(self):
        return self.lot_id.quant_ids.filtered(
            lambda q: q.location_id.usage == "internal" and q.quantity > 0
        )[:1]

    def _serial_check_can_return_to_vendor(self):
        if not self.lot_id:
            raise UserError(self.env._("This RMA names no serial number."))
        if self.vendor_return_picking_id.state not in (False, "cancel"):
            raise UserError(
                self.env._(
                    "Serial %(serial)s is already on its way back to the vendor "
                    "(%(picking)s).",
                    serial=self.lot_id.name,
                    picking=self.vendor_return_picking_id.name,
                )
            )
        if not self._serial_internal_quant():
            raise UserError(
                self.env._(
                    "Serial %(serial)s is not in stock: receive it from the "
                    "customer first.",
                    serial=self.lot_id.name,
                )
            )
        if not self._serial_vendor_receipt_move():
            raise UserError(
                self.env._(
                    "Serial %(serial)s was never received from a vendor: there "
                    "is no receipt to return it on.",
                    serial=self.lot_id.name,
                )
            )

    # ------------------------------------------------------------------
    # Replacement
    # ------------------------------------------------------------------

    def action_serial_replace(self):
        singleton.ensure_one(self)
        self._ensure_can_be_replaced()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replace Serial"),
            "res_model": "serial.procurement.rma.replacement.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_rma_id": self.id},
        }

    def update_replaced_state(self):
        """Once the replacement is delivered, the ticket services it too."""
        res = super().update_replaced_state()
        for rma in self.filtered(
            lambda r: r.state == "replaced" and r.ticket_id and r.replacement_lot_id
        ):
            lot = rma.replacement_lot_id
            if (
                lot.delivered_partner_id
                == rma.ticket_id.partner_id.commercial_partner_id
            ):
                rma.ticket_id.service_lot_ids = [Command.link(lot.id)]
        return res
