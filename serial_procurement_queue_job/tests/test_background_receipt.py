# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.serial_procurement.tests.common import SerialProcurementCase
from odoo.addons.serial_procurement_queue_job.models import stock_picking as bridge

SERIALS = "\n".join(f"BG-{i}" for i in range(1, 6))


@tagged("post_install", "-at_install")
class TestBackgroundReceipt(SerialProcurementCase):
    """Above the company's threshold, validating a receipt receives it in the
    background, in slices; below, it validates at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.serial_job_receipt_serials = 2

    def setUp(self):
        super().setUp()
        # slices of 2 serials: a receipt of 5 is received in 3 slices
        patcher = patch.object(bridge, "SLICE_SERIALS", 2)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _picking(self, serials=SERIALS, count=None):
        count = count or len(serials.split())
        self.order = self._create_quotation([(self.firewall, count)])
        ticket = self._create_ticket(self.order)
        picking = self._purchase(ticket).picking_ids
        self._enter_serials(picking, self.firewall, serials)
        picking.move_ids.picked = True
        return ticket, picking

    def _delivery(self):
        return self.order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing"
        )

    @staticmethod
    def _run_slice(trap):
        """Perform the slice queued, which queues the next one."""
        trap.assert_jobs_count(1)
        trap.perform_enqueued_jobs()
        trap.calls.clear()

    def test_big_receipt_is_received_in_slices(self):
        ticket, picking = self._picking()
        with trap_jobs() as trap:
            action = picking.button_validate()
            self.assertEqual(action["tag"], "display_notification")
            trap.assert_enqueued_job(picking._serial_receive_slice_job)
            self.assertEqual(picking.state, "assigned", "nothing done in the request")
            self.assertEqual(picking.serial_job_outcome, "queued")
            self.assertEqual(picking.serial_job_progress, "0 / 5 serials received")
            self.assertIn("serials 1-2 of 5", trap.enqueued_jobs[0].description)
            self.assertFalse(ticket.lot_ids)
            self._run_slice(trap)
            # the first slice is its own receipt, done; the rest waits here
            part = picking.serial_part_ids
            self.assertEqual(part.state, "done")
            self.assertEqual(part.serial_receipt_id, picking)
            self.assertEqual(part.move_line_ids.lot_id.mapped("name"), ["BG-1", "BG-2"])
            self.assertEqual(picking.state, "assigned")
            self.assertEqual(len(picking.move_line_ids), 3)
            self.assertEqual(picking.move_ids.product_uom_qty, 3)
            self.assertEqual(picking.serial_job_progress, "2 / 5 serials received")
            self.assertEqual(len(ticket.lot_ids), 2, "each slice lands on the ticket")
            self.assertIn("serials 3-4 of 5", trap.enqueued_jobs[0].description)
            self._run_slice(trap)
            self.assertEqual(len(picking.serial_part_ids), 2)
            self._run_slice(trap)  # the last slice: the receipt itself
            trap.assert_jobs_count(0)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_line_ids.lot_id.mapped("name"), ["BG-5"])
        self.assertFalse(picking.serial_job_outcome)
        self.assertEqual(picking.serial_job_progress, "5 / 5 serials received")
        self.assertEqual(len(ticket.lot_ids), 5)
        self.assertEqual(self._delivery().move_line_ids.lot_id, ticket.lot_ids)
        purchase_line = picking.serial_part_ids.move_ids.purchase_line_id
        self.assertEqual(purchase_line, picking.move_ids.purchase_line_id)
        self.assertEqual(purchase_line.qty_received, 5)
        self.assertIn("Validated in the background", picking.message_ids[0].body)

    def _receive_short(self, backorder):
        """5 ordered, 4 serials entered, the user's backorder choice made."""
        _ticket, picking = self._picking("BS-1\nBS-2\nBS-3\nBS-4", count=5)
        context = {"skip_backorder": True}
        if not backorder:
            context["picking_ids_not_to_backorder"] = picking.ids
        with trap_jobs() as trap:
            picking.with_context(**context).button_validate()
            self.assertEqual(picking.serial_job_total, 4)
            self._run_slice(trap)
            self._run_slice(trap)
            trap.assert_jobs_count(0)
        self.assertEqual(picking.state, "done")
        return picking

    def test_last_slice_keeps_the_backorder_choice(self):
        picking = self._receive_short(backorder=True)
        backorder = picking.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 1, "1 unit to come")
        self.assertNotIn(backorder, picking.serial_part_ids)

    def test_last_slice_keeps_the_no_backorder_choice(self):
        picking = self._receive_short(backorder=False)
        self.assertFalse(picking.backorder_ids, "nothing more to come")
        self.assertEqual(picking.move_ids.mapped("state"), ["done"])
        self.assertEqual(picking.move_ids.quantity, 2, "BS-3, BS-4: the last slice")

    def test_refused_slice_stops_keeps_done_slices_and_says_why(self):
        ticket, picking = self._picking()
        with trap_jobs() as trap:
            picking.button_validate()
            self._run_slice(trap)
            # Meanwhile the serial BG-4 is put on hand elsewhere: slice 2
            # refuses (a serial on record only would be received again, #19).
            self._put_in_stock(self.firewall, ["BG-4"])
            trap.perform_enqueued_jobs()
            trap.assert_jobs_count(0)  # the chain stops
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.serial_job_outcome, "failed")
        self.assertIn("BG-4", picking.serial_job_error)
        self.assertEqual(picking.serial_part_ids.state, "done", "slice 1 stays valid")
        self.assertEqual(len(ticket.lot_ids), 2)
        self.assertEqual(
            sorted(picking.move_line_ids.mapped("lot_name")), ["BG-3", "BG-4", "BG-5"]
        )
        self.assertIn("2 / 5 serials received", picking.message_ids[0].body)
        activity = picking.activity_ids
        self.assertEqual(activity.user_id, self.env.user, "the user who started it")
        self.assertIn("BG-4", activity.note)

    def test_wrong_serial_is_refused_before_queueing(self):
        _ticket, picking = self._picking()
        self._put_in_stock(self.firewall, ["BG-3"])
        with trap_jobs() as trap, self.assertRaisesRegex(Exception, "BG-3"):
            picking.button_validate()
        trap.assert_jobs_count(0)
        self.assertFalse(picking.serial_job_outcome)

    def test_small_receipt_validates_at_once(self):
        self.company.serial_job_receipt_serials = 5
        ticket, picking = self._picking()
        with trap_jobs() as trap:
            picking.button_validate()
            trap.assert_jobs_count(0)
        self.assertEqual(picking.state, "done")
        self.assertEqual(len(ticket.lot_ids), 5)

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

    def test_defer_done_context_key_is_ignored(self):
        """The old context key ``serial_procurement_defer_done``, sent by a
        client, neither defers a small receipt nor skips the checks of a big
        one: the receipt is validated at once, or queued as usual."""
        key = "serial_procurement_defer_done"
        self.company.serial_job_receipt_serials = 5
        ticket, picking = self._picking()
        with trap_jobs() as trap:
            picking.with_context(**{key: True}).button_validate()
            trap.assert_jobs_count(0)
        self.assertEqual(picking.state, "done")
        self.assertEqual(len(ticket.lot_ids), 5)
        # a big receipt already queued stays refused
        self.company.serial_job_receipt_serials = 2
        _ticket, big = self._picking("\n".join(f"BD-{i}" for i in range(3)))
        big.button_validate()
        with self.assertRaisesRegex(Exception, "already being validated"):
            big.with_context(**{key: True}).button_validate()
        # and the internal marker is gone once the request's validation ends
        self.assertFalse(big._serial_deferred())
