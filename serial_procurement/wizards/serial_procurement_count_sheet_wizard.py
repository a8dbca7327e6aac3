# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import csv
import io

from odoo import fields, models
from odoo.tools import SQL

from ..tools import markers, singleton, spreadsheet, table_statistics
from .serial_procurement_count_sheet_check import HEADER, counted_not_zero

# Rows applied per slice: flushed and the cache cleared between slices, so the
# cost per row stays flat; a background job imports one slice per call.
SLICE_SIZE = 1000
# Bulk creation of serials and counts: no chatter message per record.
BULK_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


class SerialProcurementCountSheetWizard(models.TransientModel):
    """Stock take count sheet with a SerialOrBatch column, in CSV or XLSX.

    Export writes the quantities on hand; import validates every row first and
    imports nothing when any row is wrong, then applies the counts."""

    _name = "serial.procurement.count.sheet.wizard"
    _inherit = [
        "serial.procurement.input.guard",
        "serial.procurement.count.sheet.check",
    ]
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
            spreadsheet.neutralize_row(
                [
                    q.product_id.default_code or q.product_id.name,
                    q.location_id.complete_name,
                    q.lot_id.name or "",
                    q.quantity,
                ]
            )
            for q in quants
        ]

    def action_export(self):
        singleton.ensure_one(self)
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
        # A download: the upload field stays empty, so the unchanged export
        # cannot be imported back by a click. The attachment belongs to this
        # wizard and goes with it.
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"count_sheet.{self.file_format}",
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    # ---------------------------------------------------------------- import

    def _read_rows(self):
        """Return (row number, [cells]) of the data rows of the uploaded sheet
        (capped: see ``tools/sheet_reader``)."""
        rows = self._serial_read_sheet(
            self.data, self.filename, HEADER, what=self.env._("a count sheet")
        )
        return [
            (number, [spreadsheet.unneutralize_cell(cell) for cell in cells])
            for number, cells in rows
        ]

    def _create_missing_lots(self, parsed):
        """Create, in one call, the lots of the sheet that do not exist yet."""
        missing = {
            (serial, product.id): location
            for product, location, serial, lot, _qty in parsed
            if serial and not lot
        }
        self._check_strict_intake(missing)
        lots = (
            self.env["stock.lot"]
            .with_context(**BULK_CONTEXT)
            .create(
                [
                    {
                        "name": serial,
                        "product_id": product_id,
                        "company_id": (location.company_id or self.env.company).id,
                    }
                    for (serial, product_id), location in missing.items()
                ]
            )
        )
        return {(lot.name, lot.product_id.id): lot for lot in lots}

    def _apply_counts(self, parsed):
        """Set the counted quantities of ``parsed`` rows and apply the
        differences, with a few queries for the whole slice: counts of existing
        quants through core's ``_apply_inventory``; units counted where no quant
        exists yet (new serials) straight as core's inventory moves, one per
        product and location with a line per serial, the quants of the serials
        new to the database created in one batch (``_serial_done_with_new_lots``)."""
        new_lots = self._create_missing_lots(parsed)
        Quant = self.env["stock.quant"].with_context(
            inventory_mode=True, **BULK_CONTEXT
        )
        rows = [
            (product, location, lot or new_lots.get((serial, product.id), lot), qty)
            for product, location, serial, lot, qty in parsed
        ]
        # Only the quants of this slice's serials (and untracked quants): the
        # cost of a slice does not grow with the serials already on hand.
        lot_ids = list({row[2].id for row in rows if row[2]})
        existing = Quant.search(
            [
                ("product_id", "in", list({row[0].id for row in rows})),
                ("location_id", "in", list({row[1].id for row in rows})),
                "|",
                ("lot_id", "in", lot_ids),
                ("lot_id", "=", False),
                ("package_id", "=", False),
                ("owner_id", "=", False),
            ]
        )
        by_key = {(q.product_id.id, q.location_id.id, q.lot_id.id): q for q in existing}
        by_qty, new_moves = {}, {}
        for product, location, lot, qty in rows:
            quant = by_key.get((product.id, location.id, lot.id or False))
            if quant:
                by_qty.setdefault(qty, []).append(quant.id)
            elif qty:
                vals = self._inventory_move_vals(product, location, lot, qty)
                self._merge_inventory_move(new_moves, (product, location), vals)
        for qty, ids in by_qty.items():
            Quant.browse(ids).write({"inventory_quantity": qty})
        quants = Quant.browse([qid for ids in by_qty.values() for qid in ids])
        changed = quants.filtered(lambda q: q.inventory_diff_quantity)
        # Strict serialized intake lets the import count existing serials in
        # (its rows were checked: no new serial under strict intake).
        with markers.marked(self.env, markers.INTAKE_ALLOWED):
            changed._apply_inventory()
        (quants - changed).write({"inventory_quantity_set": False})
        changed.inventory_quantity_set = False
        if new_moves:
            moves = (
                self.env["stock.move"]
                .with_context(inventory_mode=False, **BULK_CONTEXT)
                .create(list(new_moves.values()))
            )
            moves._serial_done_with_new_lots(
                self.env["stock.lot"].browse([lot.id for lot in new_lots.values()])
            )
            moves.location_dest_id.write({"last_inventory_date": fields.Date.today()})
        return len(rows)

    def _inventory_move_vals(self, product, location, lot, qty):
        """The values of the inventory move core makes for a counted quant
        (``stock.quant._get_inventory_move_values``), from an unsaved quant."""
        quant = self.env["stock.quant"].new(
            {"product_id": product.id, "location_id": location.id, "lot_id": lot.id}
        )
        inventory = product.with_company(location.company_id).property_stock_inventory
        return quant._get_inventory_move_values(qty, inventory, location)

    def _refresh_stock_statistics(self):
        """ANALYZE the stock tables this import has more than doubled since
        their statistics (see ``tools/table_statistics``): on a new database,
        plans made for small tables would make the rest of the import grow with
        the square of its rows. Returns the tables analysed."""
        cr = self.env.cr
        cr.execute(table_statistics.SIZES_QUERY, [list(table_statistics.STOCK_TABLES)])
        grown = table_statistics.grown_tables(cr.fetchall())
        for table in grown:
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        return grown

    @staticmethod
    def _merge_inventory_move(moves, key, vals):
        """Count the units of one product found in one location where no quant
        exists yet as one inventory move with a line per serial (core makes a
        move per quant; one move per product and location keeps the history per
        serial on the lines and costs one move, one valuation layer)."""
        move = moves.get(key)
        if move is None:
            moves[key] = vals
            return
        move["product_uom_qty"] += vals["product_uom_qty"]
        move["move_line_ids"] += vals["move_line_ids"]

    def action_check(self):
        """Check the whole sheet without writing anything; return its row count."""
        singleton.ensure_one(self)
        return len(self._validate_rows(self._read_rows()))

    def _sorted_rows(self):
        """The sheet's rows in the order they are applied: zero counts first, as
        a serial moved between locations leaves its old place in an earlier
        slice than it enters the new one."""
        return sorted(self._read_rows(), key=counted_not_zero)

    def import_count_rows(self, rows):
        """Check and apply ``rows`` ((row number, cells) pairs of the sheet, in
        the order of ``_sorted_rows``), slice by slice. The unit of work of a
        background job, which is given its rows and reads no file. Returns the
        number of rows applied."""
        singleton.ensure_one(self)
        parsed = self._validate_rows(rows) if rows else []
        return self._apply_parsed_rows(parsed)

    def _apply_parsed_rows(self, parsed):
        """Apply checked rows slice by slice; return how many were applied."""
        for start in range(0, len(parsed), SLICE_SIZE):
            self._apply_counts(parsed[start : start + SLICE_SIZE])
            self.env.flush_all()
            self.env.invalidate_all()
            self._refresh_stock_statistics()
        return len(parsed)

    def _count_summary(self, parsed):
        """What the checked rows ``parsed`` change, before they are applied:
        {"rows", "added", "moved", "written_off"} (serials only for the last
        three: new on hand, counted in another internal place than the one they
        are on hand in, counted 0 and counted nowhere else)."""
        lots = self.env["stock.lot"].union(*(row[3] for row in parsed if row[3]))
        on_hand = {}
        if lots:
            quants = self.env["stock.quant"].search_fetch(
                [
                    ("lot_id", "in", lots.ids),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ],
                ["lot_id", "location_id"],
            )
            for quant in quants:
                on_hand.setdefault(quant.lot_id.id, set()).add(quant.location_id.id)
        counted = {}
        for product, location, serial, lot, qty in parsed:
            if product.tracking == "serial" and serial:
                place = counted.setdefault((product.id, serial), [lot, set()])
                place[0] = place[0] or lot
                if qty > 0:
                    place[1].add(location.id)
        summary = {"rows": len(parsed), "added": 0, "moved": 0, "written_off": 0}
        for lot, places in counted.values():
            before = on_hand.get(lot.id, set()) if lot else set()
            if places and not before:
                summary["added"] += 1
            elif places and not places & before:
                summary["moved"] += 1
            elif not places and before:
                summary["written_off"] += 1
        return summary

    def _count_summary_action(self, summary):
        """The notification that tells what the import changed, closing the
        dialog."""
        message = self.env._(
            "%(rows)s rows applied. Serials: %(added)s added, %(moved)s moved, "
            "%(written_off)s written off.",
            **summary,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._(
                    "Count sheet %(file)s imported", file=self.filename or ""
                ),
                "message": message,
                "sticky": True,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def import_count_slice(self, offset, limit=SLICE_SIZE):
        """Check and apply rows ``offset`` to ``offset + limit`` of the sheet,
        after ``action_check`` of the whole sheet. Returns the number of rows
        applied; 0 when ``offset`` is past the end."""
        singleton.ensure_one(self)
        return self.import_count_rows(self._sorted_rows()[offset : offset + limit])

    def action_import(self):
        """Check the whole sheet (nothing is applied when a row is wrong), then
        apply it slice by slice (flushing and clearing the cache between slices
        so each row costs the same). Ends with a notification of what changed."""
        singleton.ensure_one(self)
        rows = self._sorted_rows()
        parsed = self._validate_rows(rows) if rows else []
        summary = self._count_summary(parsed)
        self._apply_parsed_rows(parsed)
        return self._count_summary_action(summary)
