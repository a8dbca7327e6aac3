# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..tools import billing


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    sale_order_link_ids = fields.One2many(
        comodel_name="sale.order",
        inverse_name="ticket_id",
        string="Linked Estimates",
        copy=False,
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Estimate",
        compute="_compute_sale_order_id",
        inverse="_inverse_sale_order_id",
        store=True,
        index=True,
        tracking=True,
        domain="[('company_id', '=', company_id)]",
        help="The estimate (sale order) this ticket fulfils.",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_currency_id",
    )
    serial_deposit_enabled = fields.Boolean(
        related="company_id.serial_deposit_enabled",
    )
    billing_status = fields.Selection(
        selection=billing.BILLING_STATUSES,
        compute="_compute_billing_status",
        store=True,
        tracking=True,
        default=billing.BILLING_NO,
    )
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        string="Invoices",
        compute="_compute_invoice_ids",
        help="Deposit and final customer invoices of the ticket's estimate.",
    )
    deposit_invoice_ids = fields.Many2many(
        comodel_name="account.move",
        string="Deposit Invoices",
        compute="_compute_invoice_ids",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_ids")
    deposit_amount = fields.Monetary(
        string="Deposits",
        compute="_compute_invoice_ids",
        currency_field="currency_id",
        help="Total of the posted deposit invoices of this ticket.",
    )
    charge_line_ids = fields.Many2many(
        comodel_name="sale.order.line",
        string="Pending Charges",
        compute="_compute_charge_line_ids",
        help="Estimate lines not invoiced yet, and deposits not deducted yet.",
    )
    purchase_order_ids = fields.One2many(
        comodel_name="purchase.order",
        inverse_name="ticket_id",
        string="Purchase Orders",
    )
    purchase_order_count = fields.Integer(compute="_compute_purchase_order_count")
    receipt_ids = fields.Many2many(
        comodel_name="stock.picking",
        string="Receipts",
        compute="_compute_receipt_ids",
    )
    receipt_count = fields.Integer(compute="_compute_receipt_ids")
    lot_ids = fields.One2many(
        comodel_name="stock.lot",
        inverse_name="ticket_id",
        string="Serial Numbers",
    )
    lot_count = fields.Integer(compute="_compute_lot_count")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("sale_order_link_ids")
    def _compute_sale_order_id(self):
        for ticket in self:
            ticket.sale_order_id = ticket.sale_order_link_ids[:1]

    def _inverse_sale_order_id(self):
        for ticket in self:
            (ticket.sale_order_link_ids - ticket.sale_order_id).ticket_id = False
            if ticket.sale_order_id and ticket.sale_order_id.ticket_id != ticket:
                ticket.sale_order_id.ticket_id = ticket

    @api.depends("sale_order_id.currency_id", "company_id")
    def _compute_currency_id(self):
        for ticket in self:
            ticket.currency_id = (
                ticket.sale_order_id.currency_id
                or ticket.company_id.currency_id
                or self.env.company.currency_id
            )

    @api.depends(
        "sale_order_id.state",
        "sale_order_id.amount_total",
        "sale_order_id.order_line.qty_invoiced",
        "sale_order_id.order_line.product_uom_qty",
        "sale_order_id.order_line.invoice_lines.parent_state",
    )
    def _compute_billing_status(self):
        for ticket in self:
            order = ticket.sale_order_id
            invoices = order.invoice_ids.filtered(lambda m: m.state == "posted")
            invoiced_total = sum(
                invoices.mapped(
                    lambda m: (
                        m.amount_total * (-1 if m.move_type == "out_refund" else 1)
                    )
                )
            )
            ticket.billing_status = billing.billing_status(
                order.state or None,
                order.amount_total,
                invoiced_total,
                order._serial_is_fully_invoiced() if order else False,
            )

    @api.depends("sale_order_id.order_line.invoice_lines.parent_state")
    def _compute_invoice_ids(self):
        for ticket in self:
            invoices = ticket.sale_order_id.invoice_ids.filtered(
                lambda m: m.state != "cancel"
            )
            deposits = invoices.filtered(lambda m: m._is_serial_deposit_invoice())
            ticket.invoice_ids = invoices
            ticket.invoice_count = len(invoices)
            ticket.deposit_invoice_ids = deposits
            ticket.deposit_amount = sum(
                deposits.filtered(lambda m: m.state == "posted").mapped("amount_total")
            )

    @api.depends(
        "sale_order_id.order_line.qty_invoiced",
        "sale_order_id.order_line.product_uom_qty",
    )
    def _compute_charge_line_ids(self):
        for ticket in self:
            ticket.charge_line_ids = ticket.sale_order_id.order_line.filtered(
                lambda line: line._is_serial_pending_charge()
            )

    @api.depends("purchase_order_ids")
    def _compute_purchase_order_count(self):
        for ticket in self:
            ticket.purchase_order_count = len(ticket.purchase_order_ids)

    @api.depends("purchase_order_ids.picking_ids")
    def _compute_receipt_ids(self):
        groups = self.env["stock.move.line"]._read_group(
            [("ticket_id", "in", self.ids), ("picking_code", "=", "incoming")],
            ["ticket_id"],
            ["picking_id:recordset"],
        )
        received = {ticket.id: pickings for ticket, pickings in groups}
        for ticket in self:
            receipts = ticket.purchase_order_ids.picking_ids.filtered(
                lambda p: p.picking_type_code == "incoming"
            ) | received.get(ticket.id, self.env["stock.picking"])
            ticket.receipt_ids = receipts
            ticket.receipt_count = len(receipts)

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        for ticket in self:
            ticket.lot_count = len(ticket.lot_ids)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _get_confirmed_order(self):
        """Return the ticket's estimate, refusing a missing or cancelled one."""
        self.ensure_one()
        order = self.sale_order_id
        if not order:
            raise UserError(
                _(
                    "Ticket %(ticket)s has no estimate (sale order).",
                    ticket=self.display_name,
                )
            )
        if order.state == "cancel":
            raise UserError(
                _(
                    "The estimate %(order)s of ticket %(ticket)s is cancelled.",
                    order=order.name,
                    ticket=self.display_name,
                )
            )
        return order

    def _check_deposit_allowed(self):
        self.ensure_one()
        if not self.company_id.serial_deposit_enabled:
            raise UserError(
                _(
                    "Deposits on tickets are disabled for %(company)s. Enable them in "
                    "Settings > Sales > Deposits on tickets.",
                    company=self.company_id.name,
                )
            )
        order = self._get_confirmed_order()
        if order.state != "sale":
            raise UserError(
                _(
                    "Confirm the estimate %(order)s before taking a deposit.",
                    order=order.name,
                )
            )
        return order

    # ------------------------------------------------------------------
    # Lifecycle guards (F8, F10, F11)
    # ------------------------------------------------------------------

    def _serial_commitments(self):
        """Why this ticket cannot lose its estimate: serials, posted deposits."""
        self.ensure_one()
        reasons = []
        lot_count = (
            self.env["stock.lot"].sudo().search_count([("ticket_id", "=", self.id)])
        )
        if lot_count:
            reasons.append(_("%(count)s serial(s) received", count=lot_count))
        deposits = self.sudo().sale_order_link_ids.invoice_ids.filtered(
            lambda m: m.state == "posted" and m._is_serial_deposit_invoice()
        )
        if deposits:
            reasons.append(
                _("deposit(s) %(names)s", names=", ".join(deposits.mapped("name")))
            )
        return reasons

    def _check_estimate_change_allowed(self):
        """Refuse to take its estimate from a ticket that holds serials or posted
        deposits: they belong to that estimate's lines."""
        for ticket in self:
            reasons = ticket._serial_commitments()
            if reasons:
                raise UserError(
                    _(
                        "The estimate of ticket %(ticket)s cannot change: it holds "
                        "%(reasons)s. Credit the deposits and release the serials "
                        "first.",
                        ticket=ticket.display_name,
                        reasons="; ".join(reasons),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_serial_commitments(self):
        for ticket in self:
            reasons = ticket._serial_commitments()
            if reasons:
                raise UserError(
                    _(
                        "Ticket %(ticket)s cannot be deleted: it holds %(reasons)s. "
                        "Close it instead, or credit the deposits and release the "
                        "serials first.",
                        ticket=ticket.display_name,
                        reasons="; ".join(reasons),
                    )
                )

    def _check_can_receive_serials(self):
        """A closed ticket, or one whose estimate is missing or cancelled, takes
        no serial."""
        for ticket in self:
            if ticket.closed:
                raise UserError(
                    _(
                        "Ticket %(ticket)s is closed: it takes no more serials.",
                        ticket=ticket.display_name,
                    )
                )
            ticket._get_confirmed_order()

    def _serial_billing_env(self):
        """Return ``self`` in the environment that posts its invoices and
        payments, or raise AccessError.

        Posting needs the accounting right Billing (``account.group_account_invoice``);
        the addon group Serial Procurement / Billing, granted by the admin, lets
        a user post the ticket's deposit and final invoices (and register the
        deposit's payment) as superuser, nothing else."""
        user = self.env.user
        if user.has_group("account.group_account_invoice"):
            return self
        if user.has_group("serial_procurement.group_serial_procurement_billing"):
            return self.sudo()
        raise AccessError(
            _(
                "Posting the invoices of a ticket needs the accounting right Billing "
                "or the group Serial Procurement / Billing; ask your administrator."
            )
        )

    def _serial_units_needed(self):
        """Return {product: quantity} of serialized units ordered on the estimate."""
        self.ensure_one()
        needed = defaultdict(float)
        for line in self.sale_order_id.order_line:
            if line.display_type or line.is_downpayment:
                continue
            product = line.product_id
            if product.tracking != "serial":
                continue
            needed[product] += line.product_uom._compute_quantity(
                line.product_uom_qty, product.uom_id
            )
        return needed

    def _serial_units_allocated(self):
        """Return {product_id: count} of serials received onto this ticket."""
        groups = self.env["stock.lot"]._read_group(
            [("ticket_id", "in", self.ids)], ["product_id"], ["__count"]
        )
        return {product.id: count for product, count in groups}

    def _serial_units_on_open_purchases(self):
        """Return {product_id: quantity} still to receive on the ticket's POs."""
        self.ensure_one()
        pending = defaultdict(float)
        lines = self.purchase_order_ids.filtered(
            lambda po: po.state != "cancel"
        ).order_line
        for line in lines:
            if line.display_type:
                continue
            product = line.product_id
            open_qty = line.product_uom._compute_quantity(
                max(line.product_qty - line.qty_received, 0.0), product.uom_id
            )
            pending[product.id] += open_qty
        return pending

    def _serial_units_unallocated(self):
        """Return {product_id: units ordered but without a serial on this ticket}."""
        self.ensure_one()
        allocated = self._serial_units_allocated()
        return {
            product.id: qty - allocated.get(product.id, 0)
            for product, qty in self._serial_units_needed().items()
        }

    def _prepare_purchase_order_vals(self, vendor, lines_qty):
        self.ensure_one()
        return {
            "partner_id": vendor.id,
            "company_id": self.company_id.id,
            "ticket_id": self.id,
            "origin": ", ".join(filter(None, [self.sale_order_id.name, self.number])),
            "order_line": [
                Command.create({"product_id": product.id, "product_qty": qty})
                for product, qty in lines_qty
            ],
        }

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_take_deposit(self):
        """Open the Take Deposit wizard for this ticket."""
        self.ensure_one()
        self._check_deposit_allowed()
        return {
            "type": "ir.actions.act_window",
            "name": _("Take Deposit"),
            "res_model": "serial.procurement.deposit.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_create_purchase_orders(self):
        """Create draft POs, one per vendor, for the serialized units not yet
        allocated nor on an open purchase order of the ticket."""
        self.ensure_one()
        self._get_confirmed_order()
        company_self = self.with_company(self.company_id)
        unallocated = self._serial_units_unallocated()
        on_order = self._serial_units_on_open_purchases()
        by_vendor = defaultdict(list)
        missing_vendor = []
        for product in self.env["product.product"].browse(list(unallocated)):
            to_buy = unallocated[product.id] - on_order.get(product.id, 0.0)
            if (
                float_compare(to_buy, 0.0, precision_rounding=product.uom_id.rounding)
                <= 0
            ):
                continue
            seller = (
                product.with_company(self.company_id)._select_seller(
                    quantity=to_buy, uom_id=product.uom_id
                )
                or product.seller_ids.filtered(
                    lambda s: s.company_id in (self.company_id, self.env["res.company"])
                )[:1]
            )
            if not seller:
                missing_vendor.append(product.display_name)
                continue
            by_vendor[seller.partner_id].append((product, to_buy))
        if missing_vendor:
            raise UserError(
                _(
                    "No vendor is set on these products, so no purchase order can be "
                    "made: %(products)s. Add a vendor price on the product's "
                    "Purchase tab.",
                    products=", ".join(missing_vendor),
                )
            )
        orders = company_self.env["purchase.order"].create(
            [
                self._prepare_purchase_order_vals(vendor, lines)
                for vendor, lines in by_vendor.items()
            ]
        )
        if orders:
            self.message_post(
                body=_(
                    "Purchase orders created: %(orders)s",
                    orders=", ".join(orders.mapped("name")),
                )
            )
        return self.action_view_purchase_orders(orders or self.purchase_order_ids)

    def _check_serials_allocated_for_invoice(self):
        """Refuse invoicing while a serial-required line lacks serials."""
        self.ensure_one()
        short = []
        for line in self.sale_order_id.order_line:
            product = line.product_id
            if (
                line.display_type
                or line.is_downpayment
                or not product.serial_required_sale
            ):
                continue
            qty = line.product_uom._compute_quantity(
                line.product_uom_qty, product.uom_id
            )
            allocated = len(line.serial_lot_ids)
            if (
                float_compare(
                    allocated, qty, precision_rounding=product.uom_id.rounding
                )
                < 0
            ):
                short.append(
                    _(
                        "%(product)s: %(allocated)s of %(qty)s serial(s) allocated",
                        product=product.display_name,
                        allocated=allocated,
                        qty=int(qty) if float(qty).is_integer() else qty,
                    )
                )
        if short:
            raise UserError(
                _(
                    "Receive the serial numbers onto ticket %(ticket)s before "
                    "invoicing:\n"
                    "%(lines)s",
                    ticket=self.display_name,
                    lines="\n".join(short),
                )
            )

    def action_make_invoice(self):
        """Create, post and return the final invoice of the ticket's estimate:
        serials on the lines, deposits deducted."""
        self.ensure_one()
        poster = self._serial_billing_env()
        order = self._get_confirmed_order()
        if order.state != "sale":
            raise UserError(
                _(
                    "Confirm the estimate %(order)s before invoicing it.",
                    order=order.name,
                )
            )
        self._check_serials_allocated_for_invoice()
        invoice = order._create_invoices(final=True)
        if not invoice:
            raise UserError(_("You are not allowed to create invoices."))
        invoice.invoice_line_ids._serial_set_lots_from_sale_lines()
        invoice.with_env(poster.env).action_post()
        self.message_post(
            body=_("Invoice %(invoice)s created.", invoice=invoice._get_html_link())
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_purchase_orders(self, orders=None):
        self.ensure_one()
        orders = orders if orders is not None else self.purchase_order_ids
        action = self.env["ir.actions.actions"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("id", "in", orders.ids)]
        action["context"] = {"default_ticket_id": self.id}
        if len(orders) == 1:
            action.update(res_id=orders.id, view_mode="form", views=[(False, "form")])
        return action

    def action_view_receipts(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", self.receipt_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_serials(self):
        self.ensure_one()
        return self.lot_ids._action_open_serial_list(
            _("Serials of %s", self.display_name)
        )

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
