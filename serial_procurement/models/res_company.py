# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


def _default_stage(xmlid):
    def default(self):
        return self.env.ref(xmlid, raise_if_not_found=False)

    return default


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_rules_enabled = fields.Boolean(
        string="Enforce serialized procurement rules",
        default=False,
        help="Enforce the serial-required flags of the products (receipts, "
        "deliveries and customer invoices), the blocking of direct invoicing and "
        "strict intake. Off: Odoo's own flows are left as they are; tickets, "
        "deposits, receiving onto tickets, history, enquiry and count sheets stay "
        "available.",
    )
    serial_deposit_enabled = fields.Boolean(
        string="Deposits on tickets",
        help="Offer the Take Deposit action on tickets: a down-payment invoice "
        "taken before the serialized units are bought.",
    )
    serial_block_direct_invoice = fields.Boolean(
        string="Block direct invoicing of estimates with serial-required products",
        default=False,
        help="Refuse to invoice a sale order holding a product that requires a "
        "serial for sales until a ticket is created for it.",
    )
    serial_strict_intake = fields.Boolean(
        string="Strict serialized intake",
        default=False,
        help="Serial-tracked units enter stock only through a purchase receipt or "
        "an import: inventory adjustments in, serials typed on a delivery, an "
        "invoice or a write-off, and stock-take rows creating a new serial are "
        "refused. Count sheet imports of existing serials, receipts and a "
        "manager's Correct Serial still work.",
    )

    def _serial_check_strict_intake(self, products, action):
        """Refuse ``action`` (a translated description) bringing new units of the
        serial-tracked ``products`` into stock when strict intake is on."""
        strict = self.filtered(
            lambda c: c.serial_rules_enabled and c.serial_strict_intake
        )
        products = products.filtered(lambda p: p.tracking == "serial")
        if not strict or not products:
            return
        raise UserError(
            self.env._(
                "Strict serialized intake is on for %(company)s: %(action)s is "
                "refused for %(products)s. Serialized units enter stock only "
                "through a purchase receipt (enter the serials on the receipt) or "
                "an import (import the serial numbers, then the stock-take count "
                "sheet).",
                company=", ".join(strict.mapped("name")),
                action=action,
                products=", ".join(products.mapped("display_name")),
            )
        )

    serial_stage_purchased_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        string="Ticket stage once sourced",
        default=_default_stage("helpdesk_mgmt.helpdesk_ticket_stage_in_progress"),
        help="Stage a ticket moves to when its units are bought (purchase order "
        "confirmed) or allocated from stock. Empty: the stage is left alone.",
    )
    serial_stage_done_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        string="Ticket stage once delivered and invoiced",
        default=_default_stage("helpdesk_mgmt.helpdesk_ticket_stage_done"),
        help="Stage a ticket moves to when its estimate is fully delivered and "
        "invoiced. Empty: the stage is left alone.",
    )
    serial_case_insensitive = fields.Boolean(
        string="Serial numbers ignore case",
        help="Treat serial numbers differing only by upper/lower case (FW1, fw1) "
        "as the same serial: the second one is refused. Turning it on is refused "
        "while serials differing only by case exist.",
    )

    serial_final_invoice_draft = fields.Boolean(
        string="Review the final invoice before posting",
        help="Make Invoice on a ticket leaves its final invoice in draft and "
        "opens it, to review and post it. Off: it is posted at once.",
    )
    serial_notify_customer = fields.Boolean(
        string="Tell the customer when the units arrive and ship",
        help="When every unit of a ticket is received, and when its delivery is "
        "done, e-mail the ticket's customer the serial numbers (mail templates "
        "Serial Procurement: Units Received / Units Delivered), logged on the "
        "ticket.",
    )

    # ------------------------------------------------------------------
    # The rules switch (issue #19)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("serial_rules_enabled") for vals in vals_list):
            self._serial_check_rules_switch_right()
        return super().create(vals_list)

    @api.model
    def _serial_check_rules_switch_right(self):
        """The rules switch is written by a settings administrator only: in
        Settings > Serialized Products, where turning it on goes through a
        confirmation (``serial.procurement.rules.wizard``)."""
        if self.env.su or self.env.user.has_group("base.group_system"):
            return
        raise AccessError(
            self.env._(
                "Only a settings administrator may switch the serialized "
                "procurement rules on or off (Settings > Serialized Products)."
            )
        )

    def _serial_rules_change_lines(self, block_direct_invoice=None):
        """What turning the rules on changes for this company, one translated
        sentence per line (bridges add theirs); ``block_direct_invoice``: the
        option as chosen in the confirmation (default: the company's)."""
        self.ensure_one()
        if block_direct_invoice is None:
            block_direct_invoice = self.serial_block_direct_invoice
        templates = (
            self.env["product.template"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", [self.id, False])])
        )
        purchase = templates.filtered("serial_required_purchase")
        sale = templates.filtered("serial_required_sale")
        serial = templates.filtered(lambda t: t.tracking == "serial")
        lines = [
            self.env._(
                "%(count)s serial-tracked product(s); %(purchase)s require a serial "
                "on every unit received (Serial Required for Purchase) and "
                "%(sale)s on every unit delivered and invoiced (Serial Required "
                "for Sales).",
                count=len(serial),
                purchase=len(purchase),
                sale=len(sale),
            ),
            self.env._(
                "Receipts and deliveries of these products are refused while a unit "
                "has no serial (on an operation type that uses no serial numbers, "
                "only those of purchase and sale orders), and customer invoices "
                "while a unit invoiced has none: the serials delivered on the sale "
                "order are put on its invoice by themselves."
            ),
        ]
        if block_direct_invoice:
            lines.append(
                self.env._(
                    "Estimates holding these products can no longer be invoiced "
                    "directly without a ticket (Block direct invoicing, as chosen "
                    "here): create their ticket first."
                )
            )
        if self.serial_strict_intake:
            lines.append(
                self.env._(
                    "Strict serialized intake is on: serialized units enter stock "
                    "only through a receipt or an import."
                )
            )
        return lines

    def write(self, vals):
        if "serial_rules_enabled" in vals:
            changed = self.filtered(
                lambda c: c.serial_rules_enabled != bool(vals["serial_rules_enabled"])
            )
            if changed:
                self._serial_check_rules_switch_right()
        if "serial_case_insensitive" not in vals:
            return super().write(vals)
        ignore = bool(vals["serial_case_insensitive"])
        changed = self.filtered(lambda c: c.serial_case_insensitive != ignore)
        Lot = self.env["stock.lot"].sudo()
        if ignore and changed:
            Lot._serial_check_case_clashes(changed)
        res = super().write(vals)
        if changed:
            self.flush_recordset(["serial_case_insensitive"])
            Lot._serial_refill_keys_for(changed)
        return res
