# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import csv
import io

import openpyxl

from odoo.exceptions import UserError

from .common import SerialLifecycleCommon, count_sheet_export


class TestAddSerials(SerialLifecycleCommon):
    def _wizard(self, product, serials, **vals):
        return self.env["serial.procurement.add.serials.wizard"].create(
            {
                "product_id": product.id,
                "location_id": self.shelf.id,
                "serials": serials,
                **vals,
            }
        )

    def test_add_serials(self):
        self._wizard(self.product, "A-1\nA-2\r\nA-3").action_add()
        lots = self.env["stock.lot"].search([("name", "in", ["A-1", "A-2", "A-3"])])
        self.assertEqual(len(lots), 3)
        self.assertEqual(
            self.product.with_context(location=self.shelf.id).qty_available, 3
        )
        self.env.invalidate_all()
        self.assertTrue(all(len(lot.history_move_line_ids) == 1 for lot in lots))

    def test_add_batches_with_quantity(self):
        self._wizard(self.batch_product, "B-1, B-2", quantity=5).action_add()
        self.assertEqual(self.batch_product.qty_available, 10)

    def test_default_product_from_template(self):
        wizard = (
            self.env["serial.procurement.add.serials.wizard"]
            .with_context(
                active_model="product.template",
                active_id=self.product.product_tmpl_id.id,
            )
            .create({"location_id": self.shelf.id, "serials": "A-9"})
        )
        self.assertEqual(wizard.product_id, self.product)

    def test_add_duplicate_refused(self):
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, "entered twice: A-4"):
            self._wizard(self.product, "A-4\nA-5\nA-4").action_add()
        self.assertEqual(self._lot_count(), count)
        self.assertEqual(self.product.qty_available, 0)

    def test_add_existing_refused(self):
        self._adjust_in(self.product, ["A-6"])
        count = self._lot_count()
        with self.assertRaisesRegex(UserError, "already exist.*A-6"):
            self._wizard(self.product, "A-7\nA-6").action_add()
        self.assertEqual(self._lot_count(), count)
        self.assertEqual(self.product.qty_available, 1)

    def test_add_untracked_refused(self):
        with self.assertRaisesRegex(UserError, "not tracked"):
            self._wizard(self.plain_product, "X-1").action_add()
        self.assertEqual(self.plain_product.qty_available, 0)

    def test_add_empty_refused(self):
        with self.assertRaisesRegex(UserError, "at least one serial"):
            self._wizard(self.product, " \n ").action_add()


