# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import singleton


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    new_serial_name = fields.Char(
        string="Serial Never Received",
        copy=False,
        help="A serial written off that was never received. Only a Serial "
        "Procurement Manager may enter it; it is created on validation and "
        "flagged to investigate.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("new_serial_name"):
                vals["new_serial_name"] = self.env["stock.lot"]._serial_clean_name(
                    vals["new_serial_name"]
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("new_serial_name"):
            vals = dict(
                vals,
                new_serial_name=self.env["stock.lot"]._serial_clean_name(
                    vals["new_serial_name"]
                ),
            )
        return super().write(vals)

    def _serial_create_new_lot(self):
        Lot = self.env["stock.lot"]
        for scrap in self.filtered(lambda s: s.new_serial_name and not s.lot_id):
            name = Lot._serial_clean_name(scrap.new_serial_name)
            lot = Lot._serial_find(scrap.product_id, [name], scrap.company_id)[
                :1
            ] or Lot._serial_create_on_transaction(
                scrap.product_id, [name], scrap.company_id
            )
            scrap.write({"lot_id": lot.id, "new_serial_name": False})

    def action_validate(self):
        singleton.ensure_one(self)
        self._serial_create_new_lot()
        return super().action_validate()

    def do_scrap(self):
        self._serial_create_new_lot()
        return super().do_scrap()
