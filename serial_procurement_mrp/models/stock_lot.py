# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import fields, models


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
        manufacturing order (consume_line_ids / produce_line_ids): two searches
        and batched reads for the whole recordset."""
        MoveLine = self.env["stock.move.line"]
        base = [("lot_id", "in", self.ids), ("state", "=", "done")]
        produced = MoveLine.search(base + [("move_id.production_id", "!=", False)])
        consumed = MoveLine.search(
            base + [("move_id.raw_material_production_id", "!=", False)]
        )
        links = defaultdict(lambda: defaultdict(set))
        # Iterating the whole recordsets keeps their prefetch: one read per
        # field for all lines, not one per serial.
        for line in produced:
            links[line.lot_id.id]["components"].update(line.consume_line_ids.lot_id.ids)
            links[line.lot_id.id]["produced_by"].add(line.move_id.production_id.id)
        for line in consumed:
            links[line.lot_id.id]["built_into"].update(line.produce_line_ids.lot_id.ids)
            links[line.lot_id.id]["consumed_by"].add(
                line.move_id.raw_material_production_id.id
            )
        Production = self.env["mrp.production"]
        for lot in self:
            own = links[lot.id]
            lot.component_lot_ids = self.browse(sorted(own["components"]))
            lot.built_into_lot_ids = self.browse(sorted(own["built_into"]))
            lot.produced_production_ids = Production.browse(sorted(own["produced_by"]))
            lot.consumed_production_ids = Production.browse(sorted(own["consumed_by"]))

    def _serial_enquiry_lookups(self, operator, value):
        """The Serial Enquiry also looks the text up in manufacturing orders."""
        return [
            *super()._serial_enquiry_lookups(operator, value),
            ("production", "mrp.production", [("name", operator, value)]),
        ]

    def _serial_enquiry_terms(self, references):
        """... and finds the serials those orders produced or consumed."""
        terms = super()._serial_enquiry_terms(references)
        orders = references.get("production")
        if not orders:
            return terms
        lines = self.env["stock.move.line"]._search(
            [
                ("lot_id", "!=", False),
                "|",
                ("move_id.production_id", "in", orders),
                ("move_id.raw_material_production_id", "in", orders),
            ]
        )
        return [*terms, [("id", "in", lines.subselect("lot_id"))]]
