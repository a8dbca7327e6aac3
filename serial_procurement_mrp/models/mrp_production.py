# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


def _format_qty(qty):
    """Show a whole quantity without decimals: 2, not 2.0."""
    return int(qty) if float(qty).is_integer() else qty


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    # ------------------------------------------------------------------
    # Seed 004: no start before the component serials are picked
    # ------------------------------------------------------------------

    def _serial_component_units_missing(self, full=True):
        """{product: units} of serial-tracked components of this order that
        have no serial yet: for the whole order (``full``), or for the
        quantity being produced once one is set."""
        self.ensure_one()
        missing = Counter()
        moves = self.move_raw_ids.filtered(
            lambda m: m.has_tracking == "serial" and m.state not in ("done", "cancel")
        )
        for move in moves:
            uom = move.product_id.uom_id
            if full or not self.qty_producing:
                required = move.product_qty
            else:
                required = move.product_uom._compute_quantity(
                    move.should_consume_qty, uom
                )
            with_serial = sum(
                ml.product_uom_id._compute_quantity(ml.quantity, uom)
                for ml in move.move_line_ids
                if ml.lot_id or ml.lot_name
            )
            gap = required - with_serial
            if float_compare(gap, 0, precision_rounding=uom.rounding) > 0:
                missing[move.product_id] += gap
        return missing

    def _serial_check_component_serials(self, full=True):
        """Refuse to start (or produce) an order whose serial-tracked
        components do not all have their exact serial, in a company that
        enforces the serialized procurement rules."""
        for production in self.filtered("company_id.serial_rules_enabled"):
            missing = production._serial_component_units_missing(full=full)
            if not missing:
                continue
            raise UserError(
                _(
                    "%(order)s cannot start until the serial number of every "
                    "serial-tracked component is picked:\n%(lines)s",
                    order=production.name,
                    lines="\n".join(
                        _(
                            "%(product)s: %(count)s serial(s) missing",
                            product=product.display_name,
                            count=_format_qty(qty),
                        )
                        for product, qty in missing.items()
                    ),
                )
            )

    def action_start(self):
        self._serial_check_component_serials()
        return super().action_start()

    def _button_mark_done_sanity_checks(self):
        # An order without a quantity being produced that core sends to batch
        # production (``pre_button_mark_done``) is checked there, once its
        # component serials are entered.
        self.filtered(
            lambda p: p.qty_producing or p._auto_production_checks()
        )._serial_check_component_serials(full=False)
        return super()._button_mark_done_sanity_checks()

    # ------------------------------------------------------------------
    # Seed 001: several serial-tracked units produced in one entry
    # ------------------------------------------------------------------

    def action_mass_produce(self):
        """Serial-tracked finished products get the paste/scan entry of
        serial_procurement instead of core's batch production text, once their
        component serials are picked; while some are missing (and the rules
        require them), core's batch production collects them, one line per
        unit produced."""
        self.ensure_one()
        if (
            self.product_tracking == "serial"
            and self.state in ("confirmed", "progress", "to_close")
            and not (
                self.company_id.serial_rules_enabled
                and self._serial_component_units_missing()
            )
        ):
            return self.action_open_produce_serials()
        return super().action_mass_produce()

    def action_open_produce_serials(self):
        self.ensure_one()
        self._serial_check_component_serials()
        return {
            "type": "ir.actions.act_window",
            "name": _("Produce Serials"),
            "res_model": "serial.procurement.produce.serial.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_production_id": self.id},
        }

    def _serial_split_per_unit(self, count):
        """Split this order into ``count`` orders of one unit (core backorder
        split, the way core's mass production does); the rest stays in one
        more order. Returns the ``count`` one-unit orders."""
        self.ensure_one()
        unit = self.product_id.uom_id._compute_quantity(1, self.product_uom_id)
        if count == 1 and not float_compare(
            self.product_qty, unit, precision_rounding=self.product_uom_id.rounding
        ):
            return self
        productions = self._split_productions({self: [unit] * count})
        return productions[:count]

    def _serial_produce(self, lots):
        """Produce one unit per serial of ``lots``; returns the orders."""
        self.ensure_one()
        productions = self._serial_split_per_unit(len(lots))
        unit = self.product_id.uom_id._compute_quantity(1, self.product_uom_id)
        for production, lot in zip(productions, lots, strict=True):
            production.lot_producing_id = lot
            production.qty_producing = unit
            production.set_qty_producing()
            production.move_raw_ids.picked = True
        return productions
