# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import Counter, defaultdict

from markupsafe import Markup
from psycopg2 import errors

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, date_utils, format_date, sql
from odoo.tools.sql import column_exists

from ..tools import markers, serial_parser, singleton

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


_logger = logging.getLogger(__name__)

# (product, company or 0, name): the host's rule for lots, enforced by the database.
UNIQUE_INDEX = "stock_lot_serial_procurement_name_uniq"
# Exact serial names, whatever the product: the lookups of a list of serials.
NAME_INDEX = "stock_lot_serial_procurement_name_idx"
# Trigram indexes of the Serial Enquiry's lookups: (index, table, column).
ENQUIRY_INDEXES = (
    (
        "res_partner_serial_procurement_complete_name_trgm",
        "res_partner",
        "complete_name",
    ),
    ("helpdesk_ticket_serial_procurement_name_trgm", "helpdesk_ticket", "name"),
    ("helpdesk_ticket_serial_procurement_number_trgm", "helpdesk_ticket", "number"),
)
# Precommit data: ids of reserved serials written off in this transaction.
LOSSES_KEY = "serial_procurement.reserved_losses"


# Keys written on this many serials at once: the table's indexes are rebuilt.
REBUILD_AFTER_ROWS = 10000
# (product, company or 0, serial_name_key): "FW1" and "fw1" are one serial in a
# company that ignores case, enforced by the database.
CASE_INDEX = "stock_lot_serial_procurement_name_key_uniq"
# What a portal user may read of a serial (its own devices, record rule):
# what the My Devices page shows.
PORTAL_FIELDS = frozenset(
    {
        "id",
        "display_name",
        "name",
        "product_id",
        "company_id",
        "delivered_partner_id",
        "serial_sold_date",
        "serial_at_customer",
        "customer_warranty_end",
        "warranty_state",
        "service_ticket_ids",
        "service_ticket_count",
    }
)


# Fields of a serial that carry a rule (one customer invoice per serial, the
# ticket's allocation and reservation, the customer and vendor of record, the
# review, the warranty): written only by the addons' own flows (marker
# ``LOT_FLOW``, set by their private methods) or by a Serial Procurement
# Manager. ``readonly`` in a view protects nothing against a JSON-RPC write.
GUARDED_FIELDS = (
    "customer_invoice_line_id",
    "ticket_id",
    "sale_line_id",
    "sale_order_id",
    "customer_id",
    "supplier_id",
    "purchase_order_id",
    "needs_review",
    "material_ticket_id",
    "vendor_warranty_end",
    "customer_warranty_end",
)
MANAGER_GROUP = "serial_procurement.group_serial_procurement_manager"

