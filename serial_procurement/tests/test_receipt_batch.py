# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The done step of a receipt creates the quants of its brand-new serials in
one batch: the records core's one-at-a-time path makes (same quants, move
lines and valuation), one serial check, queries that do not grow with the
serials, core's path whenever another addon overrides a step the batch
replaces."""

from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from odoo.addons.serial_procurement.models import stock_quant

from .common import SerialProcurementCase

QUANT_FIELDS = (
    "location_id",
    "quantity",
    "reserved_quantity",
    "in_date",
    "package_id",
    "owner_id",
    "company_id",
)
LINE_FIELDS = (
    "location_id",
    "location_dest_id",
    "quantity",
    "state",
    "picked",
    "package_id",
    "result_package_id",
    "owner_id",
)
# check_quantity's one read per call (core's constraint on stock.quant)
SERIAL_CHECK = (("product_id", "location_id", "lot_id"), ("quantity:sum",))


@tagged("post_install", "-at_install")
class TestReceiptBatch(SerialProcurementCase):
    # ----------------------------------------------------------- receipts

    def _product(self, tag):
        return self._create_serial_product(f"Batch {tag}", 10.0, 5.0, self.vendor)

    @staticmethod
    def _serials(tag, count):
        return [f"RB-{tag}-{i:03d}" for i in range(count)]

    def _plain_receipt(self, tag, count):
        product = self._product(tag)
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_qty": count})
                ],
            }
        )
        purchase.button_confirm()
        picking = purchase.picking_ids
        self._enter_serials(picking, product, "\n".join(self._serials(tag, count)))
        return picking

    def _ticket_receipt(self, tag, count):
        product = self._product(tag)
        ticket = self._create_ticket(self._create_quotation([(product, count)]))
        picking = self._purchase(ticket).picking_ids
        self._enter_serials(picking, product, "\n".join(self._serials(tag, count)))
        return picking

    @contextmanager
    def _core_path(self):
        """Core's one-quant-at-a-time done step (the batch never opened)."""
        Line = self.env.registry["stock.move.line"]
        with patch.object(Line, "_serial_new_quants_batch", lambda self: None):
            yield

    @contextmanager
    def _serial_checks(self):
        """The sizes of the quant sets core's ``check_quantity`` reads."""
        Quant = self.env.registry["stock.quant"]
        read_group = Quant._read_group
        sizes = []

        def spy(records, domain, groupby=(), aggregates=(), *args, **kwargs):
            if (tuple(groupby), tuple(aggregates)) == SERIAL_CHECK:
                sizes.append(len(records))
            return read_group(records, domain, groupby, aggregates, *args, **kwargs)

        with patch.object(Quant, "_read_group", spy):
            yield sizes

    def _state(self, picking, tag):
        """What the done step left, serials named by their number in the
        receipt: quants in creation order, move lines, valuation, serials."""
        lots = picking.move_line_ids.lot_id
        self.assertTrue(lots, "serials received")

        def number(lot):
            return lot.name.rsplit("-", 1)[1]

        quants = self.env["stock.quant"].search(
            [("lot_id", "in", lots.ids)], order="id"
        )
        layers = picking.move_ids.stock_valuation_layer_ids
        delivery_lines = self.env["stock.move.line"].search(
            [("lot_id", "in", lots.ids), ("picking_code", "=", "outgoing")],
            order="id",
        )
        return {
            "quants": [
                (number(q.lot_id), *(q[name] for name in QUANT_FIELDS)) for q in quants
            ],
            "lines": sorted(
                (number(ml.lot_id), *(ml[name] for name in LINE_FIELDS))
                for ml in picking.move_line_ids
            ),
            "valuation": [
                (layer.quantity, layer.unit_cost, layer.value, layer.remaining_qty)
                for layer in layers
            ],
            "serials": sorted(
                (number(lot), lot.company_id, bool(lot.ticket_id), lot.supplier_id)
                for lot in lots
            ),
            "reserved on delivery": [number(ml.lot_id) for ml in delivery_lines],
            "picking": picking.state,
        }

    def _compare_with_core(self, build):
        """Validate the receipt ``build`` makes with the batch, and the same
        receipt along core's path: the same records, quant for quant."""
        picking = build("A")
        with self._serial_checks() as checks:
            self._validate(picking)
        batched = self._state(picking, "A")
        picking = build("B")
        with self._core_path(), self._serial_checks() as core_checks:
            self._validate(picking)
        self.assertEqual(batched, self._state(picking, "B"))
        return checks, core_checks

    # ---------------------------------------------------------------- tests

    @freeze_time("2026-03-02 09:30:00")
    def test_plain_receipt_quants_match_core_per_quant_path(self):
        checks, core_checks = self._compare_with_core(
            lambda tag: self._plain_receipt(tag, 4)
        )
        self.assertEqual(checks, [8], "one serial check for the 8 quants")
        self.assertEqual(core_checks, [1] * 8, "core: one check per quant")

    @freeze_time("2026-03-02 09:30:00")
    def test_ticket_receipt_quants_match_core_per_quant_path(self):
        checks, _core = self._compare_with_core(
            lambda tag: self._ticket_receipt(tag, 3)
        )
        self.assertEqual(checks, [6])

    @freeze_time("2026-03-02 09:30:00")
    def test_big_batches_created_in_chunks(self):
        """Core's serial check reads the quants with one OR term each, which
        PostgreSQL refuses by the ten thousand: a big batch is created and
        checked a chunk at a time, with the same records."""
        with patch.object(stock_quant, "NEW_QUANTS_PER_CREATE", 3):
            checks, _core = self._compare_with_core(
                lambda tag: self._plain_receipt(tag, 4)
            )
        self.assertEqual(checks, [3, 3, 2])

    def test_brand_new_serials_only(self):
        """A serial that already has a quant (received before, returned to the
        vendor) is received again by core's path; the new ones in a batch."""
        picking = self._plain_receipt("OLD", 1)
        self._validate(picking)
        old_lot = picking.move_line_ids.lot_id
        product = old_lot.product_id
        supplier_quant = old_lot.quant_ids.filtered(
            lambda q: q.location_id.usage == "supplier"
        )
        self.env["stock.quant"]._update_available_quantity(
            product, self.stock_location, -1, lot_id=old_lot
        )
        self.env["stock.quant"]._update_available_quantity(
            product, supplier_quant.location_id, 1, lot_id=old_lot
        )
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_qty": 2})],
            }
        )
        purchase.button_confirm()
        receipt = purchase.picking_ids
        move = receipt.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": receipt.id,
                    "product_id": product.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": 1,
                    **lot,
                }
                for lot in ({"lot_id": old_lot.id}, {"lot_name": "RB-OLD-NEW"})
            ]
        )
        with self._serial_checks() as checks:
            self._validate(receipt)
        self.assertEqual(receipt.state, "done")
        self.assertIn(2, checks, "the new serial's two quants in one batch")
        for lot in receipt.move_line_ids.lot_id:
            quants = lot.quant_ids
            self.assertEqual(len(quants), 2, lot.name)
            self.assertEqual(
                sorted(quants.mapped(lambda q: (q.location_id.usage, q.quantity))),
                [("internal", 1.0), ("supplier", -1.0)],
            )

    def test_queries_per_serial_flat(self):
        """Ten times the serials cost no more queries: quants, lots and lines
        of the receipt are made in batches."""
        for build in (self._plain_receipt, self._ticket_receipt):
            self._validate(build(f"warm{build.__name__}", 2))
            counts = []
            for count in (3, 30):
                picking = build(f"{build.__name__}{count}", count)
                picking.move_ids.picked = True
                self.env.flush_all()
                self.env.invalidate_all()
                start = self.cr.sql_log_count
                picking.button_validate()
                self.env.flush_all()
                counts.append(self.cr.sql_log_count - start)
                self.assertEqual(picking.state, "done")
            self.assertLess(counts[1] - counts[0], 27, f"{build.__name__}: {counts}")

    @freeze_time("2026-03-02 09:30:00")
    def test_core_create_when_another_addon_overrides_quant_create(self):
        """When another addon overrides ``stock.quant.create`` below this one,
        the batch's values go through core's one-at-a-time create: the same
        quants, one check each."""
        Quant = self.env.registry["stock.quant"]
        picking = self._plain_receipt("A", 3)
        self._validate(picking)
        batched = self._state(picking, "A")
        picking = self._plain_receipt("B", 3)
        with (
            patch.object(Quant, "_serial_can_batch_create", lambda self: False),
            self._serial_checks() as checks,
        ):
            self._validate(picking)
        self.assertEqual(self._state(picking, "B"), batched)
        self.assertEqual(checks, [1] * 6)

    @freeze_time("2026-03-02 09:30:00")
    def test_core_path_when_another_addon_overrides_a_replaced_step(self):
        """When another addon overrides ``_synchronize_quant`` below this one,
        or ``stock.quant._update_available_quantity``, there is no batch."""
        picking = self._plain_receipt("A", 2)
        self._validate(picking)
        batched = self._state(picking, "A")
        for model, method, tag in (
            ("stock.move.line", "_serial_can_batch_sync", "B"),
            ("stock.quant", "_serial_can_batch_new_quants", "C"),
        ):
            picking = self._plain_receipt(tag, 2)
            with (
                patch.object(self.env.registry[model], method, lambda self: False),
                self._serial_checks() as checks,
            ):
                self._validate(picking)
            self.assertEqual(self._state(picking, tag), batched, method)
            self.assertEqual(checks, [1] * 4, method)

    def test_nothing_overrides_the_replaced_steps(self):
        self.assertTrue(self.env["stock.quant"]._serial_can_batch_create())
        self.assertTrue(self.env["stock.quant"]._serial_can_batch_new_quants())
        self.assertTrue(self.env["stock.move.line"]._serial_can_batch_sync())
