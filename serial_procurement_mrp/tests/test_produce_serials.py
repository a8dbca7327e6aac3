# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from .common import SerialMrpCase


class TestProduceSerials(SerialMrpCase):
    """Seed 001: "if there is multiple serialized output, enter the actual
    quantity and you will be prompted to enter a serial for each output";
    one paste/scan entry, checked like a receipt's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.boards = cls._stock_serials(cls.board, ["MB-1", "MB-2", "MB-3"])
        cls.psus = cls._stock_serials(cls.psu, ["PS-1", "PS-2", "PS-3"])

    def _ready(self, qty):
        production = self._production(qty=qty)
        production.action_assign()
        return production

    def test_one_entry_for_several_units(self):
        production = self._ready(3)
        wizard = self._produce_wizard(production, "FW-1\nFW-2, FW-3")
        self.assertEqual(wizard.remaining_qty, 3)
        self.assertEqual(wizard.serial_count, 3)
        wizard.action_apply_done()
        orders = production.procurement_group_id.mrp_production_ids
        self.assertEqual(len(orders), 3, "one order per unit, core's split")
        self.assertEqual(set(orders.mapped("state")), {"done"})
        self.assertEqual(
            sorted(orders.lot_producing_id.mapped("name")), ["FW-1", "FW-2", "FW-3"]
        )
        self.assertEqual(self.firewall.qty_available, 3)
        self.assertEqual(self.board.qty_available, 0)
        # Each order consumed exactly one board and one power supply.
        for order in orders:
            consumed = order.move_raw_ids.move_line_ids.filtered(
                lambda ml: ml.product_id in (self.board | self.psu)
            )
            self.assertEqual(len(consumed.lot_id), 2)

    def test_fewer_serials_leave_the_rest_to_produce(self):
        production = self._ready(3)
        self._produce_wizard(production, "FW-4\nFW-5").action_apply_done()
        orders = production.procurement_group_id.mrp_production_ids
        done = orders.filtered(lambda o: o.state == "done")
        self.assertEqual(sorted(done.lot_producing_id.mapped("name")), ["FW-4", "FW-5"])
        rest = orders - done
        self.assertEqual(len(rest), 1)
        self.assertEqual(rest.product_qty, 1)
        self.assertFalse(rest.lot_producing_id)

    def test_set_serials_then_mark_done(self):
        production = self._ready(1)
        action = self._produce_wizard(production, "FW-6").action_apply()
        self.assertEqual(action["res_id"], production.id)
        self.assertEqual(production.lot_producing_id.name, "FW-6")
        self.assertNotEqual(production.state, "done")
        production.button_mark_done()
        self.assertEqual(production.state, "done")

    def test_core_mass_produce_opens_the_serial_entry(self):
        production = self._ready(2)
        action = production.action_mass_produce()
        self.assertEqual(
            action["res_model"], "serial.procurement.produce.serial.wizard"
        )
        # Produce (button_mark_done) on several serial units asks the same entry.
        action = production.button_mark_done()
        self.assertEqual(
            action["res_model"], "serial.procurement.produce.serial.wizard"
        )

    def _assert_refused(self, production, serials, pattern):
        wizard = self._produce_wizard(production, serials)
        lots_before = self.env["stock.lot"].search_count([])
        with self.assertRaisesRegex(UserError, pattern):
            wizard.action_apply_done()
        self.assertEqual(self.env["stock.lot"].search_count([]), lots_before)
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(len(production.procurement_group_id.mrp_production_ids), 1)

    def test_duplicate_refused(self):
        self._assert_refused(self._ready(2), "FW-7\nFW-7", "entered twice: FW-7")

    def test_more_serials_than_units_refused(self):
        self._assert_refused(self._ready(1), "FW-8, FW-9", "2 serial numbers entered")

    def test_empty_entry_refused(self):
        self._assert_refused(self._ready(1), " \n", "at least one serial")

    def test_existing_serial_refused(self):
        self.env["stock.lot"].create(
            {
                "name": "FW-10",
                "product_id": self.firewall.id,
                "company_id": self.company.id,
            }
        )
        self._assert_refused(self._ready(1), "FW-10", "already exist.*FW-10")

    def test_serial_of_another_product_refused(self):
        self._assert_refused(
            self._ready(2),
            "FW-11\nMB-1",
            "another product:\nMB-1: \\[MB-9\\] Mainboard",
        )

    def test_as_manufacturing_user(self):
        user = new_test_user(self.env, login="sp_mrp_user", groups="mrp.group_mrp_user")
        production = self._ready(2).with_user(user)
        action = production.action_open_produce_serials()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"serials": "FW-U1\nFW-U2"})
        )
        wizard.action_apply_done()
        orders = production.procurement_group_id.mrp_production_ids
        self.assertEqual(set(orders.mapped("state")), {"done"})
        self.assertEqual(self.firewall.qty_available, 2)
