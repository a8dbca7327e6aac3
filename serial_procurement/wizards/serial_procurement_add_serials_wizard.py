# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import singleton


class SerialProcurementAddSerialsWizard(models.TransientModel):
    """Opening stock by serial: paste or scan serials, choose a location, and the
    serials are created and adjusted into stock in one go."""

    _name = "serial.procurement.add.serials.wizard"
    _inherit = ["serial.procurement.input.guard"]
    _description = "Add Serial Numbers"

    product_id = fields.Many2one(
        comodel_name="product.product",
        required=True,
        domain="[('tracking', '!=', 'none')]",
    )
    tracking = fields.Selection(related="product_id.tracking")
    location_id = fields.Many2one(
        comodel_name="stock.location",
        required=True,
        domain="[('usage', '=', 'internal')]",
        default=lambda self: (
            self.env["stock.warehouse"]
            .search([("company_id", "=", self.env.company.id)], limit=1)
            .lot_stock_id
        ),
    )
    serials = fields.Text(
        string="Serial Numbers",
        required=True,
        help="One serial per line (a barcode scanner ends each scan with Enter), "
        "or separated by commas.",
    )
    quantity = fields.Float(
        string="Quantity per Batch",
        default=1.0,
        digits="Product Unit of Measure",
        help="Units of each batch (lot-tracked products only).",
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        ctx = self.env.context
        if "product_id" in fields_list and not res.get("product_id"):
            if ctx.get("active_model") == "product.template" and ctx.get("active_id"):
                tmpl = self.env["product.template"].browse(ctx["active_id"])
                res["product_id"] = tmpl.product_variant_id.id
            elif ctx.get("active_model") == "product.product" and ctx.get("active_id"):
                res["product_id"] = ctx["active_id"]
        return res

    def _parse(self):
        self.ensure_one()
        if self.product_id.tracking == "none":
            raise UserError(
                self.env._(
                    "%(product)s is not tracked by serial or batch.",
                    product=self.product_id.display_name,
                )
            )
        company = self.location_id.company_id or self.env.company
        company._serial_check_strict_intake(
            self.product_id, self.env._("adding serials as opening stock")
        )
        names = self.env["stock.lot"]._serial_parse_entry(self.serials, company=company)
        existing = self.env["stock.lot"]._serial_find(
            self.product_id, names, self.location_id.company_id
        )
        if existing:
            raise UserError(
                self.env._(
                    "These serial numbers already exist for %(product)s: %(serials)s.",
                    product=self.product_id.display_name,
                    serials=", ".join(existing.mapped("name")),
                )
            )
        qty = 1.0 if self.product_id.tracking == "serial" else self.quantity
        if qty <= 0:
            raise UserError(self.env._("The quantity per batch must be positive."))
        return names, qty

    def action_add(self):
        singleton.ensure_one(self)
        names, qty = self._parse()
        company = self.location_id.company_id or self.env.company
        lots = self.env["stock.lot"].create(
            [
                {
                    "name": name,
                    "product_id": self.product_id.id,
                    "company_id": company.id,
                }
                for name in names
            ]
        )
        quants = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {
                        "product_id": self.product_id.id,
                        "location_id": self.location_id.id,
                        "lot_id": lot.id,
                        "inventory_quantity": qty,
                    }
                    for lot in lots
                ]
            )
        )
        quants._apply_inventory()
        return lots._action_open_serial_list(self.env._("Serials Added"))
