# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class SerialProcurementSoldReport(models.Model):
    """Serials Sold and Invoiced: one row per (serial, posted customer invoice
    line) and one per done customer delivery move line."""

    _name = "serial.procurement.sold.report"
    _description = "Serials Sold and Invoiced"
    _auto = False
    _rec_name = "serial"
    _order = "date desc, id desc"

    kind = fields.Selection(
        [("invoiced", "Invoiced"), ("delivered", "Delivered")], readonly=True
    )
    lot_id = fields.Many2one("stock.lot", string="Serial Number", readonly=True)
    serial = fields.Char(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    customer_id = fields.Many2one("res.partner", readonly=True)
    vendor_id = fields.Many2one("res.partner", readonly=True)
    date = fields.Date(readonly=True)
    invoice_id = fields.Many2one("account.move", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    sale_order_id = fields.Many2one("sale.order", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    quantity = fields.Float(readonly=True)
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY rows.date, rows.kind, rows.ref_id,
                                      rows.lot_id) AS id, rows.*,
                   so.ticket_id AS ticket_id
            FROM (
                SELECT 'invoiced' AS kind,
                       aml.id AS ref_id,
                       lot.id AS lot_id,
                       lot.name AS serial,
                       aml.product_id AS product_id,
                       am.commercial_partner_id AS customer_id,
                       lot.supplier_id AS vendor_id,
                       am.invoice_date AS date,
                       am.id AS invoice_id,
                       NULL::integer AS picking_id,
                       (SELECT sol.order_id
                          FROM sale_order_line_invoice_rel solrel
                          JOIN sale_order_line sol ON sol.id = solrel.order_line_id
                         WHERE solrel.invoice_line_id = aml.id
                         LIMIT 1) AS sale_order_id,
                       CASE WHEN pt.tracking = 'serial' THEN 1.0
                            ELSE aml.quantity END AS quantity,
                       CASE WHEN pt.tracking = 'serial' AND aml.quantity <> 0
                            THEN -aml.balance / aml.quantity
                            ELSE -aml.balance END AS amount,
                       am.company_id AS company_id,
                       rc.currency_id AS currency_id
                  FROM serial_procurement_aml_lot_rel rel
                  JOIN account_move_line aml ON aml.id = rel.move_line_id
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN stock_lot lot ON lot.id = rel.lot_id
                  JOIN product_product pp ON pp.id = lot.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN res_company rc ON rc.id = am.company_id
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                UNION ALL
                SELECT 'delivered' AS kind,
                       sml.id AS ref_id,
                       lot.id AS lot_id,
                       lot.name AS serial,
                       sml.product_id AS product_id,
                       COALESCE(partner.commercial_partner_id, partner.id)
                           AS customer_id,
                       lot.supplier_id AS vendor_id,
                       sml.date::date AS date,
                       NULL::integer AS invoice_id,
                       sml.picking_id AS picking_id,
                       sol.order_id AS sale_order_id,
                       sml.quantity AS quantity,
                       COALESCE(sol.price_reduce_taxexcl * sml.quantity, 0.0) AS amount,
                       sml.company_id AS company_id,
                       rc.currency_id AS currency_id
                  FROM stock_move_line sml
                  JOIN stock_move sm ON sm.id = sml.move_id
                  JOIN stock_lot lot ON lot.id = sml.lot_id
                  JOIN stock_location dest ON dest.id = sml.location_dest_id
                  JOIN res_company rc ON rc.id = sml.company_id
                  LEFT JOIN stock_picking sp ON sp.id = sml.picking_id
                  LEFT JOIN res_partner partner ON partner.id = sp.partner_id
                  LEFT JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                 WHERE sml.state = 'done' AND dest.usage = 'customer'
            ) AS rows
            LEFT JOIN sale_order so ON so.id = rows.sale_order_id
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
