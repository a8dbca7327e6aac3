# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import UserError

from .common import SerialMrpCase

MISSING = "cannot start until the serial number of every serial-tracked component"


class TestComponentSerials(SerialMrpCase):
    """Seed 004: "you will not be able to start the order until the serial
    numbers have been added"."""

    def test_start_refused_without_component_serials(self):
        production = self._production()
        with self.assertRaisesRegex(UserError, MISSING) as caught:
            production.action_start()
        message = str(caught.exception)
        self.assertIn(production.name, message)
        self.assertIn("Mainboard MB-9: 1 serial(s) missing", message)
        self.assertIn("Power Supply PS-3: 1 serial(s) missing", message)
        self.assertNotIn("Screw Set", message, "untracked components are free")
        self.assertEqual(production.state, "confirmed")

    def test_start_refused_names_the_missing_count(self):
        self._stock_serials(self.board, ["MB-A"])
        self._stock_serials(self.psu, ["PS-A", "PS-B"])
        production = self._production(qty=2)
        production.action_assign()
        with self.assertRaisesRegex(UserError, "Mainboard MB-9: 1 serial") as caught:
            production.action_start()
        self.assertNotIn("Power Supply", str(caught.exception))
        self.assertEqual(production.state, "confirmed")

    def test_start_allowed_once_serials_are_picked(self):
        board = self._stock_serials(self.board, ["MB-B"])
        psu = self._stock_serials(self.psu, ["PS-C"])
        production = self._production()
        production.action_assign()
        self.assertEqual(production.move_raw_ids.move_line_ids.lot_id, board | psu)
        production.action_start()
        self.assertEqual(production.state, "progress")

    def test_mark_done_refused_without_component_serials(self):
        production = self._production()
        with self.assertRaisesRegex(UserError, MISSING):
            production.button_mark_done()
        self.assertEqual(production.state, "confirmed")
        self.assertFalse(
            self.env["stock.lot"].search([("product_id", "=", self.firewall.id)])
        )

    def test_produce_entry_refused_without_component_serials(self):
        production = self._production()
        with self.assertRaisesRegex(UserError, MISSING):
            production.action_open_produce_serials()

    def test_untracked_components_do_not_block(self):
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.firewall.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": self.screws.id, "product_qty": 4})
                ],
            }
        )
        production = self._production(bom=bom)
        production.action_start()
        self.assertEqual(production.state, "progress")

    def test_first_work_order_start_refused_without_serials(self):
        workcenter = self.env["mrp.workcenter"].create({"name": "Assembly Bench"})
        self.bom.operation_ids = [
            Command.create(
                {"name": "Assemble", "workcenter_id": workcenter.id, "time_cycle": 10}
            )
        ]
        production = self._production()
        workorder = production.workorder_ids
        self.assertEqual(len(workorder), 1)
        with self.assertRaisesRegex(UserError, MISSING):
            workorder.button_start()
        self.assertNotEqual(workorder.state, "progress")
        self._stock_serials(self.board, ["MB-W"])
        self._stock_serials(self.psu, ["PS-W"])
        production.action_assign()
        workorder.button_start()
        self.assertEqual(workorder.state, "progress")
