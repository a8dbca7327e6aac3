# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import csv
import io

from odoo import Command
from odoo.exceptions import UserError

from .common import SerialLifecycleCommon

STRICT = "Strict serialized intake is on.*purchase receipt.*import"


class TestStrictIntake(SerialLifecycleCommon):
    """res.company.serial_strict_intake: serialized units enter stock only
    through a purchase receipt or an import when it is on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._adjust_in(cls.product, ["S-001", "S-002"], location=cls.shelf)

    def _strict(self, on=True):
        self.company.serial_strict_intake = on

    def _stock(self, lot=None):
        return self.env["stock.quant"]._get_available_quantity(
            self.product, self.shelf, lot_id=lot, strict=bool(lot)
        )

    def _new_lot(self, name):
        """A serial on record without stock (as imported into Lots/Serials)."""
        return self.env["stock.lot"].create(
            {"name": name, "product_id": self.product.id, "company_id": self.company.id}
        )

    def _count_in(self, lot, qty=1.0):
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": self.product.id,
                    "location_id": self.shelf.id,
                    "lot_id": lot.id,
                    "inventory_quantity": qty,
                }
            )
        )
        quant.action_apply_inventory()

    def _sheet(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["Product", "Location", "SerialOrBatch", "Counted Quantity"])
        writer.writerows(rows)
        wizard = self.env["serial.procurement.count.sheet.wizard"].create(
            {
                "data": base64.b64encode(buffer.getvalue().encode()),
                "filename": "count.csv",
            }
        )
        return wizard.action_import()

    # ------------------------------------------------------------ setting

    def test_off_by_default_and_in_settings(self):
        company = self.env["res.company"].create({"name": "Strict-free MSP"})
        self.assertFalse(company.serial_strict_intake)
        settings = self.env["res.config.settings"].create(
            {"serial_strict_intake": True}
        )
        settings.execute()
        self.assertTrue(self.company.serial_strict_intake)

    # --------------------------------------------------- adjustment in

    def test_adjust_in_allowed_when_off(self):
        lot = self._new_lot("S-010")
        self._count_in(lot)
        self.assertEqual(self._stock(lot), 1)

    def test_adjust_in_refused_when_on(self):
        self._strict()
        lot = self._new_lot("S-011")
        with self.assertRaisesRegex(UserError, STRICT):
            self._count_in(lot)
        self.assertEqual(self._stock(lot), 0)

    def test_adjust_out_allowed_when_on(self):
        self._strict()
        self._count_in(self.lots[0], qty=0.0)
        self.assertEqual(self._stock(self.lots[0]), 0)

    def test_untracked_adjust_in_allowed_when_on(self):
        self._strict()
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": self.plain_product.id,
                    "location_id": self.shelf.id,
                    "inventory_quantity": 3,
                }
            )
        )
        quant.action_apply_inventory()
        self.assertEqual(self.plain_product.qty_available, 3)

    def test_add_serials_wizard_refused_when_on(self):
        self._strict()
        count = self._lot_count()
        wizard = self.env["serial.procurement.add.serials.wizard"].create(
            {
                "product_id": self.product.id,
                "location_id": self.shelf.id,
                "serials": "S-12",
            }
        )
        with self.assertRaisesRegex(UserError, STRICT):
            wizard.action_add()
        self.assertEqual(self._lot_count(), count)

    # ------------------------------------------ serials on a transaction

    def _delivery_with_new_serial(self, name):
        picking = self._picking(
            self.warehouse.out_type_id, self.shelf, self.customers, self.product, 2
        )
        self._set_lines(
            picking,
            [
                {"lot_id": self.lots[0].id, "quantity": 1},
                {"lot_name": name, "quantity": 1},
            ],
        )
        return picking

    def test_delivery_new_serial_by_manager_allowed_when_off(self):
        picking = self._delivery_with_new_serial("GHOST-S1")
        picking.with_user(self.manager)._action_done()
        self.assertEqual(picking.state, "done")

    def test_delivery_new_serial_refused_when_on(self):
        self._strict()
        picking = self._delivery_with_new_serial("GHOST-S2")
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, STRICT):
            picking.with_user(self.manager)._action_done()
        self.assertEqual(self._lot_count(), count)
        self.assertNotEqual(picking.state, "done")

    def test_delivery_of_received_serials_allowed_when_on(self):
        self._strict()
        picking = self._picking(
            self.warehouse.out_type_id, self.shelf, self.customers, self.product, 1
        )
        self._set_lines(picking, [{"lot_id": self.lots[1].id, "quantity": 1}])
        picking._action_done()
        self.assertEqual(picking.state, "done")

    def test_invoice_new_serial_refused_when_on(self):
        self._strict()
        invoice = self._invoice(
            self.product, 2, lots=self.lots[0], new_serial_names="NEW-S9"
        )
        with self.assertRaisesRegex(UserError, STRICT):
            invoice.with_user(self.manager).action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "NEW-S9")]))

    # ------------------------------------------------------- stock take

    def test_count_sheet_new_serial_refused_when_on(self):
        self._strict()
        shelf = self.shelf.complete_name
        with self.assertRaisesRegex(UserError, STRICT + ".*"):
            self._sheet(
                [
                    ["SER-ROUTER", shelf, "S-001", "0"],
                    ["SER-ROUTER", shelf, "S-NEW", "1"],
                ]
            )
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "S-NEW")]))
        self.assertEqual(self._stock(self.lots[0]), 1, "nothing imported")

    def test_count_sheet_new_serial_allowed_when_off(self):
        self._sheet([["SER-ROUTER", self.shelf.complete_name, "S-NEW2", "1"]])
        lot = self.env["stock.lot"].search([("name", "=", "S-NEW2")])
        self.assertEqual(self._stock(lot), 1)

    def test_count_sheet_existing_serials_work_when_on(self):
        self._strict()
        imported = self._new_lot("S-IMP")
        self._sheet(
            [
                ["SER-ROUTER", self.shelf.complete_name, "S-IMP", "1"],
                ["SER-ROUTER", self.shelf.complete_name, "S-002", "0"],
            ]
        )
        self.assertEqual(self._stock(imported), 1)
        self.assertEqual(self._stock(self.lots[1]), 0)

    # ------------------------------------------ receipts and corrections

    def test_purchase_receipt_works_when_on(self):
        self._strict()
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_qty": 2,
                            "price_unit": 50.0,
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        move = picking.move_ids
        wizard = self.env["serial.procurement.serial.entry.wizard"].create(
            {"move_id": move.id, "serials": "PO-S1\nPO-S2"}
        )
        wizard.action_apply()
        move.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        lots = self.env["stock.lot"].search([("name", "in", ["PO-S1", "PO-S2"])])
        self.assertEqual(len(lots), 2)
        self.assertEqual(lots.purchase_order_id, order)

    def test_manager_correction_works_when_on(self):
        self._strict()
        wizard = (
            self.env["serial.procurement.correct.serial.wizard"]
            .with_user(self.manager)
            .create({"lot_id": self.lots[0].id, "new_name": "S-001-OK"})
        )
        wizard.action_correct()
        right = self.env["stock.lot"].search([("name", "=", "S-001-OK")])
        self.assertEqual(self._stock(right), 1)
        self.assertEqual(self._stock(self.lots[0]), 0)

    def test_other_company_not_strict(self):
        other = self.env["res.company"].create(
            {"name": "Lenient MSP", "serial_strict_intake": False}
        )
        self._strict()
        self.assertFalse(other.serial_strict_intake)
        # the check names only the companies that are strict
        other._serial_check_strict_intake(self.product, "test")
        with self.assertRaisesRegex(UserError, self.company.name):
            self.company._serial_check_strict_intake(self.product, "test")
