# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.osv import expression


class StockLot(models.Model):
    _inherit = "stock.lot"

    component_lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        string="Built From",
        compute="_compute_serial_genealogy",
        help="Component serials consumed to produce this serial.",
    )
    built_into_lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        string="Built Into",
        compute="_compute_serial_genealogy",
        help="Finished serials this serial went into as a component.",
    )
    produced_production_ids = fields.Many2many(
        comodel_name="mrp.production",
        groups="mrp.group_mrp_user",
        string="Produced by",
        compute="_compute_serial_genealogy",
        help="The manufacturing order(s) that produced this serial.",
    )
    consumed_production_ids = fields.Many2many(
        comodel_name="mrp.production",
        groups="mrp.group_mrp_user",
        string="Consumed by",
        compute="_compute_serial_genealogy",
        help="The manufacturing order(s) that consumed this serial.",
    )

    def _compute_serial_genealogy(self):
        """Both ways, from core's links between the done move lines of a
        manufacturing order (consume_line_ids / produce_line_ids); two
        searches for the whole recordset."""
        MoveLine = self.env["stock.move.line"]
        base = [("lot_id", "in", self.ids), ("state", "=", "done")]
        produced = MoveLine.search(base + [("move_id.production_id", "!=", False)])
        consumed = MoveLine.search(
            base + [("move_id.raw_material_production_id", "!=", False)]
        )
        for lot in self:
            made = produced.filtered(lambda ml, lot=lot: ml.lot_id == lot)
            used = consumed.filtered(lambda ml, lot=lot: ml.lot_id == lot)
            lot.component_lot_ids = made.consume_line_ids.lot_id
            lot.produced_production_ids = made.move_id.production_id
            lot.built_into_lot_ids = used.produce_line_ids.lot_id
            lot.consumed_production_ids = used.move_id.raw_material_production_id

    def _search_serial_enquiry(self, operator, value):
        """The Serial Enquiry also finds the serials produced or consumed by
        a manufacturing order named in the search."""
        domain = super()._search_serial_enquiry(operator, value)
        if operator not in ("ilike", "=") or not isinstance(value, str) or not value:
            return domain
        orders = self._serial_enquiry_ids("mrp.production", [("name", operator, value)])
        if not orders:
            return domain
        lines = self.env["stock.move.line"]._search(
            [
                ("lot_id", "!=", False),
                "|",
                ("move_id.production_id", "in", orders),
                ("move_id.raw_material_production_id", "in", orders),
            ]
        )
        return expression.OR([domain, [("id", "in", lines.subselect("lot_id"))]])
