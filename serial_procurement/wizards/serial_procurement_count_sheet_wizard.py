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
        help="Export this location and its children only; all internal locations "
        "when empty.",
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
        quants = self.env["stock.quant"].search(
            domain, order="location_id, product_id, lot_id"
        )
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
                book = openpyxl.load_workbook(
                    io.BytesIO(content), read_only=True, data_only=True
                )
            except Exception as error:
                raise UserError(
                    self.env._("This file is not a readable XLSX file.")
                ) from error
            rows = [list(row) for row in book.active.iter_rows(values_only=True)]
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise UserError(
                    self.env._("The CSV file must be UTF-8 encoded.")
                ) from error
            rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise UserError(self.env._("The count sheet is empty."))
        header = [str(cell or "").strip() for cell in rows[0]]
        missing = [col for col in HEADER if col not in header]
        if missing:
            raise UserError(
                self.env._(
                    "The count sheet misses the column(s): %(columns)s.",
                    columns=", ".join(missing),
                )
            )
        index = {col: header.index(col) for col in HEADER}
        result = []
        for number, row in enumerate(rows[1:], start=2):
            cells = [
                row[index[col]] if index[col] < len(row) else None for col in HEADER
            ]
            if all(cell in (None, "") for cell in cells):
                continue
            result.append((number, cells))
        return result

    def _lookup_maps(self, rows):
        """Fetch, in a few queries for the whole sheet, the products (by internal
        reference, then by name), the internal locations and the lots it names."""
        refs = {str(cells[0] or "").strip() for _number, cells in rows} - {""}
        places = {str(cells[1] or "").strip() for _number, cells in rows} - {""}
        serials = {str(cells[2] or "").strip() for _number, cells in rows} - {""}
        products = self.env["product.product"].search(
            ["|", ("default_code", "in", list(refs)), ("name", "in", list(refs))]
        )
        by_ref = {}
        for field in ("name", "default_code"):  # a reference wins over a name
            for product in products:
                by_ref.setdefault((field, product[field]), self.env["product.product"])
                by_ref[(field, product[field])] |= product
        locations = self.env["stock.location"].search(
            [("complete_name", "in", list(places)), ("usage", "=", "internal")]
        )
        lots = self.env["stock.lot"].search([("name", "in", list(serials))])
        return {
            "product": lambda ref: (
                by_ref.get(("default_code", ref))
                or by_ref.get(("name", ref))
                or self.env["product.product"]
            ),
            "location": {loc.complete_name: loc for loc in locations},
            "lots": {(lot.name, lot.product_id.id): lot for lot in lots},
            "lot_products": {lot.name: lot.product_id for lot in lots},
        }

    def _validate_quantity(self, qty_cell):
        try:
            qty = float(qty_cell)
        except (TypeError, ValueError):
            return None
        return qty if qty >= 0 else None

    def _validate_tracking(self, product, serial, qty, qty_cell, maps):
        """Errors of the SerialOrBatch cell of one row, and the lot it names."""
        errors = []
        if product.tracking == "none":
            if serial:
                errors.append(
                    self.env._(
                        "%(product)s is not tracked: leave SerialOrBatch empty",
                        product=product.display_name,
                    )
                )
            return errors, self.env["stock.lot"]
        if not serial:
            errors.append(
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
            errors.append(
                self.env._(
                    "serial %(serial)s counted %(qty)s: a serial counts 0 or 1",
                    serial=serial,
                    qty=qty_cell,
                )
            )
        lot = maps["lots"].get((serial, product.id), self.env["stock.lot"])
        other = maps["lot_products"].get(serial)
        if serial and not lot and other and product.tracking == "serial":
            errors.append(
                self.env._(
                    "serial %(serial)s belongs to %(product)s",
                    serial=serial,
                    product=other.display_name,
                )
            )
        return errors, lot

    def _validate_row(self, cells, maps):
        """Return (errors, parsed values) of one row of the sheet."""
        product_ref, location_ref, serial, qty_cell = (
            str(cell or "").strip() if i < 3 else cell for i, cell in enumerate(cells)
        )
        errors = []
        product = maps["product"](product_ref) if product_ref else None
        if product is not None and len(product) > 1:
            errors.append(
                self.env._("ambiguous product %(product)s", product=product_ref)
            )
        elif not product:
            errors.append(
                self.env._("unknown product %(product)s", product=product_ref or "-")
            )
        location = maps["location"].get(location_ref)
        if not location:
            errors.append(
                self.env._(
                    "unknown location %(location)s", location=location_ref or "-"
                )
            )
        qty = self._validate_quantity(qty_cell)
        if qty is None:
            errors.append(self.env._("bad quantity %(qty)s", qty=qty_cell))
        lot = self.env["stock.lot"]
        if product is not None and len(product) == 1:
            tracking_errors, lot = self._validate_tracking(
                product, serial, qty, qty_cell, maps
            )
            errors += tracking_errors
        return errors, (product, location, serial, lot, qty)

    def _validate_rows(self, rows):
        """Check every row; return the parsed rows or raise with all errors."""
        maps = self._lookup_maps(rows)
        errors, parsed, seen = [], [], set()
        for number, cells in rows:
            row_errors, values = self._validate_row(cells, maps)
            product, location, serial = values[:3]
            key = (product and product.id, location and location.id, serial)
            if not row_errors and key in seen:
                row_errors.append(self.env._("counted twice in this sheet"))
            seen.add(key)
            if row_errors:
                errors.append(
                    self.env._(
                        "Row %(row)s: %(errors)s",
                        row=number,
                        errors="; ".join(row_errors),
                    )
                )
            else:
                parsed.append(values)
        if errors:
            raise UserError(
                self.env._(
                    "The count sheet was not imported:\n%(errors)s",
                    errors="\n".join(errors),
                )
            )
        return parsed

    def _check_strict_intake(self, missing):
        """Rows creating a new serial are refused where serialized intake is
        strict: nothing of the sheet is imported."""
        Product = self.env["product.product"]
        by_company = {}
        for (_serial, product_id), location in missing.items():
            if Product.browse(product_id).tracking != "serial":
                continue
            company = location.company_id or self.env.company
            by_company[company] = by_company.get(company, Product) | Product.browse(
                product_id
            )
        for company, products in by_company.items():
            company._serial_check_strict_intake(
                products,
                self.env._(
                    "a stock-take row creating a new serial (%(serials)s)",
                    serials=", ".join(
                        serial
                        for (serial, product_id), _loc in missing.items()
                        if product_id in products.ids
                    ),
                ),
            )

    def _create_missing_lots(self, parsed):
        """Create, in one call, the lots of the sheet that do not exist yet."""
        missing = {
            (serial, product.id): location
            for product, location, serial, lot, _qty in parsed
            if serial and not lot
        }
        self._check_strict_intake(missing)
        lots = self.env["stock.lot"].create(
            [
                {
                    "name": serial,
                    "product_id": product_id,
                    "company_id": (location.company_id or self.env.company).id,
                }
                for (serial, product_id), location in missing.items()
            ]
        )
        return {(lot.name, lot.product_id.id): lot for lot in lots}

    def action_import(self):
        self.ensure_one()
        self._apply_counts(self._validate_rows(self._read_rows()))
        return {"type": "ir.actions.act_window_close"}

    def _apply_counts(self, parsed):
        """Apply the counted quantities of the validated rows (inventory
        adjustments), creating the serials and batches not known yet."""
        new_lots = self._create_missing_lots(parsed)
        # Strict serialized intake lets the import count existing serials in.
        Quant = self.env["stock.quant"].with_context(
            inventory_mode=True, serial_intake_allowed=True
        )
        rows = [
            (product, location, lot or new_lots.get((serial, product.id), lot), qty)
            for product, location, serial, lot, qty in parsed
        ]
        existing = Quant.search(
            [
                ("product_id", "in", [row[0].id for row in rows]),
                ("location_id", "in", [row[1].id for row in rows]),
                ("package_id", "=", False),
                ("owner_id", "=", False),
            ]
        )
        by_key = {(q.product_id.id, q.location_id.id, q.lot_id.id): q for q in existing}
        quants, to_create = Quant, []
        for product, location, lot, qty in rows:
            quant = by_key.get((product.id, location.id, lot.id or False))
            if quant:
                quant.inventory_quantity = qty
                quants |= quant
            else:
                to_create.append(
                    {
                        "product_id": product.id,
                        "location_id": location.id,
                        "lot_id": lot.id or False,
                        "inventory_quantity": qty,
                    }
                )
        quants |= Quant.create(to_create)
        quants._apply_inventory()
        quants.inventory_quantity_set = False
        return quants
