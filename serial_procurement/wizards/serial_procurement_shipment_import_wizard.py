# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import serial_parser, singleton

REQUIRED = ("product", "serial")
OPTIONAL = ("ref", "po")
COLUMNS = REQUIRED + OPTIONAL
# Longest cell read from a CSV shipment file.
MAX_CELL = 4096
# Rows listed per refusal in the message (the count says how many more).
SHOWN_ROWS = 20


def _cell_text(value):
    """A cell as text: a whole number read from a sheet loses its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class SerialProcurementShipmentImportWizard(models.TransientModel):
    """The distributor's shipment (ASN) file onto a receipt: one row per serial,
    columns product, serial, optional ref (MAC address) and po."""

    _name = "serial.procurement.shipment.import.wizard"
    _inherit = ["serial.procurement.input.guard"]
    _description = "Import the Distributor's Shipment File"

    picking_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Receipt",
        required=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="picking_id.company_id")
    data = fields.Binary(string="Shipment File", attachment=False)
    filename = fields.Char()

    # ------------------------------------------------------------------ read

    def _serial_read_rows(self):
        """[(row number, {column: text})] of the uploaded file's data rows."""
        self.ensure_one()
        rows = self._serial_read_sheet(
            self.data,
            self.filename,
            REQUIRED,
            what=self.env._("the shipment file"),
            optional=OPTIONAL,
            fold_case=True,
            max_cell=MAX_CELL,
        )
        result = []
        for number, row in rows:
            cells = dict(zip(COLUMNS, map(_cell_text, row), strict=True))
            if any(cells.values()):
                result.append((number, cells))
        if not result:
            raise UserError(self.env._("The shipment file has no serial rows."))
        return result

    @api.model
    def _serial_sheet_message(self, error, what, columns):
        if error.code == "missing_columns":
            return self.env._(
                "The shipment file misses the column(s) %(columns)s in its "
                "header row (columns: product, serial, optional ref and po).",
                columns=error.params.get("columns"),
            )
        return super()._serial_sheet_message(error, what, columns)

    # ---------------------------------------------------------------- checks

    def _serial_receipt_moves(self):
        """The receipt's open moves of serial-tracked products."""
        return self.picking_id.move_ids.filtered(
            lambda m: m.state not in ("done", "cancel") and m.has_tracking == "serial"
        )

    def _serial_product_keys(self, products):
        """{code: product}: internal reference, barcode and vendors' product
        codes of ``products`` (those of the receipt)."""
        keys = {}
        vendor = self.picking_id.partner_id.commercial_partner_id
        for product in products:
            sellers = product.seller_ids.filtered(
                lambda s, p=product: (
                    s.product_code and s.product_id in (p, self.env["product.product"])
                )
            )
            # The receipt's vendor's codes win over other vendors' codes.
            sellers = sellers.sorted(lambda s: s.partner_id != vendor)
            for code in reversed(sellers.mapped("product_code")):
                keys[code] = product
            for code in (product.barcode, product.default_code):
                if code:
                    keys[code] = product
        return keys

    @api.model
    def _serial_rows_text(self, numbers):
        numbers = sorted(numbers)
        shown = ", ".join(map(str, numbers[:SHOWN_ROWS]))
        if len(numbers) > SHOWN_ROWS:
            shown = self.env._(
                "%(rows)s and %(count)s more",
                rows=shown,
                count=len(numbers) - SHOWN_ROWS,
            )
        return shown

    def _serial_plan(self, rows):
        """Check every row; return {move: [(serial, ref)]} or raise a UserError
        listing every refusal with its row numbers (nothing is written)."""
        self.ensure_one()
        moves = self._serial_receipt_moves()
        company = self.picking_id.company_id
        keys = self._serial_product_keys(moves.product_id)
        orders = {
            name: order
            for order in moves.purchase_line_id.order_id
            for name in (order.name, order.partner_ref)
            if name
        }
        problems = defaultdict(list)  # message key -> row numbers
        details = {}
        parsed = []
        seen = defaultdict(list)
        for number, cells in rows:
            product = keys.get(cells.get("product", ""))
            if not product:
                problems["unknown_product"].append(number)
                details.setdefault("unknown_product", set()).add(
                    cells.get("product") or "?"
                )
                continue
            try:
                serial = serial_parser.normalize_serial(cells.get("serial", ""))
            except serial_parser.SerialEntryError as error:
                problems["bad_serial"].append(number)
                details.setdefault("bad_serial", set()).add(str(error))
                continue
            po = cells.get("po", "")
            order = self.env["purchase.order"]
            if po:
                order = orders.get(po)
                if not order:
                    problems["unknown_po"].append(number)
                    details.setdefault("unknown_po", set()).add(po)
                    continue
            key = serial_parser.serial_key(serial, company.serial_case_insensitive)
            seen[(product, key)].append(number)
            parsed.append((number, product, serial, cells.get("ref", ""), order))
        for rows_of_serial in seen.values():
            if len(rows_of_serial) > 1:
                problems["twice"].extend(rows_of_serial)
        self._serial_check_known(parsed, moves, problems)
        plan = self._serial_distribute(parsed, moves, problems)
        if problems:
            raise UserError(self._serial_refusal_message(problems, details))
        return plan

    def _serial_check_known(self, parsed, moves, problems):
        """Serials already on hand (or received before), or already on this
        receipt, are refused."""
        company = self.picking_id.company_id
        by_product = defaultdict(list)
        for number, product, serial, _ref, _order in parsed:
            by_product[product].append((number, serial))
        case = company.serial_case_insensitive
        for product, items in by_product.items():
            names = [serial for _number, serial in items]
            known = {
                serial_parser.serial_key(name, case)
                for name in self.env["stock.lot"]
                ._serial_find(product, names, company)
                .mapped("name")
            }
            on_receipt = {
                serial_parser.serial_key(ml.lot_name or ml.lot_id.name, case)
                for ml in self.picking_id.move_line_ids
                if ml.product_id == product and (ml.lot_name or ml.lot_id)
            }
            for number, serial in items:
                key = serial_parser.serial_key(serial, case)
                if key in known:
                    problems["known"].append(number)
                elif key in on_receipt:
                    problems["on_receipt"].append(number)

    def _serial_distribute(self, parsed, moves, problems):
        """{move: [(serial, ref)]}: the rows of each product fill its moves'
        units without a serial, the moves of a ticket first; a row naming a
        purchase order fills that order's moves only. Rows beyond the units
        are refused."""
        room = {move: move._serial_units_without_serial() for move in moves}
        by_product = defaultdict(list)
        for move in moves.sorted(
            lambda m: (not m.purchase_line_id.ticket_id, m.purchase_line_id.id, m.id)
        ):
            by_product[move.product_id].append(move)
        plan = defaultdict(list)
        # Rows naming a purchase order first: they may go to fewer moves.
        for number, product, serial, ref, order in sorted(
            parsed, key=lambda item: (not item[4], item[0])
        ):
            candidates = by_product.get(product, [])
            while candidates and not order and room[candidates[0]] <= 0:
                candidates.pop(0)
            target = next(
                (
                    move
                    for move in candidates
                    if room[move] > 0
                    and (not order or move.purchase_line_id.order_id == order)
                ),
                None,
            )
            if target is None:
                problems["too_many"].append(number)
                continue
            room[target] -= 1
            plan[target].append((serial, ref))
        return plan

    def _serial_refusal_message(self, problems, details):
        messages = {
            "unknown_product": self.env._(
                "Unknown product (not an internal reference, barcode or vendor "
                "code of a product on this receipt): %(values)s"
            ),
            "bad_serial": self.env._("Serial number refused: %(values)s"),
            "unknown_po": self.env._("Purchase order not on this receipt: %(values)s"),
            "twice": self.env._("Serial number twice in the file"),
            "known": self.env._("Serial number already on hand or received before"),
            "on_receipt": self.env._("Serial number already on this receipt"),
            "too_many": self.env._(
                "More serial numbers than units without a serial on the receipt"
            ),
        }
        lines = []
        for code, message in messages.items():
            if code not in problems:
                continue
            values = ", ".join(sorted(details.get(code, ())))[:300]
            text = message % {"values": values} if "%(values)s" in message else message
            lines.append(
                self.env._(
                    "%(problem)s — row(s) %(rows)s",
                    problem=text,
                    rows=self._serial_rows_text(problems[code]),
                )
            )
        return self.env._(
            "The shipment file is refused, nothing was imported:\n%(lines)s",
            lines="\n".join(lines),
        )

    # ---------------------------------------------------------------- import

    def action_import(self):
        """Check the whole file, then fill the receipt's serial lines."""
        singleton.ensure_one(self)
        picking = self.picking_id
        picking.check_access("write")
        if picking.state in ("done", "cancel"):
            raise UserError(self.env._("This receipt is already done or cancelled."))
        if picking.picking_type_code != "incoming":
            raise UserError(self.env._("Shipment files are imported on receipts."))
        plan = self._serial_plan(self._serial_read_rows())
        tickets = self.env["helpdesk.ticket"].union(
            *(move.purchase_line_id.ticket_id for move in plan)
        )
        tickets._check_can_receive_serials()
        self.env["stock.move"]._serial_add_move_lines_batch(
            [
                (
                    move,
                    [serial for serial, _ref in items],
                    move.purchase_line_id.ticket_id,
                    [ref for _serial, ref in items],
                )
                for move, items in plan.items()
            ]
        )
        count = sum(len(items) for items in plan.values())
        picking.message_post(
            body=self.env._(
                "%(count)s serial number(s) imported from the shipment file %(file)s.",
                count=count,
                file=self.filename or "",
            )
        )
        return {"type": "ir.actions.act_window_close"}
