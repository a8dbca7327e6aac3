# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models

from odoo.addons.queue_job.delay import chain
from odoo.addons.serial_procurement.tools import singleton
from odoo.addons.serial_procurement.wizards import (
    serial_procurement_count_sheet_wizard as core_wizard,
)

# Rows per background job: one slice of the import.
SLICE_SIZE = core_wizard.SLICE_SIZE


class SerialProcurementCountSheetWizard(models.TransientModel):
    _inherit = "serial.procurement.count.sheet.wizard"

    def action_import(self):
        """Above the company's row threshold, the sheet is checked now (a wrong
        row is refused at once) and applied by a background job."""
        singleton.ensure_one(self)
        threshold = self.env.company.serial_job_count_sheet_rows
        if not threshold:
            return super().action_import()
        rows = self._read_rows()
        if len(rows) <= threshold:
            return super().action_import()
        self._validate_rows(rows)
        job = (
            self.env[self._name]
            .with_delay(
                description=_(
                    "Import count sheet %(file)s (%(rows)s rows)",
                    file=self.filename or "",
                    rows=len(rows),
                )
            )
            ._serial_import_job(self.data.decode(), self.filename or "")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": _("Import queued"),
                "message": _(
                    "%(rows)s rows: the count sheet is applied in the background "
                    "(job %(job)s); you are notified of the outcome.",
                    rows=len(rows),
                    job=job.uuid,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _serial_import_job(self, data, filename):
        """The background job: check the whole sheet again (stock may have
        changed; a refusal imports nothing and fails the job with the reason,
        which queue_job reports to the user who queued it), then apply it: at
        once when it fits one slice, else as a chain of slice jobs, each given
        its own rows, applied in order in its own transaction, so that no job
        runs past a worker's time limit however long the sheet."""
        self.env["queue.job"]._serial_hold_running_job()
        wizard = self.create({"data": data, "filename": filename})
        rows = wizard._sorted_rows()
        wizard._validate_rows(rows)
        slices = [rows[i : i + SLICE_SIZE] for i in range(0, len(rows), SLICE_SIZE)]
        if len(slices) <= 1:
            wizard.import_count_rows(rows)
            return self._serial_notify_imported(filename, len(rows))
        chain(
            *(
                self.delayable(
                    description=_(
                        "Import count sheet %(file)s: rows %(first)s-%(last)s of "
                        "%(rows)s",
                        file=filename,
                        first=index * SLICE_SIZE + 1,
                        last=index * SLICE_SIZE + len(part),
                        rows=len(rows),
                    )
                )._serial_import_rows_job(
                    part, filename, index + 1 == len(slices), len(rows)
                )
                for index, part in enumerate(slices)
            )
        ).delay()
        return _(
            "Count sheet %(file)s checked: %(rows)s rows, applied in %(jobs)s "
            "background steps.",
            file=filename,
            rows=len(rows),
            jobs=len(slices),
        )

    @api.model
    def _serial_import_rows_job(self, rows, filename, last, total):
        """One slice of a big sheet (its rows are the job's arguments): checked
        again and applied; the last slice tells the user the sheet is in."""
        self.env["queue.job"]._serial_hold_running_job()
        count = self.create({"filename": filename}).import_count_rows(rows)
        if last:
            self._serial_notify_imported(filename, total)
        return _("%(count)s rows applied.", count=count)

    @api.model
    def _serial_notify_imported(self, filename, count):
        message = _(
            "Count sheet %(file)s imported: %(count)s counts applied.",
            file=filename,
            count=count,
        )
        self.env.user._bus_send(
            "simple_notification",
            {"type": "success", "title": _("Count sheet imported"), "message": message},
        )
        return message
