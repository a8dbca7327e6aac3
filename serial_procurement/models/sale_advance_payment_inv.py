# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    def _create_invoices(self, sale_orders):
        # Down payments do not go through sale.order._create_invoices. The
        # wizard's own estimates are checked: core may pass something else
        # (a dict) as ``sale_orders`` and invoices ``self.sale_order_ids``.
        orders = self.sale_order_ids
        orders._check_invoiced_through_ticket()
        orders._check_ticket_before_invoicing()
        return super()._create_invoices(sale_orders)
