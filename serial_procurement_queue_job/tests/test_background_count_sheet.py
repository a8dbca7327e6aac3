# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.serial_procurement.tests.common import SerialLifecycleCommon


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
