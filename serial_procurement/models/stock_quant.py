# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import sys
from collections import Counter, defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.sql_db import Savepoint
from odoo.tools import SQL, float_compare, split_every

from odoo.addons.stock.models.stock_quant import StockQuant as CoreStockQuant

from ..tools import markers, overrides

_logger = logging.getLogger(__name__)

ONE_PLACE = "stock_quant_serial_one_place"
# Precommit data: ids of serials put on hand somewhere in this transaction.
ONE_PLACE_KEY = "serial_procurement.one_place_lots"
# Markers of the batch paths (tools/markers: state of the transaction set by
# the addon's own methods, never a context key): reservations of planned quants
# counted, then written at once; the quants of brand-new serials created in one
# batch.
BATCH_RESERVE = "batch_reserve"
BULK_CREATE = "bulk_create_quants"
# Quants created (and checked) at once: core's ``check_quantity`` reads them
# with one OR term each, nested one level deeper per term; PostgreSQL's parser
# refuses 20,000 of them ("memory exhausted"), 1,000 plan and run quickly.
NEW_QUANTS_PER_CREATE = 1000

# Checked at commit (deferred): within a transaction a serial leaves its old
# quant before it enters the new one in any order. Touching the serial's row
# serialises two transactions placing the same serial at the same moment: the
# second one fails (PostgreSQL serialization failure, retried by Odoo, then
# this check). Only rows that put a serial on hand queue a check (the trigger's
# WHEN): the negative quants of inventory and supplier locations, and emptied
# quants, cost nothing at commit. Its lookups go by quant id and serial id
# through the indexes, never by location: a big count sheet puts thousands of
# quants in one location within one transaction, before the tables are
# analysed, and a check starting from the location made the commit quadratic.
# Plans are made for each call (force_custom_plan): a plan cached while the
# tables were small must not be reused once an import has filled them.
ONE_PLACE_FUNCTION = """
CREATE OR REPLACE FUNCTION serial_procurement_quant_one_place() RETURNS trigger AS $$
DECLARE
    lot integer;
    place integer;
    product integer;
BEGIN
    SELECT q.lot_id, q.location_id, q.product_id INTO lot, place, product
      FROM stock_quant q
     WHERE q.id = NEW.id AND q.lot_id IS NOT NULL AND q.quantity > 0;
    IF lot IS NULL
       OR NOT EXISTS (SELECT 1 FROM stock_location l
                       WHERE l.id = place AND l.usage = 'internal')
       OR NOT EXISTS (SELECT 1 FROM product_product p
                        JOIN product_template t ON t.id = p.product_tmpl_id
                       WHERE p.id = product AND t.tracking = 'serial') THEN
        RETURN NULL;
    END IF;
    UPDATE stock_lot SET id = id WHERE id = lot;
    -- OFFSET 0: the serial's quants first (index on lot_id), then their places.
    IF (SELECT count(*)
          FROM (SELECT location_id FROM stock_quant
                 WHERE lot_id = lot AND quantity > 0 OFFSET 0) q
          JOIN stock_location l ON l.id = q.location_id AND l.usage = 'internal'
       ) > 1 THEN
        RAISE EXCEPTION 'Serial % would be on hand in two places at once.',
            (SELECT name FROM stock_lot WHERE id = lot)
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'stock_quant_serial_one_place';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql SET enable_seqscan = off SET plan_cache_mode = force_custom_plan;
"""


