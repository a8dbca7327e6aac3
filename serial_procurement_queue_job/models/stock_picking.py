# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import formatLang

from odoo.addons.serial_procurement.tools import singleton

# Serials received per background job. One slice of 1,000 serials onto tickets
# costs about 10 s of CPU on the project's machine kind (benchmarks/
# bench_background.py), well inside Odoo's default limit_time_cpu (60 s) and
# limit_time_real (120 s) on a busy machine.
SLICE_SERIALS = 1000
# Per-transaction marker (never a context key a client could send): ids of the
# pickings whose ``button_validate`` hands the done step to background jobs.
# Set and cleared by ``button_validate`` itself, around core's validation.
DEFER_DONE_MARK = "serial_procurement_queue_job.defer_done"
RUNNING_JOB_STATES = ("wait_dependencies", "pending", "enqueued", "started")
# Fields only the bridge's own flows write (as superuser): a client writing them
# could hide a background validation, take it over or fake its progress.
JOB_FIELDS = frozenset(
    (
        "serial_job_uuid",
        "serial_job_outcome",
        "serial_job_error",
        "serial_job_user_id",
        "serial_job_cancel_backorder",
        "serial_job_interrupted",
        "serial_job_total",
        "serial_job_received",
    )
)


class StockPicking(models.Model):
    """Big receipts are received in the background, in slices.

    Each slice is one background job that receives up to ``SLICE_SERIALS``
    serials: it splits them off the receipt into a new picking of their own
    (the part, linked by ``serial_receipt_id``) and validates that part through
    the whole of core's and serial_procurement's ``_action_done``; the last
    slice validates the receipt itself with what is left. Why this shape:

    - a slice is a complete core validation: every check, the serials' tickets,
      the reservation of the tickets' deliveries and the quants are done by the
      same code as any receipt, with no partial picking state core never makes
      (done lines done inside an open picking would need the picking-level
      steps re-done by hand for a part of it);
    - the receipt keeps the serials not yet received: it stays the user's
      document, shows the progress and, when a slice is refused, holds exactly
      what is left to fix and validate again; the parts already done stay done
      and valid;
    - each slice moves only its own lines (a backorder taking the rest would
      move every remaining line at every slice: quadratic at 50,000 serials);
    - each slice queues the next one in its own transaction, rather than a
      ``queue_job`` chain built in advance: a chain enqueues the next job only
      after the previous one committed, so a worker dying in between leaves the
      rest of the chain waiting for ever, and a refused slice must cancel the
      jobs after it. Here a slice either commits its work and the next job
      together, or neither, and a refused slice simply queues nothing.
    """

    _inherit = "stock.picking"

    serial_job_uuid = fields.Char(
        string="Background Job",
        readonly=True,
        copy=False,
        help="UUID of the background job of the current (or last) slice.",
    )
    serial_job_outcome = fields.Selection(
        selection=[("queued", "Queued"), ("failed", "Failed")],
        string="Background Validation",
        readonly=True,
        copy=False,
        tracking=True,
        help="Queued: the receipt is being received in the background. "
        "Failed: a slice was refused; the slices before it are received, the "
        "rest of the receipt is as it was.",
    )
    serial_job_error = fields.Text(
        string="Background Validation Error", readonly=True, copy=False
    )
    serial_job_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Background Validation Started By",
        readonly=True,
        copy=False,
    )
    serial_job_cancel_backorder = fields.Boolean(readonly=True, copy=False)
    serial_job_interrupted = fields.Boolean(
        string="Background Job Interrupted",
        readonly=True,
        copy=False,
        help="The worker running the current slice stopped; the slice was "
        "requeued and restarts.",
    )
    serial_job_total = fields.Integer(
        string="Serials to Receive in the Background", readonly=True, copy=False
    )
    serial_job_received = fields.Integer(
        string="Serials Received in the Background", readonly=True, copy=False
    )
    serial_job_progress = fields.Char(
        string="Background Progress", compute="_compute_serial_job_progress"
    )
    serial_receipt_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Part of Receipt",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The receipt this picking was split off by a slice received in "
        "the background.",
    )
    serial_part_ids = fields.One2many(
        comodel_name="stock.picking",
        inverse_name="serial_receipt_id",
        string="Parts Received in the Background",
    )
    serial_part_count = fields.Integer(compute="_compute_serial_part_count")
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
    serial_job_can_restart = fields.Boolean(compute="_compute_serial_job_state")

    def _serial_check_job_fields(self, vals, fields_written):
        if self.env.su:
            return
        written = sorted(fields_written & vals.keys())
        if written:
            raise AccessError(
                _(
                    "The background validation fields (%(fields)s) are written "
                    "only by the background validation itself.",
                    fields=", ".join(written),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._serial_check_job_fields(vals, JOB_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        self._serial_check_job_fields(vals, JOB_FIELDS | {"serial_receipt_id"})
        return super().write(vals)

    @api.depends("serial_job_total", "serial_job_received")
    def _compute_serial_job_progress(self):
        for picking in self:
            picking.serial_job_progress = picking.serial_job_total and _(
                "%(done)s / %(total)s serials received",
                done=formatLang(self.env, picking.serial_job_received, digits=0),
                total=formatLang(self.env, picking.serial_job_total, digits=0),
            )

    @api.depends("serial_part_ids")
    def _compute_serial_part_count(self):
        for picking in self:
            picking.serial_part_count = len(picking.serial_part_ids)

    def _serial_jobs(self):
        """{uuid: queue.job} of these pickings' current background jobs."""
        uuids = [uuid for uuid in self.mapped("serial_job_uuid") if uuid]
        # sudo: the job queue is for its managers; the state and error of the
        # job are shown on the receipt to whoever may read it
        jobs = self.env["queue.job"].sudo().search([("uuid", "in", uuids)])
        return {job.uuid: job for job in jobs}

    @api.depends("serial_job_uuid", "serial_job_outcome", "serial_job_interrupted")
    def _compute_serial_job_state(self):
        jobs = self._serial_jobs()
        labels = dict(
            self.env["queue.job"]._fields["state"]._description_selection(self.env)
        )
        for picking in self:
            job = jobs.get(picking.serial_job_uuid)
            state = job and labels.get(job.state, job.state)
            if (
                job
                and picking.serial_job_interrupted
                and job.state in ("pending", "enqueued")
            ):
                state = _("Interrupted, restarting")
            picking.serial_job_state = state
            picking.serial_job_exception = (
                job and job.state == "failed" and (job.exc_message or job.exc_name)
            )
            picking.serial_job_can_restart = (
                picking.serial_job_outcome == "queued"
                and picking.state not in ("done", "cancel")
                and picking._serial_job_is_stuck(job)
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

    @api.model
    def _serial_job_is_stuck(self, job):
        """Whether the job of a receipt being received will not go on by
        itself: gone, failed, cancelled, or started by a worker that died."""
        if not job or job.state in ("failed", "cancelled", "done"):
            return True
        return job.state == "started" and job._serial_is_interrupted()

    def _serial_deferred(self):
        """Whether ``button_validate`` of these pickings defers the done step."""
        marked = self.env.cr.cache.get(DEFER_DONE_MARK)
        return bool(self) and bool(marked) and set(self.ids) <= marked

    def button_validate(self):
        marked = self.env.cr.cache.setdefault(DEFER_DONE_MARK, set())
        if marked & set(self.ids) or not self._serial_validate_in_background():
            return super().button_validate()
        self._serial_check_not_queued()
        jobs_before = {picking.id: picking.serial_job_uuid for picking in self}
        marked.update(self.ids)
        try:
            res = super().button_validate()
        finally:
            marked.difference_update(self.ids)
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
                    "%(count)s serial numbers: %(pickings)s is received in the "
                    "background, %(slice)s serials at a time. The receipt shows "
                    "the progress and the outcome.",
                    count=sum(queued.mapped("serial_job_total")),
                    pickings=", ".join(queued.mapped("name")),
                    slice=SLICE_SERIALS,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _action_done(self):
        if not self._serial_deferred():
            return super()._action_done()
        self._serial_enqueue_validation()
        return True

    def _serial_enqueue_validation(self):
        """Queue the validation; the receipt's own checks run now, so that a
        wrong serial is refused at once."""
        self._check_company()
        self._serial_receipt_move_lines()._serial_check_receipt()
        cancel_backorder = bool(self.env.context.get("cancel_backorder"))
        for picking in self:
            picking.sudo().write(
                {
                    "serial_job_outcome": "queued",
                    "serial_job_error": False,
                    "serial_job_interrupted": False,
                    "serial_job_user_id": self.env.user.id,
                    "serial_job_cancel_backorder": cancel_backorder,
                    "serial_job_total": picking._serial_job_serial_count(),
                    "serial_job_received": 0,
                }
            )
            picking._serial_enqueue_slice()

    def _serial_slice_lines(self, limit):
        """The first ``limit`` serial lines of this receipt still to receive."""
        return self.env["stock.move.line"].search(
            [
                ("picking_id", "=", self.id),
                ("move_id.picking_code", "=", "incoming"),
                ("move_id.state", "not in", ("done", "cancel")),
                ("quantity", ">", 0),
                ("product_id.tracking", "=", "serial"),
            ],
            order="id",
            limit=limit,
        )

    def _serial_enqueue_slice(self):
        """Queue the job of the next slice of this receipt."""
        self.ensure_one()
        remaining = self.serial_job_total - self.serial_job_received
        first = self.serial_job_received + 1
        job = self.with_delay(
            description=_(
                "Receive %(picking)s: serials %(first)s-%(last)s of %(total)s",
                picking=self.name,
                first=formatLang(self.env, first, digits=0),
                last=formatLang(
                    self.env,
                    first - 1 + max(min(remaining, SLICE_SERIALS), 0),
                    digits=0,
                ),
                total=formatLang(self.env, self.serial_job_total, digits=0),
            ),
        )._serial_receive_slice_job()
        # (run at once, without a queue, under queue_job__no_delay: then the
        # job has already written its outcome and queued the next slice)
        if not self.env.context.get("queue_job__no_delay"):
            self.sudo().serial_job_uuid = job.uuid
        return job

    def _serial_receive_slice_job(self):
        """The background job of one slice: receive up to ``SLICE_SERIALS``
        serials (see the class docstring), then queue the next slice. A slice
        refused for a business reason receives nothing, stops there and says
        why on the receipt and to the user who started it."""
        self.ensure_one()
        self.env["queue.job"]._serial_hold_running_job()
        if self.state in ("done", "cancel") or self.serial_job_outcome != "queued":
            return _("Nothing to receive: %(picking)s", picking=self.name)
        self.sudo().serial_job_interrupted = False
        lines = self._serial_slice_lines(SLICE_SERIALS + 1)
        last = len(lines) <= SLICE_SERIALS
        lines = lines[:SLICE_SERIALS]
        try:
            with self.env.cr.savepoint():
                if last:
                    part = self
                    self.with_context(
                        cancel_backorder=self.serial_job_cancel_backorder
                    )._action_done()
                else:
                    part = self._serial_split_part(lines)
                    part.with_context(cancel_backorder=True)._action_done()
        except (UserError, ValidationError) as error:
            self._serial_job_failed(error.args[0])
            return _("Not received: %(reason)s", reason=error.args[0])
        self.sudo().serial_job_received += len(lines)
        if not last:
            part.message_post(
                body=_(
                    "Received in the background: %(count)s serials of %(picking)s.",
                    count=len(lines),
                    picking=self.name,
                )
            )
            self._serial_enqueue_slice()
            return _(
                "%(part)s received (%(progress)s)",
                part=part.name,
                progress=self.serial_job_progress,
            )
        self.sudo().write({"serial_job_outcome": False, "serial_job_error": False})
        message = _(
            "Validated in the background: %(progress)s in %(slices)s slice(s).",
            progress=self.serial_job_progress,
            slices=len(self.serial_part_ids) + 1,
        )
        self.message_post(body=message)
        self._serial_job_notify("success", _("Receipt validated"), message)
        return message

    def _serial_split_part(self, lines):
        """Move ``lines`` (some of this receipt's serial lines) with their
        demand into a new picking, copied from this one, and return it; the
        rest of each move stays here with the rest of its demand."""
        self.ensure_one()
        part = self.copy(
            {
                "name": "/",
                "move_ids": [],
                "move_line_ids": [],
                "serial_receipt_id": self.id,
            }
        )
        for move, move_lines in lines.grouped("move_id").items():
            qty = sum(move_lines.mapped("quantity_product_uom"))
            rest = move.move_line_ids - move_lines
            if not rest.filtered("quantity") and move.product_qty <= qty:
                move.write({"picking_id": part.id})
                move.move_line_ids.write({"picking_id": part.id})
                continue
            vals = move._split(qty) or move.copy_data(
                move._prepare_move_split_vals(
                    move.product_id.uom_id._compute_quantity(qty, move.product_uom)
                )
            )
            # confirmed as its move is, without core's _action_confirm: that
            # would give it new lines of its own for its demand
            vals[0].update(picking_id=part.id, state=move.state)
            new_move = self.env["stock.move"].create(vals)
            move_lines.write({"move_id": new_move.id, "picking_id": part.id})
            new_move.picked = move.picked
            (move | new_move)._recompute_state()
        return part

    def _serial_job_failed(self, reason):
        """Record why a slice was refused, on the receipt and for the user who
        started it. (An error the job does not catch fails the job itself:
        ``serial_job_exception`` shows it and the receipt offers Restart.)"""
        self.sudo().write({"serial_job_outcome": "failed", "serial_job_error": reason})
        for picking in self:
            received = picking.serial_job_received
            body = (
                _(
                    "Background receipt stopped after %(progress)s: %(reason)s",
                    progress=picking.serial_job_progress,
                    reason=reason,
                )
                if received
                else _("Validation in the background failed: %(reason)s", reason=reason)
            )
            picking.message_post(body=body)
            picking._serial_job_notify("danger", _("Receipt not validated"), body)
            user = picking.serial_job_user_id
            if user:
                picking.activity_schedule(
                    "mail.mail_activity_data_warning",
                    summary=_("Background receipt refused"),
                    note=body,
                    user_id=user.id,
                )

    def _serial_job_notify(self, kind, title, message):
        """A notification to the user who started the background receipt."""
        self.ensure_one()
        if self.serial_job_user_id:
            self.serial_job_user_id._bus_send(
                "simple_notification",
                {"type": kind, "title": title, "message": message, "sticky": True},
            )

    def _serial_job_mark_interrupted(self):
        """The recovery cron requeued this receipt's slice."""
        for picking in self.filtered(lambda p: p.serial_job_outcome == "queued"):
            picking.sudo().serial_job_interrupted = True
            picking.message_post(
                body=_(
                    "Background receipt interrupted (its worker stopped), "
                    "restarting at %(progress)s.",
                    progress=picking.serial_job_progress or "0",
                )
            )

    def _serial_validate_job(self, cancel_backorder=False):
        """Job of the releases before slices (18.0.1.0.0): still queued after
        an upgrade, it now starts the slices."""
        self.env["queue.job"]._serial_hold_running_job()
        for picking in self.filtered(lambda p: p.state not in ("done", "cancel")):
            picking.sudo().write(
                {
                    "serial_job_outcome": "queued",
                    "serial_job_cancel_backorder": cancel_backorder,
                    "serial_job_total": picking._serial_job_serial_count(),
                    "serial_job_received": 0,
                    "serial_job_user_id": self.env.user.id,
                }
            )
            picking._serial_enqueue_slice()
        return True

    # ------------------------------------------------------------------
    # Restart, parts
    # ------------------------------------------------------------------

    def _serial_check_can_restart(self):
        """Only the user who started the background receipt, or a stock
        manager, restarts it (no queue_job right needed)."""
        user = self.env.user
        manager = user.has_group("stock.group_stock_manager")
        for picking in self:
            if not manager and picking.serial_job_user_id != user:
                raise AccessError(
                    _(
                        "%(picking)s: only %(user)s, who started its background "
                        "validation, or an Inventory Administrator can restart it.",
                        picking=picking.name,
                        user=picking.serial_job_user_id.name or _("its user"),
                    )
                )
        self.check_access("write")

    def action_serial_job_restart(self):
        """Restart a background receipt whose job will not go on by itself
        (failed, cancelled, or its worker died): the next slice is queued
        again, for the serials not received yet."""
        if not self:
            raise UserError(_("Choose the receipt to restart."))
        self._serial_check_can_restart()
        jobs = self._serial_jobs()
        for picking in self:
            job = jobs.get(picking.serial_job_uuid)
            if picking.serial_job_outcome != "queued" or picking.state in (
                "done",
                "cancel",
            ):
                raise UserError(
                    _(
                        "%(picking)s is not being validated in the background.",
                        picking=picking.name,
                    )
                )
            if not picking._serial_job_is_stuck(job):
                raise UserError(
                    _(
                        "%(picking)s: its background job is still running or "
                        "waiting to run (%(state)s).",
                        picking=picking.name,
                        state=picking.serial_job_state,
                    )
                )
            if job and job.state != "done":
                job._change_job_state("cancelled", result=_("Restarted"))
            picking.sudo().serial_job_interrupted = False
            picking.message_post(
                body=_(
                    "Background receipt restarted by %(user)s at %(progress)s.",
                    user=self.env.user.name,
                    progress=picking.serial_job_progress or "0",
                )
            )
            # the slices run as the user who started them, as before
            starter = picking.serial_job_user_id or self.env.user
            picking.with_user(starter).sudo(False)._serial_enqueue_slice()
        return True

    def action_view_serial_parts(self):
        singleton.ensure_one(self)
        action = self.env["ir.actions.actions"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("serial_receipt_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