WARRANTY_STATES = [
    ("none", "No Warranty"),
    ("under", "Under Warranty"),
    ("expired", "Warranty Expired"),
]
# warranty end field -> flag set when a manager typed it (no recompute then)
WARRANTY_MANUAL_FLAGS = {
    "vendor_warranty_end": "vendor_warranty_manual",
    "customer_warranty_end": "customer_warranty_manual",
}


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = [
        "stock.lot",
        "serial.procurement.ticket.mixin",
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
        singleton.ensure_one(self)
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
            self.browse(lot_ids)._serial_flow_write({"sale_line_id": line.id})

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
        self._serial_create_enquiry_indexes()
        filled = self._serial_fill_name_keys(only_missing=True)
        self._serial_create_case_index()
        self._serial_rebuild_indexes_after_fill(filled)
        return res

    @api.model_create_multi
    def create(self, vals_list):
        if markers.get(self.env, markers.LOT_FLOW):
            # The flow gives its values; the ``default_<guarded field>`` keys
            # of the client's context (e.g. sent with button_validate) do not
            # ride along into the serials it creates.
            context = self._serial_context_without_guarded_defaults()
            if len(context) < len(self.env.context):
                # a dict: keys are taken out, which kwargs cannot do
                # pylint: disable=context-overridden
                return self.with_context(context).create(vals_list)
        self._serial_check_guarded_fields(vals_list, creating=True)
        default_product = self.env.context.get("default_product_id")
        for vals in vals_list:
            self._serial_flag_manual_warranty(vals)
            if "name" in vals:
                product = self.env["product.product"].browse(
                    vals.get("product_id") or default_product
                )
                vals["name"] = self._serial_clean_name_for(product, vals["name"])
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
        if any(field in vals for field in WARRANTY_MANUAL_FLAGS):
            self._serial_check_warranty_editor()
            vals = dict(vals)
            self._serial_flag_manual_warranty(vals)
        self._serial_check_guarded_fields([vals])
        renamed = self.browse()
        old_names = {}
        if "name" in vals:
            product = self.env["product.product"].browse(
                vals.get("product_id") or self.product_id.ids
            )
            vals = dict(vals, name=self._serial_clean_name_for(product, vals["name"]))
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

    # ------------------------------------------------------------------
    # Guarded fields: the addons' flows or a manager only
    # ------------------------------------------------------------------

    @api.model
    def _serial_guarded_fields(self):
        """Names of the fields written only by the addons' flows or a Serial
        Procurement Manager (bridges add theirs)."""
        return GUARDED_FIELDS

    def _serial_check_guarded_fields(self, vals_list, creating=False):
        """Refuse a write (or a create) of a guarded field that does not come
        from one of the addons' flows, unless by a Serial Procurement Manager;
        nothing is written. Writing a field's current value changes nothing
        and is let through (a form saving it unchanged)."""
        if (
            self.env.su
            or markers.get(self.env, markers.LOT_FLOW)
            or self.env.user.has_group(MANAGER_GROUP)
        ):
            return
        guarded = [name for name in self._serial_guarded_fields() if name in self]
        if creating:
            # core fills in ``default_<field>`` context keys after this check
            defaults = {
                name: self.env.context["default_" + name]
                for name in guarded
                if "default_" + name in self.env.context
            }
            vals_list = [dict(defaults, **vals) for vals in vals_list]
        for vals in vals_list:
            for name in guarded:
                if name not in vals:
                    continue
                if creating:
                    changed = bool(vals[name]) and (vals.get("name") or True)
                else:
                    changed = self.sudo()._serial_guarded_change(name, vals[name])
                if changed:
                    raise self._serial_guarded_error(name, changed)

    def _serial_context_without_guarded_defaults(self):
        """This context without the ``default_`` keys of guarded fields."""
        stray = {"default_" + name for name in self._serial_guarded_fields()}
        return {
            key: value for key, value in self.env.context.items() if key not in stray
        }

    def _serial_guarded_error(self, name, serial):
        """The refusal of a write of the guarded field ``name`` (on the serial
        named ``serial`` when known)."""
        field = self._fields[name]._description_string(self.env)
        if isinstance(serial, str):
            return UserError(
                self.env._(
                    "You may not set %(field)s on serial %(serial)s: it is written "
                    "by the serial's receipt, allocation, delivery, invoice, "
                    "release, review or correction, or by a Serial Procurement "
                    "Manager.",
                    field=field,
                    serial=serial,
                )
            )
        return UserError(
            self.env._(
                "You may not set %(field)s on a serial: it is written by the "
                "serial's receipt, allocation, delivery, invoice, release, review "
                "or correction, or by a Serial Procurement Manager.",
                field=field,
            )
        )

    def _serial_guarded_change(self, name, value):
        """The name of the first of these serials whose field ``name`` would
        change to ``value``, or False."""
        field = self._fields[name]
        for lot in self:
            new = field.convert_to_record(
                field.convert_to_cache(value, lot, validate=False), lot
            )
            if new != lot[name]:
                return lot.name or True
        return False

    def _serial_flow_write(self, vals):
        """Write ``vals``, guarded fields included, as one of the addons' own
        flows (private: no client can call it). The caller checks the rule."""
        with markers.marked(self.env, markers.LOT_FLOW):
            return self.write(vals)

    @api.model
    def _serial_flow_create(self, vals_list):
        """Create serials with guarded fields as one of the addons' flows."""
        with markers.marked(self.env, markers.LOT_FLOW):
            return self.create(vals_list)

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
        singleton.ensure_one(self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Correct Serial"),
            "res_model": "serial.procurement.correct.serial.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_lot_id": self.id},
        }

    # ----------------------------------------------------------------------
    # Serials on hand allocated to a ticket, the document a serial to
    # investigate was typed on, and the timeline of a serial.
    # ----------------------------------------------------------------------

    # ------------------------------------------------------------------
    # Allocation from stock
    # ------------------------------------------------------------------

    def _serial_free_stock_domain(self, product_ids, company):
        """Serials of ``product_ids`` on hand in ``company``, on no ticket."""
        return [
            ("product_id", "in", product_ids),
            ("in_stock", "=", True),
            ("ticket_id", "=", False),
            ("sale_line_id", "=", False),
            ("company_id", "in", [company.id, False]),
        ]

    def _serial_check_allocation_from_stock(self, sale_line):
        """Refuse serials that cannot fill ``sale_line``; nothing is written."""
        ticket = sale_line.order_id.ticket_id
        if not ticket:
            raise UserError(
                _(
                    "The estimate %(order)s has no ticket to allocate serials to.",
                    order=sale_line.order_id.name,
                )
            )
        taken = self.filtered(lambda lot: lot.ticket_id and lot.ticket_id != ticket)
        if taken:
            raise UserError(
                _(
                    "These serials are allocated to another ticket and cannot be "
                    "taken until it releases them: %(lines)s",
                    lines=", ".join(
                        f"{lot.name} ({lot.ticket_id.display_name})" for lot in taken
                    ),
                )
            )
        wrong = self.filtered(lambda lot: lot.product_id != sale_line.product_id)
        if wrong:
            raise UserError(
                _(
                    "%(serials)s: not a serial of %(product)s.",
                    serials=", ".join(wrong.mapped("name")),
                    product=sale_line.product_id.display_name,
                )
            )
        absent = self.filtered(lambda lot: not lot.in_stock)
        if absent:
            raise UserError(
                _(
                    "These serials are not in stock: %(serials)s.",
                    serials=", ".join(absent.mapped("name")),
                )
            )
        new = self.filtered(lambda lot: lot.sale_line_id != sale_line)
        missing = sale_line._serial_units_missing()
        if len(new) > missing:
            raise UserError(
                _(
                    "%(count)s serial(s) chosen but only %(missing)s unit(s) of "
                    "%(product)s wait for a serial on ticket %(ticket)s.",
                    count=len(new),
                    missing=missing,
                    product=sale_line.product_id.display_name,
                    ticket=ticket.display_name,
                )
            )
        return new

    def _serial_allocate_from_stock(self, sale_line):
        """Allocate these serials on hand to ``sale_line`` of a ticket's estimate
        and reserve them on its delivery."""
        lots = self._serial_check_allocation_from_stock(sale_line)
        if not lots:
            return lots
        ticket = sale_line.order_id.ticket_id
        vals = {
            "ticket_id": ticket.id,
            "sale_line_id": sale_line.id,
            "serial_from_stock": True,
        }
        customer = ticket.partner_id.commercial_partner_id
        if customer:
            vals["customer_id"] = customer.id
        lots._serial_flow_write(vals)
        lots._serial_reserve_for_ticket()
        ticket._serial_log_allocation(lots, _("stock"))
        ticket._serial_update_stage()
        return lots

    def _serial_reserve_for_ticket(self):
        """Reserve exactly these ticket serials on their ticket's pending
        delivery. The one place where a ticket claims its serials on a
        delivery (allocation from stock and receipt onto a ticket). Returns
        the deliveries (moves) so reserved."""
        return self._serial_reserve_on_deliveries()

    def _serial_allocate_delivered(self, moves):
        """Serials delivered on ``moves`` of a ticket's estimate without being
        allocated (core reserved them) become the ticket's, so the ticket can
        invoice them."""
        for move in moves:
            line = move.sale_line_id
            if not line.order_id.ticket_id or line.product_id.tracking != "serial":
                continue
            lots = move.move_line_ids.lot_id.filtered(
                lambda lot, line=line: not lot.ticket_id and not lot.sale_line_id
            )
            lots = lots[: line._serial_units_missing()]
            if lots:
                customer = line.order_id.partner_id.commercial_partner_id
                lots._serial_flow_write(
                    {
                        "ticket_id": line.order_id.ticket_id.id,
                        "sale_line_id": line.id,
                        "serial_from_stock": True,
                        "customer_id": customer.id,
                    }
                )
                line.order_id.ticket_id._serial_log_allocation(lots, move.picking_id)

    # ------------------------------------------------------------------
    # Investigation and timeline
    # ------------------------------------------------------------------

    def _compute_review_origin(self):
        """The invoice, transfer or scrap each serial was first typed on."""
        move_lines = self.env["stock.move.line"].search(
            [("lot_id", "in", self.ids)], order="id"
        )
        first_line = {}
        for ml in move_lines:
            first_line.setdefault(ml.lot_id.id, ml)
        scraps = self.env["stock.scrap"].search(
            [("lot_id", "in", self.ids)], order="id"
        )
        first_scrap = {}
        for scrap in scraps:
            first_scrap.setdefault(scrap.lot_id.id, scrap)
        for lot in self:
            ml = first_line.get(lot.id)
            scrap = first_scrap.get(lot.id)
            invoice = lot.sudo().invoice_line_ids.move_id[:1]
            if scrap:
                lot.review_origin = scrap.name
            elif ml:
                lot.review_origin = ml.picking_id.name or ml.reference
            else:
                lot.review_origin = invoice.name or False

    def _serial_timeline_events(self):
        """[(date, label, document)] of this serial, oldest first: movements in
        the order they were done, each invoice on its invoice date."""
        self.ensure_one()
        events = []
        labels = {"incoming": _("Received"), "outgoing": _("Delivered")}
        for ml in self.history_move_line_ids.sorted(lambda ml: (ml.date, ml.id)):
            events.append(
                (
                    ml.date.date(),
                    labels.get(ml.picking_code, _("Moved")),
                    ml.reference or "",
                )
            )
        invoices = self.sudo().invoice_line_ids.move_id.filtered(
            lambda m: m.state == "posted"
        )
        for move in invoices.sorted(lambda m: (m.invoice_date or m.date, m.id)):
            events.append(
                (move.invoice_date or move.date, _("Invoiced"), move.name or "")
            )
        # Stable sort: same-day events keep their order.
        return sorted(events, key=lambda event: event[0])

    def _compute_serial_timeline(self):
        for lot in self:
            events = lot._serial_timeline_events()
            if not events:
                lot.serial_timeline = False
                continue
            counts = Counter(label for _date, label, _doc in events)
            items = Markup("").join(
                Markup(
                    "<li class='list-group-item'><span class='badge text-bg-info "
                    "me-2'>%s</span><b>%s</b> %s</li>"
                )
                % (format_date(self.env, date), label, document)
                for date, label, document in events
            )
            summary = ", ".join(f"{label}: {count}" for label, count in counts.items())
            lot.serial_timeline = Markup(
                "<p class='text-muted'>%s</p><ul class='list-group'>%s</ul>"
            ) % (summary, items)

    # ----------------------------------------------------------------------
    # What protects a serial (``stock.lot``): one checked name, one serial per
    # name, product and company in the database, one customer invoice at a time,
    # and its ticket's reservation.
    # ----------------------------------------------------------------------

    customer_invoice_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Invoiced On",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The posted customer invoice line that bills this serial; cleared by "
        "a credit note or when the invoice returns to draft. Written on posting, "
        "so that two invoices posted at the same moment cannot both bill it.",
    )

    # ------------------------------------------------------------ names

    @api.model
    def _serial_entry_error(self, error):
        """A refusal of the serial parser as a translated UserError."""
        params = error.params
        messages = {
            "empty": self.env._("Enter at least one serial number."),
            "not_text": self.env._("A serial number must be text."),
            "duplicate": self.env._(
                "The same serial number is entered twice: %(serials)s.",
                serials=params.get("serials"),
            ),
            "too_many": self.env._(
                "%(count)s serial numbers entered but only %(remaining)s unit(s) "
                "remain to receive. Serials already entered take their units "
                "(a refused receipt keeps its lines): remove those lines from "
                "the receipt first, then enter the serials again.",
                count=params.get("count"),
                remaining=params.get("remaining"),
            ),
            "control": self.env._(
                "The serial number %(serial)s contains a control character "
                "(%(char)s): it cannot be stored.",
                serial=params.get("serial"),
                char=params.get("char"),
            ),
            "invisible": self.env._(
                "The serial number %(serial)s contains an invisible character "
                "(%(char)s): retype it.",
                serial=params.get("serial"),
                char=params.get("char"),
            ),
            "too_long": self.env._(
                "The serial number %(serial)s is %(length)s characters long; "
                "the maximum is %(max)s.",
                serial=params.get("serial"),
                length=params.get("length"),
                max=params.get("max"),
            ),
        }
        return UserError(messages[error.code])

    @api.model
    def _serial_clean_name(self, name):
        """The one check of a serial name, for every entry path: trimmed, NFC,
        no control or invisible character, at most 64 characters."""
        try:
            return serial_parser.normalize_serial(name)
        except serial_parser.SerialEntryError as error:
            raise self._serial_entry_error(error) from error

    @api.model
    def _serial_clean_name_for(self, products, name):
        """``name`` checked as a serial when one of ``products`` is tracked by
        serial (or none is known); lot numbers keep core's naming."""
        if not products or any(product.tracking == "serial" for product in products):
            return self._serial_clean_name(name)
        return name

    def _serial_on_hand_internal(self):
        """Those of these serials on hand in an internal location (the only
        ones a receipt refuses: any other comes back on its own record)."""
        # sudo: the rule holds whatever locations the user may read
        return (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                [
                    ("lot_id", "in", self.ids),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ],
                ["lot_id"],
            )
            .lot_id.with_env(self.env)
        )

    @api.model
    def _serial_parse_entry(self, text, max_count=None, company=None):
        """Serials typed, pasted or scanned, split and checked by the shared
        parser; a refusal becomes a translated UserError."""
        company = company or self.env.company
        try:
            return serial_parser.parse_serial_entry(
                text, max_count, case_insensitive=company.serial_case_insensitive
            )
        except serial_parser.SerialEntryError as error:
            raise self._serial_entry_error(error) from error

    def _serial_warn_confusables(self):
        """Note on the serial when its letters mix scripts (Cyrillic А beside
        Latin A): accepted, but flagged to investigate."""
        for lot in self:
            scripts = serial_parser.confusable_scripts(lot.name or "")
            if scripts:
                lot._serial_flow_write({"needs_review": True})
                lot.message_post(
                    body=self.env._(
                        "Serial %(serial)s mixes look-alike characters of several "
                        "scripts (%(scripts)s): check it against the label.",
                        serial=lot.name,
                        scripts=", ".join(scripts),
                    )
                )

    # ------------------------------------------------ database uniqueness

    def _serial_duplicate_names(self, limit=50):
        """Rows (product id, company id, name, count) breaking the unique rule."""
        self.env.cr.execute(
            SQL(
                """SELECT product_id, company_id, name, count(*) FROM stock_lot
                   GROUP BY product_id, company_id, name HAVING count(*) > 1
                   ORDER BY name LIMIT %s""",
                limit,
            )
        )
        return self.env.cr.fetchall()

    def _serial_create_unique_index(self):
        """Create the unique index of serial names, or report in the log the
        duplicates that prevent it (they must be renamed or merged first)."""
        return self._serial_create_reported_index(
            UNIQUE_INDEX,
            "name",
            self._serial_duplicate_names,
            "duplicate serial name(s) (product id, company id, name, count)",
        )

    def _serial_create_reported_index(self, index, column, find_duplicates, what):
        """Create the unique index ``index`` on (product, company, ``column``) of
        serials, unless it exists. When rows break it, log them (the first 50,
        from ``find_duplicates()``: ``what`` they are) instead, and return
        False: they must be renamed or merged, then the addon upgraded again."""
        if sql.index_exists(self.env.cr, index):
            return True
        duplicates = find_duplicates()
        if duplicates:
            _logger.warning(
                "stock.lot: unique index %s NOT created: %s %s: %s. Rename or merge "
                "them, then upgrade serial_procurement again.",
                index,
                len(duplicates),
                what,
                duplicates,
            )
            return False
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON stock_lot "
                "(product_id, COALESCE(company_id, 0), %s)",
                SQL.identifier(index),
                SQL.identifier(column),
            )
        )
        return True

    def _serial_create_name_index(self):
        """A plain index on serial names: core indexes ``stock.lot.name`` for
        partial matches only (trigram), which cannot find a list of exact
        serials (count sheets, serial entry, the enquiry) without reading the
        whole table."""
        sql.create_index(self.env.cr, NAME_INDEX, "stock_lot", ['"name"'])

    def _serial_create_enquiry_indexes(self):
        """Trigram indexes of the texts the Serial Enquiry looks up besides the
        serial (``_serial_enquiry_lookups``): partner names and ticket titles
        and numbers. Without them each enquiry reads the whole partner and
        ticket tables (about 2.5 ms with 2,000 of each, as much as core's own
        search among 1,000,000 serials); purchase orders and invoices carry
        core's trigram index of their names already."""
        if not self.env.registry.has_trigram:
            return
        for index, table, column in ENQUIRY_INDEXES:
            sql.create_index(
                self.env.cr, index, table, [f'"{column}" gin_trgm_ops'], "gin"
            )

    def _serial_unique_violation(self, error, vals_list):
        """The clear error of a serial created twice at the same moment (or
        twice differing only by case where case is ignored)."""
        names = ", ".join(self._serial_violating_names(error, vals_list)[:10])
        if error.diag.constraint_name == CASE_INDEX:
            return ValidationError(
                self.env._(
                    "Serial number(s) %(names)s already exist for this product and "
                    "company: serial numbers differing only by case are the same "
                    "serial here (another user may have just entered them). Reload "
                    "and check the serials.",
                    names=names,
                )
            )
        return ValidationError(
            self.env._(
                "Serial number(s) %(names)s already exist for this product and "
                "company (another user may have just received them). Reload and "
                "check the serials.",
                names=names,
            )
        )

    def _serial_violating_names(self, error, vals_list):
        """The names of ``vals_list`` that already exist: the key PostgreSQL
        reports (it may belong to a transaction committed after this one
        started, invisible to a search) and those a search finds; only those,
        not every serial of the batch."""
        names = [str(vals.get("name")) for vals in vals_list if vals.get("name")]
        detail = error.diag.message_detail or ""
        reported = detail.partition(")=(")[2].rpartition(")")[0].split(", ", 2)[-1]
        found = {
            name
            for name in names
            if reported and (name == reported or name.casefold() == reported.casefold())
        }
        pairs = {
            (vals.get("product_id"), vals.get("company_id") or False, vals.get("name"))
            for vals in vals_list
        }
        # sudo: the serials that clash, whatever the user may read
        for lot in self.sudo().search_fetch(
            [
                ("name", "in", names),
                ("product_id", "in", [pair[0] for pair in pairs if pair[0]]),
            ],
            ["name", "product_id", "company_id"],
        ):
            if (lot.product_id.id, lot.company_id.id, lot.name) in pairs:
                found.add(lot.name)
        return [name for name in dict.fromkeys(names) if name in found] or [
            reported or "-"
        ]

    # ------------------------------------------------ ticket reservation

    def _serial_touch_rows(self):
        """Write a new version of these serials' rows, unchanged. Of two
        transactions handing the same serial at the same moment (one reserving
        it for a ticket, the other delivering or writing it off), the second
        fails here or on its own write (PostgreSQL serialization failure,
        retried by Odoo) and its retry sees what the first one committed."""
        if self.ids:
            self.env.cr.execute(
                SQL("UPDATE stock_lot SET id = id WHERE id IN %s", tuple(self.ids))
            )

    def _serial_reserved(self):
        """These serials still reserved for their ticket: on a ticket and not
        yet delivered on it. A serial delivered on its ticket is its customer's;
        if it comes back (a return), it is no longer held for the ticket."""
        lots = self.filtered("ticket_id")
        if not lots:
            return lots
        # sudo: the rule holds whatever the user may read
        delivered = (
            self.env["stock.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("lot_id", "in", lots.ids),
                    ("state", "=", "done"),
                    ("location_dest_id.usage", "=", "customer"),
                    ("move_id.ticket_id", "in", lots.ticket_id.ids),
                ],
                ["lot_id", "move_id"],
            )
        )
        done = {(ml.lot_id.id, ml.move_id.ticket_id.id) for ml in delivered}
        return lots.filtered(lambda lot: (lot.id, lot.ticket_id.id) not in done)

    def _check_ticket_reservation(self, ticket=None):
        """Refuse to let ``ticket`` (or no ticket: another customer's delivery,
        another estimate) take serials reserved for another ticket. Every path
        that hands a serial to someone calls this; a manager releases a serial
        first (``action_release_ticket``). The serials' rows are touched first:
        a reservation committed meanwhile by another user makes this
        transaction fail and be retried, never pass unseen."""
        self._serial_touch_rows()
        taken = self._serial_reserved().filtered(lambda lot: lot.ticket_id != ticket)
        if taken:
            raise UserError(
                self.env._(
                    "These serials are reserved for another ticket: %(lines)s. A "
                    "Serial Procurement Manager must release them from their ticket "
                    "first.",
                    lines=", ".join(
                        f"{lot.name} ({lot.ticket_id.sudo().display_name})"
                        for lot in taken[:20]
                    ),
                )
            )

    @api.model
    def _serial_check_reserved_leaving(self, move_lines):
        """The rule for serials reserved for a ticket on the other ways out of
        stock: a reserved serial leaves the company's stock only to its
        ticket's customer (the delivery check above). Refused: a scrap, a return
        to a vendor (to a supplier location), and an inventory adjustment that
        writes it off (to an inventory loss location) unless the serial is on
        hand in an internal location at commit (a count sheet moving it between
        shelves). Allowed: moves between internal locations, to transit, to
        production. A Serial Procurement Manager releases the serial first
        (``action_release_ticket``). ``move_lines``: lines being done."""
        lines = move_lines.filtered(
            lambda ml: (
                ml.lot_id
                and ml.quantity > 0
                and ml.location_id.usage in ("internal", "transit")
                and ml.location_dest_id.usage in ("supplier", "inventory")
            )
        )
        if not lines:
            return
        lines.lot_id._serial_touch_rows()
        reserved = lines.lot_id._serial_reserved()
        lines = lines.filtered(lambda ml: ml.lot_id in reserved)
        losses = lines.filtered(
            lambda ml: (
                ml.location_dest_id.usage == "inventory"
                and not ml.location_dest_id.scrap_location
            )
        )
        refused = lines - losses
        if refused:
            raise UserError(
                self.env._(
                    "These serials are reserved for a ticket and cannot be scrapped "
                    "or returned to a vendor: %(lines)s. A Serial Procurement "
                    "Manager must release them from their ticket first.",
                    lines=", ".join(
                        f"{ml.lot_id.name} ({ml.lot_id.ticket_id.sudo().display_name}"
                        f" -> {ml.location_dest_id.display_name})"
                        for ml in refused[:20]
                    ),
                )
            )
        losses.lot_id._serial_check_on_hand_at_commit()

    def _serial_check_on_hand_at_commit(self):
        """Check, just before the transaction commits, that these reserved
        serials written off somewhere are still on hand elsewhere."""
        pending = self.env.cr.precommit.data.setdefault(LOSSES_KEY, set())
        if not pending:
            self.env.cr.precommit.add(self.browse()._serial_check_reserved_losses)
        pending.update(self.ids)

    def _serial_check_reserved_losses(self):
        """Precommit: refuse the transaction that wrote off a reserved serial
        that is on hand nowhere any more; nothing is written."""
        lots = self.browse(self.env.cr.precommit.data.pop(LOSSES_KEY, ())).exists()
        on_hand = (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                [
                    ("lot_id", "in", lots.ids),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ],
                ["lot_id"],
            )
            .lot_id
        )
        lost = lots.filtered(lambda lot: lot not in on_hand)._serial_reserved()
        if lost:
            raise UserError(
                self.env._(
                    "These serials are reserved for a ticket and cannot be written "
                    "off by an inventory adjustment: %(lines)s. Count them where "
                    "they are, or have a Serial Procurement Manager release them "
                    "from their ticket first.",
                    lines=", ".join(
                        f"{lot.name} ({lot.ticket_id.sudo().display_name})"
                        for lot in lost[:20]
                    ),
                )
            )

    # The serials a release can apply to: on a ticket, neither invoiced nor at
    # the customer (the header button shows only there; the method refuses
    # the others).
    serial_releasable = fields.Boolean(
        string="Can Be Released",
        compute="_compute_serial_releasable",
    )

    @api.depends("ticket_id", "customer_invoice_line_id", "serial_at_customer")
    def _compute_serial_releasable(self):
        for lot in self:
            # sudo: whether the serial is invoiced, not what the invoice is
            lot.serial_releasable = bool(
                lot.ticket_id
                and not lot.sudo().customer_invoice_line_id
                and not lot.serial_at_customer
            )

    def action_release_ticket(self):
        """Manager only: free serials from their ticket (logged on the ticket).
        Refused on a serial invoiced or delivered to the customer."""
        if not self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Serial Procurement Manager may release a serial from "
                    "its ticket."
                )
            )
        for lot in self.filtered("ticket_id"):
            ticket = lot.ticket_id
            if lot.customer_invoice_line_id:
                raise UserError(
                    self.env._(
                        "Serial %(serial)s is invoiced on %(invoice)s: issue a "
                        "credit note before releasing it.",
                        serial=lot.name,
                        invoice=lot.customer_invoice_line_id.move_id.name,
                    )
                )
            if lot.serial_at_customer:
                raise UserError(
                    self.env._(
                        "Serial %(serial)s is delivered to %(customer)s: it is no "
                        "longer the ticket's to release. Take it back with a "
                        "return first.",
                        serial=lot.name,
                        customer=lot.delivered_partner_id.display_name,
                    )
                )
            lot._serial_flow_write({"ticket_id": False, "sale_line_id": False})
            ticket.message_post(
                body=self.env._(
                    "Serial %(serial)s released from this ticket by %(user)s.",
                    serial=lot.name,
                    user=self.env.user.name,
                )
            )
        return True

    # ------------------------------------------------ one invoice per serial

    def _serial_check_not_invoiced(self, lines):
        """Refuse serials already billed by another posted customer invoice."""
        taken = self.filtered(
            lambda lot: (
                lot.customer_invoice_line_id
                and lot.customer_invoice_line_id not in lines
                and lot.customer_invoice_line_id.parent_state == "posted"
            )
        )
        if taken:
            raise UserError(
                self.env._(
                    "Serials already invoiced to a customer: %(lines)s. Issue a "
                    "credit note for the first invoice before invoicing them again.",
                    lines=", ".join(
                        f"{lot.name} ({lot.customer_invoice_line_id.move_id.name})"
                        for lot in taken[:20]
                    ),
                )
            )

    # ----------------------------------------------------------------------
    # The uniqueness key of a serial name: the name lower-cased where case is
    # ignored, else the name as typed; unique per product and company in the
    # database (``CASE_INDEX``).
    # Case is ignored for a serial of a company whose setting "Serial numbers
    # ignore case" is on; for a serial shared by all companies (no company) when
    # any company has it on: a shared serial is the strictest company's serial.
    # The key is lower-cased by PostgreSQL's ``lower()`` everywhere (compute,
    # setting change, upgrade), so that it is the same whoever writes it.
    # ----------------------------------------------------------------------

    serial_name_key = fields.Char(
        string="Uniqueness Key",
        compute="_compute_serial_name_key",
        store=True,
        precompute=True,
        copy=False,
        help="The serial number as its uniqueness is checked: lower-cased when "
        "its company ignores case (a serial without company: when any company "
        "does), else as typed. Unique per product and company in the database.",
    )

    # ------------------------------------------------------------ the key

    @api.model
    def _serial_any_company_ignores_case(self):
        return bool(
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("serial_case_insensitive", "=", True)], limit=1)
        )

    @api.model
    def _serial_lower_names(self, names):
        """{name: lower(name)} by PostgreSQL, as the index and the SQL fill."""
        names = list({name for name in names if name})
        if not names:
            return {}
        self.env.cr.execute(
            SQL("SELECT n, lower(n) FROM unnest(%s::varchar[]) AS n", names)
        )
        return dict(self.env.cr.fetchall())

    @api.depends("name", "company_id")
    def _compute_serial_name_key(self):
        shared = None
        ignoring = self.browse()
        for lot in self:
            if lot.company_id:
                ignores = lot.company_id.sudo().serial_case_insensitive
            else:
                if shared is None:
                    shared = self._serial_any_company_ignores_case()
                ignores = shared
            if ignores:
                ignoring |= lot
        lowered = self._serial_lower_names(ignoring.mapped("name"))
        for lot in self:
            lot.serial_name_key = (
                lowered.get(lot.name) if lot in ignoring else lot.name
            ) or False

    def _serial_key_sql(self):
        """The key as an SQL expression over ``stock_lot`` aliased ``lot``."""
        cr = self.env.cr
        if not column_exists(cr, "res_company", "serial_case_insensitive"):
            # first install: no company ignores case yet
            return SQL("lot.name")
        cr.execute("SELECT bool_or(serial_case_insensitive) FROM res_company")
        shared = bool(cr.fetchone()[0])
        return SQL(
            "CASE WHEN COALESCE((SELECT c.serial_case_insensitive FROM res_company c"
            " WHERE c.id = lot.company_id), %s) THEN lower(lot.name) ELSE lot.name END",
            shared,
        )

    @api.model
    def _serial_fill_name_keys(self, companies=None, only_missing=False):
        """Write the key of the serials of ``companies`` (and the shared ones),
        of all serials when None, by one SQL statement; only rows whose key
        changes are written. Returns the number of serials updated.

        Keys pending computation are left to this statement: on upgrade (a new
        column) the ORM does not compute them again one by one."""
        self.env["stock.lot"].flush_model(["name", "company_id"])
        key = self._serial_key_sql()
        where = [SQL("lot.serial_name_key IS DISTINCT FROM %s", key)]
        if companies is not None:
            where.append(
                SQL(
                    "(lot.company_id IN %s OR lot.company_id IS NULL)",
                    tuple(companies.ids) or (0,),
                )
            )
        if only_missing:
            where.append(SQL("lot.serial_name_key IS NULL"))
        self.env.cr.execute(
            SQL(
                "UPDATE stock_lot lot SET serial_name_key = %s WHERE %s",
                key,
                SQL(" AND ").join(where),
            )
        )
        count = self.env.cr.rowcount
        self.env["stock.lot"].invalidate_model(["serial_name_key"], flush=False)
        field = self.env["stock.lot"]._fields["serial_name_key"]
        self.env.remove_to_compute(field, self.env.records_to_compute(field))
        return count

    @api.model
    def _serial_rebuild_indexes_after_fill(self, count):
        """After keys were written on a large share of the serials at once (the
        upgrade that adds the key), rebuild the table's indexes and statistics.
        Every row got a new version, and so a new entry in every index: core's
        trigram index of serial names comes out bloated, which made the Serial
        Enquiry by serial at 1,000,000 serials go from 6 ms to 11-35 ms until
        the index was rebuilt. The upgrade runs with Odoo stopped: REINDEX's
        lock on ``stock_lot`` only lasts until it ends."""
        if count < REBUILD_AFTER_ROWS:
            return False
        self.env.cr.execute(SQL("REINDEX TABLE stock_lot"))
        self.env.cr.execute(SQL("ANALYZE stock_lot"))
        _logger.info("stock.lot: %s uniqueness keys written; indexes rebuilt.", count)
        return True

    # ------------------------------------------------------------ the index

    def _serial_duplicate_keys(self, limit=50):
        """Rows (product id, company id, key, names) breaking the key's rule."""
        self.env.cr.execute(
            SQL(
                """SELECT product_id, company_id, serial_name_key,
                          array_agg(name ORDER BY name)
                     FROM stock_lot WHERE serial_name_key IS NOT NULL
                    GROUP BY product_id, company_id, serial_name_key
                   HAVING count(*) > 1 ORDER BY serial_name_key LIMIT %s""",
                limit,
            )
        )
        return self.env.cr.fetchall()

    def _serial_create_case_index(self):
        """Create the unique index of the keys, or report in the log the
        serials that prevent it (they must be renamed or merged first)."""
        return self._serial_create_reported_index(
            CASE_INDEX,
            "serial_name_key",
            self._serial_duplicate_keys,
            "serial name(s) differing only by case in a company that ignores "
            "case (product id, company id, key, names)",
        )

    @api.model
    def _serial_case_clashes(self, companies, limit=20):
        """[(product, name, other name)]: serials of ``companies`` (or shared)
        differing only by case, that ignoring case in ``companies`` would merge."""
        ids = tuple(companies.ids) or (0,)
        self.env["stock.lot"].flush_model(["name", "product_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT a.product_id, a.name, b.name FROM stock_lot a
                     JOIN stock_lot b ON b.product_id = a.product_id
                      AND lower(b.name) = lower(a.name) AND b.id > a.id
                    WHERE (a.company_id IN %s OR a.company_id IS NULL)
                      AND (b.company_id IN %s OR b.company_id IS NULL)
                      AND (a.company_id = b.company_id OR a.company_id IS NULL
                           OR b.company_id IS NULL)
                    ORDER BY a.name LIMIT %s""",
                ids,
                ids,
                limit,
            )
        )
        Product = self.env["product.product"].sudo()
        return [
            (Product.browse(product_id), name, other)
            for product_id, name, other in self.env.cr.fetchall()
        ]

    @api.model
    def _serial_check_case_clashes(self, companies):
        """Refuse to ignore case in ``companies`` while serials differing only
        by case exist there; nothing is written."""
        clashes = self._serial_case_clashes(companies)
        if clashes:
            raise UserError(
                self.env._(
                    "Serial numbers cannot ignore case in %(companies)s: these "
                    "serials differ only by case and would become one serial. "
                    "Rename or merge them first:\n%(lines)s",
                    companies=", ".join(companies.mapped("name")),
                    lines="\n".join(
                        f"{product.display_name}: {name} / {other}"
                        for product, name, other in clashes
                    ),
                )
            )

    @api.model
    def _serial_refill_keys_for(self, companies):
        """After the setting changed in ``companies``: their serials' keys (and
        the shared ones') follow it. A serial differing only by case created at
        the same moment by another user is refused by the index here."""
        self.env["stock.lot"].flush_model(["serial_name_key"])
        try:
            with self.env.cr.savepoint(flush=False):
                return self._serial_fill_name_keys(companies)
        except errors.UniqueViolation as error:
            raise UserError(
                self.env._(
                    "Serial numbers differing only by case were just created in "
                    "%(companies)s by another user: try again to see them.",
                    companies=", ".join(companies.mapped("name")),
                )
            ) from error

    # ------------------------------------------------------------ friendly check

    @api.constrains("name", "product_id", "company_id")
    def _check_serial_name_case_unique(self):
        """Where case is ignored, ``abc`` and ``ABC`` are one serial: the
        friendly message (the database's unique index of ``serial_name_key``
        stops what this check cannot see: another transaction)."""
        if not self.ids or not self._serial_any_company_ignores_case():
            return
        self.flush_model(["name", "product_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """SELECT lot.name, other.name FROM stock_lot lot
                   JOIN stock_lot other ON other.product_id = lot.product_id
                    AND lower(other.name) = lower(lot.name) AND other.id != lot.id
                    AND (other.company_id = lot.company_id
                         OR other.company_id IS NULL OR lot.company_id IS NULL)
                   LEFT JOIN res_company company
                     ON company.id = COALESCE(lot.company_id, other.company_id)
                  WHERE lot.id IN %s
                    AND COALESCE(company.serial_case_insensitive, TRUE)
                  LIMIT 10""",
                tuple(self.ids),
            )
        )
        clashes = self.env.cr.fetchall()
        if clashes:
            raise ValidationError(
                self.env._(
                    "Serial numbers differing only by case are the same serial in "
                    "this company: %(pairs)s.",
                    pairs=", ".join(f"{a} / {b}" for a, b in clashes),
                )
            )

    # ----------------------------------------------------------------------
    # The Serial Enquiry search box of ``stock.lot`` (field
    # ``serial_enquiry``): one search over the serial and its references.
    # ----------------------------------------------------------------------

    def _compute_serial_enquiry(self):
        for lot in self:
            lot.serial_enquiry = lot.name

    def _search_serial_enquiry(self, operator, value):
        """One search box over the serial and its references.

        The references (partners, tickets, purchase orders, invoices: small
        tables) are looked up first, all in one query
        (``_serial_enquiry_references``), and the serials are then searched
        with an OR of literal ids: PostgreSQL combines the trigram index of the
        serial name with the btree indexes of customer, supplier, ticket and
        purchase order, and estimates each branch right, so the search stays
        fast with millions of serials. References the user may not read are
        skipped.
        """
        if operator not in ("ilike", "=") or not isinstance(value, str) or not value:
            return [("name", operator, value)]
        references = self._serial_enquiry_references(operator, value)
        return expression.OR(
            [[("name", operator, value)], *self._serial_enquiry_terms(references)]
        )

    def _serial_enquiry_lookups(self, operator, value):
        """``[(key, model, domain)]``: where the enquiry looks the text up; the
        ids found come back under ``key`` to ``_serial_enquiry_terms``.
        ``operator`` and ``value`` are those of ``_serial_enquiry_text``: put
        them in the domains as they are."""
        return [
            ("partner", "res.partner", [("complete_name", operator, value)]),
            (
                "ticket",
                "helpdesk.ticket",
                ["|", ("name", operator, value), ("number", operator, value)],
            ),
            ("purchase", "purchase.order", [("name", operator, value)]),
            (
                "invoice",
                "account.move",
                [
                    ("name", operator, value),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
            ),
        ]

    def _serial_enquiry_terms(self, references):
        """The serials' domains (ORed with the name) for the references found."""
        terms = []
        if references.get("partner"):
            partners = references["partner"]
            terms += [
                [("customer_id", "in", partners)],
                [("supplier_id", "in", partners)],
            ]
        if references.get("ticket"):
            tickets = references["ticket"]
            terms += [
                [("ticket_id", "in", tickets)],
                [("material_ticket_id", "in", tickets)],
            ]
        if references.get("purchase"):
            terms.append([("purchase_order_id", "in", references["purchase"])])
        if references.get("invoice"):
            terms.append([("invoice_line_ids.move_id", "in", references["invoice"])])
        return terms

    @api.model
    def _serial_enquiry_text(self, operator, value):
        """``(operator, value)`` of the lookups: the text as a parameter of the
        query (a sub-select PostgreSQL evaluates once), with the wildcards of
        ``ilike`` (``=ilike``: the same rows).

        Given the text itself, the planner estimates every ILIKE against the
        column's statistics (part of the lookups' planning time) and lets the
        estimate choose between the trigram index and reading the whole table;
        a ticket title read all the tickets (1.4 ms for 2,000, growing with
        them) where the index took 0.3 ms, and so did any search right after
        tickets were imported, until the next VACUUM refreshes the index's
        statistics. As a parameter, the text is matched through the trigram
        indexes whatever the statistics say, and planning takes about half the
        time. The serial names themselves are still searched as core does.
        """
        if operator == "ilike":
            return "=ilike", SQL("(SELECT %s::text)", f"%{value}%")
        return operator, SQL("(SELECT %s::text)", value)

    def _serial_enquiry_references(self, operator, value):
        """``{key: [ids]}`` of every lookup of ``_serial_enquiry_lookups`` the
        user may read, in one query (a UNION ALL of the ORM's own searches, so
        record rules apply): one round trip instead of one per model."""
        parts = []
        lookups = self._serial_enquiry_lookups(
            *self._serial_enquiry_text(operator, value)
        )
        env = self.with_context(active_test=False).env
        for key, model, domain in lookups:
            records = env[model]
            if not records.has_access("read"):
                continue
            query = records._search(domain)
            if query.is_empty():
                continue
            parts.append(
                SQL(
                    "(%s)",
                    query.select(SQL("%s", key), SQL.identifier(query.table, "id")),
                )
            )
        references = defaultdict(list)
        if parts:
            self.env.cr.execute(SQL(" UNION ALL ").join(parts))
            for key, record_id in self.env.cr.fetchall():
                references[key].append(record_id)
        return references

    # ----------------------------------------------------------------------
    # Serials that arrive other than by a receipt: found or created on a
    # transaction (flagged to investigate, with a to-do for the stock manager),
    # or used as material on a ticket. Inherited by ``stock.lot``.
    # ----------------------------------------------------------------------

    @api.model
    def _serial_find(self, product, names, company):
        """The existing serials ``names`` of ``product`` in the uniqueness scope
        of ``company``: its own and those shared by all companies. Searched
        as superuser (uniqueness ignores access rights), returned in this env."""
        if not names:
            return self.browse()
        name_domain = [("name", "in", list(names))]
        if company.serial_case_insensitive:
            matching = SQL(
                "(SELECT id FROM stock_lot"
                " WHERE product_id = %s AND lower(name) IN %s)",
                product.id,
                tuple({name.lower() for name in names}),
            )
            name_domain = [("id", "in", matching)]
        lots = self.sudo().search(
            [
                *name_domain,
                ("product_id", "=", product.id),
                ("company_id", "in", [company.id, False]),
            ]
        )
        return lots.with_env(self.env)

    @api.model
    def _serial_check_other_products(self, product, names, company):
        """Refuse serials ``names`` that already exist for another product in
        the uniqueness scope of ``company`` (searched as superuser)."""
        clashes = self.sudo().search_fetch(
            [
                ("name", "in", list(names)),
                ("product_id", "!=", product.id),
                ("company_id", "in", [company.id, False]),
            ],
            ["name", "product_id"],
        )
        if clashes:
            raise UserError(
                _(
                    "These serial numbers already belong to another product:"
                    "\n%(lines)s",
                    lines="\n".join(
                        f"{lot.name}: {lot.product_id.display_name}" for lot in clashes
                    ),
                )
            )

    @api.model
    def _serial_create_on_transaction(self, product, names, company=None):
        """Create serials never received, for a Serial Procurement Manager only.

        The serials are flagged ``needs_review``; plain users get an error.
        """
        if not names:
            return self.browse()
        company = company or self.env.company
        company._serial_check_strict_intake(
            product,
            _(
                "adding serial numbers never received (%(names)s)",
                names=", ".join(names),
            ),
        )
        if not self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            raise UserError(
                _(
                    "The serial number(s) %(names)s of %(product)s were never "
                    "received. "
                    "Only a Serial Procurement Manager may add a serial on a "
                    "transaction; otherwise receive it first.",
                    names=", ".join(names),
                    product=product.display_name,
                )
            )
        return self._serial_flow_create(
            [
                {
                    "name": name,
                    "product_id": product.id,
                    "company_id": company.id,
                    "needs_review": True,
                }
                for name in names
            ]
        )

    def action_clear_review(self):
        if not self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            raise UserError(
                _(
                    "Only a Serial Procurement Manager may clear a serial to "
                    "investigate."
                )
            )
        self.filtered("needs_review")._serial_flow_write({"needs_review": False})
        return True

    def _serial_review_responsible(self):
        """The stock manager who investigates this serial: the product's
        responsible when an Inventory Administrator, else the first Inventory
        Administrator of the serial's company."""
        self.ensure_one()
        managers = self.env.ref("stock.group_stock_manager").sudo().users
        responsible = self.product_id.responsible_id
        if responsible in managers:
            return responsible
        company = self.company_id or self.env.company
        candidates = managers.filtered(
            lambda user: (
                not user.share
                and user.id != SUPERUSER_ID
                and company in user.company_ids
            )
        ).sorted("id")
        return candidates[:1] or self.env.user

    def _serial_schedule_review_activity(self):
        """A to-do for the stock manager on each serial to investigate."""
        for lot in self.filtered("needs_review"):
            lot.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=lot._serial_review_responsible().id,
                summary=_("Investigate serial %(serial)s", serial=lot.name),
                note=_(
                    "This serial was added on a transaction without a receipt: "
                    "check it and record a retrospective receipt if needed."
                ),
            )

    def _serial_stamp_material(self, ticket):
        """Record the ticket and its customer on serials used as material."""
        vals = {"material_ticket_id": ticket.id}
        customer = ticket.partner_id.commercial_partner_id
        if customer:
            vals["customer_id"] = customer.id
        self._serial_flow_write(vals)

    # ----------------------------------------------------------------------
    # ----------------------------------------------------------------------

    serial_move_line_ids = fields.One2many(
        comodel_name="stock.move.line",
        inverse_name="lot_id",
        string="Stock Move Lines",
        readonly=True,
    )
    serial_received_date = fields.Date(
        string="Received On",
        compute="_compute_serial_after_sale",
        store=True,
        copy=False,
        help="Date of the first receipt of this serial from a vendor.",
    )
    serial_sold_date = fields.Date(
        string="Sold On",
        compute="_compute_serial_after_sale",
        store=True,
        copy=False,
        help="First delivery to a customer or first posted customer invoice, "
        "whichever came first.",
    )
    delivered_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Delivered To",
        compute="_compute_serial_after_sale",
        store=True,
        index="btree_not_null",
        copy=False,
        help="The customer (company) this serial was last delivered to.",
    )
    serial_at_customer = fields.Boolean(
        string="At Customer",
        compute="_compute_serial_after_sale",
        store=True,
        copy=False,
        help="The last movement of this serial delivered it to a customer.",
    )
    vendor_warranty_end = fields.Date(
        compute="_compute_vendor_warranty_end",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        index="btree_not_null",
        help="Receipt date plus the product's vendor warranty. A manager may "
        "change it.",
    )
    customer_warranty_end = fields.Date(
        compute="_compute_customer_warranty_end",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        index="btree_not_null",
        help="Sale date plus the product's customer warranty. A manager may change it.",
    )
    vendor_warranty_manual = fields.Boolean(
        copy=False,
        help="Vendor warranty end set by hand: not recomputed.",
    )
    customer_warranty_manual = fields.Boolean(
        copy=False,
        help="Customer warranty end set by hand: not recomputed.",
    )
    warranty_state = fields.Selection(
        selection=WARRANTY_STATES,
        string="Customer Warranty",
        compute="_compute_warranty_state",
    )
    vendor_warranty_state = fields.Selection(
        selection=WARRANTY_STATES,
        string="Vendor Warranty",
        compute="_compute_vendor_warranty_state",
    )
    service_ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="serial_procurement_ticket_service_lot_rel",
        column1="lot_id",
        column2="ticket_id",
        string="Service Tickets",
        copy=False,
        readonly=True,
    )
    service_ticket_count = fields.Integer(compute="_compute_service_ticket_count")

    # ------------------------------------------------------------------
    # Dates and holder
    # ------------------------------------------------------------------

    def _serial_history_changed(self):
        """Recompute the receipt and sale dates and the holder of these serials
        (``_compute_serial_after_sale``) and what depends on them: called by
        ``stock.move._action_done`` for the serials of the moves it did."""
        history = [
            field
            for field in self._fields.values()
            if field.compute == "_compute_serial_after_sale"
        ]
        for field in history:
            self.env.add_to_compute(field, self)
        self.modified([field.name for field in history])

    # Not on the lines' state: a delivery reserving or releasing a serial
    # changes its lines' state (partially available, assigned), which would
    # recompute the history of every serial it reserves; the lines that
    # become done are marked by ``stock.move._action_done``
    # (``_serial_history_changed``), and core dates every line it does.
    @api.depends(
        "serial_move_line_ids",
        "serial_move_line_ids.date",
        "invoice_line_ids.parent_state",
        "invoice_line_ids.move_id.invoice_date",
    )
    def _compute_serial_after_sale(self):
        """Receipt date, sale date and holder from the done movements (one
        search for all serials) and the posted customer invoices."""
        # new records (forms) use the movements of the serial they edit
        lot_ids = [lot._origin.id for lot in self if lot._origin]
        lines_by_lot = {lot_id: [] for lot_id in lot_ids}
        if lot_ids:
            # sudo: stored values must not depend on who triggers the recompute
            move_lines = (
                self.env["stock.move.line"]
                .sudo()
                .search(
                    [("lot_id", "in", lot_ids), ("state", "=", "done")],
                    order="date, id",
                )
            )
            for line in move_lines:
                lines_by_lot[line.lot_id.id].append(line)
        for lot in self:
            lines = lines_by_lot.get(lot._origin.id, [])
            lot.serial_received_date = next(
                (
                    self._serial_local_date(ml.date)
                    for ml in lines
                    if ml.location_id.usage == "supplier"
                ),
                False,
            )
            lot.serial_sold_date = lot._serial_first_sale_date(lines)
            lot.delivered_partner_id = self._serial_last_customer(lines)
            lot.serial_at_customer = bool(
                lines and lines[-1].location_dest_id.usage == "customer"
            )

    def _serial_local_date(self, value):
        return fields.Date.context_today(self, timestamp=value)

    def _serial_first_sale_date(self, lines):
        """Earlier of the first delivery to a customer and the first posted
        customer invoice date."""
        self.ensure_one()
        dates = [
            self._serial_local_date(ml.date)
            for ml in lines
            if ml.location_dest_id.usage == "customer"
        ][:1]
        dates += [
            aml.move_id.invoice_date
            for aml in self.sudo().invoice_line_ids
            if aml.parent_state == "posted"
            and aml.move_id.move_type == "out_invoice"
            and aml.move_id.invoice_date
        ]
        return min(dates) if dates else False

    @api.model
    def _serial_last_customer(self, lines):
        """Commercial partner of the last delivery to a customer location."""
        deliveries = [ml for ml in lines if ml.location_dest_id.usage == "customer"]
        if not deliveries:
            return self.env["res.partner"]
        last = deliveries[-1]
        partner = last.picking_partner_id or last.move_id.partner_id
        return partner.commercial_partner_id

    # ------------------------------------------------------------------
    # Warranty
    # ------------------------------------------------------------------

    @api.depends("serial_received_date", "product_id.vendor_warranty_months")
    def _compute_vendor_warranty_end(self):
        for lot in self:
            if lot.vendor_warranty_manual:  # set by hand: keep it
                lot.vendor_warranty_end = lot.vendor_warranty_end
                continue
            lot.vendor_warranty_end = self._serial_warranty_end(
                lot.serial_received_date, lot.product_id.vendor_warranty_months
            )

    @api.depends("serial_sold_date", "product_id.customer_warranty_months")
    def _compute_customer_warranty_end(self):
        for lot in self:
            if lot.customer_warranty_manual:  # set by hand: keep it
                lot.customer_warranty_end = lot.customer_warranty_end
                continue
            lot.customer_warranty_end = self._serial_warranty_end(
                lot.serial_sold_date, lot.product_id.customer_warranty_months
            )

    @api.model
    def _serial_warranty_end(self, start, months):
        if not start or not months:
            return False
        return date_utils.add(start, months=months)

    @api.depends("customer_warranty_end")
    @api.depends_context("tz")
    def _compute_warranty_state(self):
        # apart from the vendor's: a portal user reads the customer's only
        today = fields.Date.context_today(self)
        for lot in self:
            lot.warranty_state = self._serial_warranty_state(
                lot.customer_warranty_end, today
            )

    @api.depends("vendor_warranty_end")
    @api.depends_context("tz")
    def _compute_vendor_warranty_state(self):
        today = fields.Date.context_today(self)
        for lot in self:
            lot.vendor_warranty_state = self._serial_warranty_state(
                lot.vendor_warranty_end, today
            )

    @api.model
    def _serial_warranty_state(self, end, today):
        if not end:
            return "none"
        return "under" if end >= today else "expired"

    def _compute_service_ticket_count(self):
        for lot in self:
            lot.service_ticket_count = len(lot.service_ticket_ids)

    def action_view_service_tickets(self):
        singleton.ensure_one(self)
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action.update(
            domain=[("id", "in", self.service_ticket_ids.ids)],
            context={
                "default_service_lot_ids": [self.id],
                "default_partner_id": self.delivered_partner_id.id,
            },
        )
        return action

    # ------------------------------------------------------------------
    # Portal users (My Devices) read what the portal page shows, nothing of
    # the purchasing side (vendor, purchase order, costs, vendor warranty,
    # receipts, invoices): a list of fields allowed rather than refused, so
    # that a field added later (here, in core or by another addon) stays
    # internal. Checked where Odoo checks field rights (read, search domains,
    # write), for portal and public users only: the fields themselves (and
    # the fields of other models related to them) are left as core defines
    # them, so nothing changes for internal users or other modules.
    # ------------------------------------------------------------------

    @api.model
    def check_field_access_rights(self, operation, field_names):
        if self.env.su or not self.env.user.share:
            return super().check_field_access_rights(operation, field_names)
        if not field_names:
            allowed = super().check_field_access_rights(operation, field_names)
            return [name for name in allowed if name in PORTAL_FIELDS]
        refused = [
            name
            for name in field_names
            if name in self._fields and name not in PORTAL_FIELDS
        ]
        if refused:
            _logger.info(
                "Access to serial fields %s refused to the portal user %s",
                ", ".join(refused),
                self.env.uid,
            )
            raise AccessError(
                self.env._(
                    "You do not have enough rights to access the fields "
                    '"%(fields)s" on Lot/Serial (stock.lot).',
                    fields=",".join(refused),
                )
            )
        return super().check_field_access_rights(operation, field_names)

    # ------------------------------------------------------------------
    # Manual warranty changes
    # ------------------------------------------------------------------

    @api.model
    def _serial_flag_manual_warranty(self, vals):
        for field, flag in WARRANTY_MANUAL_FLAGS.items():
            if field in vals and flag not in vals:
                vals[flag] = True

    def _serial_check_warranty_editor(self):
        if self.env.su or self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            return
        raise UserError(
            self.env._(
                "Only a Serial Procurement Manager may change the warranty end "
                "of a serial."
            )
        )

    def action_reset_warranty(self):
        """Forget the manual warranty ends: compute them again from the dates."""
        self._serial_check_warranty_editor()
        self.write({"vendor_warranty_manual": False, "customer_warranty_manual": False})
        self.env.add_to_compute(self._fields["vendor_warranty_end"], self)
        self.env.add_to_compute(self._fields["customer_warranty_end"], self)
        return True
