# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

PROCUREMENT_STATES = [
    ("to_order", "To Order"),
    ("ordered", "Ordered"),
    ("received", "Received"),
    ("delivered", "Delivered"),
]


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

    serial_procurement_state = fields.Selection(
        selection=PROCUREMENT_STATES,
        string="Procurement",
        compute="_compute_serial_procurement",
        store=True,
        index="btree_not_null",
        help="Where the units of this estimate line stand: to order (neither "
        "bought nor allocated from stock), ordered (on a purchase order, not "
        "all received), received (every unit has its serial on the ticket), "
        "delivered. Empty for lines outside the procurement desk: no ticket, "
        "not a serialized storable product.",
    )
    serial_qty_to_order = fields.Float(
        string="To Order",
        compute="_compute_serial_procurement",
        store=True,
        digits="Product Unit of Measure",
        help="Units of the line, in the product's unit, neither allocated a "
        "serial nor on an open purchase order of the ticket.",
    )
    serial_ticket_id = fields.Many2one(
        related="order_id.ticket_id",
        string="Ticket",
        store=True,
        index="btree_not_null",
    )
    serial_vendor_id = fields.Many2one(
        comodel_name="res.partner",
        string="Vendor",
        compute="_compute_serial_vendor_id",
        store=True,
        index="btree_not_null",
        help="The product's main vendor for the line's company: the first "
        "vendor price of its Purchase tab.",
    )

    def _serial_in_procurement_scope(self):
        """A line the procurement desk follows: a serialized storable product on
        a confirmed estimate that has a ticket."""
        self.ensure_one()
        product = self.product_id
        return bool(
            not self.display_type
            and not self.is_downpayment
            and self.order_id.ticket_id
            and self.order_id.state == "sale"
            and product.is_storable
            and product.tracking == "serial"
        )

    @api.depends(
        "display_type",
        "is_downpayment",
        "product_id.is_storable",
        "product_id.tracking",
        "product_uom_qty",
        "product_uom",
        "qty_delivered",
        "serial_lot_ids",
        "order_id.state",
        "order_id.ticket_id",
        "order_id.ticket_id.serial_purchase_line_ids.state",
        "order_id.ticket_id.serial_purchase_line_ids.product_id",
        "order_id.ticket_id.serial_purchase_line_ids.product_qty",
        "order_id.ticket_id.serial_purchase_line_ids.product_uom",
        "order_id.ticket_id.serial_purchase_line_ids.qty_received",
    )
    def _compute_serial_procurement(self):
        in_scope = self.filtered(lambda line: line._serial_in_procurement_scope())
        for line in self - in_scope:
            line.serial_procurement_state = False
            line.serial_qty_to_order = 0.0
        self._serial_prefetch_procurement(in_scope.order_id.ticket_id)
        for ticket, lines in in_scope.grouped(
            lambda line: line.order_id.ticket_id
        ).items():
            figures = ticket._serial_line_procurement()
            for line in lines:
                state, to_order = figures.get(line.id, (False, 0.0))
                line.serial_procurement_state = state
                line.serial_qty_to_order = to_order

    @api.model
    def _serial_prefetch_procurement(self, tickets):
        """Read in a few queries what ``_serial_line_procurement`` reads per
        ticket: the estimates' lines and serials, the tickets' purchase lines
        (the cache serves each ticket then)."""
        purchase_lines = tickets.serial_purchase_line_ids
        purchase_lines.mapped("product_qty")
        purchase_lines.product_uom.mapped("factor")
        sale_lines = tickets.sale_order_id.order_line
        sale_lines.mapped("qty_delivered")
        sale_lines.serial_lot_ids.mapped("name")
        sale_lines.product_id.mapped("tracking")

    @api.depends(
        "company_id",
        "product_id.seller_ids.partner_id",
        "product_id.seller_ids.sequence",
        "product_id.seller_ids.company_id",
        "product_id.seller_ids.product_id",
    )
    def _compute_serial_vendor_id(self):
        for line in self:
            product = line.product_id
            company = line.company_id
            sellers = product.seller_ids.filtered(
                lambda s, p=product, c=company: (
                    s.company_id in (c, self.env["res.company"])
                    and s.product_id in (p, self.env["product.product"])
                )
            )
            line.serial_vendor_id = sellers[:1].partner_id

    def action_serial_order(self):
        """Order the units still to order of these lines (of any tickets): one
        request for quotation per vendor and company, adding to that vendor's
        draft desk RFQ if there is one; each purchase line keeps its ticket
        and quantity. Returns the RFQs."""
        self.env["purchase.order"].check_access("create")
        self.flush_model(["serial_procurement_state", "serial_qty_to_order"])
        self.fetch(["serial_procurement_state", "serial_qty_to_order", "product_id"])
        lines = self.filtered(
            lambda line: (
                line.serial_procurement_state == "to_order"
                and float_compare(
                    line.serial_qty_to_order,
                    0.0,
                    precision_rounding=line.product_id.uom_id.rounding,
                )
                > 0
            )
        )
        if not lines:
            raise UserError(
                self.env._(
                    "Nothing left to order: the selected lines are on purchase "
                    "orders, received or delivered already."
                )
            )
        no_vendor = lines.filtered(lambda line: not line.serial_vendor_id)
        if no_vendor:
            raise UserError(
                self.env._(
                    "No vendor is set on these products, so no request for "
                    "quotation can be made: %(products)s. Add a vendor price on "
                    "the product's Purchase tab.",
                    products=", ".join(no_vendor.product_id.mapped("display_name")),
                )
            )
        lines.order_id.ticket_id._check_can_receive_serials()
        by_key = defaultdict(lambda: self.browse())
        for line in lines.sorted(lambda ln: (ln.order_id.id, ln.sequence, ln.id)):
            by_key[(line.serial_vendor_id, line.company_id)] |= line
        orders = self.env["purchase.order"]
        for company, keys in self._serial_group_keys_by_company(by_key).items():
            orders |= self.with_company(company)._serial_order_for_company(
                company, {key: by_key[key] for key in keys}
            )
        return self._serial_order_action(orders)

    @api.model
    def _serial_group_keys_by_company(self, by_key):
        keys_by_company = defaultdict(list)
        for vendor, company in by_key:
            keys_by_company[company].append((vendor, company))
        return keys_by_company

    def _serial_order_for_company(self, company, by_key):
        """Create or extend the desk RFQs of ``company``, one per vendor of
        ``by_key`` ({(vendor, company): lines}); returns them."""
        PurchaseOrder = self.env["purchase.order"].with_company(company)
        vendors = self.env["res.partner"].union(*(vendor for vendor, _c in by_key))
        drafts = PurchaseOrder.search(
            [
                ("serial_desk", "=", True),
                ("state", "=", "draft"),
                ("company_id", "=", company.id),
                ("partner_id", "in", vendors.ids),
            ],
            order="id",
        )
        rfq_of = {}
        for draft in drafts:
            rfq_of.setdefault(draft.partner_id, draft)
        new_vendors = [vendor for vendor in vendors if vendor not in rfq_of]
        if new_vendors:
            created = PurchaseOrder.create(
                [
                    {
                        "partner_id": vendor.id,
                        "company_id": company.id,
                        "serial_desk": True,
                        "origin": self.env._("Procurement desk"),
                    }
                    for vendor in new_vendors
                ]
            )
            rfq_of.update(zip(new_vendors, created, strict=True))
        PurchaseLine = self.env["purchase.order.line"]
        vals_list = []
        # Core's vendor line values (price, taxes, description, date), as a
        # procurement rule makes them: once per product, vendor and quantity.
        prepared = {}
        Distribution = self.env["account.analytic.distribution.model"].sudo()
        for (vendor, _company), lines in by_key.items():
            order = rfq_of[vendor]
            for line in lines:
                product = line.product_id
                key = (product, order, line.serial_qty_to_order)
                if key not in prepared:
                    seller = product.seller_ids.filtered(
                        lambda s, v=vendor, c=company, p=product: (
                            s.partner_id == v
                            and s.company_id in (c, self.env["res.company"])
                            and s.product_id in (p, self.env["product.product"])
                        )
                    )[:1]
                    vals = PurchaseLine._prepare_purchase_order_line(
                        product,
                        line.serial_qty_to_order,
                        product.uom_id,
                        company,
                        seller,
                        order,
                    )
                    # Core's analytic distribution of the line, looked up once;
                    # sudo as core's stored compute does (compute_sudo).
                    vals["analytic_distribution"] = (
                        Distribution._get_distribution(
                            {
                                "product_id": product.id,
                                "product_categ_id": product.categ_id.id,
                                "partner_id": order.partner_id.id,
                                "partner_category_id": order.partner_id.category_id.ids,
                                "company_id": company.id,
                            }
                        )
                        or False
                    )
                    prepared[key] = vals
                vals_list.append(
                    dict(prepared[key], ticket_id=line.order_id.ticket_id.id)
                )
        purchase_lines = PurchaseLine.create(vals_list)
        return purchase_lines.order_id

    def _serial_order_action(self, orders):
        action = self.env["ir.actions.actions"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("id", "in", orders.ids)]
        action["context"] = {"create": False}
        if len(orders) == 1:
            action.update(res_id=orders.id, view_mode="form", views=[(False, "form")])
        return action

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
