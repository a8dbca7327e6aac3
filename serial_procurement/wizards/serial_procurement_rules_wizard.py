# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models

from ..tools import singleton


class SerialProcurementRulesWizard(models.TransientModel):
    """Confirmation before the serialized procurement rules are switched on for
    a company: it says what will change."""

    _name = "serial.procurement.rules.wizard"
    _description = "Enforce the Serialized Procurement Rules"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    block_direct_invoice = fields.Boolean(
        string="Block direct invoicing of estimates without a ticket",
        compute="_compute_block_direct_invoice",
        store=True,
        readonly=False,
        help="Estimates holding a product that requires a serial for sales are "
        "then invoiced only once their ticket is created.",
    )
    summary = fields.Html(compute="_compute_summary", sanitize=False)

    @api.depends("company_id")
    def _compute_block_direct_invoice(self):
        for wizard in self:
            wizard.block_direct_invoice = wizard.company_id.serial_block_direct_invoice

    @api.depends("company_id", "block_direct_invoice")
    def _compute_summary(self):
        for wizard in self:
            lines = wizard.company_id._serial_rules_change_lines(
                block_direct_invoice=wizard.block_direct_invoice
            )
            wizard.summary = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % line for line in lines
            )

    def action_confirm(self):
        """Switch the rules on (a settings administrator only: the company's
        own write says so) and reload the settings."""
        singleton.ensure_one(self)
        self.company_id.write(
            {
                "serial_rules_enabled": True,
                "serial_block_direct_invoice": self.block_direct_invoice,
            }
        )
        return {"type": "ir.actions.client", "tag": "reload"}
