# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "serial.procurement.ticket.mixin"]

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        compute="_compute_ticket_id",
        store=True,
        index="btree_not_null",
        help="The ticket whose estimate this invoice bills.",
    )
    serial_lot_count = fields.Integer(compute="_compute_serial_lot_count")

    @api.depends("invoice_line_ids.sale_line_ids.order_id.ticket_id")
    def _compute_ticket_id(self):
        for move in self:
            move.ticket_id = move.invoice_line_ids.sale_line_ids.order_id.ticket_id[:1]

    @api.depends("invoice_line_ids.lot_ids")
    def _compute_serial_lot_count(self):
        for move in self:
            move.serial_lot_count = len(move.invoice_line_ids.lot_ids)

    def _is_serial_deposit_invoice(self):
        """True for an invoice made only of down-payment lines (a deposit)."""
        self.ensure_one()
        product_lines = self.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product"
        )
        return bool(product_lines) and all(
            aml.is_downpayment and aml.price_subtotal > 0 for aml in product_lines
        )

    def action_view_serials(self):
        self.ensure_one()
        return self.invoice_line_ids.lot_ids._action_open_serial_list(self.name)

    def _post(self, soft=True):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        lines = invoices.invoice_line_ids
        lines._serial_add_new_serials()
        lines._serial_check_required_sale()
        return super()._post(soft=soft)
