# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import singleton


class SerialProcurementAllocateStockWizard(models.TransientModel):
    _name = "serial.procurement.allocate.stock.wizard"
    _description = "Allocate Serials on Hand to a Ticket"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="ticket_id.company_id")
    sale_order_id = fields.Many2one(related="ticket_id.sale_order_id")
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line",
        string="Estimate Line",
        required=True,
        compute="_compute_sale_line_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('order_id', '=', sale_order_id), ('display_type', '=', False), "
        "('is_downpayment', '=', False), ('product_id.tracking', '=', 'serial')]",
    )
    product_id = fields.Many2one(related="sale_line_id.product_id")
    missing_qty = fields.Integer(
        string="Units without a serial", compute="_compute_missing_qty"
    )
    lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        string="Serials on Hand",
        domain="[('product_id', '=', product_id), ('in_stock', '=', True), "
        "('ticket_id', '=', False), ('sale_line_id', '=', False), "
        "('company_id', 'in', (company_id, False))]",
        help="The exact serials to take from stock for this line.",
    )

    @api.depends("ticket_id")
    def _compute_sale_line_id(self):
        for wizard in self:
            wizard.sale_line_id = wizard.ticket_id._serial_lines_short()[:1]

    @api.depends("sale_line_id", "sale_line_id.serial_lot_ids")
    def _compute_missing_qty(self):
        for wizard in self:
            line = wizard.sale_line_id
            wizard.missing_qty = line._serial_units_missing() if line else 0

    def action_apply(self):
        """Allocate the chosen serials to the estimate line."""
        singleton.ensure_one(self)
        if not self.lot_ids:
            raise UserError(_("Choose at least one serial on hand."))
        self.lot_ids._serial_allocate_from_stock(self.sale_line_id)
        return {"type": "ir.actions.act_window_close"}

    def action_first_available(self):
        """Allocate the first free serials on hand to every short line."""
        singleton.ensure_one(self)
        self.ticket_id.action_allocate_first_available()
        return {"type": "ir.actions.act_window_close"}
