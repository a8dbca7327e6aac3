# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import Form

from .common import SerialMrpCase


class TestMrpRulesSwitch(SerialMrpCase):
    """Issue #19: the component-serial rule applies where the company enforces
    the serialized procurement rules; batch production collects the component
    serials instead of being refused before it opens."""

    def test_rules_off_production_as_core_allows(self):
        self.company.serial_rules_enabled = False
        production = self._production()
        production.action_start()
        self.assertEqual(production.state, "progress")
        self.assertIn(
            "Manufacturing orders start",
            "\n".join(self.company._serial_rules_change_lines()),
        )

    def test_rules_on_batch_production_collects_component_serials(self):
        self.warehouse.manu_type_id.use_create_components_lots = True
        production = self._production(qty=2)
        action = production.button_mark_done()
        self.assertEqual(action["res_model"], "mrp.batch.produce")
        self.assertEqual(
            production.action_mass_produce()["res_model"], "mrp.batch.produce"
        )
        batch = Form(self.env["mrp.batch.produce"].with_context(**action["context"]))
        batch.production_text = "FA-B1,MB-B1,PS-B1\nFA-B2,MB-B2,PS-B2"
        batch.save().action_done()
        productions = production.procurement_group_id.mrp_production_ids
        self.assertEqual(productions.mapped("state"), ["done", "done"])
        self.assertEqual(
            sorted(productions.lot_producing_id.mapped("name")), ["FA-B1", "FA-B2"]
        )
        first = productions.filtered(lambda p: p.lot_producing_id.name == "FA-B1")
        self.assertEqual(
            sorted(first.move_raw_ids.move_line_ids.lot_id.mapped("name")),
            ["MB-B1", "PS-B1"],
        )

    def test_rules_on_serials_picked_open_the_serial_entry(self):
        self._stock_serials(self.board, ["MB-P1", "MB-P2"])
        self._stock_serials(self.psu, ["PS-P1", "PS-P2"])
        production = self._production(qty=2)
        production.action_assign()
        self.assertEqual(
            production.action_mass_produce()["res_model"],
            "serial.procurement.produce.serial.wizard",
        )
