# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_procurement.tools import serial_parser, singleton


class SerialProcurementProduceSerialWizard(models.TransientModel):
    """One entry for the serials of several finished units: typed, pasted or
    scanned, checked like a receipt's serial entry (serial_procurement)."""

    _name = "serial.procurement.produce.serial.wizard"
    _description = "Enter the Serials Produced"

    production_id = fields.Many2one(
        comodel_name="mrp.production", required=True, ondelete="cascade"
    )
    product_id = fields.Many2one(related="production_id.product_id")
    company_id = fields.Many2one(related="production_id.company_id")
    remaining_qty = fields.Integer(
        string="Units to produce", compute="_compute_remaining_qty"
    )
    serials = fields.Text(
        string="Serial Numbers",
        help="Type, paste or scan: one serial per line (a scanner's Enter starts a "
        "new line), or separated by commas, semicolons or tabs.",
    )
    serial_count = fields.Integer(compute="_compute_serial_count")

    @api.depends("production_id")
    def _compute_remaining_qty(self):
        for wizard in self:
            production = wizard.production_id
            qty = production.product_uom_id._compute_quantity(
                production.product_qty - production.qty_produced,
                production.product_id.uom_id,
            )
            wizard.remaining_qty = max(int(round(qty)), 0)

    @api.depends("serials")
    def _compute_serial_count(self):
        for wizard in self:
            wizard.serial_count = len(serial_parser.split_serials(wizard.serials))

    def _check_production(self):
        self.ensure_one()
        production = self.production_id
        if production.state not in ("confirmed", "progress", "to_close"):
            raise UserError(
                self.env._(
                    "%(order)s is not waiting for production.", order=production.name
                )
            )
        if production.product_tracking != "serial":
            raise UserError(
                self.env._(
                    "%(product)s is not tracked by unique serial number.",
                    product=self.product_id.display_name,
                )
            )
        production._serial_check_component_serials()

    def _parse_serials(self):
        """The receipt's rules (shared parser: empty entry, duplicates, more
        serials than units; existing serials of this product), and, for a
        produced unit, no serial that already belongs to another product."""
        self.ensure_one()
        Lot = self.env["stock.lot"]
        names = Lot._serial_parse_entry(self.serials, self.remaining_qty)
        existing = Lot._serial_find(self.product_id, names, self.company_id)
        if existing:
            raise UserError(
                self.env._(
                    "These serial numbers already exist for %(product)s: %(serials)s.",
                    product=self.product_id.display_name,
                    serials=", ".join(existing.mapped("name")),
                )
            )
        Lot._serial_check_other_products(self.product_id, names, self.company_id)
        return names

    def _produce(self):
        self._check_production()
        names = self._parse_serials()
        lots = self.env["stock.lot"].create(
            [
                {
                    "name": name,
                    "product_id": self.product_id.id,
                    "company_id": self.company_id.id,
                }
                for name in names
            ]
        )
        return self.production_id._serial_produce(lots)

    def action_apply(self):
        """Give each unit its serial (one order per unit); mark done later."""
        singleton.ensure_one(self)
        productions = self._produce()
        return self._open(productions)

    def action_apply_done(self):
        """Give each unit its serial and mark the orders done."""
        singleton.ensure_one(self)
        productions = self._produce()
        res = productions.with_context(from_wizard=True).button_mark_done()
        return res if isinstance(res, dict) else self._open(productions)

    def _open(self, productions):
        if len(productions) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "mrp.production",
                "res_id": productions.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Orders Produced"),
            "res_model": "mrp.production",
            "domain": [("id", "in", productions.ids)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
        }
