# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from ..tools import billing
from .serial_procurement_ticket_flow import NEXT_STEPS


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "serial.procurement.ticket.sourcing",
        "serial.procurement.ticket.flow",
        "serial.procurement.ticket.documents",
        "serial.procurement.ticket.guards",
        "serial.procurement.ticket.automation",
    ]

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
    material_picking_ids = fields.One2many(
        comodel_name="stock.picking",
        inverse_name="material_ticket_id",
        string="Material Transfers",
    )
    material_lot_ids = fields.One2many(
        comodel_name="stock.lot",
        inverse_name="material_ticket_id",
        string="Materials Used",
        help="Serials taken out to the customer on this ticket without a sale.",
    )
    material_lot_count = fields.Integer(compute="_compute_material_lot_count")
    serial_all_received = fields.Boolean(
        string="All Serials Received",
        compute="_compute_serial_all_received",
        store=True,
        help="Every serialized unit of the ticket's estimate has a serial "
        "received onto the ticket.",
    )
    delivery_ids = fields.Many2many(
        comodel_name="stock.picking",
        string="Deliveries",
        compute="_compute_delivery_ids",
        help="Transfers of the ticket's estimate that take the units to the "
        "customer (and their returns).",
    )
    delivery_count = fields.Integer(compute="_compute_delivery_ids")
    delivery_status = fields.Selection(
        related="sale_order_id.delivery_status",
        store=True,
        string="Delivery Status",
        help="Whether the units of the estimate have left the warehouse.",
    )
    serial_line_ids = fields.Many2many(
        comodel_name="sale.order.line",
        string="Units",
        compute="_compute_serial_line_ids",
        help="Each estimate line: ordered, allocated (from stock or received), "
        "delivered and invoiced.",
    )
    serial_qty_to_source = fields.Float(
        string="Units to Source",
        compute="_compute_serial_sourcing",
        digits="Product Unit of Measure",
        help="Units neither allocated a serial nor on an open purchase order.",
    )
    serial_qty_free_stock = fields.Integer(
        string="Free Serials in Stock",
        compute="_compute_serial_sourcing",
        help="Serials on hand, on no ticket, that can fill the units to source.",
    )
    serial_qty_to_buy = fields.Float(
        string="Units to Buy",
        compute="_compute_serial_sourcing",
        digits="Product Unit of Measure",
        help="Units to source that the free stock does not cover.",
    )
    serial_next_step = fields.Selection(
        selection=NEXT_STEPS,
        string="Next Step",
        compute="_compute_serial_sourcing",
    )
    serial_can_deposit = fields.Boolean(compute="_compute_serial_can_deposit")

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
                    "Settings > Sales > Serialized Products > Deposits on tickets.",
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
            body=Markup(_("Invoice %(invoice)s created."))
            % {"invoice": invoice._get_html_link()}
        )
        self._serial_update_stage()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
