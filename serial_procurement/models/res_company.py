# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError


def _default_stage(xmlid):
    def default(self):
        return self.env.ref(xmlid, raise_if_not_found=False)

    return default


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_deposit_enabled = fields.Boolean(
        string="Deposits on tickets",
        help="Offer the Take Deposit action on tickets: a down-payment invoice "
        "taken before the serialized units are bought.",
    )
    serial_block_direct_invoice = fields.Boolean(
        string="Block direct invoicing of estimates with serial-required products",
        default=True,
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
        strict = self.filtered("serial_strict_intake")
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

    def write(self, vals):
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
