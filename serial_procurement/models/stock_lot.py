# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .serial_procurement_lot_case_key import CASE_INDEX
from .serial_procurement_lot_guard import UNIQUE_INDEX

# Stored fields of a movement the Serial History shows, read with the search.
HISTORY_LINE_FIELDS = [
    "date",
    "reference",
    "lot_id",
    "picking_id",
    "picking_type_id",
    "location_id",
    "location_dest_id",
    "quantity",
    "product_uom_id",
    "expiration_date",
]


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = [
        "stock.lot",
        "serial.procurement.ticket.mixin",
        "serial.procurement.lot.allocation",
        "serial.procurement.lot.guard",
        "serial.procurement.lot.case.key",
        "serial.procurement.lot.enquiry",
        "serial.procurement.lot.intake",
    ]

    # computed before the row is inserted, as the uniqueness key that needs it
    company_id = fields.Many2one(
        compute="_compute_company_id", store=True, precompute=True
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        index="btree_not_null",
        tracking=True,
        copy=False,
        help="The ticket this serial was received for.",
    )
    customer_id = fields.Many2one(
        comodel_name="res.partner",
        index="btree_not_null",
        tracking=True,
        copy=False,
    )
    supplier_id = fields.Many2one(
        comodel_name="res.partner",
        index="btree_not_null",
        tracking=True,
        copy=False,
    )
    purchase_order_id = fields.Many2one(
        comodel_name="purchase.order",
        index="btree_not_null",
        copy=False,
        help="The purchase order this serial was received on.",
    )
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line",
        string="Estimate Line",
        index="btree_not_null",
        copy=False,
        help="The estimate line this serial is allocated to.",
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id",
        string="Estimate",
        store=True,
        index="btree_not_null",
    )
    invoice_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        relation="serial_procurement_aml_lot_rel",
        column1="lot_id",
        column2="move_line_id",
        string="Invoice Lines",
        copy=False,
    )
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        string="Invoices",
        compute="_compute_invoice_ids",
    )
    in_stock = fields.Boolean(
        compute="_compute_in_stock",
        search="_search_in_stock",
        help="At least one unit with this number is in an internal location.",
    )
    receipt_ids = fields.Many2many(
        comodel_name="stock.picking",
        string="Receipts",
        compute="_compute_history_move_line_ids",
    )
    history_move_line_ids = fields.Many2many(
        comodel_name="stock.move.line",
        string="Movements",
        compute="_compute_history_move_line_ids",
    )
    needs_review = fields.Boolean(
        tracking=True,
        copy=False,
        index="btree_not_null",
        help="Added on a transaction: investigate; a retrospective receipt is "
        "likely needed.",
    )
    serial_from_stock = fields.Boolean(
        string="Allocated from Stock",
        copy=False,
        help="Taken from the stock on hand for its ticket, not bought for it.",
    )
    review_origin = fields.Char(
        string="Typed On",
        compute="_compute_review_origin",
        help="The invoice, transfer or scrap the serial was first entered on.",
    )
    serial_timeline = fields.Html(
        string="Timeline",
        compute="_compute_serial_timeline",
        sanitize=False,
        help="Receipts, movements, deliveries and invoices of the serial, by date.",
    )
    serial_enquiry = fields.Char(
        string="Enquiry",
        compute="_compute_serial_enquiry",
        search="_search_serial_enquiry",
        help="Serial number, customer, supplier, ticket, purchase order or invoice.",
    )
    material_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Used on Ticket",
        index="btree_not_null",
        tracking=True,
        copy=False,
        help="The ticket this serial was taken out on as material, without a sale.",
    )

    @api.depends("invoice_line_ids.parent_state")
    def _compute_invoice_ids(self):
        for lot in self:
            lot.invoice_ids = lot.invoice_line_ids.move_id.filtered(
                lambda m: m.state != "cancel"
            )

    @api.depends("quant_ids.quantity", "quant_ids.location_id.usage")
    def _compute_in_stock(self):
        for lot in self:
            lot.in_stock = any(
                q.quantity > 0 and q.location_id.usage == "internal"
                for q in lot.quant_ids
            )

    def _search_in_stock(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(_("Unsupported search on In Stock."))
        positive = (operator == "=") == bool(value)
        quants = self.env["stock.quant"]._search(
            [
                ("quantity", ">", 0),
                ("location_id.usage", "=", "internal"),
                ("lot_id", "!=", False),
            ]
        )
        return [("id", "in" if positive else "not in", quants.subselect("lot_id"))]

    @api.depends("quant_ids.quantity")
    def _compute_history_move_line_ids(self):
        """One search for the done movements of all these serials, grouped
        by serial in one pass (the history report prints 1,000s at once)."""
        move_lines = self.env["stock.move.line"].search_fetch(
            [("lot_id", "in", self.ids), ("state", "=", "done")],
            HISTORY_LINE_FIELDS,
            order="date desc, id desc",
        )
        by_lot = defaultdict(list)
        for ml in move_lines:
            by_lot[ml.lot_id.id].append(ml.id)
        MoveLine = self.env["stock.move.line"]
        for lot in self:
            lot_lines = MoveLine.browse(by_lot[lot.id]).with_prefetch(
                move_lines._prefetch_ids
            )
            lot.history_move_line_ids = lot_lines
            lot.receipt_ids = lot_lines.filtered(
                lambda ml: ml.picking_code == "incoming"
            ).picking_id

    def _action_open_serial_list(self, name):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "stock.action_production_lot_form"
        )
        action.update(
            name=name,
            domain=[("id", "in", self.ids)],
            context={"create": False},
        )
        if len(self) == 1:
            return self.action_open_serial_history()
        return action

    def action_open_serial_history(self):
        """Open the one-page Serial History of this serial."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Serial History"),
            "res_model": "stock.lot",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"display_complete": True},
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Allocation to tickets
    # ------------------------------------------------------------------

    def _serial_allocate_to_sale_lines(self):
        """Allocate unallocated ticket serials to the estimate lines of their
        product, line by line, up to each line's quantity (one write per line)."""
        lots = self.filtered(lambda lot: lot.ticket_id and not lot.sale_line_id)
        if not lots:
            return
        already = {
            line.id: count
            for line, count in self._read_group(
                [("sale_line_id", "in", lots.ticket_id.sale_order_id.order_line.ids)],
                ["sale_line_id"],
                ["__count"],
            )
        }
        by_line = defaultdict(list)
        lots_by_ticket = defaultdict(list)
        for lot in lots:
            lots_by_ticket[lot.ticket_id].append(lot)
        for ticket, ticket_lots in lots_by_ticket.items():
            lines_by_product = defaultdict(list)
            for line in ticket.sale_order_id.order_line:
                if not line.display_type and not line.is_downpayment:
                    lines_by_product[line.product_id].append(line)
            for lot in ticket_lots:
                for line in lines_by_product[lot.product_id]:
                    capacity = line.product_uom._compute_quantity(
                        line.product_uom_qty, line.product_id.uom_id
                    )
                    taken = already.get(line.id, 0) + len(by_line[line])
                    if taken < capacity:
                        by_line[line].append(lot.id)
                        break
        for line, lot_ids in by_line.items():
            self.browse(lot_ids).write({"sale_line_id": line.id})

    def _serial_reserve_on_deliveries(self):
        """Make the pending deliveries of these serials' estimates reserve
        exactly their estimate's serials in stock, in one batch. Returns those
        deliveries (moves)."""
        lots = self.filtered("sale_line_id")
        if not lots:
            return self.env["stock.move"]
        moves = self.env["stock.move"].search(
            [
                ("group_id", "in", lots.sale_order_id.procurement_group_id.ids),
                ("product_id", "in", lots.product_id.ids),
                ("location_id.usage", "=", "internal"),
                ("state", "not in", ("draft", "done", "cancel")),
                ("move_orig_ids", "=", False),
            ]
        )
        return moves._serial_reserve_estimate_serials()

    # ------------------------------------------------------------------
    # Lifecycle (issue #4): serials added on a transaction, corrections
    # ------------------------------------------------------------------

    def init(self):
        res = super().init()
        self._serial_create_unique_index()
        self._serial_create_name_index()
        filled = self._serial_fill_name_keys(only_missing=True)
        self._serial_create_case_index()
        self._serial_rebuild_indexes_after_fill(filled)
        return res

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "name" in vals:
                vals["name"] = self._serial_clean_name(vals["name"])
        try:
            with self.env.cr.savepoint(flush=False):
                lots = super().create(vals_list)
        except errors.UniqueViolation as error:
            if error.diag.constraint_name not in (UNIQUE_INDEX, CASE_INDEX):
                raise
            raise self._serial_unique_violation(error, vals_list) from error
        lots._serial_warn_confusables()
        return lots

    def write(self, vals):
        renamed = self.browse()
        old_names = {}
        if "name" in vals:
            vals = dict(vals, name=self._serial_clean_name(vals["name"]))
            renamed = self.filtered(lambda lot: lot.name != vals["name"])
            # sudo: a stock user may not read invoices, but the rule holds for all
            posted = renamed.sudo().filtered(
                lambda lot: any(
                    aml.parent_state == "posted" for aml in lot.invoice_line_ids
                )
            )
            if posted:
                raise UserError(
                    _(
                        "Serial %(serial)s is on posted invoice %(invoices)s and "
                        "cannot be "
                        "renamed. Use Correct Serial instead.",
                        serial=posted[0].name,
                        invoices=", ".join(
                            posted[0]
                            .invoice_line_ids.filtered(
                                lambda aml: aml.parent_state == "posted"
                            )
                            .move_id.mapped("name")
                        ),
                    )
                )
            old_names = {lot.id: lot.name for lot in renamed}
        res = super().write(vals)
        renamed._serial_warn_confusables()
        for lot in renamed:
            lot.message_post(
                body=_(
                    "Serial renamed from %(old)s to %(new)s.",
                    old=old_names[lot.id],
                    new=lot.name,
                )
            )
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_serial_moved(self):
        move_lines = (
            self.env["stock.move.line"]
            .sudo()
            .search([("lot_id", "in", self.ids)], limit=20)
        )
        if move_lines:
            lot = move_lines[0].lot_id
            refs = sorted(
                {
                    ml.reference or ml.move_id.name or ""
                    for ml in move_lines
                    if ml.lot_id == lot
                }
            )
            raise UserError(
                _(
                    "Serial %(serial)s cannot be deleted: it has stock moves "
                    "(%(refs)s). "
                    "Write it off with a scrap instead.",
                    serial=lot.name,
                    refs=", ".join(r for r in refs if r),
                )
            )

    def action_open_correct_serial(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Correct Serial"),
            "res_model": "serial.procurement.correct.serial.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_lot_id": self.id},
        }
