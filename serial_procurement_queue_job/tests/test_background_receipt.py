# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.serial_procurement.tests.common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestBackgroundReceipt(SerialProcurementCase):
    """Above the company's threshold, validating a receipt queues it as a
    background job; below, it validates at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.serial_job_receipt_serials = 2

    def _picking(self, serials="BG-1\nBG-2\nBG-3"):
        self.order = self._create_quotation([(self.firewall, 3)])
        ticket = self._create_ticket(self.order)
        picking = self._purchase(ticket).picking_ids
        self._enter_serials(picking, self.firewall, serials)
        picking.move_ids.picked = True
        return ticket, picking

    def _delivery(self):
        return self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )

    def test_big_receipt_is_queued_then_validated_by_the_job(self):
        ticket, picking = self._picking()
        with trap_jobs() as trap:
            action = picking.button_validate()
            self.assertEqual(action["tag"], "display_notification")
            trap.assert_jobs_count(1, only=picking._serial_validate_job)
            trap.assert_enqueued_job(picking._serial_validate_job, args=(False,))
            self.assertEqual(picking.state, "assigned", "nothing done in the request")
            self.assertEqual(picking.serial_job_outcome, "queued")
            self.assertTrue(picking.serial_job_uuid)
            self.assertFalse(ticket.lot_ids)
            trap.perform_enqueued_jobs()
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.serial_job_outcome)
        self.assertEqual(len(ticket.lot_ids), 3)
        self.assertEqual(self._delivery().move_line_ids.lot_id, ticket.lot_ids)
        self.assertIn("Validated in the background", picking.message_ids[0].body)

    def test_failed_job_leaves_the_receipt_untouched_and_says_why(self):
        _ticket, picking = self._picking()
        with trap_jobs() as trap:
            picking.button_validate()
            # Meanwhile the serial BG-2 is put on hand elsewhere: the job
            # refuses (a serial on record only would be received again, #19).
            self._put_in_stock(self.firewall, ["BG-2"])
            trap.perform_enqueued_jobs()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.serial_job_outcome, "failed")
        self.assertIn("BG-2", picking.serial_job_error)
        self.assertEqual(
            sorted(picking.move_line_ids.mapped("lot_name")), ["BG-1", "BG-2", "BG-3"]
        )
        self.assertFalse(picking.move_line_ids.lot_id, "no serial created")
        self.assertFalse(
            self.env["stock.quant"].search(
                [("product_id", "=", self.firewall.id), ("lot_id.name", "!=", "BG-2")]
            )
        )
        self.assertIn("failed", picking.message_ids[0].body)

    def test_wrong_serial_is_refused_before_queueing(self):
        _ticket, picking = self._picking()
        self._put_in_stock(self.firewall, ["BG-3"])
        with trap_jobs() as trap, self.assertRaisesRegex(Exception, "BG-3"):
            picking.button_validate()
        trap.assert_jobs_count(0)
        self.assertFalse(picking.serial_job_outcome)

    def test_small_receipt_validates_at_once(self):
        self.company.serial_job_receipt_serials = 3
        ticket, picking = self._picking()
        with trap_jobs() as trap:
            picking.button_validate()
            trap.assert_jobs_count(0)
        self.assertEqual(picking.state, "done")
        self.assertEqual(len(ticket.lot_ids), 3)

    def test_threshold_zero_never_queues(self):
        self.company.serial_job_receipt_serials = 0
        _ticket, picking = self._picking()
        with trap_jobs() as trap:
            picking.button_validate()
            trap.assert_jobs_count(0)
        self.assertEqual(picking.state, "done")

    def test_queued_receipt_cannot_be_validated_twice(self):
        _ticket, picking = self._picking()
        picking.button_validate()  # a real job, pending in the queue
        job = self.env["queue.job"].search([("uuid", "=", picking.serial_job_uuid)])
        self.assertEqual(job.state, "pending")
        self.assertEqual(picking.serial_job_state, "Pending")
        with self.assertRaisesRegex(Exception, "already being validated"):
            picking.button_validate()
