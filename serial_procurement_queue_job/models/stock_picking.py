# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError

# Context key: button_validate hands the validation to a background job.
DEFER_DONE = "serial_procurement_defer_done"
RUNNING_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serial_job_uuid = fields.Char(
        string="Background Job",
        readonly=True,
        copy=False,
        help="UUID of the background job of the last validation queued.",
    )
    serial_job_outcome = fields.Selection(
        selection=[("queued", "Queued"), ("failed", "Failed")],
        string="Background Validation",
        readonly=True,
        copy=False,
        tracking=True,
        help="Queued: the validation waits for or runs in a background job. "
        "Failed: it did not validate; the receipt is as it was.",
    )
    serial_job_error = fields.Text(
        string="Background Validation Error", readonly=True, copy=False
    )
    serial_job_state = fields.Char(
        string="Background Job State",
        compute="_compute_serial_job_state",
        help="Where the background job is: waiting, running, done or failed.",
    )
    serial_job_exception = fields.Char(
        string="Background Job Error",
        compute="_compute_serial_job_state",
        help="The error that stopped the background job itself.",
    )

    def _serial_jobs(self):
        """{uuid: queue.job} of these pickings' last background validations."""
        uuids = [uuid for uuid in self.mapped("serial_job_uuid") if uuid]
        # sudo: the job queue is for its managers; the state and error of the
        # job are shown on the receipt to whoever may read it
        jobs = self.env["queue.job"].sudo().search([("uuid", "in", uuids)])
        return {job.uuid: job for job in jobs}

    def _compute_serial_job_state(self):
        jobs = self._serial_jobs()
        labels = dict(
            self.env["queue.job"]._fields["state"]._description_selection(self.env)
        )
        for picking in self:
            job = jobs.get(picking.serial_job_uuid)
            picking.serial_job_state = job and labels.get(job.state, job.state)
            picking.serial_job_exception = (
                job and job.state == "failed" and (job.exc_message or job.exc_name)
            )

    # ------------------------------------------------------------------
    # Validation in the background
    # ------------------------------------------------------------------

    def _serial_job_serial_count(self):
        """Serials this validation receives (lines of serial-tracked products)."""
        return len(
            self._serial_receipt_move_lines().filtered(
                lambda ml: ml.product_id.tracking == "serial"
            )
        )

    def _serial_job_threshold(self):
        """Smallest positive threshold of the companies; 0 when none is set."""
        limits = [t for t in self.company_id.mapped("serial_job_receipt_serials") if t]
        return min(limits) if limits else 0

    def _serial_validate_in_background(self):
        threshold = self._serial_job_threshold()
        return bool(threshold) and self._serial_job_serial_count() > threshold

    def _serial_check_not_queued(self):
        running = self.filtered(
            lambda p: p.serial_job_outcome == "queued" and p._serial_job_is_running()
        )
        if running:
            raise UserError(
                _(
                    "%(pickings)s: already being validated in the background.",
                    pickings=", ".join(running.mapped("name")),
                )
            )

    def _serial_job_is_running(self):
        self.ensure_one()
        job = self._serial_jobs().get(self.serial_job_uuid)
        return bool(job) and job.state in RUNNING_JOB_STATES

    def button_validate(self):
        if (
            self.env.context.get(DEFER_DONE)
            or not self._serial_validate_in_background()
        ):
            return super().button_validate()
        self._serial_check_not_queued()
        jobs_before = {picking.id: picking.serial_job_uuid for picking in self}
        res = super(
            StockPicking, self.with_context(**{DEFER_DONE: True})
        ).button_validate()
        queued = self.filtered(
            lambda p: (
                p.serial_job_uuid != jobs_before[p.id]
                and p.serial_job_outcome == "queued"
            )
        )
        if not queued:
            return res  # a pre-validation wizard (backorder, ...) comes first
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Validation queued"),
                "message": _(
                    "%(count)s serial numbers: %(pickings)s is validated in the "
                    "background. The receipt shows the outcome.",
                    count=self._serial_job_serial_count(),
                    pickings=", ".join(queued.mapped("name")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _action_done(self):
        if not self.env.context.get(DEFER_DONE):
            return super()._action_done()
        if self:
            self._serial_enqueue_validation()
        return True

    def _serial_enqueue_validation(self):
        """Queue the validation; the receipt's own checks run now, so that a
        wrong serial is refused at once."""
        self._check_company()
        self._serial_receipt_move_lines()._serial_check_receipt()
        cancel_backorder = bool(self.env.context.get("cancel_backorder"))
        self.write({"serial_job_outcome": "queued", "serial_job_error": False})
        job = self.with_delay(
            description=_(
                "Validate %(pickings)s (%(count)s serials)",
                pickings=", ".join(self.mapped("name")),
                count=self._serial_job_serial_count(),
            ),
        )._serial_validate_job(cancel_backorder)
        # (run at once, without a queue, under queue_job__no_delay: then the
        # job has already written its outcome)
        self.write({"serial_job_uuid": job.uuid})
        return job

    def _serial_validate_job(self, cancel_backorder=False):
        """The background job: validate; a refusal leaves the receipts as they
        were and is recorded on them."""
        todo = self.filtered(lambda p: p.state not in ("done", "cancel"))
        try:
            with self.env.cr.savepoint():
                todo.with_context(cancel_backorder=cancel_backorder)._action_done()
        except (UserError, ValidationError) as error:
            self._serial_job_failed(error.args[0])
            return _("Not validated: %(reason)s", reason=error.args[0])
        self.write({"serial_job_outcome": False, "serial_job_error": False})
        for picking in todo:
            picking.message_post(body=_("Validated in the background."))
        return _("Validated: %(pickings)s", pickings=", ".join(todo.mapped("name")))

    def _serial_job_failed(self, reason):
        """Record why the validation was refused. (An error the job does not
        catch fails the job itself: ``serial_job_exception`` shows it.)"""
        self.write({"serial_job_outcome": "failed", "serial_job_error": reason})
        for picking in self:
            picking.message_post(
                body=_("Validation in the background failed: %(reason)s", reason=reason)
            )
