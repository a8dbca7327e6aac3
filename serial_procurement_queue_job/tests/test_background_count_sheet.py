# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.serial_procurement.tests.common import SerialLifecycleCommon
from odoo.addons.serial_procurement_queue_job.wizards import (
    serial_procurement_count_sheet_wizard as bridge,
)


@tagged("post_install", "-at_install")
class TestBackgroundCountSheet(SerialLifecycleCommon):
    """Above the company's row threshold a count sheet is checked at once and
    applied by a background job."""

    def _wizard(self, rows):
        lines = ["Product,Location,SerialOrBatch,Counted Quantity"] + rows
        return self.env["serial.procurement.count.sheet.wizard"].create(
            {
                "data": base64.b64encode("\n".join(lines).encode()),
                "filename": "count.csv",
            }
        )

    def _rows(self, names):
        location = self.stock.complete_name
        return [f"SER-ROUTER,{location},{name},1" for name in names]

    @staticmethod
    def _in_chain_order(jobs):
        """The jobs of a chain in the order queue_job runs them."""
        ordered = [job for job in jobs if not job.depends_on]
        while ordered and len(ordered) < len(jobs):
            following = [job for job in jobs if ordered[-1] in job.depends_on]
            if not following:
                break
            ordered += following
        return ordered

    def _on_hand(self):
        return self.env["stock.quant"].search(
            [("product_id", "=", self.product.id), ("location_id", "=", self.stock.id)]
        )

    def test_big_sheet_is_applied_by_the_job(self):
        self.company.serial_job_count_sheet_rows = 2
        wizard = self._wizard(self._rows(["CS-1", "CS-2", "CS-3"]))
        with trap_jobs() as trap:
            action = wizard.action_import()
            self.assertEqual(action["tag"], "display_notification")
            trap.assert_jobs_count(1)
            self.assertFalse(self._on_hand(), "nothing applied in the request")
            trap.perform_enqueued_jobs()
        self.assertEqual(
            sorted(self._on_hand().lot_id.mapped("name")), ["CS-1", "CS-2", "CS-3"]
        )

    def test_wrong_row_is_refused_before_queueing(self):
        self.company.serial_job_count_sheet_rows = 2
        rows = self._rows(["CS-1", "CS-2"]) + ["NO-SUCH-PRODUCT,WH/Stock,X,1"]
        wizard = self._wizard(rows)
        with trap_jobs() as trap, self.assertRaises(UserError):
            wizard.action_import()
        trap.assert_jobs_count(0)

    def test_failing_job_imports_nothing(self):
        self.company.serial_job_count_sheet_rows = 2
        wizard = self._wizard(self._rows(["CS-1", "CS-2", "CS-3"]))
        with trap_jobs() as trap:
            wizard.action_import()
            self.product.active = False  # meanwhile: the sheet no longer applies
            with self.assertRaises(UserError):
                trap.perform_enqueued_jobs()
        self.assertFalse(self._on_hand())

    def test_small_sheet_is_applied_at_once(self):
        self.company.serial_job_count_sheet_rows = 5
        wizard = self._wizard(self._rows(["CS-1", "CS-2"]))
        with trap_jobs() as trap:
            wizard.action_import()
            trap.assert_jobs_count(0)
        self.assertEqual(len(self._on_hand()), 2)

    def test_long_sheet_is_applied_in_a_chain_of_slices(self):
        """A sheet longer than a slice: the first job checks it all, then queues
        one job per slice, given its rows, applied in order."""
        self.company.serial_job_count_sheet_rows = 2
        names = [f"CS-{i}" for i in range(1, 6)]
        wizard = self._wizard(self._rows(names))
        with patch.object(bridge, "SLICE_SIZE", 2), trap_jobs() as trap:
            wizard.action_import()
            trap.assert_jobs_count(1)
            trap.perform_enqueued_jobs()
            slices = self._in_chain_order(trap.enqueued_jobs)
            self.assertEqual(
                [job.method_name for job in slices], ["_serial_import_rows_job"] * 3
            )
            self.assertEqual([len(job.args[0]) for job in slices], [2, 2, 1])
            self.assertIn("rows 5-5 of 5", slices[-1].description)
            self.assertFalse(self._on_hand(), "the check job applies nothing")
            trap.perform_enqueued_jobs()
        self.assertEqual(sorted(self._on_hand().lot_id.mapped("name")), names)

    def test_slices_apply_zero_counts_first(self):
        """A serial moved between two places, its new place listed first: the
        slice counting it 0 at its old place runs before the one counting it 1
        at the new place, so it is never in two places."""
        self.company.serial_job_count_sheet_rows = 1
        lot = self._adjust_in(self.product, ["MOVED-1"], location=self.shelf)
        lines = [
            f"SER-ROUTER,{self.stock.complete_name},MOVED-1,1",
            f"SER-ROUTER,{self.shelf.complete_name},MOVED-1,0",
        ]
        wizard = self._wizard(lines)
        with patch.object(bridge, "SLICE_SIZE", 1), trap_jobs() as trap:
            wizard.action_import()
            trap.perform_enqueued_jobs()
            first = self._in_chain_order(trap.enqueued_jobs)[0]
            self.assertEqual(first.args[0][0][1][3], "0")
            trap.perform_enqueued_jobs()
        self.env.flush_all()
        self.env.cr.execute("SET CONSTRAINTS ALL IMMEDIATE")
        quants = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("quantity", ">", 0)]
        )
        self.assertEqual(quants.location_id, self.stock)
