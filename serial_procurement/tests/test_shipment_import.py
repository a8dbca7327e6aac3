# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..tools import sheet_reader
from .common import SerialProcurementCase


def _csv(rows, delimiter=","):
    return "\n".join(delimiter.join(row) for row in rows).encode()


def _xlsx(rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestShipmentImport(SerialProcurementCase):
    """Issue #22 item 2: the distributor's shipment file onto the receipt."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.firewall.default_code = "FW-200"
        cls.firewall.seller_ids.product_code = "ACME-FW200"
        cls.switch.barcode = "4006381333931"
        cls.switch.seller_ids = [
            Command.clear(),
            Command.create({"partner_id": cls.vendor.id, "price": 190.0}),
        ]

    def setUp(self):
        super().setUp()
        self.order_a = self._create_quotation([(self.firewall, 2), (self.switch, 1)])
        self.ticket_a = self._create_ticket(self.order_a)
        self.order_b = self._create_quotation(
            [(self.firewall, 1)], partner=self.customer_b
        )
        self.ticket_b = self._create_ticket(self.order_b)
        (self.order_a | self.order_b).order_line.action_serial_order()
        self.rfq = self.ticket_a.purchase_order_ids.filtered(
            lambda o: o.partner_id == self.vendor
        )
        self.rfq.button_confirm()
        self.picking = self.rfq.picking_ids

    def _import(self, content, filename="asn.csv", picking=None):
        action = (picking or self.picking).action_serial_import_shipment()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"data": base64.b64encode(content), "filename": filename})
        )
        return wizard.action_import()

    def test_01_csv_fills_each_ticket_and_refs(self):
        rows = [
            ["Product", "Serial", "REF", "PO"],
            ["FW-200", "FW-1", "00:11:22:33:44:01", ""],
            ["ACME-FW200", "FW-2", "00:11:22:33:44:02", self.rfq.name],
            ["FW-200", "FW-3", "", ""],
            ["4006381333931", "SW-1", "", ""],
        ]
        self._import(_csv(rows))
        firewall_a = self.picking.move_ids.filtered(
            lambda m: (
                m.purchase_line_id.ticket_id == self.ticket_a
                and m.product_id == self.firewall
            )
        )
        firewall_b = self.picking.move_ids.filtered(
            lambda m: m.purchase_line_id.ticket_id == self.ticket_b
        )
        self.assertEqual(len(firewall_a.move_line_ids.filtered("lot_name")), 2)
        self.assertEqual(len(firewall_b.move_line_ids.filtered("lot_name")), 1)
        self.assertEqual(
            set(self.picking.move_line_ids.mapped("lot_name")),
            {"FW-1", "FW-2", "FW-3", "SW-1"},
        )
        self._validate(self.picking)
        self.assertEqual(self.picking.state, "done")
        lot = self.env["stock.lot"].search([("name", "=", "FW-1")])
        self.assertEqual(lot.ref, "00:11:22:33:44:01")
        self.assertEqual(len(self.ticket_a.lot_ids) + len(self.ticket_b.lot_ids), 4)
        self.assertEqual(len(self.ticket_b.lot_ids), 1)
        self.assertTrue(self.ticket_a.serial_all_received)

    def test_02_xlsx_and_semicolons(self):
        rows = [["serial", "product"], ["FW-X1", "FW-200"], [12345, "FW-200"]]
        self._import(_xlsx(rows), filename="asn.xlsx")
        self.assertEqual(
            sorted(self.picking.move_line_ids.filtered("lot_name").mapped("lot_name")),
            ["12345", "FW-X1"],
        )

    def test_03_semicolon_csv(self):
        rows = [["product", "serial"], ["FW-200", "FW-S1"]]
        self._import(_csv(rows, ";"))
        self.assertEqual(
            self.picking.move_line_ids.filtered("lot_name").mapped("lot_name"),
            ["FW-S1"],
        )

    def test_04_whole_file_refused_with_rows(self):
        self._put_in_stock(self.firewall, ["ON-HAND-1"])
        rows = [
            ["product", "serial"],
            ["FW-200", "OK-1"],
            ["NOPE", "X-1"],
            ["FW-200", "TWICE"],
            ["FW-200", "TWICE"],
            ["FW-200", "ON-HAND-1"],
        ]
        before = self.picking.move_line_ids.read(["lot_name", "quantity"])
        with self.assertRaises(UserError) as caught:
            self._import(_csv(rows))
        message = str(caught.exception)
        self.assertIn("nothing was imported", message)
        self.assertIn("Unknown product", message)
        self.assertIn("row(s) 3", message)
        self.assertIn("twice in the file — row(s) 4, 5", message)
        self.assertIn("already on hand or received before — row(s) 6", message)
        self.assertEqual(
            self.picking.move_line_ids.read(["lot_name", "quantity"]), before
        )

    def test_05_more_serials_than_units(self):
        rows = [["product", "serial"]] + [["FW-200", f"FW-{i}"] for i in range(4)]
        with self.assertRaisesRegex(
            UserError, "More serial numbers than units.*row\\(s\\) 5"
        ):
            self._import(_csv(rows))
        self.assertFalse(self.picking.move_line_ids.filtered("lot_name"))

    def test_06_unknown_po_and_missing_column(self):
        with self.assertRaisesRegex(UserError, "Purchase order not on this receipt"):
            self._import(_csv([["product", "serial", "po"], ["FW-200", "S-1", "P999"]]))
        with self.assertRaisesRegex(UserError, "misses the column"):
            self._import(_csv([["item", "serial"], ["FW-200", "S-1"]]))
        with self.assertRaisesRegex(UserError, "already on this receipt"):
            self._import(_csv([["product", "serial"], ["FW-200", "S-1"]]))
            self._import(_csv([["product", "serial"], ["FW-200", "S-1"]]))

    def test_07_hostile_files(self):
        with self.assertRaisesRegex(UserError, "not a readable XLSX"):
            self._import(b"PK\x03\x04broken", filename="asn.xlsx")
        with self.assertRaisesRegex(UserError, "UTF-8"):
            self._import("product,serial\nFW-200,\xe9\n".encode("latin-1"))
        with self.assertRaisesRegex(UserError, "longer than"):
            self._import(b"product,serial\nFW-200," + b"x" * 5000)
        with self.assertRaisesRegex(sheet_reader.SheetError, "more than"):
            sheet_reader.read_sheet(
                b"product,serial\n" + b"FW-200,S\n" * 11,
                ("product", "serial"),
                max_rows=10,
            )
        with self.assertRaisesRegex(UserError, "Upload"):
            self._import(b"")
        self.assertFalse(self.picking.move_line_ids.filtered("lot_name"))

    def test_08_xlsx_read_as_stored_headers_in_any_case(self):
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Product", "SERIAL", "Ref"])
        sheet.cell(row=300, column=1, value="FW-200")
        sheet.cell(row=300, column=2, value="FAR-1")
        buffer = io.BytesIO()
        book.save(buffer)
        self._import(buffer.getvalue(), filename="asn.xlsx")
        self.assertEqual(
            self.picking.move_line_ids.filtered("lot_name").mapped("lot_name"),
            ["FAR-1"],
        )

    def test_09_done_receipt_refused(self):
        self._import(
            _csv(
                [
                    ["product", "serial"],
                    ["FW-200", "D-1"],
                    ["FW-200", "D-2"],
                    ["FW-200", "D-3"],
                    ["4006381333931", "D-4"],
                ]
            )
        )
        self._validate(self.picking)
        with self.assertRaisesRegex(UserError, "already done"):
            self._import(_csv([["product", "serial"], ["FW-200", "D-9"]]))

    def test_10_other_company_receipt_refused(self):
        company_b = self.env["res.company"].create({"name": "Other MSP"})
        user = new_test_user(
            self.env,
            login="sp_asn_other",
            groups="stock.group_stock_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        with self.assertRaises(AccessError):
            self.picking.with_user(user).action_serial_import_shipment()
        Wizard = self.env["serial.procurement.shipment.import.wizard"]
        wizard = Wizard.create(
            {
                "picking_id": self.picking.id,
                "data": base64.b64encode(b"product,serial\nFW-200,X-1"),
                "filename": "asn.csv",
            }
        )
        with self.assertRaises(AccessError):
            wizard.with_user(user).action_import()
        self.assertFalse(self.picking.move_line_ids.filtered("lot_name"))
