# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

from odoo import Command
from odoo.tests import new_test_user
from odoo.tools.pdf import PdfFileReader

from .common import SerialLifecycleCommon


class TestReports(SerialLifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Broken firewall",
                "description": "x",
                "partner_id": cls.customer.id,
            }
        )
        cls.order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_qty": 1,
                            "price_unit": 10,
                        }
                    )
                ],
            }
        )
        cls.lots = cls._adjust_in(cls.product, ["H-1", "H-2", "H-3"])
        cls.lots[0].write(
            {
                "ticket_id": cls.ticket.id,
                "customer_id": cls.customer.id,
                "supplier_id": cls.vendor.id,
                "purchase_order_id": cls.order.id,
            }
        )
        cls.lots[1].write({"supplier_id": cls.vendor.id})

    def test_history_report_renders(self):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_procurement.action_report_serial_history", self.lots[:2].ids
        )
        html = html.decode()
        self.assertIn("H-1", html)
        self.assertIn("H-2", html)
        self.assertIn("Broken firewall", html)
        self.assertIn("Lifecycle Customer", html)
        report = self.env.ref("serial_procurement.action_report_serial_history")
        self.assertEqual(report.binding_model_id.model, "stock.lot")

    def _render_history_pdf(self, lots):
        Report = self.env["ir.actions.report"]
        if Report.get_wkhtmltopdf_state() != "ok":
            self.skipTest(
                "wkhtmltopdf is not installed: the PDF file is not rendered here "
                "(test_history_report_renders checks its content as HTML)"
            )
        # No web server answers in a test transaction: let wkhtmltopdf fail fast
        # on the page assets (the PDF is still produced, without styles).
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            "serial_procurement.action_report_serial_history", lots.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def test_history_report_pdf_one_serial(self):
        self._render_history_pdf(self.lots[:1])

    def test_history_report_pdf_many_serials(self):
        """Several serials print as one document (one page each): Debian's
        wkhtmltopdf, built without Odoo's patched Qt, prints one HTML document
        per PDF only."""
        pdf = self._render_history_pdf(self.lots[:2])
        pages = len(PdfFileReader(io.BytesIO(pdf)).pages)
        self.assertGreaterEqual(pages, 2, "each serial starts on its own page")

    def test_sold_report(self):
        Report = self.env["serial.procurement.sold.report"]
        self.assertFalse(Report.search([("lot_id", "in", self.lots.ids)]))
        invoice = self._invoice(self.product, 2, lots=self.lots[:2])
        invoice.action_post()
        picking = self._picking(
            self.warehouse.out_type_id, self.stock, self.customers, self.product, 1
        )
        self._set_lines(picking, [{"lot_id": self.lots[2].id, "quantity": 1}])
        picking.button_validate()
        self.env.flush_all()
        rows = Report.search([("lot_id", "in", self.lots.ids)])
        invoiced = rows.filtered(lambda r: r.kind == "invoiced")
        self.assertEqual(invoiced.lot_id, self.lots[:2])
        self.assertEqual(invoiced.invoice_id, invoice)
        self.assertEqual(invoiced.customer_id, self.customer)
        self.assertEqual(invoiced.vendor_id, self.vendor)
        self.assertEqual(invoiced.mapped("quantity"), [1.0, 1.0])
        self.assertEqual(invoiced.mapped("amount"), [100.0, 100.0])
        delivered = rows.filtered(lambda r: r.kind == "delivered")
        self.assertEqual(delivered.lot_id, self.lots[2])
        self.assertEqual(delivered.picking_id, picking)
        self.assertEqual(delivered.customer_id, self.customer)
        # searchable by serial, groupable by customer
        self.assertEqual(
            Report.search([("serial", "ilike", "H-2")]).lot_id, self.lots[1]
        )
        groups = Report.read_group(
            [("lot_id", "in", self.lots.ids)], ["quantity:sum"], ["customer_id"]
        )
        self.assertEqual(groups[0]["quantity"], 3.0)
        # a draft invoice does not count
        draft = self._invoice(self.product, 1, lots=self.lots[2])
        self.env.flush_all()
        self.assertFalse(Report.search([("invoice_id", "=", draft.id)]))

    def test_sold_report_multi_company(self):
        Report = self.env["serial.procurement.sold.report"]
        other = self.env["res.company"].create({"name": "Other Serial Co"})
        self.env.user.company_ids |= other
        env2 = self.env(context=dict(self.env.context, allowed_company_ids=[other.id]))
        warehouse = env2["stock.warehouse"].search(
            [("company_id", "=", other.id)], limit=1
        )
        lot = env2["stock.lot"].create(
            {"name": "MC-1", "product_id": self.product.id, "company_id": other.id}
        )
        env2["stock.quant"]._update_available_quantity(
            self.product, warehouse.lot_stock_id, 1, lot_id=lot
        )
        picking = env2["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.customers.id,
                "partner_id": self.customer.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "x",
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "product_uom": self.product.uom_id.id,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": self.customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        env2["stock.move.line"].create(
            {
                "move_id": picking.move_ids.id,
                "picking_id": picking.id,
                "product_id": self.product.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.customers.id,
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.env.flush_all()
        self.assertTrue(Report.sudo().search([("serial", "=", "MC-1")]))
        self.assertTrue(
            Report.with_user(self.user).search([("serial", "=", "H-1")]) is not None
        )
        self.assertFalse(Report.with_user(self.user).search([("serial", "=", "MC-1")]))
        rule = self.env.ref(
            "serial_procurement.serial_procurement_sold_report_rule_company"
        )
        self.assertIn("company_ids", rule.domain_force)


class TestSerialEnquiry(SerialLifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Quokka network outage",
                "description": "x",
                "partner_id": cls.customer.id,
            }
        )
        cls.order = cls.env["purchase.order"].create({"partner_id": cls.vendor.id})
        names = ["E-CUST", "E-SUPP", "E-TICK", "E-PO", "E-INV", "E-NONE"]
        cls.lots = {
            name: cls.env["stock.lot"].create(
                {
                    "name": name,
                    "product_id": cls.product.id,
                    "company_id": cls.company.id,
                }
            )
            for name in names
        }
        cls.zebra = cls.env["res.partner"].create({"name": "Zebra Imports"})
        cls.lots["E-CUST"].customer_id = cls.customer
        cls.lots["E-SUPP"].supplier_id = cls.zebra
        cls.lots["E-TICK"].ticket_id = cls.ticket
        cls.lots["E-PO"].purchase_order_id = cls.order
        cls.invoice = cls._invoice(cls, cls.product, 1, lots=cls.lots["E-INV"])
        cls.invoice.action_post()

    def _enquire(self, text):
        return self.env["stock.lot"].search([("serial_enquiry", "ilike", text)])

    def test_by_serial(self):
        self.assertEqual(self._enquire("E-NON"), self.lots["E-NONE"])

    def test_by_customer(self):
        self.assertIn(self.lots["E-CUST"], self._enquire("Lifecycle Cust"))

    def test_by_supplier(self):
        self.assertEqual(self._enquire("Zebra"), self.lots["E-SUPP"])

    def test_by_ticket(self):
        self.assertEqual(self._enquire("Quokka"), self.lots["E-TICK"])

    def test_by_purchase_order(self):
        self.assertEqual(self._enquire(self.order.name), self.lots["E-PO"])

    def test_by_invoice(self):
        self.assertEqual(self._enquire(self.invoice.name), self.lots["E-INV"])

    def test_no_match(self):
        self.assertFalse(self._enquire("no-such-thing-anywhere"))

    def test_by_ticket_number_exact(self):
        found = self.env["stock.lot"].search(
            [("serial_enquiry", "=", self.ticket.number)]
        )
        self.assertEqual(found, self.lots["E-TICK"])

    def test_stock_user_without_invoice_rights(self):
        """A plain inventory user enquires too; invoices they may not read are
        skipped instead of breaking the search."""
        clerk = new_test_user(
            self.env, login="sp_enquiry_clerk", groups="stock.group_stock_user"
        )
        self.assertFalse(self.env["account.move"].with_user(clerk).has_access("read"))
        lots = self.env["stock.lot"].with_user(clerk)
        self.assertEqual(
            lots.search([("serial_enquiry", "ilike", "Zebra")]), self.lots["E-SUPP"]
        )
        self.assertFalse(lots.search([("serial_enquiry", "ilike", self.invoice.name)]))

    def test_enquiry_search_view_and_indexes(self):
        action = self.env.ref("serial_procurement.stock_lot_action_enquiry")
        arch = self.env["stock.lot"].get_view(action.search_view_id.id, "search")[
            "arch"
        ]
        self.assertIn('name="serial_enquiry"', arch)
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'stock_lot'"
        )
        indexes = " ".join(row[0] for row in self.env.cr.fetchall())
        for column in ("customer_id", "supplier_id", "ticket_id", "purchase_order_id"):
            self.assertIn(f"({column})", indexes)
        self.assertIn("gin_trgm_ops", indexes)
