# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from ..tools import input_checks, serial_parser

HEADER = ["Product", "Location", "SerialOrBatch", "Counted Quantity"]


def _text(cell):
    """A text cell as typed, trimmed; numbers (an XLSX reference) as text."""
    return str(cell if cell is not None else "").strip()


def _has_control(text):
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def _clean_serial(text):
    """(serial, None) as it is stored, or (None, the parser's refusal)."""
    try:
        return serial_parser.normalize_serial(text), None
    except serial_parser.SerialEntryError as error:
        return None, error


def counted_not_zero(row):
    """Sort key: rows counted 0 first."""
    try:
        return float(row[1][3]) != 0
    except (TypeError, ValueError):
        return True


class SerialProcurementCountSheetCheck(models.AbstractModel):
    """The checks of a count sheet's rows, with batched lookups: every row is
    checked before anything is written, and a wrong row names its number."""

    _name = "serial.procurement.count.sheet.check"
    _description = "Count sheet row checks"

    def _lookup_maps(self, rows):
        """Fetch, in a few queries for the whole sheet, the products (by internal
        reference, then by name), the internal locations and the lots it names."""
        refs, places, serials = (
            {_text(cells[col]) for _number, cells in rows} - {""} for col in range(3)
        )
        refs = {ref for ref in refs if not _has_control(ref)}
        places = {place for place in places if not _has_control(place)}
        serials = {_clean_serial(serial)[0] for serial in serials} - {None}
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
        lots = self.env["stock.lot"].search_fetch(
            [("name", "in", list(serials))], ["name", "product_id"]
        )
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
        """The counted quantity, or None: not a number, negative, NaN, infinite,
        or beyond 1e12."""
        try:
            return input_checks.check_number(qty_cell)
        except input_checks.NumberError:
            return None

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
            _text(cell) if i < 3 else cell for i, cell in enumerate(cells)
        )
        errors = [
            self.env._("%(cell)s holds a control character", cell=HEADER[i])
            for i, text in enumerate((product_ref, location_ref))
            if _has_control(text)
        ]
        if serial:
            serial, serial_error = _clean_serial(serial)
            if serial_error:
                errors.append(
                    self.env["stock.lot"]._serial_entry_error(serial_error).args[0]
                )
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
        if not errors:
            errors = self._serial_place_errors(parsed)
        if errors:
            raise UserError(
                self.env._(
                    "The count sheet was not imported:\n%(errors)s",
                    errors="\n".join(errors[:200]),
                )
            )
        return parsed

    def _serial_place_errors(self, parsed):
        """One on-hand place per serial: a serial counted 1 in a location must
        not stay on hand elsewhere (unless the sheet counts it 0 there), nor be
        counted 1 in two locations."""
        counted = {}
        for product, location, serial, _lot, qty in parsed:
            if product.tracking == "serial" and serial:
                counted.setdefault((product.id, serial), {})[location.id] = qty
        errors = []
        for (_product_id, serial), places in counted.items():
            if sum(1 for qty in places.values() if qty > 0) > 1:
                errors.append(
                    self.env._("serial %(serial)s counted in two places", serial=serial)
                )
        lots = {lot.id: lot for *_rest, lot, _qty in parsed if lot}
        quants = self.env["stock.quant"].search_fetch(
            [
                ("lot_id", "in", list(lots)),
                ("quantity", ">", 0),
                ("location_id.usage", "=", "internal"),
            ],
            ["lot_id", "location_id"],
        )
        for quant in quants:
            lot = quant.lot_id
            places = counted.get((lot.product_id.id, lot.name), {})
            moved_in = any(
                qty > 0 and loc != quant.location_id.id for loc, qty in places.items()
            )
            if moved_in and places.get(quant.location_id.id, 1) > 0:
                errors.append(
                    self.env._(
                        "serial %(serial)s is on hand in %(location)s: count it 0 "
                        "there in the same sheet, or move it",
                        serial=lot.name,
                        location=quant.location_id.complete_name,
                    )
                )
        return errors

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
