# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.serial_procurement.tools import singleton


class StockLot(models.Model):
    _inherit = "stock.lot"

    serial_rma_ids = fields.One2many(
        comodel_name="rma",
        inverse_name="lot_id",
        string="RMAs",
        readonly=True,
    )
    serial_rma_count = fields.Integer(compute="_compute_serial_rma_count")
    replaced_lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Replaces",
        index="btree_not_null",
        copy=False,
        readonly=True,
        tracking=True,
        help="The serial this one replaced for the customer.",
    )
    # its end may come from the serial it replaces (a chain of replacements)
    customer_warranty_end = fields.Date(recursive=True)
    replacement_lot_ids = fields.One2many(
        comodel_name="stock.lot",
        inverse_name="replaced_lot_id",
        string="Replaced By",
        readonly=True,
    )

    @api.model
    def _serial_guarded_fields(self):
        """The serial a replacement replaces carries its warranty end: written
        by the replacement wizard or a Serial Procurement Manager only."""
        return (*super()._serial_guarded_fields(), "replaced_lot_id")

    def _compute_serial_rma_count(self):
        for lot in self:
            lot.serial_rma_count = len(lot.serial_rma_ids)

    @api.depends(
        "serial_sold_date",
        "product_id.customer_warranty_months",
        "product_id.serial_replacement_warranty",
        "replaced_lot_id.customer_warranty_end",
    )
    def _compute_customer_warranty_end(self):
        """A replacement keeps the warranty end of the serial it replaces when
        its product says so; otherwise its warranty counts from its delivery."""
        res = super()._compute_customer_warranty_end()
        for lot in self:
            if lot.customer_warranty_manual or not lot.replaced_lot_id:
                continue
            if lot.product_id.serial_replacement_warranty == "carry":
                lot.customer_warranty_end = lot.replaced_lot_id.customer_warranty_end
        return res

    def action_view_serial_rmas(self):
        singleton.ensure_one(self)
        action = self.env["ir.actions.actions"]._for_xml_id("rma.rma_action")
        action.update(domain=[("lot_id", "=", self.id)], context={"create": False})
        return action
