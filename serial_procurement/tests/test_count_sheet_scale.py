# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The count sheet import at scale: brand-new serials are counted in with one
inventory move per product and location and their quants created in one
batch, the same records core makes one at a time; the cost per row stays
flat; the stock tables' statistics follow a big import."""

import base64
from unittest.mock import patch

from odoo.addons.serial_procurement.tools import table_statistics

from .common import SerialLifecycleCommon


class TestCountSheetScale(SerialLifecycleCommon):
    def _import(self, rows):
        lines = ["Product,Location,SerialOrBatch,Counted Quantity"] + [
            ",".join(row) for row in rows
        ]
        wizard = self.env["serial.procurement.count.sheet.wizard"].create(
            {"data": base64.b64encode("\n".join(lines).encode()), "filename": "c.csv"}
        )
        wizard.action_import()
        return wizard

    def _new_rows(self, names, location=None):
        place = (location or self.shelf).complete_name
        return [("SER-ROUTER", place, name, "1") for name in names]

    def _quants(self, lots, location):
        return self.env["stock.quant"].search(
            [("lot_id", "in", lots.ids), ("location_id", "=", location.id)]
        )

    def _lots(self, names):
        return self.env["stock.lot"].search(
            [("name", "in", names), ("product_id", "=", self.product.id)]
        )

    def test_new_serials_one_move_a_line_each(self):
        names = ["SC-1", "SC-2", "SC-3"]
        self._import(self._new_rows(names))
        lots = self._lots(names)
        self.assertEqual(len(lots), 3)
        move = lots.mapped(
            lambda lot: (
                self.env["stock.move.line"]
                .search([("lot_id", "=", lot.id), ("state", "=", "done")])
                .move_id
            )
        )
        self.assertEqual(len(move), 1, "one inventory move for the three serials")
        self.assertTrue(move.is_inventory)
        self.assertEqual(move.product_uom_qty, 3)
        self.assertEqual(move.location_dest_id, self.shelf)
        self.assertEqual(sorted(move.move_line_ids.lot_id.mapped("name")), names)
        self.assertEqual(sum(move.stock_valuation_layer_ids.mapped("quantity")), 3)
        on_hand = self._quants(lots, self.shelf)
        self.assertEqual(on_hand.mapped("quantity"), [1.0, 1.0, 1.0])
        inventory = self.product.with_company(self.company).property_stock_inventory
        self.assertEqual(
            self._quants(lots, inventory).mapped("quantity"), [-1.0, -1.0, -1.0]
        )
        for lot in lots:
            self.assertEqual(
                self.product.with_context(
                    lot_id=lot.id, location=self.shelf.id
                ).qty_available,
                1,
            )

    def test_bulk_quants_match_core_quants(self):
        """A serial counted in by the sheet has the quants core's inventory
        move (done one quant at a time) gives it."""
        wizard = self._import(self._new_rows(["SHEET-1"]))
        core_lot = self.env["stock.lot"].create(
            {"name": "CORE-1", "product_id": self.product.id}
        )
        self.env["stock.move"].create(
            wizard._inventory_move_vals(self.product, self.shelf, core_lot, 1)
        )._action_done()
        sheet_lot = self._lots(["SHEET-1"])
        inventory = self.product.with_company(self.company).property_stock_inventory
        fields = [
            "product_id",
            "location_id",
            "quantity",
            "reserved_quantity",
            "package_id",
            "owner_id",
            "company_id",
            "inventory_quantity_set",
        ]
        for location in (self.shelf, inventory):
            core = self._quants(core_lot, location)
            sheet = self._quants(sheet_lot, location)
            self.assertEqual(len(sheet), 1)
            self.assertEqual(
                sheet.read(fields)[0] | {"id": 0}, core.read(fields)[0] | {"id": 0}
            )
            self.assertTrue(sheet.in_date)

    def test_queries_per_new_serial_flat(self):
        """Ten times the serials cost no more queries: the quants, lines and
        lots of a slice are made in batches."""
        counts = []
        for size in (3, 30):
            names = [f"FLAT-{size}-{i}" for i in range(size)]
            before = self.env.cr.sql_log_count
            self._import(self._new_rows(names))
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(len(self._quants(self._lots(names), self.shelf)), size)
        self.assertLess(counts[1] - counts[0], 15, counts)

    def test_batch_create_only_outside_inventory_mode(self):
        Quant = self.env["stock.quant"]
        self.assertTrue(
            Quant._serial_can_batch_create(),
            "nothing overrides stock.quant.create between this addon and core",
        )
        lot = self._adjust_in(self.product, ["INV-1"], location=self.shelf)
        quant = self._quants(lot, self.shelf)
        # In inventory mode core's create is kept: it finds the existing quant
        # and sets the count instead of making a second quant.
        counted = (
            Quant.with_user(self.manager)
            .with_context(inventory_mode=True)
            ._serial_create_new_quants(
                [
                    {
                        "product_id": self.product.id,
                        "location_id": self.shelf.id,
                        "lot_id": lot.id,
                        "inventory_quantity": 0,
                    }
                ]
            )
        )
        self.assertEqual(counted, quant)

    def test_per_quant_creation_when_another_addon_overrides(self):
        """When another addon overrides ``stock.quant.create`` below this one,
        the batch would skip it: core's one-by-one creation is used, with the
        same result."""
        Quant = self.env.registry["stock.quant"]
        with patch.object(Quant, "_serial_can_batch_create", lambda self: False):
            self._import(self._new_rows(["ONE-BY-ONE-1", "ONE-BY-ONE-2"]))
        lots = self._lots(["ONE-BY-ONE-1", "ONE-BY-ONE-2"])
        self.assertEqual(self._quants(lots, self.shelf).mapped("quantity"), [1.0, 1.0])

    def test_moved_serial_applied_zero_first(self):
        """The sheet lists the new place first and the old place (counted 0)
        last: the zero is applied first, the serial ends in one place."""
        lot = self._adjust_in(self.product, ["MOVE-1"], location=self.shelf)
        self._import(
            [
                ("SER-ROUTER", self.stock.complete_name, "MOVE-1", "1"),
                ("SER-ROUTER", self.shelf.complete_name, "MOVE-1", "0"),
            ]
        )
        self.env.flush_all()
        self.env.cr.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.assertEqual(self._quants(lot, self.stock).quantity, 1)
        self.assertEqual(self._quants(lot, self.shelf).quantity, 0)

    def test_statistics_refreshed_when_outgrown(self):
        cr = self.env.cr
        cr.execute("CREATE TABLE sp_stats_probe (id serial, label varchar)")
        cr.execute(
            "INSERT INTO sp_stats_probe (label) "
            "SELECT md5(i::text) FROM generate_series(1, 20000) i"
        )
        wizard = self.env["serial.procurement.count.sheet.wizard"].create({})
        with patch.object(table_statistics, "STOCK_TABLES", ("sp_stats_probe",)):
            self.assertEqual(wizard._refresh_stock_statistics(), ["sp_stats_probe"])
            cr.execute(
                "SELECT relpages, reltuples FROM pg_class WHERE relname = %s",
                ["sp_stats_probe"],
            )
            pages, tuples = cr.fetchone()
            self.assertGreater(pages, 32)
            self.assertGreater(tuples, 10000)
            self.assertEqual(wizard._refresh_stock_statistics(), [], "now up to date")

    def test_exact_serial_names_are_indexed(self):
        """Core indexes serial names for partial matches only (trigram); the
        addon adds a plain index so that a list of exact serials is found
        without reading the whole table. The index definition is tested, not
        the plan: on a small table the planner may answer ``=`` with core's
        trigram index (pg_trgm does since PostgreSQL 14), a choice of the
        planner, not of the addon."""
        self.env.cr.execute(
            """SELECT i.indexdef, x.indisvalid, x.indisready
                 FROM pg_indexes i
                 JOIN pg_class c ON c.relname = i.indexname
                 JOIN pg_index x ON x.indexrelid = c.oid
                WHERE i.indexname = %s AND i.tablename = 'stock_lot'""",
            ["stock_lot_serial_procurement_name_idx"],
        )
        definition, valid, ready = self.env.cr.fetchone()
        self.assertIn("USING btree (name)", definition)
        self.assertNotIn(" WHERE ", definition, "every serial name is indexed")
        self.assertTrue(valid and ready, "the index is usable by the planner")
