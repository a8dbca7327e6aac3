# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..tools import serial_parser, singleton


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    lot_ids = fields.Many2many(
        comodel_name="stock.lot",
        relation="serial_procurement_aml_lot_rel",
        column1="move_line_id",
        column2="lot_id",
        string="Serial Numbers",
        copy=False,
        domain="[('product_id', '=', product_id)]",
        help="Serial numbers of the units this line bills.",
    )
    new_serial_names = fields.Char(
        string="Serials Never Received",
        copy=False,
        help="Serial numbers sold on this line that were never received, separated "
        "by commas or new lines. Only a Serial Procurement Manager may enter them; "
        "they are created when the invoice is posted and flagged to investigate.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._serial_check_typed_serials(vals.get("new_serial_names"))
        return super().create(vals_list)

    def write(self, vals):
        self._serial_check_typed_serials(vals.get("new_serial_names"))
        return super().write(vals)

    @api.model
    def _serial_check_typed_serials(self, text):
        """Each typed serial is checked when typed (a NUL byte never reaches the
        database); the entry as a whole (duplicates) when the invoice is posted,
        where the serials are created."""
        if not text:
            return
        if not isinstance(text, str):
            raise UserError(_("A serial number must be text."))
        for name in serial_parser.split_serials(text):
            self.env["stock.lot"]._serial_clean_name(name)

    def action_view_serial_history(self):
        """Open the Serial History of this line's serial (the list for several)."""
        singleton.ensure_one(self)
        return self.lot_ids._action_open_serial_list(
            self.env._("Serials of %(line)s", line=self.name or self.product_id.name)
        )

    def _serial_set_lots_from_sale_lines(self):
        """Copy each line's allocated serials from its estimate line."""
        for line in self.filtered(lambda aml: aml.display_type == "product"):
            lots = line.sale_line_ids.serial_lot_ids
            if lots:
                line.lot_ids = lots

    def _serial_add_new_serials(self):
        """Create (or link) the serials typed in ``new_serial_names``."""
        Lot = self.env["stock.lot"]
        for line in self.filtered("new_serial_names"):
            company = line.company_id
            names = Lot._serial_parse_entry(line.new_serial_names, company=company)
            existing = Lot._serial_find(line.product_id, names, company)
            missing = [name for name in names if name not in existing.mapped("name")]
            new_lots = Lot._serial_create_on_transaction(
                line.product_id, missing, company
            )
            line.write(
                {
                    "lot_ids": [Command.link(lot.id) for lot in existing | new_lots],
                    "new_serial_names": False,
                }
            )

    def _serial_check_invoiced_once(self):
        """One customer invoice per serial: not twice in what is posted now, not
        on another posted invoice (net of credit notes)."""
        counts = Counter(lot for line in self for lot in line.lot_ids)
        twice = [lot.name for lot, count in counts.items() if count > 1]
        if twice:
            raise UserError(
                _(
                    "These serials are invoiced twice at once: %(serials)s.",
                    serials=", ".join(twice[:20]),
                )
            )
        self.lot_ids.sudo()._serial_check_not_invoiced(self)

    def _serial_stamp_invoiced(self):
        """Write on each serial the invoice line that bills it: two invoices
        posted at the same moment write the same row, and the database lets
        only one of them commit."""
        for line in self.filtered("lot_ids"):
            line.lot_ids.sudo().write({"customer_invoice_line_id": line.id})

    def _serial_units(self):
        """Units of these lines in their products' unit of measure."""
        return sum(
            line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id)
            if line.product_uom_id and line.product_id
            else line.quantity
            for line in self
        )

    def _serial_check_required_sale(self):
        """Customer invoice lines of a product whose serial is required for sales
        must carry serials covering their quantity."""
        errors = []
        for line in self.filtered(
            lambda aml: (
                aml.display_type == "product"
                and aml.product_id.serial_required_sale
                and aml.quantity > 0
            )
        ):
            qty = line.product_uom_id._compute_quantity(
                line.quantity, line.product_id.uom_id
            )
            count = len(line.lot_ids)
            if line.product_id.tracking == "serial" and count < qty or not count:
                errors.append(
                    _(
                        "%(product)s: %(qty)s unit(s) invoiced, %(count)s "
                        "serial(s) given",
                        product=line.product_id.display_name,
                        qty=qty,
                        count=count,
                    )
                )
        if errors:
            raise UserError(
                _(
                    "A serial number is required for sales on every unit invoiced:"
                    "\n%(lines)s",
                    lines="\n".join(errors),
                )
            )
