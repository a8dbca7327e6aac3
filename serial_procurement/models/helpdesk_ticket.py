# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

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

    @api.depends("sale_order_id.picking_ids.picking_type_code")
    def _compute_delivery_ids(self):
        for ticket in self:
            deliveries = ticket.sale_order_id.picking_ids.filtered(
                lambda p: (
                    p.picking_type_code != "incoming"
                    or p.location_id.usage == "customer"
                )
            )
            ticket.delivery_ids = deliveries
            ticket.delivery_count = len(deliveries)

    @api.depends("sale_order_id.order_line")
    def _compute_serial_line_ids(self):
        for ticket in self:
            ticket.serial_line_ids = ticket.sale_order_id.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )

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

    def action_view_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", self.delivery_ids.ids)]
        action["context"] = {"create": False}
        if len(self.delivery_ids) == 1:
            action.update(
                res_id=self.delivery_ids.id, view_mode="form", views=[(False, "form")]
            )
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

    # ------------------------------------------------------------------
    # Materials used on a ticket (seed 001: serials used on a job)
    # ------------------------------------------------------------------

    @api.depends("material_lot_ids")
    def _compute_material_lot_count(self):
        for ticket in self:
            ticket.material_lot_count = len(ticket.material_lot_ids)

    def action_use_materials(self):
        """Open the dialog that takes serialized stock out on this ticket."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Use Materials"),
            "res_model": "serial.procurement.ticket.material.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_material_lots(self):
        self.ensure_one()
        return self.material_lot_ids._action_open_serial_list(
            _("Materials of %s", self.display_name)
        )

    # ------------------------------------------------------------------
    # Automation rules (data/base_automation_data.xml)
    # ------------------------------------------------------------------

    @api.depends(
        "lot_ids.product_id",
        "sale_order_id.order_line.product_id",
        "sale_order_id.order_line.product_uom_qty",
    )
    def _compute_serial_all_received(self):
        allocated = {
            (ticket.id, product.id): count
            for ticket, product, count in self.env["stock.lot"]._read_group(
                [("ticket_id", "in", self.ids)],
                ["ticket_id", "product_id"],
                ["__count"],
            )
        }
        for ticket in self:
            needed = ticket._serial_units_needed()
            ticket.serial_all_received = bool(needed) and all(
                allocated.get((ticket.id, product.id), 0) >= qty
                for product, qty in needed.items()
            )

    def _serial_closing_stage(self):
        """The first closed stage the ticket's team may use."""
        self.ensure_one()
        return self.team_id._get_applicable_stages().filtered("closed")[:1]

    def _serial_move_to_closing_stage(self):
        """Move open tickets to their team's first closed stage."""
        for ticket in self.filtered(lambda t: not t.stage_id.closed):
            stage = ticket._serial_closing_stage()
            if stage:
                ticket.stage_id = stage

    def _serial_notify_all_serials_received(self):
        """Tell the ticket's customer that every serialized unit has arrived,
        with the serial numbers (a comment: the customer is notified by email)."""
        for ticket in self.filtered("partner_id"):
            items = Markup("").join(
                Markup("<li>%s: %s</li>")
                % (escape(lot.product_id.display_name), escape(lot.name))
                for lot in ticket.lot_ids.sorted(
                    lambda lot: (lot.product_id.id, lot.name)
                )
            )
            ticket.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    _(
                        "Good news: every unit ordered on %(ticket)s has arrived.",
                        ticket=ticket.display_name,
                    ),
                    items,
                ),
                partner_ids=ticket.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
