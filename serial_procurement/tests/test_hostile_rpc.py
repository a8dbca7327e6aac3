# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attacks of the third audit (issue #18) sent the way an intruder sends them:
JSON-RPC over a real HTTP session (``/web/dataset/call_kw``), as a Helpdesk-only
user of another company, a portal user, and with no records or too many. Each
ends in a clean error (UserError / AccessError and friends, never a
``ValueError``) that names nothing the user may not read."""

import base64
import csv
import inspect
import io
import zipfile
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.stock_lot import PORTAL_FIELDS
from ..tools import sheet_reader
from .common import SerialAfterSaleCommon, call_kw_over_http

CLEAN_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
}
# Methods of the addon's models that an RPC may call but that are the ORM's
# (create, write...) or stock-side (helper "guards"): not called here.
NOT_CALLED = {"create", "write", "unlink", "copy", "default_get", "onchange"}


class RpcMixin:
    def _rpc(self, model, method, *args, **kwargs):
        """(result, error data) of a call_kw over HTTP, as the logged-in user."""
        body, response = call_kw_over_http(self, model, method, list(args), kwargs)
        if "error" in body:
            return None, body["error"]["data"], response.text
        return body.get("result"), None, response.text


@tagged("post_install", "-at_install")
class TestHostileRpcServiceTickets(RpcMixin, HttpCase, SerialAfterSaleCommon):
    """#18 item 3: a Helpdesk-only user of company A names on a service ticket
    a serial of company B (delivered to B's customer) it cannot read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.env["res.company"].create({"name": "Hostile Co B"})
        cls.secret_customer = cls.env["res.partner"].create(
            {
                "name": "Secret Customer B",
                "email": "secret-b@example.com",
                "is_company": True,
                "company_id": cls.company_b.id,
            }
        )
        cls.lot_a = cls._receive_serials(["RPC-A1"])
        cls._deliver_serials(cls.lot_a, cls.customer)
        cls.lot_b = cls._company_b_serial("RPC-SECRET-B1")
        cls.helpdesk = new_test_user(
            cls.env,
            login="sp_rpc_helpdesk",
            password="sp_rpc_helpdesk",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )

    @classmethod
    def _company_b_serial(cls, name):
        """A serial of company B, received and delivered to B's customer."""
        env = cls.env
        cls.env = env(context=dict(env.context, allowed_company_ids=cls.company_b.ids))
        try:
            warehouse = cls.env["stock.warehouse"].search(
                [("company_id", "=", cls.company_b.id)], limit=1
            )
            picking = cls._move_serials(
                warehouse.in_type_id,
                cls.suppliers,
                warehouse.lot_stock_id,
                cls.vendor,
                names=[name],
            )
            lot = picking.move_line_ids.lot_id
            cls._move_serials(
                warehouse.out_type_id,
                warehouse.lot_stock_id,
                cls.customers,
                cls.secret_customer,
                lots=lot,
            )
        finally:
            cls.env = env
        return lot.with_env(env)

    def setUp(self):
        super().setUp()
        self.assertEqual(self.lot_b.company_id, self.company_b)
        self.assertEqual(self.lot_b.delivered_partner_id, self.secret_customer)
        self.assertFalse(self.lot_b.with_user(self.helpdesk).has_access("read"))
        self.authenticate("sp_rpc_helpdesk", "sp_rpc_helpdesk")

    def _assert_no_leak(self, text):
        for secret in ("RPC-SECRET-B1", "Secret Customer B", "secret-b@example"):
            self.assertNotIn(secret, text)

    def _tickets_named(self, name):
        return self.env["helpdesk.ticket"].search_count([("name", "=", name)])

    def test_create_with_an_unreadable_serial_is_refused_without_naming_it(self):
        for partner in (False, self.customer.id):
            _result, error, text = self._rpc(
                "helpdesk.ticket",
                "create",
                [
                    {
                        "name": "Probe",
                        "description": "x",
                        "partner_id": partner,
                        "service_lot_ids": [[6, 0, [self.lot_b.id]]],
                    }
                ],
            )
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            self.assertIn("serials you can see", error["message"])
            self._assert_no_leak(text)
        self.assertEqual(self._tickets_named("Probe"), 0)

    def test_ids_of_no_serial_get_the_same_answer(self):
        _result, error, text = self._rpc(
            "helpdesk.ticket",
            "create",
            [{"name": "Probe", "description": "x", "service_lot_ids": [[4, 999999]]}],
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertIn("serials you can see", error["message"])

    def test_link_on_an_existing_ticket_is_refused(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Mine",
                "description": "x",
                "service_lot_ids": [Command.set(self.lot_a.ids)],
            }
        )
        for command in ([4, self.lot_b.id], [6, 0, [self.lot_b.id]]):
            _result, error, text = self._rpc(
                "helpdesk.ticket",
                "write",
                [ticket.id],
                {"service_lot_ids": [command]},
            )
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            self._assert_no_leak(text)
        self.assertEqual(ticket.service_lot_ids, self.lot_a)

    def test_onchange_does_not_fill_the_customer_of_an_unreadable_serial(self):
        _result, error, text = self._rpc(
            "helpdesk.ticket",
            "onchange",
            [],
            {"service_lot_ids": [[6, 0, [self.lot_b.id]]]},
            ["service_lot_ids"],
            {
                "partner_id": {"fields": {"display_name": {}, "email": {}}},
                "partner_name": {},
                "partner_email": {},
                "service_lot_ids": {"fields": {"display_name": {}}},
            },
        )
        self.assertEqual(error and error["name"], "odoo.exceptions.AccessError")
        self._assert_no_leak(text)

    def test_readable_serial_fills_the_customer_over_rpc(self):
        result, error, _text = self._rpc(
            "helpdesk.ticket",
            "create",
            [
                {
                    "name": "Service",
                    "description": "x",
                    "service_lot_ids": [[6, 0, self.lot_a.ids]],
                }
            ],
        )
        self.assertIsNone(error)
        ticket = self.env["helpdesk.ticket"].browse(result)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.service_lot_ids, self.lot_a)

    def test_readable_serial_of_another_customer_is_named(self):
        other = self._receive_serials(["RPC-A2"])
        self._deliver_serials(other, self.other_customer)
        _result, error, _text = self._rpc(
            "helpdesk.ticket",
            "create",
            [
                {
                    "name": "Wrong",
                    "description": "x",
                    "partner_id": self.customer.id,
                    "service_lot_ids": [[6, 0, other.ids]],
                }
            ],
        )
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn("RPC-A2 belongs to another customer", error["message"])
        self.assertNotIn(self.other_customer.name, error["message"])


