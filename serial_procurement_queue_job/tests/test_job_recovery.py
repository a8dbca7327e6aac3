# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
import subprocess
import sys
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.serial_procurement.tests.common import SerialProcurementCase
from odoo.addons.serial_procurement_queue_job.models import queue_job as recovery


def _dead_pid():
    """The pid of a process that has exited (and was reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@tagged("post_install", "-at_install")
class TestJobRecovery(SerialProcurementCase):
    """A background receipt whose worker died is requeued by the bridge's cron
    and says so; its user (or a stock manager) can restart it by a button."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.serial_job_receipt_serials = 2
        cls.starter = cls._create_user(
            "bg_starter", "stock.group_stock_user,purchase.group_purchase_user"
        )
        cls.other = cls._create_user(
            "bg_other", "stock.group_stock_user,purchase.group_purchase_user"
        )
        cls.stock_manager = cls._create_user(
            "bg_stock_manager", "stock.group_stock_manager"
        )

    def _queued_picking(self):
        order = self._create_quotation([(self.firewall, 3)])
        picking = self._purchase(self._create_ticket(order)).picking_ids
        self._enter_serials(picking, self.firewall, "RC-1\nRC-2\nRC-3")
        picking.move_ids.picked = True
        picking.button_validate()  # a real job, pending
        job = self.env["queue.job"].search([("uuid", "=", picking.serial_job_uuid)])
        self.assertEqual(job.state, "pending")
        return picking, job

    def _start(self, job, pid, seconds_ago=60):
        job.write(
            {
                "state": "started",
                "worker_pid": pid,
                "date_enqueued": fields.Datetime.now() - timedelta(seconds=seconds_ago),
                "date_started": fields.Datetime.now() - timedelta(seconds=seconds_ago),
            }
        )

    def test_started_job_with_dead_pid_is_requeued(self):
        picking, job = self._queued_picking()
        self._start(job, _dead_pid())
        self.assertTrue(picking.serial_job_can_restart)
        requeued = self.env["queue.job"]._serial_requeue_interrupted()
        self.assertEqual(requeued, job)
        self.assertEqual(job.state, "pending")
        self.assertFalse(job.worker_pid)
        self.assertTrue(picking.serial_job_interrupted)
        picking.invalidate_recordset()
        self.assertEqual(picking.serial_job_state, "Interrupted, restarting")
        self.assertIn("interrupted", picking.message_ids[0].body)
        self.assertFalse(picking.serial_job_can_restart, "it restarts by itself")

    def test_running_job_is_left_alone(self):
        picking, job = self._queued_picking()
        # its worker runs (this process), started a minute ago
        self._start(job, os.getpid())
        self.assertFalse(self.env["queue.job"]._serial_requeue_interrupted())
        self.assertEqual(job.state, "started")
        # just started: whatever its pid, not yet taken for dead
        self._start(job, _dead_pid(), seconds_ago=0)
        self.assertFalse(self.env["queue.job"]._serial_requeue_interrupted())
        self.assertFalse(picking.serial_job_interrupted)

    def test_job_older_than_the_timeout_is_requeued(self):
        _picking, job = self._queued_picking()
        self._start(job, os.getpid(), seconds_ago=recovery.DEFAULT_TIMEOUT + 60)
        self.assertEqual(self.env["queue.job"]._serial_requeue_interrupted(), job)
        self.assertEqual(job.state, "pending")

    def test_job_held_by_a_running_transaction_is_never_requeued(self):
        """Its worker runs elsewhere (another host: the pid means nothing
        here), and it holds its lock: it is running, not interrupted."""
        _picking, job = self._queued_picking()
        self._start(job, _dead_pid(), seconds_ago=recovery.DEFAULT_TIMEOUT + 60)
        with self.registry.cursor() as other_worker:
            other_worker.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", (recovery.JOB_LOCK_KEY, job.id)
            )
            self.assertFalse(self.env["queue.job"]._serial_requeue_interrupted())
            other_worker.rollback()
        self.assertEqual(job.state, "started")

    def test_restart_button_rights(self):
        picking, job = self._queued_picking()
        picking.serial_job_user_id = self.starter
        job.write({"state": "failed", "exc_name": "MemoryError"})
        self.assertTrue(picking.serial_job_can_restart)
        with self.assertRaises(AccessError):
            picking.with_user(self.other).action_serial_job_restart()
        self.assertEqual(picking.serial_job_uuid, job.uuid, "nothing restarted")
        picking.with_user(self.starter).action_serial_job_restart()
        self.assertEqual(job.state, "cancelled")
        new_job = self.env["queue.job"].search([("uuid", "=", picking.serial_job_uuid)])
        self.assertNotEqual(new_job, job)
        self.assertEqual(new_job.state, "pending")
        self.assertEqual(new_job.user_id, self.starter)
        self.assertEqual(new_job.method_name, "_serial_receive_slice_job")
        # a running job cannot be restarted, even by a stock manager
        with self.assertRaisesRegex(UserError, "still running"):
            picking.with_user(self.stock_manager).action_serial_job_restart()
        new_job.write({"state": "cancelled"})
        picking.with_user(self.stock_manager).action_serial_job_restart()
        self.assertEqual(
            self.env["queue.job"]
            .search([("uuid", "=", picking.serial_job_uuid)])
            .user_id,
            self.starter,
            "the slices still run as the user who started them",
        )

    def test_job_fields_are_written_only_by_the_bridge(self):
        """A stock user cannot take a background receipt over (and then
        restart it as its starter), hide it or fake its progress."""
        picking, _job = self._queued_picking()
        as_other = picking.with_user(self.other)
        for vals in (
            {"serial_job_user_id": self.other.id},
            {"serial_job_outcome": False},
            {"serial_job_received": 3},
            {"serial_receipt_id": picking.id},
        ):
            with self.assertRaises(AccessError):
                as_other.write(vals)
        with self.assertRaises(AccessError):
            self.env["stock.picking"].with_user(self.other).create(
                {
                    "picking_type_id": picking.picking_type_id.id,
                    "serial_job_outcome": "queued",
                }
            )
        self.assertEqual(picking.serial_job_outcome, "queued")

    def test_restart_with_no_record_is_a_clear_error(self):
        with self.assertRaises(UserError):
            self.env["stock.picking"].action_serial_job_restart()

    def _count_sheet_chain(self):
        """Two count-sheet slice jobs in a chain (real jobs, stored)."""
        wizard = self.env["serial.procurement.count.sheet.wizard"]
        first = wizard.delayable()._serial_import_rows_job([], "a.csv", False, 0)
        second = wizard.delayable()._serial_import_rows_job([], "a.csv", True, 0)
        first.on_done(second)
        first.delay()
        jobs = self.env["queue.job"].search(
            [("method_name", "=", "_serial_import_rows_job")]
        )
        pending = jobs.filtered(lambda job: job.state == "pending")
        waiting = jobs.filtered(lambda job: job.state == "wait_dependencies")
        self.assertEqual((len(pending), len(waiting)), (1, 1))
        return pending, waiting

    def test_count_sheet_job_with_dead_pid_is_requeued(self):
        first, _second = self._count_sheet_chain()
        self._start(first, _dead_pid())
        self.assertEqual(self.env["queue.job"]._serial_requeue_interrupted(), first)
        self.assertEqual(first.state, "pending")

    def test_chain_left_waiting_after_a_done_job_is_queued(self):
        """The worker died after the first job committed, before it queued the
        next one: the next one is queued by the cron."""
        first, second = self._count_sheet_chain()
        first.write({"state": "done", "date_done": fields.Datetime.now()})
        # (a protected field of queue_job: written as its own storage does)
        self.env.cr.execute(
            "UPDATE queue_job SET date_created = now() at time zone 'UTC' "
            "- interval '1 minute' WHERE id = %s",
            (second.id,),
        )
        second.invalidate_recordset()
        self.env["queue.job"]._serial_requeue_interrupted()
        self.assertEqual(second.state, "pending")
