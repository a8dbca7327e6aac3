# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_procurement.tools import singleton

# RMA states in which a replacement serial is still promised to the customer
OPEN_REPLACEMENT_STATES = ("confirmed", "received", "waiting_replacement", "replaced")


class SerialProcurementRmaReplacementWizard(models.TransientModel):
    _name = "serial.procurement.rma.replacement.wizard"
    _description = "Replace a returned serial with another serial"

    rma_id = fields.Many2one(
        comodel_name="rma", string="RMA", required=True, ondelete="cascade"
    )
    product_id = fields.Many2one(related="rma_id.product_id")
    returned_lot_id = fields.Many2one(related="rma_id.lot_id", string="Returned Serial")
    vendor_id = fields.Many2one(
        comodel_name="res.partner",
        compute="_compute_vendor_id",
        store=True,
        readonly=False,
        string="Received From",
        help="Vendor the new serial is received from.",
    )
    lot_name = fields.Char(
        string="New Serial from the Vendor",
        help="Serial of the replacement unit the vendor sent: it is received now.",
    )
    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Serial in Stock",
        domain="[('product_id', '=', product_id), ('in_stock', '=', True)]",
        help="A replacement unit already in stock.",
    )

    @api.depends("rma_id")
    def _compute_vendor_id(self):
        for wizard in self:
            wizard.vendor_id = wizard.rma_id.serial_vendor_id

    def action_confirm(self):
        """Check the replacement serial, receive it when new, then deliver it
        to the customer through the RMA (OCA rma, restricted to that serial)."""
        singleton.ensure_one(self)
        rma = self.rma_id
        rma._ensure_can_be_replaced()
        lot = self._serial_replacement_lot()
        waiting = self.env["stock.move"]
        if not lot:
            lot = self._serial_receive_replacement()
            waiting = self._serial_take_back_from_waiting_moves(lot)
        rma.with_context(rma_replace_lot_id=lot).create_replace(
            fields.Datetime.now(),
            rma.warehouse_id,
            lot.product_id,
            1.0,
            lot.product_id.uom_id,
        )
        rma.replacement_lot_id = lot
        lot._serial_flow_write({"replaced_lot_id": rma.lot_id.id})
        # The deliveries the new serial was taken back from look for other
        # units again (the serial is now reserved for the RMA's delivery).
        waiting._action_assign()
        return {"type": "ir.actions.act_window_close"}

    def _serial_take_back_from_waiting_moves(self, lot):
        """Core reserves what a receipt brings in for the deliveries waiting for
        the product (``stock.move._trigger_assign``): the vendor's new serial is
        received for this RMA, so it is taken back from them, before the RMA's
        delivery reserves it. Returns the moves it was taken from."""
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "=", lot.id),
                ("state", "not in", ("done", "cancel")),
                ("picked", "=", False),
            ]
        )
        moves = lines.move_id
        lines.unlink()
        moves._recompute_state()
        return moves

    def _serial_replacement_lot(self):
        """The chosen serial in stock, checked; empty when a new one is typed."""
        if bool(self.lot_name) == bool(self.lot_id):
            raise UserError(
                self.env._(
                    "Type the new serial sent by the vendor, or pick a serial in "
                    "stock (one of the two)."
                )
            )
        if self.lot_name:
            existing = self.env["stock.lot"]._serial_find(
                self.product_id, [self.lot_name.strip()], self.rma_id.company_id
            )
            if existing:
                raise UserError(
                    self.env._(
                        "Serial %(serial)s of %(product)s already exists: it is in "
                        "use and cannot be received as a new replacement.",
                        serial=self.lot_name.strip(),
                        product=self.product_id.display_name,
                    )
                )
            if not self.vendor_id:
                raise UserError(
                    self.env._("Name the vendor the new serial comes from.")
                )
            return self.env["stock.lot"]
        self._serial_check_free(self.lot_id)
        return self.lot_id

    def _serial_check_free(self, lot):
        """Refuse a serial already in use elsewhere; nothing is written."""
        reason = False
        # sudo: the rule holds whatever the user may read
        other_rma = (
            self.env["rma"]
            .sudo()
            .search(
                [
                    ("replacement_lot_id", "=", lot.id),
                    ("state", "in", OPEN_REPLACEMENT_STATES),
                ],
                limit=1,
            )
        )
        if lot == self.rma_id.lot_id:
            reason = self.env._("it is the returned serial itself")
        elif lot.sudo().serial_at_customer:
            reason = self.env._(
                "it is at customer %(customer)s",
                customer=lot.sudo().delivered_partner_id.display_name,
            )
        elif other_rma:
            reason = self.env._("it replaces a serial on %(rma)s", rma=other_rma.name)
        elif lot.sudo().ticket_id:
            reason = self.env._(
                "it is allocated to ticket %(ticket)s",
                ticket=lot.sudo().ticket_id.display_name,
            )
        elif not lot.in_stock:
            reason = self.env._("it is not in stock")
        if reason:
            raise UserError(
                self.env._(
                    "Serial %(serial)s cannot replace %(returned)s: %(reason)s.",
                    serial=lot.name,
                    returned=self.rma_id.lot_id.name,
                    reason=reason,
                )
            )

    def _serial_receive_replacement(self):
        """Receive the new serial from the vendor into stock (a receipt)."""
        warehouse = self.rma_id.warehouse_id
        product = self.product_id
        supplier_location = self.vendor_id.property_stock_supplier
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": self.vendor_id.id,
                "location_id": supplier_location.id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "origin": self.rma_id.name,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom_qty": 1.0,
                            "product_uom": product.uom_id.id,
                            "location_id": supplier_location.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": product.id,
                "product_uom_id": product.uom_id.id,
                "location_id": supplier_location.id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "lot_name": self.lot_name.strip(),
                "quantity": 1.0,
            }
        )
        move.picked = True
        picking.button_validate()
        return move.move_line_ids.lot_id
