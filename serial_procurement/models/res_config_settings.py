# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Not a related field: turning the rules on is confirmed first
    # (serial.procurement.rules.wizard), so saving the settings must not write it.
    serial_rules_enabled = fields.Boolean(
        string="Enforce serialized procurement rules",
        help="Enforce the serial-required flags of the products, the blocking of "
        "direct invoicing and strict intake for this company.",
    )
    serial_deposit_enabled = fields.Boolean(
        related="company_id.serial_deposit_enabled", readonly=False
    )
    serial_block_direct_invoice = fields.Boolean(
        related="company_id.serial_block_direct_invoice", readonly=False
    )
    serial_strict_intake = fields.Boolean(
        related="company_id.serial_strict_intake", readonly=False
    )
    serial_stage_purchased_id = fields.Many2one(
        related="company_id.serial_stage_purchased_id", readonly=False
    )
    serial_stage_done_id = fields.Many2one(
        related="company_id.serial_stage_done_id", readonly=False
    )
    serial_case_insensitive = fields.Boolean(
        related="company_id.serial_case_insensitive", readonly=False
    )
    serial_final_invoice_draft = fields.Boolean(
        related="company_id.serial_final_invoice_draft", readonly=False
    )
    serial_notify_customer = fields.Boolean(
        related="company_id.serial_notify_customer", readonly=False
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        res["serial_rules_enabled"] = self.env.company.serial_rules_enabled
        return res

    def set_values(self):
        """Switching the rules off is saved with the settings; switching them on
        waits for the confirmation ``execute`` opens."""
        res = super().set_values()
        for settings in self:
            if not settings.serial_rules_enabled:
                settings.company_id.filtered("serial_rules_enabled").write(
                    {"serial_rules_enabled": False}
                )
        return res

    def execute(self):
        res = super().execute()
        if self.serial_rules_enabled and not self.company_id.serial_rules_enabled:
            wizard = self.env["serial.procurement.rules.wizard"].create(
                {"company_id": self.company_id.id}
            )
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Enforce serialized procurement rules"),
                "res_model": wizard._name,
                "res_id": wizard.id,
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
            }
        return res