def _in_savepoint_flush():
    """True when the precommit hooks run for a savepoint (``cr.savepoint()``
    flushes when it opens and closes), not for the end of the transaction."""
    frame = sys._getframe(1)
    while frame is not None:
        if isinstance(frame.f_locals.get("self"), Savepoint):
            return True
        frame = frame.f_back
    return False


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model_create_multi
    def create(self, vals_list):
        """Outside inventory mode core creates quants one at a time (each with
        its own INSERT and serial check). The quants of brand-new serials that
        the addon's own receipt and count sheet steps make in bulk
        (``_serial_create_new_quants``) are created in one batch instead, with
        the same values and one check per batch, as long as no other addon
        overrides this step."""
        bulk = markers.get(self.env, BULK_CREATE)
        if bulk and bulk.pop() is vals_list and not self._is_inventory_mode():
            quants = super(CoreStockQuant, self).create(vals_list)
        else:
            quants = super().create(vals_list)
        quants._serial_check_one_place_at_commit()
        return quants

    def write(self, vals):
        res = super().write(vals)
        if {"quantity", "location_id", "lot_id"} & set(vals):
            self._serial_check_one_place_at_commit()
        return res

    @api.model
    def _update_available_quantity(
        self,
        product_id,
        location_id,
        quantity=False,
        reserved_quantity=False,
        lot_id=None,
        package_id=None,
        owner_id=None,
        in_date=None,
    ):
        res = super()._update_available_quantity(
            product_id,
            location_id,
            quantity=quantity,
            reserved_quantity=reserved_quantity,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            in_date=in_date,
        )
        if (
            lot_id
            and quantity
            and quantity > 0
            and product_id.tracking == "serial"
            and location_id.usage == "internal"
        ):
            self._serial_queue_one_place(lot_id)
        return res

    # ------------------------------------------------ one place per serial

    def _serial_check_one_place_at_commit(self):
        """Queue, for the check before commit, the serials these quants put on
        hand in an internal location."""
        lots = self.filtered(
            lambda q: (
                q.lot_id
                and q.quantity > 0
                and q.product_id.tracking == "serial"
                and q.location_id.usage == "internal"
            )
        ).lot_id
        if lots:
            self._serial_queue_one_place(lots)

    @api.model
    def _serial_queue_one_place(self, lots):
        """Check ``lots`` just before the transaction commits: within it, a
        serial may leave its old place after it enters the new one. Serials
        whose check a savepoint put off are checked again with them."""
        data = self.env.cr.precommit.data
        if ONE_PLACE_KEY not in data:
            data[ONE_PLACE_KEY] = set()
            self.env.cr.precommit.add(self.sudo().browse()._serial_check_one_place)
        data[ONE_PLACE_KEY].update(lots.ids)
        data[ONE_PLACE_KEY].update(self.env.cr.cache.pop(ONE_PLACE_KEY, ()))

    @api.model
    def _serial_check_one_place(self):
        """Precommit: a serial on hand in two internal places is refused with
        a translated message naming it and its places (the database trigger
        ``stock_quant_serial_one_place`` stays as a backstop); nothing is
        written."""
        lot_ids = self.env.cr.precommit.data.pop(ONE_PLACE_KEY, set())
        if not lot_ids:
            return
        domain = [
            ("lot_id", "in", list(lot_ids)),
            ("quantity", ">", 0),
            ("location_id.usage", "=", "internal"),
            ("product_id.tracking", "=", "serial"),
        ]
        # as the trigger: more than one quant on hand (two packages of one
        # location are two places too)
        lots = [
            lot
            for lot, count in self._read_group(domain, ["lot_id"], ["__count"])
            if count > 1
        ]
        doubles = []
        for lot in lots[:20]:
            quants = self.search(
                [("lot_id", "=", lot.id)] + domain[1:], order="location_id, id"
            )
            doubles.append(
                (
                    lot,
                    [
                        quant.location_id.complete_name
                        + (f" ({quant.package_id.name})" if quant.package_id else "")
                        for quant in quants
                    ],
                )
            )
        if doubles and _in_savepoint_flush():
            # A savepoint flushes (and runs this) in the middle of the
            # transaction: the serial may still leave its old place. Checked
            # again by the next quant change, a move or adjustment done, or
            # the database trigger at commit.
            self.env.cr.cache.setdefault(ONE_PLACE_KEY, set()).update(lot_ids)
            return
        if doubles:
            raise UserError(
                self.env._(
                    "A serial cannot be on hand in two places at once:\n"
                    "%(lines)s\n"
                    "Move it from one place to the other with a transfer, or "
                    "count it only where it is.",
                    lines="\n".join(
                        self.env._(
                            "%(serial)s (%(product)s) would be in %(places)s",
                            serial=lot.name,
                            product=lot.product_id.display_name,
                            places=self.env._(" and ").join(places),
                        )
                        for lot, places in doubles
                    ),
                )
            )

    @api.model
    def _serial_create_new_quants(self, vals_list):
        """Create the quants of brand-new serials (``vals_list``, as core's
        ``_update_available_quantity`` would create them one at a time) in
        batches: one create and one ``check_quantity`` per
        ``NEW_QUANTS_PER_CREATE`` quants. Core's one-at-a-time creation when
        another addon overrides ``create`` below this one."""
        # Created after core's loop over the lines: core's quant cache of that
        # loop (``quants_cache``) is neither needed nor kept up to date.
        context = dict(self.env.context)
        context.pop("quants_cache", None)
        Quant = self.with_env(self.env(context=context))
        quants = self.browse()
        batch = self._serial_can_batch_create()
        for chunk in split_every(NEW_QUANTS_PER_CREATE, vals_list, list):
            # The batch is taken by the first create that reaches this
            # override, for exactly this list (any other create: core's path).
            with markers.marked(self.env, BULK_CREATE, [chunk] if batch else []):
                quants |= Quant.create(chunk)
        return quants

    @api.model
    def _update_reserved_quantity(
        self,
        product_id,
        location_id,
        quantity,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        """While the exact serials of tickets are reserved in one batch (opened
        by ``_serial_batch_reserving``: the quants planned, by key), the
        reservation of a planned quant is counted, and written for all of them
        at once by ``_serial_apply_batch_reserve``, instead of one locking
        query and one write per serial."""
        batch = markers.get(self.env, BATCH_RESERVE)
        if batch is not None:
            quant = batch["quants"].get(
                tuple(
                    record.id if record else False
                    for record in (
                        product_id,
                        location_id,
                        lot_id,
                        package_id,
                        owner_id,
                    )
                )
            )
            if quant:
                batch["reserved"][quant.id] += quantity
                return None
        return super()._update_reserved_quantity(
            product_id,
            location_id,
            quantity,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    @api.model
    def _serial_new_batch_reserve(self, quants):
        """A reservation batch for these quants (see ``_serial_batch_reserving``)."""
        return {
            "quants": {quant._serial_quant_key(): quant for quant in quants},
            "reserved": Counter(),
        }

    @api.model
    def _serial_batch_reserving(self, batch):
        """Context manager: inside it, the reservations of ``batch``'s quants
        are counted in ``batch`` (state of this transaction that no client can
        set), to be written by ``_serial_apply_batch_reserve``."""
        return markers.marked(self.env, BATCH_RESERVE, batch)

    @api.model
    def _serial_apply_batch_reserve(self, batch):
        """Write the reservations counted in ``batch``: one write per resulting
        quantity (all the serials of a receipt: one)."""
        reserved = batch["reserved"]
        by_value = defaultdict(list)
        for quant in self.sudo().browse(list(reserved)):
            by_value[quant.reserved_quantity + reserved[quant.id]].append(quant.id)
        for value, ids in by_value.items():
            self.sudo().browse(ids).write({"reserved_quantity": value})
        reserved.clear()

    @api.model
    def _serial_can_batch_create(self):
        """True when no class between this one and core's ``stock.quant``
        overrides ``create`` (their work would be skipped by the batch)."""
        return not overrides.overridden_between(
            type(self), StockQuant, CoreStockQuant, "create"
        )

    @api.model
    def _serial_can_batch_new_quants(self):
        """True when no other addon overrides ``_update_available_quantity``,
        the step whose one-at-a-time quant creation the batch of brand-new
        serials' quants replaces (this addon's own class is kept in step with
        the batch: every quant of the batch goes through its ``create``)."""
        return not overrides.overridden_except(
            type(self), (StockQuant, CoreStockQuant), "_update_available_quantity"
        )

    def _apply_inventory(self):
        if not markers.get(self.env, markers.INTAKE_ALLOWED):
            self._serial_check_strict_intake()
        res = super()._apply_inventory()
        # the adjustment is done: its serials are checked before commit
        self._serial_queue_one_place(self.lot_id)
        return res

    def _serial_check_strict_intake(self):
        """An inventory adjustment that adds serial-tracked units is refused in
        a company with strict serialized intake. The count sheet import and a
        manager's correction, which check the new serials themselves, apply
        their adjustment under the marker ``INTAKE_ALLOWED`` (set by their own
        method: no client can send it, unlike a context key)."""
        adding = self.filtered(
            lambda q: (
                q.product_id.tracking == "serial"
                and float_compare(
                    q.inventory_diff_quantity,
                    0,
                    precision_rounding=q.product_uom_id.rounding,
                )
                > 0
            )
        )
        for company in adding.company_id:
            company._serial_check_strict_intake(
                adding.filtered(lambda q, c=company: q.company_id == c).product_id,
                self.env._("an inventory adjustment in"),
            )

    def init(self):
        res = super().init()
        self._serial_create_one_place_trigger()
        return res

    def _serial_create_one_place_trigger(self):
        """The database keeps a serial on hand in one internal place: a
        constraint trigger on quants, checked at commit. Serials already on hand
        in several places are reported in the log (they must be corrected)."""
        cr = self.env.cr
        cr.execute(ONE_PLACE_FUNCTION)
        cr.execute(
            SQL("DROP TRIGGER IF EXISTS %s ON stock_quant", SQL.identifier(ONE_PLACE))
        )
        cr.execute(
            SQL(
                "CREATE CONSTRAINT TRIGGER %s AFTER INSERT OR UPDATE OF quantity, "
                "location_id, lot_id ON stock_quant DEFERRABLE INITIALLY DEFERRED "
                "FOR EACH ROW WHEN (NEW.lot_id IS NOT NULL AND NEW.quantity > 0) "
                "EXECUTE FUNCTION serial_procurement_quant_one_place()",
                SQL.identifier(ONE_PLACE),
            )
        )
        cr.execute(
            """SELECT lot.name, count(*) FROM stock_quant q
                 JOIN stock_lot lot ON lot.id = q.lot_id
                 JOIN stock_location l ON l.id = q.location_id AND l.usage = 'internal'
                 JOIN product_product p ON p.id = q.product_id
                 JOIN product_template t ON t.id = p.product_tmpl_id
                      AND t.tracking = 'serial'
                WHERE q.quantity > 0
                GROUP BY lot.name, q.lot_id HAVING count(*) > 1 LIMIT 50"""
        )
        doubles = cr.fetchall()
        if doubles:
            _logger.warning(
                "stock.quant: serials on hand in several places (serial, places), "
                "first 50: %s. Correct them: the next move of such a serial is "
                "refused until it is in one place.",
                doubles,
            )

    def _serial_quant_key(self):
        """Key of this quant in core's quant cache (``quants_cache`` context key
        of ``stock.quant._gather``), as ``stock.move.line._serial_quant_key``."""
        self.ensure_one()
        return (
            self.product_id.id,
            self.location_id.id,
            self.lot_id.id,
            self.package_id.id,
            self.owner_id.id,
        )
