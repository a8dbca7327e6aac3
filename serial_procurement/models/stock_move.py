# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter, defaultdict

from odoo import _, api, fields, models
from odoo.tools import float_compare

from ..tools import markers, reservation_plan, singleton
from .stock_move_line import NEW_LOTS

DONE = ("done", "cancel")


class StockMove(models.Model):
    _inherit = "stock.move"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        compute="_compute_ticket_id",
        store=True,
        index="btree_not_null",
        help="The ticket of the estimate this move delivers, or of the purchase "
        "it receives.",
    )
    serial_progress = fields.Char(
        string="Serials",
        compute="_compute_serial_progress",
        help="Serials entered on this line out of its units, and the tickets "
        "they are received onto.",
    )

    @api.depends("sale_line_id.order_id.ticket_id", "purchase_line_id.ticket_id")
    def _compute_ticket_id(self):
        for move in self:
            move.ticket_id = (
                move.sale_line_id.order_id.ticket_id or move.purchase_line_id.ticket_id
            )

    @api.depends(
        "has_tracking",
        "product_uom_qty",
        "move_line_ids.lot_id",
        "move_line_ids.lot_name",
        "move_line_ids.ticket_id",
    )
    def _compute_serial_progress(self):
        for move in self:
            if move.has_tracking != "serial":
                move.serial_progress = False
                continue
            lines = move.move_line_ids.filtered(lambda ml: ml.lot_id or ml.lot_name)
            count = len({ml.lot_name or ml.lot_id.name for ml in lines})
            progress = _(
                "%(count)s/%(demand)s serials",
                count=count,
                demand=int(move.product_uom_qty),
            )
            tickets = lines.ticket_id
            if tickets:
                progress = "%s → %s" % (
                    progress,
                    ", ".join(t.number or t.display_name for t in tickets),
                )
            move.serial_progress = progress

    # ------------------------------------------------------------------
    # Serials reserved for a ticket on the other ways out (issue #9)
    # ------------------------------------------------------------------

    def _action_done(self, cancel_backorder=False):
        """Serials reserved for a ticket leave stock only to its customer
        (``stock.lot._serial_check_reserved_leaving``): scraps, vendor returns
        and write-offs are checked here, where every one of them is done."""
        self.env["stock.lot"]._serial_check_reserved_leaving(
            self.filtered(lambda m: m.state not in DONE).move_line_ids
        )
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        lots = moves.move_line_ids.lot_id
        lots._serial_history_changed()
        # the moves are done: their serials are checked in one place before
        # commit (stock.quant._serial_check_one_place)
        self.env["stock.quant"]._serial_queue_one_place(
            lots.filtered(lambda lot: lot.product_id.tracking == "serial")
        )
        return moves

    def _serial_done_with_new_lots(self, lots):
        """Do these moves, ``lots`` being serials just created by the addon that
        have no quant anywhere yet: their quants are created in one batch
        (``stock.move.line._action_done``). The declaration is state of this
        call (``tools/markers``), out of any client's reach."""
        declared = {"moves": frozenset(self.ids), "lots": frozenset(lots.ids)}
        with markers.marked(self.env, NEW_LOTS, declared):
            return self._action_done()

    # ------------------------------------------------------------------
    # Reservation of an estimate's serials on its deliveries (issue #10)
    # ------------------------------------------------------------------

    def _trigger_assign(self):
        """Core reserves, after a receipt, the moves waiting for its goods.
        While a receipt's serials are allocated to tickets that is held back
        (marker ``HOLD_ASSIGN``, set by ``stock.picking._action_done``, never
        by a client): the tickets' deliveries take their own serials first,
        then core reserves what is left."""
        if markers.get(self.env, markers.HOLD_ASSIGN):
            return None
        return super()._trigger_assign()

    def _action_assign(self, force_qty=False):
        """Moves that just reserved their estimate's exact serials (marker
        ``SKIP_ASSIGN``, set by the addon's reservation, never by a client) are
        not topped up with other stock by core."""
        skip = markers.get(self.env, markers.SKIP_ASSIGN)
        if skip:
            skip = set(skip)
            self = self.filtered(lambda move: move.id not in skip)
        return super()._action_assign(force_qty=force_qty)

    def _serial_reserve_estimate_serials(self):
        """Make these pending deliveries reserve exactly the serials of their
        estimate that are in stock: one quant search, one release of the
        lines to give up, one batched move line create through core's
        ``_prepare_move_line_vals`` and quant cache (core recomputes the
        states once). Returns the deliveries whose reservation was planned."""
        quants = self._serial_estimate_quants()
        groups = self._serial_group_by_estimate()
        holders = self._serial_holder_lines(quants)
        plan, new_quants = self._serial_plan(groups, quants, holders)
        return self._serial_apply_plan(plan, quants, new_quants, holders)

    def _serial_reserve_lots(self, lots):
        """Reserve exactly ``lots`` on this move, taking them from any other
        pending transfer that reserved them (unless picked there): the same
        batch as the estimates' deliveries."""
        self.ensure_one()
        quants = self._serial_estimate_quants(lots)
        holders = self._serial_holder_lines(quants)
        in_stock = self._serial_quants_in_stock(quants).filtered(
            lambda q: q.lot_id in lots
        )
        unavailable = set(holders.filtered("picked").lot_id.ids)
        plan = reservation_plan.plan_reservation(
            [self._serial_delivery_slot()], in_stock.lot_id.ids, unavailable
        )
        new_quants = {quant.lot_id.id: quant for quant in in_stock}
        return self._serial_apply_plan(plan, quants, new_quants, holders)

    def _serial_apply_plan(self, plan, quants, new_quants, holders):
        """Release the lines the plan drops (and other transfers' lines of the
        serials it adds), create one line per serial it adds in one batch, let
        the transfers that lost a serial reserve other stock. Returns the moves
        planned."""
        if not plan:
            return self.browse()
        planned = self.browse(list(plan))
        dropped = {move_id: set(res.drop) for move_id, res in plan.items()}
        added_lots = {lot_id for res in plan.values() for lot_id in res.add}
        released = planned.move_line_ids.filtered(
            lambda ml: (
                not ml.picked
                and ml.state not in DONE
                and ml._serial_reservation_key() in dropped[ml.move_id.id]
            )
        ) | holders.filtered(lambda ml: not ml.picked and ml.lot_id.id in added_lots)
        holder_moves = released.move_id - planned
        quants_cache = self._serial_quants_cache(quants)
        self._serial_release_lines(released, quants_cache)
        vals_list = [
            self.browse(move_id)._prepare_move_line_vals(
                quantity=1, reserved_quant=new_quants[lot_id]
            )
            for move_id, reservation in plan.items()
            for lot_id in reservation.add
        ]
        Quant = self.env["stock.quant"]
        batch = Quant._serial_new_batch_reserve(
            Quant.browse([quant.id for quant in new_quants.values()])
        )
        lines = self.env["stock.move.line"].with_context(quants_cache=quants_cache)
        with Quant._serial_batch_reserving(batch):
            lines.create(vals_list)
        Quant._serial_apply_batch_reserve(batch)
        with markers.marked(self.env, markers.SKIP_ASSIGN, planned.ids):
            holder_moves._action_assign()
        return planned

    def _serial_estimate_quants(self, wanted=None):
        """One search: the quants of these moves' products under their source
        locations, of a serial of their estimates (or of ``wanted`` serials)
        or reserved on them."""
        lots = self.move_line_ids.lot_id | (wanted or self.env["stock.lot"])
        domain = [
            ("product_id", "in", self.product_id.ids),
            ("location_id", "child_of", self.location_id.ids),
            ("lot_id", "!=", False),
        ]
        if wanted is None:
            domain += ["|", ("lot_id.sale_order_id", "in", self.group_id.sale_id.ids)]
        domain.append(("lot_id", "in", lots.ids))
        # sudo: like core's reservation, quants are read whatever the rules
        return (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                domain,
                [
                    "product_id",
                    "location_id",
                    "lot_id",
                    "package_id",
                    "owner_id",
                    "quantity",
                    "reserved_quantity",
                    "in_date",
                ],
            )
        )

    def _serial_group_by_estimate(self):
        """{(estimate id, product id): moves}, moves in priority order."""
        groups = defaultdict(lambda: self.browse())
        for move in self.sorted(lambda m: (-int(m.priority or 0), m.date, m.id)):
            groups[(move.group_id.sale_id.id, move.product_id.id)] |= move
        return groups

    def _serial_holder_lines(self, quants):
        """Lines of other transfers reserving a serial of these estimates (one
        search, only when a quant says another transfer reserves it)."""
        ours = Counter(
            ml.lot_id.id for ml in self.move_line_ids if ml.state not in DONE
        )
        held_elsewhere = [
            quant.lot_id.id
            for quant in quants
            if quant.reserved_quantity > ours.get(quant.lot_id.id, 0)
        ]
        if not held_elsewhere:
            return self.env["stock.move.line"]
        return self.env["stock.move.line"].search(
            [
                ("lot_id", "in", held_elsewhere),
                ("move_id", "not in", self.ids),
                ("state", "not in", DONE),
                ("quantity", ">", 0),
            ]
        )

    def _serial_plan(self, groups, quants, holders):
        """{move id: Reservation of line keys} and {lot id: its quant in stock}."""
        in_stock = self._serial_quants_in_stock(quants)
        serials = defaultdict(list)
        for quant in in_stock:
            order = quant.lot_id.sale_order_id
            if order:
                serials[(order.id, quant.product_id.id)].append(quant.lot_id.id)
        unavailable = set(holders.filtered("picked").lot_id.ids)
        unavailable |= set(self.move_line_ids.filtered("picked").lot_id.ids)
        plan = {}
        for key, moves in groups.items():
            deliveries = [move._serial_delivery_slot() for move in moves]
            plan.update(
                reservation_plan.plan_reservation(
                    deliveries, serials.get(key, []), unavailable
                )
            )
        return plan, {quant.lot_id.id: quant for quant in in_stock}

    def _serial_quants_in_stock(self, quants):
        """Quants holding a unit (one per serial), ordered like serials (name)."""
        rounding = {
            product.id: product.uom_id.rounding for product in quants.product_id
        }
        in_stock = quants.filtered(
            lambda q: (
                float_compare(
                    q.quantity, 0, precision_rounding=rounding[q.product_id.id]
                )
                > 0
            )
        )
        return in_stock.sorted(lambda q: (q.lot_id.name, q.lot_id.id))

    def _serial_delivery_slot(self):
        """This move as the planner sees it: units needed, the lines it
        reserves (by serial; a line without serial by its own key) and the
        units already picked."""
        self.ensure_one()
        lines = self.move_line_ids.filtered(lambda ml: ml.state not in DONE)
        return reservation_plan.Delivery(
            key=self.id,
            capacity=int(self.product_qty),
            held=[ml._serial_reservation_key() for ml in lines if not ml.picked],
            picked=int(sum(lines.filtered("picked").mapped("quantity_product_uom"))),
        )

    @api.model
    def _serial_release_lines(self, lines, quants_cache):
        """Unlink reserved ``lines`` (core unreserves their quants): through the
        quant cache for those whose quant was read, core's search otherwise."""
        cached = lines.filtered(lambda ml: quants_cache.get(ml._serial_quant_key()))
        cached.with_context(quants_cache=quants_cache).unlink()
        (lines - cached).unlink()

    @api.model
    def _serial_quants_cache(self, quants):
        """Core's quant cache (``quants_cache`` context key of
        ``stock.quant._gather``) built from quants already read."""
        cache = defaultdict(lambda: self.env["stock.quant"].sudo())
        for quant in quants:
            cache[quant._serial_quant_key()] |= quant
        return cache

    def _serial_units_without_serial(self):
        """Units of this move that have no serial on its lines yet."""
        self.ensure_one()
        with_serial = sum(
            ml.quantity for ml in self.move_line_ids if ml.lot_id or ml.lot_name
        )
        return max(int(self.product_uom_qty - with_serial), 0)

    def _serial_add_move_lines(self, serials, ticket, refs=None):
        """Replace the lines without a serial by one line per serial, through
        core's own import (``action_generate_lot_line_vals``). ``refs``: the
        internal reference (e.g. MAC address) of each serial, or None."""
        self.ensure_one()
        return self._serial_add_move_lines_batch([(self, serials, ticket, refs)])

    @api.model
    def _serial_add_move_lines_batch(self, entries):
        """``_serial_add_move_lines`` for several moves at once (``entries``:
        [(move, serials, ticket, refs)]): one unlink of their lines without a
        serial and one create of all the new lines, so that the cost per
        serial stays flat however many moves a file fills."""
        vals_list = []
        for move, serials, ticket, refs in entries:
            vals_list += move._serial_move_line_vals(serials, ticket, refs)
        moves = self.browse([entry[0].id for entry in entries])
        moves.move_line_ids.filtered(
            lambda ml: not ml.lot_id and not ml.lot_name
        ).unlink()
        lines = self.env["stock.move.line"].create(vals_list)
        moves._serial_keep_ready()
        return lines

    def _serial_move_line_vals(self, serials, ticket, refs=None):
        """Values of one receipt line per serial of this move."""
        self.ensure_one()
        context = {
            "default_product_id": self.product_id.id,
            "default_location_id": self.location_id.id,
            "default_location_dest_id": self.location_dest_id.id,
            "default_tracking": self.has_tracking,
            "default_quantity": len(serials),
            "default_move_id": self.id,
            "default_picking_id": self.picking_id.id,
            "default_company_id": self.company_id.id,
        }
        vals_list = self.action_generate_lot_line_vals(
            context, "import", False, len(serials), "\n".join(serials)
        )
        for vals in vals_list:
            for key, value in list(vals.items()):
                if isinstance(value, dict) and "id" in value:
                    vals[key] = value["id"]
            vals["ticket_id"] = ticket.id
        if refs:
            for vals, ref in zip(vals_list, refs, strict=True):
                if ref:
                    vals["serial_lot_ref"] = ref
        return vals_list

    def _serial_keep_ready(self):
        """A receipt line that needs no reservation stays Ready when its lines
        are replaced: core's line unlink recomputes it to *confirmed*, which
        would offer "Check Availability" on a receipt."""
        for move in self:
            if (
                move.state in ("confirmed", "partially_available")
                and move._should_bypass_reservation()
            ):
                move.state = "assigned"

    def action_open_serial_entry(self):
        """Open the serial entry dialog (type, paste or scan) for this receipt line."""
        singleton.ensure_one(self)
        return {
            "type": "ir.actions.act_window",
            "name": _("Enter Serials"),
            "res_model": "serial.procurement.serial.entry.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }
