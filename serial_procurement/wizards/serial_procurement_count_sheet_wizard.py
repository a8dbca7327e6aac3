# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

HEADER = ["Product", "Location", "SerialOrBatch", "Counted Quantity"]


class SerialProcurementCountSheetWizard(models.TransientModel):
    """Stock take count sheet with a SerialOrBatch column, in CSV or XLSX.

    Export writes the quantities on hand; import validates every row first and
    imports nothing when any row is wrong, then applies the counts."""

    _name = "serial.procurement.count.sheet.wizard"
    _description = "Stock Take Count Sheet"

    file_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "Excel (XLSX)")], default="xlsx", required=True
    )
    location_id = fields.Many2one(
        comodel_name="stock.location",
        domain="[('usage', '=', 'internal')]",
        help="Export this location and its children only; all internal locations when empty.",
    )
    product_ids = fields.Many2many(comodel_name="product.product", string="Products")
    data = fields.Binary(string="Count Sheet", attachment=False)
    filename = fields.Char()

    # ---------------------------------------------------------------- export

    def _export_rows(self):
        domain = [("location_id.usage", "=", "internal"), ("quantity", "!=", 0)]
        if self.location_id:
            domain.append(("location_id", "child_of", self.location_id.id))
        if self.product_ids:
            domain.append(("product_id", "in", self.product_ids.ids))
        quants = self.env["stock.quant"].search(domain, order="location_id, product_id, lot_id")
        return [
            [
                q.product_id.default_code or q.product_id.name,
                q.location_id.complete_name,
                q.lot_id.name or "",
                q.quantity,
            ]
            for q in quants
        ]

    def action_export(self):
        self.ensure_one()
        rows = self._export_rows()
        if self.file_format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(HEADER)
            writer.writerows(rows)
            content = buffer.getvalue().encode("utf-8")
        else:
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "Count Sheet"
            sheet.append(HEADER)
            for row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            content = buffer.getvalue()
        self.write(
            {
                "data": base64.b64encode(content),
                "filename": f"count_sheet.{self.file_format}",
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    # ---------------------------------------------------------------- import

    def _read_rows(self):
        """Return (row number, [cells]) of the data rows of the uploaded sheet."""
        if not self.data:
            raise UserError(self.env._("Upload a count sheet first."))
        content = base64.b64decode(self.data)
        name = (self.filename or "").lower()
        if name.endswith(".xlsx") or content[:2] == b"PK":
            import openpyxl

            try:
                book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            except Exception as error:
                raise UserError(self.env._("This file is not a readable XLSX file.")) from error
            rows = [list(row) for row in book.active.iter_rows(values_only=True)]
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise UserError(self.env._("The CSV file must be UTF-8 encoded.")) from error
            rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise UserError(self.env._("The count sheet is empty."))
        header = [str(cell or "").strip() for cell in rows[0]]
        missing = [col for col in HEADER if col not in header]
        if missing:
            raise UserError(
                self.env._(
                    "The count sheet misses the column(s): %(columns)s.", columns=", ".join(missing)
                )
            )
        index = {col: header.index(col) for col in HEADER}
        result = []
        for number, row in enumerate(rows[1:], start=2):
            cells = [row[index[col]] if index[col] < len(row) else None for col in HEADER]
            if all(cell in (None, "") for cell in cells):
                continue
            result.append((number, cells))
        return result

    def _validate_rows(self, rows):
        """Check every row; return the parsed rows or raise with all errors."""
        Product = self.env["product.product"]
        Location = self.env["stock.location"]
        Lot = self.env["stock.lot"]
        errors, parsed, seen = [], [], set()
        for number, (product_ref, location_ref, serial, qty_cell) in rows:
            product_ref = str(product_ref or "").strip()
            location_ref = str(location_ref or "").strip()
            serial = str(serial or "").strip()
            row_errors = []
            product = (
                Product.search([("default_code", "=", product_ref)], limit=2)
                if product_ref
                else Product
            )
            if not product and product_ref:
                product = Product.search([("name", "=", product_ref)], limit=2)
            if len(product) > 1:
                row_errors.append(self.env._("ambiguous product %(product)s", product=product_ref))
                product = Product
            elif not product:
                row_errors.append(
                    self.env._("unknown product %(product)s", product=product_ref or "-")
                )
            location = (
                Location.search(
                    [("complete_name", "=", location_ref), ("usage", "=", "internal")], limit=1
                )
                if location_ref
                else Location
            )
            if not location:
                row_errors.append(
                    self.env._("unknown location %(location)s", location=location_ref or "-")
                )
            try:
                qty = float(qty_cell)
                if qty < 0:
                    raise ValueError
            except (TypeError, ValueError):
                qty = None
                row_errors.append(self.env._("bad quantity %(qty)s", qty=qty_cell))
            lot = Lot
            if len(product) == 1:
                if product.tracking == "none" and serial:
                    row_errors.append(
                        self.env._(
                            "%(product)s is not tracked: leave SerialOrBatch empty",
                            product=product.display_name,
                        )
                    )
                elif product.tracking != "none" and not serial:
                    row_errors.append(
                        self.env._(
                            "%(product)s needs a SerialOrBatch", product=product.display_name
                        )
                    )
                if (
                    product.tracking == "serial"
                    and qty is not None
                    and not float_is_zero(qty, precision_digits=6)
                    and float_compare(qty, 1.0, precision_digits=6)
                ):
                    row_errors.append(
                        self.env._(
                            "serial %(serial)s counted %(qty)s: a serial counts 0 or 1",
                            serial=serial,
                            qty=qty_cell,
                        )
                    )
                if serial and product.tracking != "none":
                    lot = Lot.search(
                        [("name", "=", serial), ("product_id", "=", product.id)], limit=1
                    )
                    if not lot:
                        other = Lot.search([("name", "=", serial)], limit=1)
                        if other and product.tracking == "serial":
                            row_errors.append(
                                self.env._(
                                    "serial %(serial)s belongs to %(product)s",
                                    serial=serial,
                                    product=other.product_id.display_name,
                                )
                            )
                key = (product.id, location.id, serial)
                if key in seen:
                    row_errors.append(self.env._("counted twice in this sheet"))
                seen.add(key)
            if row_errors:
                errors.append(
                    self.env._("Row %(row)s: %(errors)s", row=number, errors="; ".join(row_errors))
                )
            else:
                parsed.append((product, location, serial, lot, qty))
        if errors:
            raise UserError(
                self.env._(
                    "The count sheet was not imported:\n%(errors)s", errors="\n".join(errors)
                )
            )
        return parsed

    def action_import(self):
        self.ensure_one()
        parsed = self._validate_rows(self._read_rows())
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        quants = Quant
        for product, location, serial, lot, qty in parsed:
            if serial and not lot:
                lot = self.env["stock.lot"].create(
                    {
                        "name": serial,
                        "product_id": product.id,
                        "company_id": (location.company_id or self.env.company).id,
                    }
                )
            quant = Quant.search(
                [
                    ("product_id", "=", product.id),
                    ("location_id", "=", location.id),
                    ("lot_id", "=", lot.id or False),
                    ("package_id", "=", False),
                    ("owner_id", "=", False),
                ],
                limit=1,
            )
            if quant:
                quant.inventory_quantity = qty
            else:
                quant = Quant.create(
                    {
                        "product_id": product.id,
                        "location_id": location.id,
                        "lot_id": lot.id or False,
                        "inventory_quantity": qty,
                    }
                )
            quants |= quant
        quants._apply_inventory()
        quants.inventory_quantity_set = False
        return {"type": "ir.actions.act_window_close"}
