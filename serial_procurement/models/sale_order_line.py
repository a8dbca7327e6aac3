# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import float_compare


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    serial_lot_ids = fields.One2many(
        comodel_name="stock.lot",
        inverse_name="sale_line_id",
        string="Allocated Serials",
        help="Serial numbers received onto the ticket for this line.",
    )
    serial_qty_allocated = fields.Integer(
        string="Allocated",
        compute="_compute_serial_quantities",
        help="Serials on this line: taken from stock or received on a purchase.",
    )
    serial_qty_from_stock = fields.Integer(
        string="From Stock",
        compute="_compute_serial_quantities",
        help="Serials of this line taken from stock.",
    )
    serial_qty_received = fields.Integer(
        string="Received",
        compute="_compute_serial_quantities",
        help="Serials of this line received on a purchase for the ticket.",
    )
    serial_charge_amount = fields.Monetary(
        string="Charge",
        compute="_compute_serial_charge_amount",
        currency_field="currency_id",
        help="Amount of the line on the ticket; a deposit counts negative.",
    )

    @api.depends("serial_lot_ids.serial_from_stock")
    def _compute_serial_quantities(self):
        for line in self:
            lots = line.serial_lot_ids
            from_stock = len(lots.filtered("serial_from_stock"))
            line.serial_qty_allocated = len(lots)
            line.serial_qty_from_stock = from_stock
            line.serial_qty_received = len(lots) - from_stock

    def _serial_units_missing(self):
        """Units of this line, in the product's unit, without a serial yet."""
        self.ensure_one()
        qty = self.product_uom._compute_quantity(
            self.product_uom_qty, self.product_id.uom_id
        )
        return max(int(qty) - len(self.serial_lot_ids), 0)

    @api.depends(
        "price_total", "invoice_lines.parent_state", "invoice_lines.price_total"
    )
    def _compute_serial_charge_amount(self):
        for line in self:
            if line.is_downpayment and not line.display_type:
                deposit_lines = line.invoice_lines.filtered(
                    lambda aml: (
                        aml.parent_state == "posted"
                        and aml.move_id.move_type == "out_invoice"
                        and aml.move_id._is_serial_deposit_invoice()
                    )
                )
                line.serial_charge_amount = -sum(deposit_lines.mapped("price_total"))
            else:
                line.serial_charge_amount = line.price_total

    def _is_serial_pending_charge(self):
        """True for a line still to invoice, or a deposit not yet deducted."""
        self.ensure_one()
        if self.display_type:
            return False
        if self.is_downpayment:
            return float_compare(self.qty_invoiced, 0.0, precision_digits=2) > 0
        return (
            float_compare(
                self.qty_invoiced,
                self.product_uom_qty,
                precision_rounding=self.product_uom.rounding,
            )
            < 0
        )