class TestCoreOperationsBySerial(SerialLifecycleCommon):
    """Core Odoo already adjusts out, scraps and transfers by serial."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._adjust_in(cls.product, ["O-1", "O-2"])

    def _qty(self, lot, location):
        return self.env["stock.quant"]._get_available_quantity(
            self.product, location, lot_id=lot, strict=True
        )

    def test_adjust_out_by_serial(self):
        quant = self.lots[0].quant_ids.filtered(lambda q: q.location_id == self.stock)
        quant.with_context(inventory_mode=True).inventory_quantity = 0
        quant.action_apply_inventory()
        self.assertEqual(self._qty(self.lots[0], self.stock), 0)
        self.assertEqual(self._qty(self.lots[1], self.stock), 1)
        self.env.invalidate_all()
        self.assertEqual(len(self.lots[0].history_move_line_ids), 2)

    def test_scrap_by_serial(self):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product.id,
                "lot_id": self.lots[1].id,
                "location_id": self.stock.id,
                "scrap_qty": 1,
            }
        )
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        self.assertEqual(self._qty(self.lots[1], self.stock), 0)
        self.assertEqual(self.product.qty_available, 1)

    def test_internal_transfer_by_serial(self):
        picking = self._picking(
            self.warehouse.int_type_id, self.stock, self.shelf, self.product, 1
        )
        self._set_lines(picking, [{"lot_id": self.lots[0].id, "quantity": 1}])
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._qty(self.lots[0], self.shelf), 1)
        self.assertEqual(self._qty(self.lots[0], self.stock), 0)


class TestCountSheet(SerialLifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._adjust_in(cls.product, ["K-1", "K-2"], location=cls.shelf)
        cls.env["stock.quant"]._update_available_quantity(
            cls.plain_product, cls.shelf, 4
        )

    def _csv(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["Product", "Location", "SerialOrBatch", "Counted Quantity"])
        writer.writerows(rows)
        return base64.b64encode(buffer.getvalue().encode())

    def _xlsx(self, rows):
        book = openpyxl.Workbook()
        book.active.append(["Product", "Location", "SerialOrBatch", "Counted Quantity"])
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return base64.b64encode(buffer.getvalue())

    def _import(self, data, filename):
        wizard = self.env["serial.procurement.count.sheet.wizard"].create(
            {"data": data, "filename": filename}
        )
        return wizard.action_import()

    def _qty(self, product, lot=None):
        return self.env["stock.quant"]._get_available_quantity(
            product, self.shelf, lot_id=lot, strict=True
        )

    def test_export_csv(self):
        wizard = self.env["serial.procurement.count.sheet.wizard"].create(
            {"file_format": "csv", "location_id": self.shelf.id}
        )
        content = count_sheet_export(wizard)
        self.assertFalse(wizard.data, "the upload field stays empty")
        rows = list(csv.reader(io.StringIO(content.decode())))
        self.assertEqual(
            rows[0], ["Product", "Location", "SerialOrBatch", "Counted Quantity"]
        )
        self.assertIn(["SER-ROUTER", self.shelf.complete_name, "K-1", "1.0"], rows)
        self.assertIn(["CABLE", self.shelf.complete_name, "", "4.0"], rows)

    def test_export_xlsx(self):
        wizard = self.env["serial.procurement.count.sheet.wizard"].create(
            {"file_format": "xlsx", "location_id": self.shelf.id}
        )
        book = openpyxl.load_workbook(io.BytesIO(count_sheet_export(wizard)))
        rows = [list(r) for r in book.active.iter_rows(values_only=True)]
        self.assertIn(["SER-ROUTER", self.shelf.complete_name, "K-2", 1], rows)
        self.assertEqual(len(rows), 4)

    def test_import_csv(self):
        shelf = self.shelf.complete_name
        self._import(
            self._csv(
                [
                    ["SER-ROUTER", shelf, "K-1", "0"],
                    ["SER-ROUTER", shelf, "K-2", "1"],
                    ["Serial Router", shelf, "K-NEW", "1"],
                    ["CABLE", shelf, "", "7"],
                ]
            ),
            "count.csv",
        )
        new_lot = self.env["stock.lot"].search([("name", "=", "K-NEW")])
        self.assertEqual(new_lot.product_id, self.product)
        self.assertEqual(self._qty(self.product, self.lots[0]), 0)
        self.assertEqual(self._qty(self.product, self.lots[1]), 1)
        self.assertEqual(self._qty(self.product, new_lot), 1)
        self.assertEqual(self._qty(self.plain_product), 7)

    def test_import_tells_what_changed(self):
        """Issue #21 item 3: the import ends with a summary the user sees, and
        closes the dialog."""
        shelf, stock = self.shelf.complete_name, self.stock.complete_name
        action = self._import(
            self._csv(
                [
                    ["SER-ROUTER", shelf, "K-1", "0"],
                    ["SER-ROUTER", shelf, "K-2", "0"],
                    ["SER-ROUTER", stock, "K-2", "1"],
                    ["SER-ROUTER", shelf, "K-NEW", "1"],
                    ["CABLE", shelf, "", "7"],
                ]
            ),
            "count.csv",
        )
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["next"], {"type": "ir.actions.act_window_close"})
        self.assertEqual(params["title"], "Count sheet count.csv imported")
        self.assertEqual(
            params["message"],
            "5 rows applied. Serials: 1 added, 1 moved, 1 written off.",
        )
        self.assertEqual(self._qty(self.product, self.lots[0]), 0)
        self.assertEqual(self._qty(self.lots[1].product_id, self.lots[1]), 0)

    def test_import_xlsx(self):
        shelf = self.shelf.complete_name
        self._import(
            self._xlsx(
                [
                    ["BATCH-CARPET", shelf, "ROLL-7", 12.5],
                    ["SER-ROUTER", shelf, "K-2", 0],
                ]
            ),
            "count.xlsx",
        )
        roll = self.env["stock.lot"].search([("name", "=", "ROLL-7")])
        self.assertEqual(self._qty(self.batch_product, roll), 12.5)
        self.assertEqual(self._qty(self.product, self.lots[1]), 0)

    def test_import_bad_sheet_imports_nothing(self):
        shelf = self.shelf.complete_name
        self.env["stock.lot"].create(
            {
                "name": "OTHER-1",
                "product_id": self.batch_product.id,
                "company_id": self.company.id,
            }
        )
        data = self._csv(
            [
                ["SER-ROUTER", shelf, "K-1", "0"],  # row 2: good
                ["NOPE", shelf, "K-3", "1"],  # row 3
                ["SER-ROUTER", "WH/Nowhere", "K-2", "1"],  # row 4
                ["SER-ROUTER", shelf, "K-4", "2"],  # row 5
                ["SER-ROUTER", shelf, "OTHER-1", "1"],  # row 6
                ["CABLE", shelf, "", "many"],  # row 7
                ["CABLE", shelf, "C-1", "1"],  # row 8
                ["SER-ROUTER", shelf, "", "1"],  # row 9
            ]
        )
        lots = self.env["stock.lot"].search_count([])
        moves = self.env["stock.move"].search_count([])
        with self.assertRaises(UserError) as catcher:
            self._import(data, "count.csv")
        message = str(catcher.exception)
        self.assertNotIn("Row 2:", message)
        for expected in (
            "Row 3: unknown product NOPE",
            "Row 4: unknown location WH/Nowhere",
            "Row 5: serial K-4 counted 2",
            "Row 6: serial OTHER-1 belongs to [BATCH-CARPET] Carpet Roll",
            "Row 7: bad quantity many",
            "Row 8: [CABLE] Cable is not tracked",
            "Row 9: [SER-ROUTER] Serial Router needs a SerialOrBatch",
        ):
            self.assertIn(expected, message)
        self.assertEqual(self.env["stock.lot"].search_count([]), lots)
        self.assertEqual(self.env["stock.move"].search_count([]), moves)
        self.assertEqual(self._qty(self.product, self.lots[0]), 1)

    def test_import_missing_column(self):
        data = base64.b64encode(b"Product,Location,Counted Quantity\nCABLE,x,1\n")
        with self.assertRaisesRegex(UserError, "misses the column.*SerialOrBatch"):
            self._import(data, "count.csv")
        self.assertEqual(self._qty(self.plain_product), 4)


class TestOperationsAsStockManager(SerialLifecycleCommon):
    """The wizards run with a stock manager's rights, not only as admin."""

    def test_add_serials_and_count_sheet_as_stock_manager(self):
        wizard = (
            self.env["serial.procurement.add.serials.wizard"]
            .with_user(self.user)
            .create(
                {
                    "product_id": self.product.id,
                    "location_id": self.shelf.id,
                    "serials": "U-1",
                }
            )
        )
        wizard.action_add()
        lot = self.env["stock.lot"].search([("name", "=", "U-1")])
        self.assertEqual(lot.product_qty, 1)
        sheet = (
            self.env["serial.procurement.count.sheet.wizard"]
            .with_user(self.user)
            .create({"file_format": "csv", "location_id": self.shelf.id})
        )
        data = count_sheet_export(sheet).decode().replace(",U-1,1.0", ",U-1,0")
        sheet.write({"data": base64.b64encode(data.encode()), "filename": "count.csv"})
        sheet.action_import()
        self.assertEqual(lot.product_qty, 0)
