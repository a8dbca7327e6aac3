# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import float_compare

from ..tools import singleton


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "serial.procurement.ticket.mixin"]

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        compute="_compute_ticket_id",
        store=True,
        index="btree_not_null",
        help="The ticket whose estimate this invoice bills.",
    )
    serial_lot_count = fields.Integer(compute="_compute_serial_lot_count")

    @api.depends("invoice_line_ids.sale_line_ids.order_id.ticket_id")
    def _compute_ticket_id(self):
        for move in self:
            move.ticket_id = move.invoice_line_ids.sale_line_ids.order_id.ticket_id[:1]

    @api.depends("invoice_line_ids.lot_ids")
    def _compute_serial_lot_count(self):
        # Counted as superuser: an invoicing user without Inventory rights opens
        # the invoice (the serials themselves stay behind the Serials button).
        for move in self:
            move.serial_lot_count = len(move.sudo().invoice_line_ids.lot_ids)

    def _is_serial_deposit_invoice(self):
        """True for an invoice made only of down-payment lines (a deposit)."""
        self.ensure_one()
        product_lines = self.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product"
        )
        return bool(product_lines) and all(
            aml.is_downpayment and aml.price_subtotal > 0 for aml in product_lines
        )

    def action_view_serials(self):
        singleton.ensure_one(self)
        return self.invoice_line_ids.lot_ids._action_open_serial_list(self.name)

    def _post(self, soft=True):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        invoices._serial_check_reviewed_final_invoice()
        lines = invoices.invoice_line_ids
        lines._serial_add_new_serials()
        lines._serial_set_lots_from_deliveries()
        lines._serial_check_lot_company()
        lines._serial_check_required_sale()
        lines._serial_check_invoiced_once()
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda m: m.move_type == "out_invoice"
        ).invoice_line_ids._serial_stamp_invoiced()
        posted.filtered(lambda m: m.move_type == "out_refund")._serial_free_refunded()
        return posted

    def _serial_check_reviewed_final_invoice(self):
        """A ticket's final invoice left in draft for review (company setting
        ``serial_final_invoice_draft``) is posted only if the ticket's checks
        still hold: estimate confirmed, every serial-required unit with its
        serial."""
        # sudo: the ticket and its estimate are read to check, nothing written
        for move in self.sudo().filtered(
            lambda m: (
                m.ticket_id
                and m.company_id.serial_final_invoice_draft
                and not m._is_serial_deposit_invoice()
            )
        ):
            move.ticket_id._serial_check_final_invoice_post()

    def _serial_free_refunded(self):
        """A posted credit note frees for a new invoice (a) the serials on its
        own lines and (b) the serials of a product of the invoice it reverses
        when it credits all the units of that product invoiced there (the
        standard Reverse of the whole invoice). A partial credit that names no
        serial frees none: it says so in its chatter, with the serials still
        invoiced."""
        Lot = self.env["stock.lot"].sudo()
        for refund in self:
            invoice_lines = refund.reversed_entry_id.invoice_line_ids
            lots = refund.invoice_line_ids.lot_ids
            unnamed = {}
            for product, credited in refund._serial_credited_units().items():
                product_lines = invoice_lines.filtered(
                    lambda aml, product=product: aml.product_id == product
                )
                invoiced = product_lines._serial_units()
                full = float_compare(
                    credited, invoiced, precision_rounding=product.uom_id.rounding
                )
                if product_lines.lot_ids and invoiced and full >= 0:
                    lots |= product_lines.lot_ids
                elif refund.invoice_line_ids.filtered(
                    lambda aml, product=product: (
                        aml.product_id == product and not aml.lot_ids
                    )
                ):
                    unnamed[product] = product_lines
            freed = Lot.browse(lots.ids).filtered(
                lambda lot, invoice_lines=invoice_lines: (
                    not invoice_lines or lot.customer_invoice_line_id in invoice_lines
                )
            )
            freed._serial_flow_write({"customer_invoice_line_id": False})
            refund._serial_note_unfreed(unnamed)

    def _serial_credited_units(self):
        """{product: units credited by this credit note's product lines}."""
        self.ensure_one()
        units = {}
        for line in self.invoice_line_ids.filtered(
            lambda aml: aml.display_type == "product" and aml.product_id
        ):
            units[line.product_id] = units.get(line.product_id, 0) + (
                line._serial_units()
            )
        return units

    def _serial_note_unfreed(self, unnamed):
        """Post on this credit note the serials still invoiced for the products
        it credits without naming serials (``unnamed``: {product: lines of the
        reversed invoice}; none for a credit note made by hand, whose
        customer's invoiced serials of the product are listed instead)."""
        self.ensure_one()
        Lot = self.env["stock.lot"].sudo()
        for product, invoice_lines in unnamed.items():
            domain = [("product_id", "=", product.id)]
            if invoice_lines:
                domain.append(("customer_invoice_line_id", "in", invoice_lines.ids))
            else:
                domain += [
                    ("customer_invoice_line_id.parent_state", "=", "posted"),
                    (
                        "customer_invoice_line_id.move_id.commercial_partner_id",
                        "=",
                        self.commercial_partner_id.id,
                    ),
                ]
            still = Lot.search(domain)
            if not still:
                continue
            self.message_post(
                body=self.env._(
                    "No serial of %(product)s freed: this credit note credits "
                    "units invoiced on %(invoice)s without naming serials. Serials "
                    "still invoiced: %(serials)s. To free them, choose the serials "
                    "on the credit note line (reset it to draft, set Serial "
                    "Numbers, post).",
                    product=product.display_name,
                    invoice=", ".join(
                        still.customer_invoice_line_id.move_id.mapped("name")
                    ),
                    serials=", ".join(still.mapped("name")),
                )
            )

    def button_draft(self):
        stamped = self.filtered(lambda m: m.move_type == "out_invoice")
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search([("customer_invoice_line_id", "in", stamped.invoice_line_ids.ids)])
        )
        res = super().button_draft()
        lots._serial_flow_write({"customer_invoice_line_id": False})
        return res
