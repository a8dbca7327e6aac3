# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the hardening of issue #9 accepts and how: normalised serials, the
unique index, releases, credit notes, safe exports, count sheets in slices."""

import base64
import csv
import io

import openpyxl
import psycopg2

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.stock_lot import UNIQUE_INDEX
from .common import SerialProcurementCase, count_sheet_export, draft_credit_note


@tagged("post_install", "-at_install")
class TestHardening(SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Hardening Shelf", "location_id": cls.stock_location.id}
        )
        cls.firewall.default_code = "FW-H"

    def _add(self, serials, location=None):
        self.env["serial.procurement.add.serials.wizard"].create(
            {
                "product_id": self.firewall.id,
                "location_id": (location or self.shelf).id,
                "serials": serials,
            }
        ).action_add()
        return self.env["stock.lot"].search(
            [("product_id", "=", self.firewall.id)], order="id desc", limit=1
        )

    def _sheet(self, rows, limit=None):
        text = "Product,Location,SerialOrBatch,Counted Quantity\n" + "\n".join(
            ",".join(row) for row in rows
        )
        return self.env["serial.procurement.count.sheet.wizard"].create(
            {"data": base64.b64encode(text.encode()), "filename": "count.csv"}
        )

    def _places(self, lot):
        return lot.quant_ids.filtered(
            lambda q: q.quantity > 0 and q.location_id.usage == "internal"
        ).location_id

    # ------------------------------------------------------------ names

    def test_names_trimmed_everywhere(self):
        # typed into a receipt line's serial field (bought before any serial
        # is in stock: free stock would leave nothing to buy)
        order = self._create_quotation([(self.firewall, 1)])
        move = self._purchase(self._create_ticket(order)).picking_ids.move_ids
        line = self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": move.picking_id.id,
                "product_id": self.firewall.id,
                "product_uom_id": self.firewall.uom_id.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "lot_name": " EXIST2 ",
                "quantity": 1,
            }
        )
        self.assertEqual(line.lot_name, "EXIST2")
        line.lot_name = "EXIST3\t"
        self.assertEqual(line.lot_name, "EXIST3")
        lot = self._add("  EXIST1 ")
        self.assertEqual(lot.name, "EXIST1")
        with self.assertRaisesRegex(UserError, "already exist"):
            self._add("EXIST1 ")
        lot.name = "  RENAMED\u00a0"
        self.assertEqual(lot.name, "RENAMED")

    def test_case_insensitive_setting(self):
        self._add("fw1")
        other = self._add("FW1")  # setting off: two serials
        with self.assertRaisesRegex(UserError, "fw1 / FW1"):
            self.company.serial_case_insensitive = True
        other.name = "FW2"
        self.company.serial_case_insensitive = True
        with self.assertRaisesRegex(UserError, "already exist"):
            self._add("Fw1")
        with self.assertRaisesRegex(UserError, "differing only by case"):
            self.env["stock.lot"].create(
                {
                    "name": "fW1",
                    "product_id": self.firewall.id,
                    "company_id": self.company.id,
                }
            )

    def test_confusable_warned(self):
        lot = self._add("\u0410BC-1")  # Cyrillic A
        self.assertTrue(lot.needs_review)
        self.assertIn("CYRILLIC", lot.message_ids[:1].body)
        plain = self._add("ABC-1")
        self.assertFalse(plain.needs_review)

    def test_unique_index_exists(self):
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = %s", [UNIQUE_INDEX]
        )
        self.assertTrue(self.env.cr.rowcount)
        self.assertEqual(self.env["stock.lot"]._serial_duplicate_names(), [])
        self.assertTrue(self.env["stock.lot"]._serial_create_unique_index())

    # ------------------------------------------------------------ tickets

    def _received_ticket(self, serials="H-1"):
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        self._receive(self._purchase(ticket), self.firewall, serials)
        return ticket

    def test_manager_release_logged_then_lot_free(self):
        ticket = self._received_ticket("REL-1")
        lot = ticket.lot_ids
        lot.action_release_ticket()
        self.assertFalse(lot.ticket_id)
        self.assertFalse(lot.sale_line_id)
        self.assertIn("REL-1", ticket.message_ids[:1].body)
        self.assertIn("released", ticket.message_ids[:1].body)
        lot._check_ticket_reservation()  # no longer reserved: no error

    def test_credit_note_frees_the_serial(self):
        ticket = self._received_ticket("CN-1")
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        lot = ticket.lot_ids
        self.assertEqual(lot.customer_invoice_line_id.move_id, invoice)
        refund = draft_credit_note(invoice)
        refund.action_post()
        self.assertFalse(lot.customer_invoice_line_id)
        second = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.firewall.id,
                            "quantity": 1,
                            "price_unit": 1.0,
                            "lot_ids": [Command.set(lot.ids)],
                        }
                    )
                ],
            }
        )
        second.action_post()
        self.assertEqual(lot.customer_invoice_line_id.move_id, second)

    def test_reset_to_draft_frees_the_serial(self):
        ticket = self._received_ticket("DR-1")
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        invoice.button_draft()
        self.assertFalse(ticket.lot_ids.customer_invoice_line_id)
        invoice.action_post()
        self.assertTrue(ticket.lot_ids.customer_invoice_line_id)

    def test_ticket_delivery_takes_its_own_serial(self):
        ticket = self._received_ticket("OWN-1")
        delivery = ticket.sale_order_id.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )
        self.assertEqual(delivery.move_line_ids.lot_id, ticket.lot_ids)
        self._validate(delivery)
        self.assertEqual(delivery.state, "done")

    # ------------------------------------------------------------ count sheet

    def test_export_neutralises_formulas(self):
        # (a comma separates serials when typed: the formula comes by a rename)
        self._add("F-1").name = '=HYPERLINK("http://evil","x")'
        self._add("+SUM(1)")
        for file_format in ("csv", "xlsx"):
            wizard = self.env["serial.procurement.count.sheet.wizard"].create(
                {"file_format": file_format, "location_id": self.shelf.id}
            )
            content = count_sheet_export(wizard)
            wizard.write(
                {
                    "data": base64.b64encode(content),
                    "filename": f"count_sheet.{file_format}",
                }
            )
            if file_format == "csv":
                rows = list(csv.reader(io.StringIO(content.decode())))
            else:
                book = openpyxl.load_workbook(io.BytesIO(content))
                rows = [list(r) for r in book.active.iter_rows(values_only=True)]
                formulas = [
                    cell.value
                    for row in book.active.iter_rows()
                    for cell in row
                    if cell.data_type == "f"
                ]
                self.assertEqual(formulas, [])
            serials = {row[2] for row in rows[1:]}
            self.assertIn('\'=HYPERLINK("http://evil","x")', serials)
            self.assertIn("'+SUM(1)", serials)
        # Read back, the apostrophe is dropped: the serial matches.
        wizard.action_import()
        lot = self.env["stock.lot"].search([("name", "=", "+SUM(1)")])
        self.assertEqual(self._places(lot), self.shelf)

    def test_serial_moved_in_one_sheet(self):
        lot = self._add("MV-1", self.stock_location)
        self._sheet(
            [
                ["FW-H", self.stock_location.complete_name, "MV-1", "0"],
                ["FW-H", self.shelf.complete_name, "MV-1", "1"],
            ]
        ).action_import()
        self.assertEqual(self._places(lot), self.shelf)

    def test_import_in_slices(self):
        shelf = self.shelf.complete_name
        wizard = self._sheet([["FW-H", shelf, f"SL-{i}", "1"] for i in range(5)])
        self.assertEqual(wizard.action_check(), 5)
        self.assertFalse(self.env["stock.lot"].search([("name", "=like", "SL-%")]))
        done = [wizard.import_count_slice(offset, 2) for offset in (0, 2, 4, 6)]
        self.assertEqual(done, [2, 2, 1, 0])
        lots = self.env["stock.lot"].search([("name", "=like", "SL-%")])
        self.assertEqual(len(lots), 5)
        self.assertEqual(sum(lots.mapped("product_qty")), 5)

    # ------------------------------------------------------------ F18

    def test_tracking_refusal_hides_other_companies(self):
        company_b = self.env["res.company"].create({"name": "Hidden Co"})
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        product = self.env["product.product"].create(
            {"name": "Shared Cable", "is_storable": True}
        )
        self.env["stock.quant"].with_company(company_b)._update_available_quantity(
            product, warehouse_b.lot_stock_id, 3
        )
        user = self._create_user("sp_h_stock", "stock.group_stock_manager")
        with self.assertRaises(UserError) as info:
            product.product_tmpl_id.with_user(user).write({"tracking": "lot"})
        message = str(info.exception)
        self.assertNotIn(warehouse_b.lot_stock_id.complete_name, message)
        self.assertIn("another company", message)

    # ------------------------------------------------------------ one place

    def _check_one_place_now(self):
        self.env.flush_all()
        self.env.cr.execute("SET CONSTRAINTS stock_quant_serial_one_place IMMEDIATE")
        self.env.cr.execute("SET CONSTRAINTS stock_quant_serial_one_place DEFERRED")

    def test_database_keeps_a_serial_in_one_place(self):
        Quant = self.env["stock.quant"]
        lot = self._add("ONE-1", self.stock_location)
        self._check_one_place_now()  # opening stock in one place: fine
        with self.assertRaisesRegex(psycopg2.errors.CheckViolation, "ONE-1"):
            with self.env.cr.savepoint():
                Quant._update_available_quantity(
                    self.firewall, self.shelf, 1, lot_id=lot
                )
                self._check_one_place_now()
        self.env.invalidate_all()
        # Into the new place first, out of the old one next: fine at commit.
        Quant._update_available_quantity(self.firewall, self.shelf, 1, lot_id=lot)
        Quant._update_available_quantity(
            self.firewall, self.stock_location, -1, lot_id=lot
        )
        self._check_one_place_now()
        self.assertEqual(self._places(lot), self.shelf)
