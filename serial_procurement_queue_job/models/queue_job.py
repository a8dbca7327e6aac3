# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import os
from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.queue_job.job import DONE, STARTED, WAIT_DEPENDENCIES, Job

_logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory locks the bridge's jobs hold while they
# run (the second key is the queue_job row id): a lock dies with the worker's
# connection, so a started job whose lock is free is no longer running anywhere,
# on this host or another one.
JOB_LOCK_KEY = 0x5E71A1
# The bridge's job methods: (model, method).
BRIDGE_JOBS = (
    ("stock.picking", "_serial_receive_slice_job"),
    ("stock.picking", "_serial_validate_job"),
    ("serial.procurement.count.sheet.wizard", "_serial_import_job"),
    ("serial.procurement.count.sheet.wizard", "_serial_import_rows_job"),
)
# System parameter: seconds after which a started job that holds no lock is
# taken as interrupted even when a process of its pid runs on this host (a
# reused pid, or a worker of another host). Default 300 s: more than twice
# Odoo's default limit_time_real (120 s), after which no worker still runs it.
TIMEOUT_PARAM = "serial_procurement_queue_job.interrupted_after"
DEFAULT_TIMEOUT = 300
# A job is never taken as interrupted in its first seconds: between queue_job
# marking it started and the job method taking its lock.
GRACE_SECONDS = 10


def _pid_runs_here(pid):
    """Whether a process ``pid`` runs on this host."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs, as another OS user
    return True


class QueueJob(models.Model):
    _inherit = "queue.job"

    @api.model
    def _serial_hold_running_job(self):
        """Called first by each job method of the bridge: the job's row is
        marked running (an advisory lock held until the job's transaction ends,
        released by PostgreSQL when its worker dies) so that the recovery cron
        never requeues a job still running."""
        uuid = self.env.context.get("job_uuid")
        if uuid:
            self.env.cr.execute(
                "SELECT pg_advisory_xact_lock(%s, id) FROM queue_job WHERE uuid = %s",
                (JOB_LOCK_KEY, uuid),
            )

    def _serial_is_locked(self):
        """Whether this started job is held by a running transaction. Taking
        the lock when free keeps it until the caller's transaction ends, so two
        recoveries never requeue the same job."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", (JOB_LOCK_KEY, self.id)
        )
        return not self.env.cr.fetchone()[0]

    def _serial_is_interrupted(self, now=None, timeout=None):
        """A started job of the bridge whose worker died: no running
        transaction holds it, and its worker's pid no longer runs on this host
        or it started more than ``timeout`` seconds ago."""
        self.ensure_one()
        if self.state != STARTED or not self.date_started:
            return False
        now = now or fields.Datetime.now()
        if timeout is None:
            timeout = self._serial_interrupted_after()
        age = (now - self.date_started).total_seconds()
        if age < GRACE_SECONDS or self._serial_is_locked():
            return False
        return not _pid_runs_here(self.worker_pid) or age > timeout

    @api.model
    def _serial_interrupted_after(self):
        value = self.env["ir.config_parameter"].sudo().get_param(TIMEOUT_PARAM)
        try:
            return max(int(value), GRACE_SECONDS) if value else DEFAULT_TIMEOUT
        except ValueError:
            return DEFAULT_TIMEOUT

    @api.model
    def _serial_bridge_domain(self):
        domain = []
        for model, method in BRIDGE_JOBS:
            domain = (["|"] if domain else []) + domain
            domain += ["&", ("model_name", "=", model), ("method_name", "=", method)]
        return domain

    @api.model
    def _serial_requeue_interrupted(self):
        """Cron: requeue the bridge's jobs whose worker died (queue_job
        18.0.1.7.0 requeues only "enqueued" jobs: a started job whose worker was
        killed stays started forever), and queue the jobs of a chain whose
        previous job is done but that were left waiting (the worker died after
        the previous job committed, before it queued the next one). The
        document of each job says it restarts."""
        jobs = self.sudo()
        now = fields.Datetime.now()
        timeout = self._serial_interrupted_after()
        started = jobs.search([("state", "=", STARTED)] + self._serial_bridge_domain())
        interrupted = started.filtered(
            lambda job: job._serial_is_interrupted(now, timeout)
        )
        for job in interrupted:
            _logger.warning(
                "Requeue interrupted job %s (worker pid %s, started %s)",
                job.uuid,
                job.worker_pid,
                job.date_started,
            )
            job.requeue()
            job.message_post(
                body=_("Interrupted (its worker stopped): requeued automatically.")
            )
            job._serial_notify_interrupted()
        waiting = jobs.search(
            [
                ("state", "=", WAIT_DEPENDENCIES),
                ("date_created", "<", now - timedelta(seconds=GRACE_SECONDS)),
            ]
            + self._serial_bridge_domain()
        )
        for job in waiting:
            job_ = Job.load(self.env, job.uuid)
            if job_.depends_on and all(dep.state == DONE for dep in job_.depends_on):
                job_.set_pending()
                job_.store()
        return interrupted

    def _serial_notify_interrupted(self):
        """Tell the job's document (or, for a count sheet, its user) that the
        job was interrupted and restarts."""
        self.ensure_one()
        records = self.records.exists()
        if records._name == "stock.picking":
            records._serial_job_mark_interrupted()
            return
        if self.user_id:
            self.user_id._bus_send(
                "simple_notification",
                {
                    "type": "warning",
                    "title": _("Background job interrupted"),
                    "message": _(
                        "%(job)s: interrupted (its worker stopped), restarting.",
                        job=self.name,
                    ),
                },
            )
