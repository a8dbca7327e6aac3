# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models

# Context key: the background job runs the import itself.
IN_JOB = "serial_procurement_count_sheet_job"


class SerialProcurementCountSheetWizard(models.TransientModel):
    _inherit = "serial.procurement.count.sheet.wizard"

    def action_import(self):
        """Above the company's row threshold, the sheet is checked now (a wrong
        row is refused at once) and applied by a background job."""
        self.ensure_one()
        threshold = self.env.company.serial_job_count_sheet_rows
        if self.env.context.get(IN_JOB) or not threshold:
            return super().action_import()
        rows = self._read_rows()
        if len(rows) <= threshold:
            return super().action_import()
        self.action_check()
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
        """The background job: check the sheet again (stock may have changed)
        and apply it; a refusal imports nothing and fails the job with the
        reason, which queue_job reports to the user who queued it."""
        wizard = self.create({"data": data, "filename": filename})
        count = wizard.action_check()
        wizard.with_context(**{IN_JOB: True}).action_import()
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
