# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    serial_required_purchase = fields.Boolean(
        string="Serial Required for Purchase",
        compute="_compute_serial_required_flags",
        store=True,
        readonly=False,
        help="Every unit of this product must carry a serial number when it is "
        "received.",
    )
    serial_required_sale = fields.Boolean(
        string="Serial Required for Sales",
        compute="_compute_serial_required_flags",
        store=True,
        readonly=False,
        help="Every unit of this product must carry a serial number before it is "
        "delivered or invoiced, and its estimates go through a ticket.",
    )

    vendor_warranty_months = fields.Integer(
        string="Vendor Warranty (Months)",
        tracking=True,
        help="Warranty the vendor gives on each serial, counted from its receipt "
        "date. 0: no vendor warranty.",
    )
    customer_warranty_months = fields.Integer(
        string="Customer Warranty (Months)",
        tracking=True,
        help="Warranty given to the customer on each serial, counted from its "
        "delivery or customer invoice date (the earlier). 0: no customer warranty.",
    )

    _sql_constraints = [
        (
            "serial_warranty_months_positive",
            "CHECK(vendor_warranty_months >= 0 AND customer_warranty_months >= 0)",
            "Warranty durations cannot be negative.",
        ),
    ]

    @api.depends("tracking")
    def _compute_serial_required_flags(self):
        """Switch both flags on when tracking becomes serial, off when untracked."""
        for template in self:
            if template.tracking == "serial":
                template.serial_required_purchase = True
                template.serial_required_sale = True
            elif template.tracking == "none":
                template.serial_required_purchase = False
                template.serial_required_sale = False
            else:  # batches: keep what the user chose
                template.serial_required_purchase = template.serial_required_purchase
                template.serial_required_sale = template.serial_required_sale

    # ------------------------------------------------------------------
    # Tracking conversions (issue #4)
    # ------------------------------------------------------------------

    def write(self, vals):
        changed = self.browse()
        old_tracking = {}
        if "tracking" in vals:
            changed = self.filtered(lambda t: t.tracking != vals["tracking"])
            changed._serial_check_tracking_change(vals["tracking"])
            old_tracking = {t.id: t.tracking for t in changed}
        res = super().write(vals)
        if changed:
            labels = dict(self._fields["tracking"]._description_selection(self.env))
            for template in changed:
                template.message_post(
                    body=self.env._(
                        "Inventory tracking changed from %(old)s to %(new)s.",
                        old=labels.get(old_tracking[template.id]),
                        new=labels.get(template.tracking),
                    )
                )
        return res

    def _serial_on_hand_lines(self, quants):
        """Quantities and locations of ``quants`` in the user's companies only;
        units of other companies are counted, never located."""
        mine = quants.filtered(lambda q: q.company_id in self.env.companies)
        per_template = {}
        for quant in mine:
            tmpl = quant.product_id.product_tmpl_id
            qty, locations = per_template.get(tmpl, (0.0, set()))
            locations.add(quant.location_id.complete_name)
            per_template[tmpl] = (qty + quant.quantity, locations)
        lines = [
            self.env._(
                "%(product)s: %(qty)s %(uom)s on hand in %(locations)s",
                product=tmpl.display_name,
                qty=qty,
                uom=tmpl.uom_id.name,
                locations=", ".join(sorted(locations)),
            )
            for tmpl, (qty, locations) in per_template.items()
        ]
        if quants - mine:
            lines.append(
                self.env._("Units are also on hand in another company you cannot see.")
            )
        return "\n".join(lines)

    def _serial_check_tracking_change(self, new_tracking):
        """Refuse a tracking change while units are on hand, and a change to
        untracked once done stock moves exist."""
        if not self:
            return
        products = self.with_context(active_test=False).product_variant_ids
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", "!=", 0),
                ]
            )
        )
        if quants:
            raise UserError(
                self.env._(
                    "The tracking of a product cannot change while units are on hand:"
                    "\n%(lines)s\nWrite them off or move them out first.",
                    lines=self._serial_on_hand_lines(quants),
                )
            )
        if new_tracking == "none":
            tracked = self.filtered(lambda t: t.tracking != "none")
            done = (
                self.env["stock.move.line"]
                .sudo()
                .search(
                    [
                        (
                            "product_id",
                            "in",
                            tracked.with_context(
                                active_test=False
                            ).product_variant_ids.ids,
                        ),
                        ("state", "=", "done"),
                    ],
                    limit=1,
                )
            )
            if done:
                raise UserError(
                    self.env._(
                        "%(product)s has done stock moves with serial or batch numbers "
                        "(%(ref)s): its tracking cannot be removed.",
                        product=done.product_id.product_tmpl_id.display_name,
                        ref=done.reference or done.move_id.name,
                    )
                )
