# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, formatLang

from ..tools import markers, singleton


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "serial.procurement.ticket.mixin"]

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        copy=False,
        index="btree_not_null",
        tracking=True,
        domain="[('company_id', 'in', (company_id, False))]",
        help="The ticket that fulfils this estimate: deposits, purchases, "
        "receipts and the final invoice go through it.",
    )
    serial_required = fields.Boolean(
        compute="_compute_serial_required",
        help="The order holds a product that requires a serial number for sales.",
    )

    _sql_constraints = [
        (
            "serial_ticket_unique",
            "unique(ticket_id)",
            "A ticket fulfils one estimate only.",
        ),
    ]

    def write(self, vals):
        if "ticket_id" in vals:
            self.filtered(
                lambda o: o.ticket_id and o.ticket_id.id != vals["ticket_id"]
            ).ticket_id._check_estimate_change_allowed()
        return super().write(vals)

    @api.depends("order_line.product_id.serial_required_sale")
    def _compute_serial_required(self):
        for order in self:
            order.serial_required = any(
                order.order_line.product_id.mapped("serial_required_sale")
            )

    def _serial_is_fully_invoiced(self):
        """True when every product line is invoiced and every deposit deducted,
        on posted invoices and credit notes (a draft bills nothing yet)."""
        self.ensure_one()
        lines = self.order_line.filtered(lambda line: not line.display_type)
        product_lines = lines.filtered(lambda line: not line.is_downpayment)
        if not product_lines:
            return False
        for line in product_lines:
            rounding = line.product_uom.rounding
            if (
                float_compare(
                    line.qty_invoiced_posted,
                    line.product_uom_qty,
                    precision_rounding=rounding,
                )
                < 0
            ):
                return False
        return all(
            float_compare(line.qty_invoiced_posted, 0.0, precision_digits=2) <= 0
            for line in lines - product_lines
        )

    def _check_ticket_before_invoicing(self):
        """Refuse invoicing an estimate of serial-required products without ticket."""
        blocked = self.filtered(
            lambda o: (
                o.company_id.serial_rules_enabled
                and o.company_id.serial_block_direct_invoice
                and not o.ticket_id
                and o.serial_required
            )
        )
        if blocked:
            raise UserError(
                _(
                    "Create a ticket for %(orders)s first (button Create Ticket): it "
                    "holds products that require a serial number for sales, and only "
                    "a ticket links their serials, deposit and invoice.",
                    orders=", ".join(blocked.mapped("name")),
                )
            )

    @contextmanager
    def _serial_invoicing_through_ticket(self):
        """Within this block, the ticket's own Make Invoice / Take Deposit may
        invoice these estimates through core's machinery."""
        with markers.marked_ids(self.env, markers.TICKET_INVOICING, self.ids):
            yield

    def _check_invoiced_through_ticket(self):
        """An estimate that has a ticket is invoiced only through that ticket
        (Make Invoice, Take Deposit), whatever the company's rules: the ticket
        owns its serials, deposits and final invoice."""
        allowed = markers.get_ids(self.env, markers.TICKET_INVOICING)
        owned = self.filtered(lambda o: o.ticket_id and o.id not in allowed)
        if owned:
            raise UserError(
                _(
                    "%(orders)s is invoiced through its ticket %(tickets)s: open the "
                    "ticket and use Make Invoice (or Take Deposit for a deposit).",
                    orders=", ".join(owned.mapped("name")),
                    tickets=", ".join(owned.ticket_id.sudo().mapped("display_name")),
                )
            )

    def _create_invoices(self, grouped=False, final=False, date=None):
        self._check_invoiced_through_ticket()
        self._check_ticket_before_invoicing()
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _prepare_ticket_values(self):
        self.ensure_one()
        items = Markup("").join(
            Markup("<li>%s × %s</li>")
            % (
                formatLang(self.env, line.product_uom_qty, digits=0)
                if line.product_uom_qty.is_integer()
                else line.product_uom_qty,
                line.name,
            )
            for line in self.order_line
            if not line.display_type and not line.is_downpayment
        )
        return {
            "name": _(
                "%(order)s - %(customer)s",
                order=self.name,
                customer=self.partner_id.display_name,
            ),
            "description": Markup("<p>%s</p><ul>%s</ul>")
            % (_("Estimate %s", self.name), items),
            "partner_id": self.partner_id.id,
            "partner_name": self.partner_id.name,
            "partner_email": self.partner_id.email,
            "company_id": self.company_id.id,
            "sale_order_link_ids": [(4, self.id)],
        }

    def action_create_ticket(self):
        """Confirm the estimate if needed and return its ticket, created once."""
        singleton.ensure_one(self)
        if self.ticket_id:
            return self.ticket_id._get_form_action()
        if self.state == "cancel":
            raise UserError(_("A cancelled estimate cannot become a ticket."))
        if self.state in ("draft", "sent"):
            self.action_confirm()
        ticket = self.env["helpdesk.ticket"].create(self._prepare_ticket_values())
        self.message_post(body=_("Ticket %s created.", ticket._get_html_link()))
        return ticket._get_form_action()
