# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter, defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero

from odoo.addons.stock.models.stock_move_line import (
    StockMoveLine as CoreStockMoveLine,
)

from ..tools import markers, overrides

# Markers of the batch of brand-new serials' quants (tools/markers: state of
# the transaction set by the addon's own methods, never a context key): the
# batch of a done step; the moves and serials the count sheet declares new.
NEW_QUANTS = "new_quants_batch"
NEW_LOTS = "new_lots"


def _format_qty(qty):
    """Show a whole quantity without decimals: 2, not 2.0."""
    return int(qty) if float(qty).is_integer() else qty


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        compute="_compute_ticket_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        domain="[('company_id', 'in', (company_id, False))]",
        help="The ticket the serial of this line is received for; defaults to "
        "the purchase order's ticket.",
    )

    serial_lot_ref = fields.Char(
        string="Serial Reference",
        help="Internal reference (e.g. MAC address) of the serial created on "
        "this line, from the distributor's shipment file.",
    )

    @api.depends("move_id.purchase_line_id.ticket_id")
    def _compute_ticket_id(self):
        for line in self:
            if line.state == "done":
                continue
            line.ticket_id = line.move_id.purchase_line_id.ticket_id

    @api.model_create_multi
    def create(self, vals_list):
        Lot = self.env["stock.lot"]
        for vals in vals_list:
            if vals.get("lot_name"):
                product = (
                    self.env["product.product"].browse(vals.get("product_id"))
                    or self.env["stock.move"].browse(vals.get("move_id")).product_id
                )
                vals["lot_name"] = Lot._serial_clean_name_for(product, vals["lot_name"])
            if vals.get("ticket_id") and vals.get("move_id"):
                self._serial_check_ticket_company_of(
                    self.env["helpdesk.ticket"].browse(vals["ticket_id"]),
                    self.env["stock.move"].browse(vals["move_id"]).company_id,
                    vals.get("lot_name")
                    or self.env["stock.lot"].browse(vals.get("lot_id")).name,
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("lot_name"):
            product = (
                self.env["product.product"].browse(vals["product_id"])
                if vals.get("product_id")
                else self.product_id
            )
            vals = dict(
                vals,
                lot_name=self.env["stock.lot"]._serial_clean_name_for(
                    product, vals["lot_name"]
                ),
            )
        return super().write(vals)

    @api.constrains("ticket_id", "company_id")
    def _check_ticket_company(self):
        for line in self.filtered("ticket_id"):
            self._serial_check_ticket_company_of(
                line.ticket_id, line.company_id, line.lot_name or line.lot_id.name
            )

    @api.model
    def _serial_check_ticket_company_of(self, ticket, company, serial=None):
        """A serial is received onto a ticket of the transfer's company only."""
        if ticket.company_id and company and ticket.company_id != company:
            raise ValidationError(
                _(
                    "Serial %(serial)s: the ticket %(ticket)s belongs to another "
                    "company than the transfer (%(company)s).",
                    serial=serial or _("(no serial yet)"),
                    ticket=ticket.sudo().display_name,
                    company=company.display_name,
                )
            )

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        vals.update(self._serial_procurement_lot_vals())
        return vals

    def _serial_procurement_lot_vals(self):
        """Origin of a serial received on this line: ticket, customer, supplier, PO."""
        self.ensure_one()
        # A serial received by a company belongs to it (multi-company rules),
        # even for a product shared between companies. Lots of lot-tracked
        # products keep core's company (the product's): a shared lot may
        # travel between companies (inter-company transit).
        vals = {}
        if self.product_id.tracking == "serial":
            vals["company_id"] = self.company_id.id
        if self.serial_lot_ref:
            vals["ref"] = self.serial_lot_ref
        purchase = self.move_id.purchase_line_id.order_id
        if purchase:
            vals["purchase_order_id"] = purchase.id
            vals["supplier_id"] = purchase.partner_id.commercial_partner_id.id
        elif self.picking_code == "incoming" and self.picking_partner_id:
            vals["supplier_id"] = self.picking_partner_id.commercial_partner_id.id
        if self.ticket_id:
            vals["ticket_id"] = self.ticket_id.id
            customer = self.ticket_id.partner_id.commercial_partner_id
            if customer:
                vals["customer_id"] = customer.id
        return vals

    def _serial_reservation_key(self):
        """The serial (lot id) this line reserves, or the line itself when it
        has none, as the reservation planner knows it."""
        self.ensure_one()
        return self.lot_id.id or ("line", self.id)

    def _serial_quant_key(self):
        """Key of this line's quant in core's quant cache (``stock.quant._gather``)."""
        self.ensure_one()
        return (
            self.product_id.id,
            self.location_id.id,
            self.lot_id.id,
            self.package_id.id,
            self.owner_id.id,
        )

    def _serial_check_receipt(self):
        """Refuse a receipt whose serials break a rule; nothing is written."""
        if not self:
            return
        self._serial_check_required_purchase()
        tracked = self.filtered(lambda ml: ml.product_id.tracking == "serial")
        tracked._serial_check_duplicates_in_entry()
        tracked._serial_check_existing_serials()
        self._serial_check_ticket_capacity()
        for line in self.filtered(lambda ml: ml.ticket_id and ml.lot_id.ticket_id):
            line.lot_id._check_ticket_reservation(line.ticket_id)

    def _serial_units_without_serial(self, flag):
        """{product: units} of the lines whose product has ``flag`` set (a
        serial-required field of the product) and that carry no serial, in a
        company that enforces the rules."""
        missing = Counter()
        for ml in self:
            if (
                ml.product_id[flag]
                and not (ml.lot_id or ml.lot_name)
                and ml.company_id.serial_rules_enabled
                and ml._serial_flag_applies(flag)
            ):
                missing[ml.product_id] += ml.quantity
        return missing

    def _serial_flag_applies(self, flag):
        """An operation type that takes no serial numbers at all (neither
        creates nor uses existing ones: core's way of letting tracked products
        pass without serials) is obeyed, except for the units of the flag's own
        document: a purchase order's receipt (Serial Required for Purchase) or
        a sale order's delivery (Serial Required for Sales)."""
        self.ensure_one()
        picking_type = self.move_id.picking_type_id or self.picking_id.picking_type_id
        if not picking_type or picking_type.use_create_lots:
            return True
        if picking_type.use_existing_lots:
            return True
        if flag == "serial_required_purchase":
            return bool(self.move_id.purchase_line_id)
        return bool(self.move_id.sale_line_id)

    def _serial_raise_units_without_serial(self, missing, message):
        """Raise ``message`` (with a ``%(lines)s`` placeholder) listing them."""
        if missing:
            raise UserError(
                message
                % {
                    "lines": "\n".join(
                        self.env._(
                            "%(product)s: %(qty)s unit(s) without a serial",
                            product=product.display_name,
                            qty=_format_qty(qty),
                        )
                        for product, qty in missing.items()
                    )
                }
            )

    def _serial_check_required_purchase(self):
        """Refuse a receipt with units of a "serial required for purchase"
        product that carry no serial; nothing is written."""
        self._serial_raise_units_without_serial(
            self._serial_units_without_serial("serial_required_purchase"),
            _("A serial number is required for purchase on every unit of:\n%(lines)s"),
        )

    def _serial_check_duplicates_in_entry(self):
        """The same serial entered twice in what is validated now (one receipt
        or several together) is refused with core's exception class
        (ValidationError), naming where each copy is; nothing is written."""
        where = defaultdict(list)
        for ml in self:
            name = ml.lot_name or ml.lot_id.name
            if name:
                where[(ml.product_id, name)].append(
                    ml.picking_id.name or ml.reference or ml.move_id.name or "-"
                )
        duplicates = [(key, refs) for key, refs in where.items() if len(refs) > 1]
        if duplicates:
            raise ValidationError(
                _(
                    "The same serial number is entered twice:\n%(lines)s\n"
                    "Remove or correct one of them, then validate again.",
                    lines="\n".join(
                        _(
                            "%(product)s: %(serial)s on %(places)s",
                            product=product.display_name,
                            serial=name,
                            places=_(" and ").join(refs),
                        )
                        for (product, name), refs in duplicates
                    ),
                )
            )

    def _serial_check_existing_serials(self):
        """A serial typed on a receipt that already exists is received again,
        reusing its serial record as core does (returned to the vendor,
        scrapped, delivered and returned), unless it is on hand in an internal
        location: then only those serials are refused, with where they are."""
        new_lines = self.filtered(lambda ml: ml.lot_name and not ml.lot_id)
        if not new_lines:
            return
        existing = (
            self.env["stock.lot"]
            .sudo()
            .search_fetch(
                [
                    ("name", "in", list(set(new_lines.mapped("lot_name")))),
                    ("product_id", "in", new_lines.product_id.ids),
                    ("company_id", "in", [*new_lines.company_id.ids, False]),
                ],
                ["name", "product_id"],
            )
        )
        wanted = {(ml.product_id.id, ml.lot_name) for ml in new_lines}
        clashes = existing.filtered(lambda lot: (lot.product_id.id, lot.name) in wanted)
        if not clashes:
            return
        # sudo: the rule holds whatever locations the user may read
        on_hand = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", clashes.ids),
                    ("quantity", ">", 0),
                    ("location_id.usage", "=", "internal"),
                ]
            )
        )
        if on_hand:
            raise UserError(
                _(
                    "These serial numbers already exist and are on hand: they "
                    "cannot be received again:\n%(lines)s\nRemove their lines "
                    "from the receipt (or correct their serials), then validate "
                    "again.",
                    lines="\n".join(
                        _(
                            "%(product)s: %(serial)s (in %(location)s)",
                            product=quant.product_id.display_name,
                            serial=quant.lot_id.name,
                            location=quant.location_id.complete_name,
                        )
                        for quant in on_hand.sorted(lambda q: q.lot_id.name)
                    ),
                )
            )

    def _serial_check_ticket_capacity(self):
        """A ticket only takes as many serials as it has unallocated units."""
        incoming = Counter()
        lines = self.filtered(lambda ml: ml.ticket_id and (ml.lot_name or ml.lot_id))
        lines.ticket_id._check_can_receive_serials()
        for ml in lines:
            incoming[(ml.ticket_id, ml.product_id)] += 1
        errors = []
        for ticket in {ticket for ticket, _product in incoming}:
            free = ticket._serial_units_unallocated()
            for (line_ticket, product), count in incoming.items():
                if line_ticket != ticket:
                    continue
                available = free.get(product.id, 0)
                if count > available:
                    errors.append(
                        _(
                            "%(ticket)s: %(count)s serial(s) of %(product)s received "
                            "but only %(free)s unit(s) wait for a serial",
                            ticket=ticket.display_name,
                            count=_format_qty(count),
                            product=product.display_name,
                            free=_format_qty(max(available, 0)),
                        )
                    )
        if errors:
            raise UserError(
                _(
                    "Some serials are sent to a ticket that cannot take "
                    "them:\n%(lines)s",
                    lines="\n".join(errors),
                )
            )

    def _serial_allocate_to_tickets(self):
        """After validation: stamp the ticket on existing lots, allocate each serial
        to an estimate line and reserve the tickets' serials on their deliveries,
        in one batch. Returns the deliveries (moves) so reserved."""
        lines = self.filtered(lambda ml: ml.ticket_id and ml.lot_id)
        if not lines:
            return self.env["stock.move"]
        lines._serial_stamp_lots()
        lots = lines.lot_id
        lots._serial_allocate_to_sale_lines()
        reserved = lots._serial_reserve_for_ticket()
        lines._serial_log_receipt()
        return reserved

    def _serial_stamp_lots(self):
        """Existing serials received onto a ticket take its origin (ticket,
        customer, supplier, PO): one write per distinct origin."""
        by_vals = defaultdict(list)
        for ml in self:
            if ml.lot_id.ticket_id != ml.ticket_id:
                vals = ml._serial_procurement_lot_vals()
                if ml.lot_id.sale_line_id:
                    # a serial received again: allocated anew to this ticket
                    vals["sale_line_id"] = False
                by_vals[tuple(sorted(vals.items()))].append(ml.lot_id.id)
        for vals, lot_ids in by_vals.items():
            self.env["stock.lot"].browse(lot_ids)._serial_flow_write(dict(vals))

    def _serial_log_receipt(self):
        """Tell each ticket which serials its receipt brought, and each receipt
        which ticket it fed."""
        pairs = defaultdict(lambda: self.env["stock.lot"])
        for ml in self:
            pairs[(ml.ticket_id, ml.picking_id)] |= ml.lot_id
        for (ticket, picking), lots in pairs.items():
            ticket._serial_log_allocation(lots, picking or _("a receipt"))
            if picking:
                picking.message_post(
                    body=Markup(
                        _("Serials %(serials)s received onto ticket %(ticket)s.")
                    )
                    % {
                        "serials": ", ".join(lots.mapped("name")),
                        "ticket": ticket._get_html_link(),
                    }
                )

    # ------------------------------------------------------------------
    # Deliveries (issue #4)
    # ------------------------------------------------------------------

    def _serial_check_required_sale(self):
        """Refuse a customer delivery with units of a "serial required for
        sales" product that carry no serial; nothing is written."""
        self._serial_raise_units_without_serial(
            self._serial_units_without_serial("serial_required_sale"),
            _("A serial number is required for sales on every unit of:\n%(lines)s"),
        )

    def _serial_check_delivery_reservation(self):
        """A serial reserved for a ticket leaves only on that ticket's estimate.
        Every serial delivered is checked, not only those this transaction sees
        on a ticket: the check touches their rows, so that a reservation
        committed meanwhile by another user is never delivered unseen."""
        by_ticket = defaultdict(lambda: self.env["stock.lot"])
        for line in self.filtered("lot_id"):
            move = line.move_id
            order = move.sale_line_id.order_id or move.group_id.sale_id
            by_ticket[order.ticket_id] |= line.lot_id
        for ticket, lots in by_ticket.items():
            lots._check_ticket_reservation(ticket)

    def _serial_create_lots_on_transaction(self):
        """Serials typed on a transfer that were never received: a manager may
        add them (flagged to investigate); a plain user gets an error."""
        lines = self.filtered(
            lambda ml: (
                ml.lot_name and not ml.lot_id and ml.product_id.tracking != "none"
            )
        )
        if not lines:
            return
        Lot = self.env["stock.lot"]
        groups = defaultdict(lambda: self.env["stock.move.line"])
        for ml in lines:
            groups[(ml.product_id, ml.company_id)] |= ml
        for (product, company), group in groups.items():
            names = list(dict.fromkeys(group.mapped("lot_name")))
            lots = Lot._serial_find(product, names, company)
            known = set(lots.mapped("name"))
            lots |= Lot._serial_create_on_transaction(
                product, [name for name in names if name not in known], company
            )
            by_name = {lot.name: lot for lot in lots}
            for ml in group:
                ml.lot_id = by_name[ml.lot_name]

    # ------------------------------------------------ new serials in bulk

    def _action_done(self):
        """Brand-new serials (no quant anywhere yet) get their quants in one
        batch once core has done the lines, instead of two quants, two serial
        checks and their flushes per serial, one at a time: the serials core
        creates on the lines of incoming moves (a receipt's new serials) and
        those the count sheet declares new (``stock.move._serial_done_with_new_lots``).
        The quants are the ones core would make: same keys, quantities and
        incoming dates, created in core's order. The batch is state of this
        transaction (``tools/markers``) that no client can set."""
        batch = self._serial_new_quants_batch()
        if batch is None:
            return super()._action_done()
        with markers.marked(self.env, NEW_QUANTS, batch):
            res = super()._action_done()
        self.env["stock.quant"].sudo()._serial_create_new_quants(
            self._serial_merge_quant_vals(batch["pending"])
        )
        return res

    def _serial_new_quants_batch(self):
        """The batch of this done step: {"lines": ids of the lines that may take
        part, "lots": ids of their brand-new serials (grown by the serials core
        creates on them), "excluded": serials of the other lines, "pending":
        the quant values collected}; None when no line may take part."""
        if not (
            self.env["stock.quant"]._serial_can_batch_new_quants()
            and self._serial_can_batch_sync()
        ):
            return None
        declared = markers.get(self.env, NEW_LOTS) or {"moves": (), "lots": ()}
        lines = self.filtered(lambda ml: ml._serial_may_batch_quants(declared))
        if not lines:
            return None
        # A serial takes part only when all its lines do.
        excluded = set((self - lines).lot_id.ids)
        return {
            "lines": set(lines.ids),
            "lots": set(lines.lot_id.ids).intersection(declared["lots"]) - excluded,
            "excluded": excluded,
            "pending": [],
        }

    def _serial_may_batch_quants(self, declared):
        """May this line's quants be created in the batch: a serial declared new
        on its move (``declared``: ids of moves and serials), or a serial to
        create on an incoming move (core creates it in this step), moved without
        package or owner from a place that reserves nothing (supplier,
        customer, inventory)?"""
        self.ensure_one()
        product = self.product_id
        if (
            self.package_id
            or self.owner_id
            or self.result_package_id
            or not product.is_storable
            or not self.location_id.should_bypass_reservation()
        ):
            return False
        if self.lot_id:
            return (
                self.move_id.id in declared["moves"]
                and self.lot_id.id in declared["lots"]
            )
        return bool(
            self.lot_name
            and product.tracking == "serial"
            and self.picking_code == "incoming"
        )

    @api.model
    def _serial_can_batch_sync(self):
        """True when no class between this one and core's ``stock.move.line``
        overrides ``_synchronize_quant`` (its work would be skipped)."""
        return not overrides.overridden_between(
            type(self), StockMoveLine, CoreStockMoveLine, "_synchronize_quant"
        )

    def _create_and_assign_production_lot(self):
        """The serials created on validation take their origin (ticket,
        customer, supplier, PO: ``_serial_procurement_lot_vals``) as one of
        the addon's flows; those core creates on the lines of the batch are
        brand-new."""
        with markers.marked(self.env, markers.LOT_FLOW):
            res = super()._create_and_assign_production_lot()
        batch = markers.get(self.env, NEW_QUANTS)
        if batch is not None:
            batch["lots"].update(
                ml.lot_id.id
                for ml in self
                if ml.id in batch["lines"] and ml.lot_id.id not in batch["excluded"]
            )
        return res

    def _synchronize_quant(
        self, quantity, location, action="available", in_date=False, **quants_value
    ):
        batch = markers.get(self.env, NEW_QUANTS)
        if batch is None or not self._serial_is_new_quant(
            batch, quantity, location, action, quants_value
        ):
            return super()._synchronize_quant(
                quantity, location, action=action, in_date=in_date, **quants_value
            )
        # What core's _update_available_quantity does where no quant exists:
        # the incoming date given (or now), a new quant of this quantity.
        in_date = in_date or fields.Datetime.now()
        batch["pending"].append(
            {
                "product_id": self.product_id.id,
                "location_id": location.id,
                "lot_id": self.lot_id.id,
                "quantity": quantity,
                "in_date": in_date,
            }
        )
        return quantity, in_date

    def _serial_is_new_quant(self, batch, quantity, location, action, quants_value):
        """Does this call create the first quant of a brand-new serial of the
        batch in ``location``, as core would (no quant of the serial there, and
        no untracked quant there that core would move instead)?"""
        if (
            action != "available"
            or self.id not in batch["lines"]
            or self.lot_id.id not in batch["lots"]
            or quants_value.get("package")
            or quants_value.get("owner")
            or quants_value.get("lot", self.lot_id) != self.lot_id
            or float_is_zero(quantity, precision_rounding=self.product_uom_id.rounding)
        ):
            return False
        # Core's quant cache of this done step (read, never trusted to widen
        # the batch): a quant there means core's own path.
        cache = self.env.context.get("quants_cache")
        if cache is None:
            return False
        product, lot = self.product_id.id, self.lot_id.id
        return not (
            cache.get((product, location.id, lot, False, False))
            or cache.get((product, location.id, False, False, False))
        )

    @api.model
    def _serial_merge_quant_vals(self, pending):
        """One quant per product, location and serial, quantities summed, in
        the order core creates them (the first incoming date kept)."""
        merged = {}
        for vals in pending:
            key = (vals["product_id"], vals["location_id"], vals["lot_id"])
            if key in merged:
                merged[key]["quantity"] += vals["quantity"]
            else:
                merged[key] = dict(vals)
        return list(merged.values())
