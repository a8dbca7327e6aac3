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

    def _serial_set_lots_from_deliveries(self):
        """Lines of a sale order that carry no serial get the serials delivered
        for it and not invoiced yet (core knows them: the done move lines of the
        order line, as on the invoice report), where the rules require a serial
        for sales. A ticket's invoice has its serials already."""
        lines = self.filtered(
            lambda aml: (
                aml.display_type == "product"
                and aml.move_id.move_type == "out_invoice"
                and aml.sale_line_ids
                and aml.quantity > 0
                and aml.product_id.tracking == "serial"
                and aml.product_id.serial_required_sale
                and aml.company_id.serial_rules_enabled
                and not aml.sudo().lot_ids
            )
        )
        taken = set(self.sudo().lot_ids.ids)
        for line in lines:
            units = line.product_uom_id._compute_quantity(
                line.quantity, line.product_id.uom_id
            )
            free = [
                lot
                for lot in line._serial_delivered_lots()
                if lot.id not in taken and not lot.customer_invoice_line_id
            ][: int(units)]
            if free:
                line.write({"lot_ids": [Command.set([lot.id for lot in free])]})
                taken.update(lot.id for lot in free)

    def _serial_delivered_lots(self):
        """The serials of this line's product at the customer through the
        deliveries of its sale order lines (delivered, not returned), in the
        order they left."""
        self.ensure_one()
        move_lines = (
            self.sale_line_ids.sudo()
            .move_ids.move_line_ids.filtered(
                lambda ml: (
                    ml.state == "done"
                    and ml.lot_id
                    and ml.product_id == self.product_id
                )
            )
            .sorted(lambda ml: (ml.date, ml.id))
        )
        net = {}
        for ml in move_lines:
            out = ml.location_dest_id.usage == "customer"
            back = ml.location_id.usage == "customer"
            if out != back:
                net[ml.lot_id] = net.get(ml.lot_id, 0) + (1 if out else -1)
        return [lot for lot, count in net.items() if count > 0]

    def _serial_check_lot_company(self):
        """The serials of an invoice line belong to its company (or to none)."""
        errors = []
        companies = self.env["res.company"]
        for line in self:
            foreign = line.sudo().lot_ids.filtered(
                lambda lot, line=line: (
                    lot.company_id and lot.company_id != line.company_id
                )
            )
            if foreign:
                companies |= line.company_id
                errors.append(
                    _(
                        "%(product)s: %(serials)s",
                        product=line.product_id.display_name,
                        serials=", ".join(foreign.mapped("name")),
                    )
                )
        if errors:
            raise UserError(
                _(
                    "These serials belong to another company than the invoice "
                    "(%(company)s):\n%(lines)s",
                    company=", ".join(companies.mapped("name")),
                    lines="\n".join(errors),
                )
            )

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
                and aml.company_id.serial_rules_enabled
            )
        ):
            qty = line.product_uom_id._compute_quantity(
                line.quantity, line.product_id.uom_id
            )
            count = len(line.sudo().lot_ids)
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
