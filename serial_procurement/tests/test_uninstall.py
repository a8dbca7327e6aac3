# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Uninstall (issue #18 item 5): the hook drops what the addon created by SQL.

A real uninstall (``button_immediate_uninstall``) commits and reloads the
registry, which a test transaction cannot do. The test calls instead the hook
Odoo runs at uninstall (the manifest's ``uninstall_hook``), inside the test
transaction (PostgreSQL's DDL is transactional: the rollback restores
everything), and checks PostgreSQL's catalogues and that the state core allows
(a serial on hand in two places, core's warning, not an error) is no longer
refused by the database. What Odoo drops by itself (the addon's columns with
their indexes, its tables, views and ``_sql_constraints``) is Odoo's part."""

from psycopg2 import errors

from odoo.modules.module import get_manifest
from odoo.tests import tagged

from .. import hooks
from .. import uninstall_hook as package_hook
from ..models.stock_lot import CASE_INDEX, ENQUIRY_INDEXES, NAME_INDEX, UNIQUE_INDEX
from ..models.stock_quant import ONE_PLACE
from .common import SerialLifecycleCommon


@tagged("post_install", "-at_install")
class TestUninstallHook(SerialLifecycleCommon):
    def _objects(self):
        cr = self.env.cr
        cr.execute("SELECT tgname FROM pg_trigger WHERE tgname = %s", [ONE_PLACE])
        triggers = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT proname FROM pg_proc WHERE proname = %s",
            [hooks.ONE_PLACE_FUNCTION_NAME],
        )
        functions = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN %s",
            [hooks.SQL_INDEXES],
        )
        indexes = sorted(row[0] for row in cr.fetchall())
        return triggers, functions, indexes

    def _second_place(self, lot):
        """Put ``lot`` (on hand in stock) on hand on the shelf too, as core
        lets an inventory adjustment do, and run the deferred checks now."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """INSERT INTO stock_quant (product_id, location_id, lot_id, company_id,
                                        quantity, reserved_quantity, in_date)
               VALUES (%s, %s, %s, %s, 1, 0, now())""",
            [self.product.id, self.shelf.id, lot.id, self.company.id],
        )
        cr.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cr.execute("SET CONSTRAINTS ALL DEFERRED")

    def test_manifest_declares_the_hook(self):
        manifest = get_manifest("serial_procurement")
        self.assertEqual(manifest["uninstall_hook"], "uninstall_hook")
        self.assertIs(package_hook, hooks.uninstall_hook)

    def test_uninstall_hook_drops_trigger_function_and_indexes(self):
        lot = self._adjust_in(self.product, ["UNINST-1"])
        triggers, functions, indexes = self._objects()
        self.assertEqual(triggers, [ONE_PLACE])
        self.assertEqual(functions, [hooks.ONE_PLACE_FUNCTION_NAME])
        self.assertIn(UNIQUE_INDEX, indexes)
        self.assertIn(NAME_INDEX, indexes)
        if self.env.registry.has_trigram:
            for index, _table, _column in ENQUIRY_INDEXES:
                self.assertIn(index, indexes)
        # armed: the database refuses a serial in two places
        with (
            self.assertRaises(errors.CheckViolation),
            self.env.cr.savepoint(flush=False),
        ):
            self._second_place(lot)

        hooks.uninstall_hook(self.env)

        self.assertEqual(self._objects(), ([], [], []))
        self._second_place(lot)  # what core allows is no longer refused
        self.env.cr.execute(
            "SELECT count(*) FROM stock_quant WHERE lot_id = %s AND quantity > 0",
            [lot.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 2)
        self.env.cr.execute(
            "SELECT 1 FROM pg_views WHERE viewname = 'serial_procurement_sold_report'"
        )
        self.assertFalse(self.env.cr.rowcount)

    def test_hook_lists_every_index_created_by_sql(self):
        """Every index of stock.lot.init() (stock_lot's and the enquiry's on
        res_partner and helpdesk_ticket) is one the hook drops."""
        self.assertEqual(
            set(hooks.SQL_INDEXES),
            {UNIQUE_INDEX, CASE_INDEX, NAME_INDEX}
            | {index for index, _table, _column in ENQUIRY_INDEXES},
        )

    def test_hook_runs_twice(self):
        hooks.uninstall_hook(self.env)
        self.assertEqual(
            len(hooks.drop_sql_objects(self.env.cr)), 3 + len(hooks.SQL_INDEXES)
        )
