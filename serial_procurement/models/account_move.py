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
        lines._serial_check_invoiced_once()
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda m: m.move_type == "out_invoice"
        ).invoice_line_ids._serial_stamp_invoiced()
        posted.filtered(lambda m: m.move_type == "out_refund")._serial_free_refunded()
        return posted

    def _serial_free_refunded(self):
        """A posted credit note frees the serials it credits (those on its
        lines, else those of the invoice it reverses) for a new invoice."""
        Lot = self.env["stock.lot"].sudo()
        for refund in self:
            lots = refund.invoice_line_ids.lot_ids
            invoice_lines = refund.reversed_entry_id.invoice_line_ids
            if not lots:
                products = refund.invoice_line_ids.product_id
                lots = invoice_lines.filtered(
                    lambda aml, products=products: aml.product_id in products
                ).lot_ids
            Lot.browse(lots.ids).filtered(
                lambda lot, invoice_lines=invoice_lines: (
                    not invoice_lines or lot.customer_invoice_line_id in invoice_lines
                )
            ).write({"customer_invoice_line_id": False})

    def button_draft(self):
        stamped = self.filtered(lambda m: m.move_type == "out_invoice")
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search([("customer_invoice_line_id", "in", stamped.invoice_line_ids.ids)])
        )
        res = super().button_draft()
        lots.write({"customer_invoice_line_id": False})
        return res