@tagged("post_install", "-at_install")
class TestHostileRpcPortal(RpcMixin, HttpCase, SerialAfterSaleCommon):
    """#18 item 4: a portal user reads its own device over JSON-RPC: what the
    My Devices page shows, none of the purchasing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret_vendor = cls.env["res.partner"].create(
            {"name": "Secret Vendor Ltd", "is_company": True}
        )
        cls.device = cls._receive_serials(["RPC-DEV-1"], vendor=cls.secret_vendor)
        cls._deliver_serials(cls.device, cls.customer)
        cls.device.sudo().write(
            {"supplier_id": cls.secret_vendor.id, "ref": "INTERNAL-REF-9"}
        )
        cls.portal = new_test_user(
            cls.env,
            login="sp_rpc_portal",
            password="sp_rpc_portal",
            groups="base.group_portal",
        )
        cls.portal.partner_id = cls.customer_contact

    def setUp(self):
        super().setUp()
        self.authenticate("sp_rpc_portal", "sp_rpc_portal")

    def test_purchase_side_fields_are_refused(self):
        for field in (
            "supplier_id",
            "purchase_order_id",
            "purchase_order_ids",
            "receipt_ids",
            "invoice_line_ids",
            "customer_invoice_line_id",
            "standard_price",
            "avg_cost",
            "total_value",
            "vendor_warranty_end",
            "vendor_warranty_state",
            "serial_received_date",
            "ref",
            "quant_ids",
        ):
            if field not in self.env["stock.lot"]._fields:
                continue
            _result, error, text = self._rpc(
                "stock.lot", "read", self.device.ids, [field]
            )
            self.assertEqual(error and error["name"], "odoo.exceptions.AccessError")
            self.assertNotIn("Secret Vendor", text)
        _result, error, _text = self._rpc(
            "stock.lot",
            "search_read",
            [("supplier_id.name", "ilike", "Secret")],
            ["name"],
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")

    def test_read_of_every_field_gives_only_what_the_page_shows(self):
        result, error, text = self._rpc("stock.lot", "read", self.device.ids)
        self.assertIsNone(error)
        self.assertLessEqual(set(result[0]), PORTAL_FIELDS)
        self.assertNotIn("Secret Vendor", text)
        self.assertNotIn("INTERNAL-REF-9", text)
        result, error, _text = self._rpc(
            "stock.lot",
            "web_search_read",
            domain=[],
            specification={
                "name": {},
                "product_id": {"fields": {"display_name": {}}},
                "serial_sold_date": {},
                "customer_warranty_end": {},
                "warranty_state": {},
                "service_ticket_ids": {},
            },
        )
        self.assertIsNone(error)
        self.assertEqual([r["name"] for r in result["records"]], ["RPC-DEV-1"])
        self.assertEqual(result["records"][0]["warranty_state"], "under")

    def test_pages_still_work(self):
        page = self.url_open("/my/devices")
        self.assertEqual(page.status_code, 200)
        self.assertIn("RPC-DEV-1", page.text)
        self.assertNotIn("Secret Vendor", page.text)
        page = self.url_open(f"/my/devices/{self.device.id}/ticket")
        self.assertEqual(page.status_code, 200)
        self.assertIn("RPC-DEV-1", page.text)

    def test_internal_users_still_read_the_purchasing(self):
        self.assertEqual(
            self.device.with_user(self.user).read(["supplier_id"])[0]["supplier_id"][0],
            self.secret_vendor.id,
        )

    def test_related_fields_of_other_models_keep_their_groups(self):
        """The portal restriction is a check of stock.lot's field rights, not a
        change of its fields: the fields (and the fields of other models
        related to them) keep core's groups, whatever order the registry sets
        the models up in, and the check is for share users only."""
        for model, name in (
            ("stock.quant", "lot_properties"),
            ("stock.quant", "expiration_date"),
            ("stock.quant", "removal_date"),
            ("stock.move.line", "is_expired"),
        ):
            with self.subTest(field=f"{model}.{name}"):
                field = self.env[model]._fields[name]
                self.assertFalse(field.groups)
                self.assertFalse(field.related_field.groups)
        lots = self.env["stock.lot"]
        self.assertFalse(lots._fields["supplier_id"].groups)
        self.assertIn(
            "supplier_id",
            lots.with_user(self.user).check_field_access_rights("read", None),
        )
        self.assertNotIn(
            "supplier_id",
            lots.with_user(self.portal).check_field_access_rights("read", None),
        )


@tagged("post_install", "-at_install")
class TestHostileRpcRecordCount(RpcMixin, HttpCase, SerialAfterSaleCommon):
    """#18 item 10 (wizards, tickets, estimates, invoices): every public method
    the addons define, called over RPC with no record or with two (ids of no
    record: nothing real is touched), ends in a clean error, never in
    ``ValueError: Expected singleton``."""

    MODELS = (
        "helpdesk.ticket",
        "sale.order",
        "account.move",
        "account.move.line",
        "purchase.order",
        "serial.procurement.deposit.wizard",
        "serial.procurement.serial.entry.wizard",
        "serial.procurement.correct.serial.wizard",
        "serial.procurement.add.serials.wizard",
        "serial.procurement.count.sheet.wizard",
        "serial.procurement.allocate.stock.wizard",
        "serial.procurement.ticket.material.wizard",
        "serial.procurement.rma.replacement.wizard",
        "serial.procurement.produce.serial.wizard",
        "serial.procurement.shipment.import.wizard",
        "serial.procurement.rules.wizard",
        "stock.picking",
    )

    def _public_methods(self, model_name):
        """{name: number of required arguments} of the public record methods
        the addons define on the model."""
        if model_name not in self.env:
            return {}
        names = {}
        for cls in type(self.env[model_name]).__mro__:
            if not cls.__module__.startswith("odoo.addons.serial_procurement"):
                continue
            for name, attr in vars(cls).items():
                if name.startswith("_") or name in NOT_CALLED or not callable(attr):
                    continue
                if getattr(attr, "_api", None) == "model" or name in names:
                    continue
                params = list(inspect.signature(attr).parameters.values())[1:]
                names[name] = sum(
                    1
                    for p in params
                    if p.default is p.empty
                    and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                )
        return names

    def test_no_record_or_two_give_a_clean_error(self):
        self.authenticate("admin", "admin")
        called = []
        for model_name in self.MODELS:
            for method, required in sorted(self._public_methods(model_name).items()):
                for ids in ([], [999998, 999999]):
                    _result, error, _text = self._rpc(
                        model_name, method, ids, *([[]] * required)
                    )
                    called.append(f"{model_name}.{method}({ids})")
                    if error is None:
                        continue  # nothing to do for no record: a clean no-op
                    self.assertIn(
                        error["name"],
                        CLEAN_ERRORS,
                        f"{model_name}.{method}({ids}): {error['message']}",
                    )
        self.assertIn("helpdesk.ticket.action_make_invoice([])", called)
        self.assertIn(
            "serial.procurement.count.sheet.wizard.import_count_rows([])", called
        )

    def test_count_sheet_import_rows_without_record(self):
        self.authenticate("admin", "admin")
        _result, error, _text = self._rpc(
            "serial.procurement.count.sheet.wizard", "import_count_rows", [], []
        )
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("one Stock Take Count Sheet at a time", error["message"])


@tagged("post_install", "-at_install")
class TestHostileRpcFiles(RpcMixin, HttpCase, SerialAfterSaleCommon):
    """#18 item 9: hostile count sheets sent over RPC to the wizard. Each one
    is read in bounded time and memory or refused with a UserError saying what
    to fix; nothing is written."""

    HEADER = "Product,Location,SerialOrBatch,Counted Quantity"

    def setUp(self):
        super().setUp()
        self.authenticate("admin", "admin")

    def _wizard(self, content, filename):
        result, error, _text = self._rpc(
            "serial.procurement.count.sheet.wizard",
            "create",
            [{"data": base64.b64encode(content).decode(), "filename": filename}],
        )
        return result and result[0], error

    def _check(self, content, filename="count.csv", method="action_check"):
        wizard_id, error = self._wizard(content, filename)
        if error:
            return None, error
        result, error, _text = self._rpc(
            "serial.procurement.count.sheet.wizard", method, [wizard_id]
        )
        return result, error

    def _state(self):
        return (
            self.env["stock.lot"].search_count([]),
            self.env["stock.quant"].search_count([]),
            self.env["stock.move"].search_count([]),
        )

    def _refused(self, content, expected, filename="count.csv"):
        before = self._state()
        _result, error = self._check(content, filename, method="action_import")
        self.assertEqual(error and error["name"], "odoo.exceptions.UserError")
        self.assertIn(expected, error["message"])
        self.assertEqual(self._state(), before, "nothing written")
        return error["message"]

    def test_semicolon_and_tab_sheets_are_imported(self):
        place = self.shelf.complete_name
        for separator, serial in ((";", "SEMI-1"), ("\t", "TAB-1")):
            lines = [
                self.HEADER.replace(",", separator),
                separator.join(["SER-ROUTER", place, serial, "1"]),
            ]
            _result, error = self._check(
                "\n".join(lines).encode(), method="action_import"
            )
            self.assertIsNone(error)
            lot = self.env["stock.lot"].search([("name", "=", serial)])
            on_hand = lot.quant_ids.filtered(lambda q: q.quantity > 0)
            self.assertEqual(on_hand.location_id, self.shelf)

    def test_cell_over_the_csv_field_limit(self):
        big = "x" * (csv.field_size_limit() + 1)
        message = self._refused(
            f'{self.HEADER}\nSER-ROUTER,S,"{big}",1\n'.encode(), "longer than"
        )
        self.assertIn("Line 2", message)

    def test_malformed_files_say_what_to_fix(self):
        for content, expected in (
            (b"", "Upload a count sheet first"),
            (b"\x00\x01junk\x00", "neither a CSV nor an XLSX"),
            ("é;ü\n".encode("latin-1"), "UTF-8"),
            (b"Serial\nX\n", "misses the column(s)"),
            (b"PK\x03\x04junk", "not a readable XLSX"),
        ):
            self._refused(content, expected)

    def test_xlsx_declaring_the_whole_sheet_is_read_as_stored(self):
        import openpyxl

        book = openpyxl.Workbook()
        book.active.append(self.HEADER.split(","))
        book.active.append(["SER-ROUTER", self.shelf.complete_name, "WIDE-1", 1])
        buffer = io.BytesIO()
        book.save(buffer)
        source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    xml = data.decode()
                    start = xml.index("<dimension")
                    end = xml.index("/>", start) + 2
                    data = (
                        xml[:start] + '<dimension ref="A1:XFD1048576"/>' + xml[end:]
                    ).encode()
                target.writestr(info.filename, data)
        content = out.getvalue()
        self.assertLess(len(content), 10_000)
        result, error = self._check(content, "count.xlsx")
        self.assertIsNone(error)
        self.assertEqual(result, 1, "one row checked")

    def test_upload_over_the_size_cap_is_refused_before_it_is_stored(self):
        count = self.env["serial.procurement.count.sheet.wizard"].search_count([])
        with patch.object(sheet_reader, "MAX_BYTES", 1000):
            _result, error = self._wizard(b"x" * 2000, "count.csv")
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("the maximum is", error["message"])
        self.assertEqual(
            self.env["serial.procurement.count.sheet.wizard"].search_count([]), count
        )
