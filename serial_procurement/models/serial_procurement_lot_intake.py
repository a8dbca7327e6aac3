# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class SerialProcurementLotIntake(models.AbstractModel):
    """Serials that arrive other than by a receipt: found or created on a
    transaction (flagged to investigate, with a to-do for the stock manager),
    or used as material on a ticket. Inherited by ``stock.lot``."""

    _name = "serial.procurement.lot.intake"
    _description = "Serials added on a transaction"

    @api.model
    def _serial_find(self, product, names, company):
        """The existing serials ``names`` of ``product`` in the uniqueness scope
        of ``company``: its own and those shared by all companies. Searched
        as superuser (uniqueness ignores access rights), returned in this env."""
        if not names:
            return self.browse()
        name_domain = [("name", "in", list(names))]
        if company.serial_case_insensitive:
            matching = SQL(
                "(SELECT id FROM stock_lot"
                " WHERE product_id = %s AND lower(name) IN %s)",
                product.id,
                tuple({name.lower() for name in names}),
            )
            name_domain = [("id", "in", matching)]
        lots = self.sudo().search(
            [
                *name_domain,
                ("product_id", "=", product.id),
                ("company_id", "in", [company.id, False]),
            ]
        )
        return lots.with_env(self.env)

    @api.model
    def _serial_check_other_products(self, product, names, company):
        """Refuse serials ``names`` that already exist for another product in
        the uniqueness scope of ``company`` (searched as superuser)."""
        clashes = self.sudo().search_fetch(
            [
                ("name", "in", list(names)),
                ("product_id", "!=", product.id),
                ("company_id", "in", [company.id, False]),
            ],
            ["name", "product_id"],
        )
        if clashes:
            raise UserError(
                _(
                    "These serial numbers already belong to another product:"
                    "\n%(lines)s",
                    lines="\n".join(
                        f"{lot.name}: {lot.product_id.display_name}" for lot in clashes
                    ),
                )
            )

    @api.model
    def _serial_create_on_transaction(self, product, names, company=None):
        """Create serials never received, for a Serial Procurement Manager only.

        The serials are flagged ``needs_review``; plain users get an error.
        """
        if not names:
            return self.browse()
        company = company or self.env.company
        company._serial_check_strict_intake(
            product,
            _(
                "adding serial numbers never received (%(names)s)",
                names=", ".join(names),
            ),
        )
        if not self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            raise UserError(
                _(
                    "The serial number(s) %(names)s of %(product)s were never "
                    "received. "
                    "Only a Serial Procurement Manager may add a serial on a "
                    "transaction; otherwise receive it first.",
                    names=", ".join(names),
                    product=product.display_name,
                )
            )
        return self.create(
            [
                {
                    "name": name,
                    "product_id": product.id,
                    "company_id": company.id,
                    "needs_review": True,
                }
                for name in names
            ]
        )

    def action_clear_review(self):
        if not self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            raise UserError(
                _(
                    "Only a Serial Procurement Manager may clear a serial to "
                    "investigate."
                )
            )
        self.filtered("needs_review").write({"needs_review": False})
        return True

    def _serial_review_responsible(self):
        """The stock manager who investigates this serial: the product's
        responsible when an Inventory Administrator, else the first Inventory
        Administrator of the serial's company."""
        self.ensure_one()
        managers = self.env.ref("stock.group_stock_manager").sudo().users
        responsible = self.product_id.responsible_id
        if responsible in managers:
            return responsible
        company = self.company_id or self.env.company
        candidates = managers.filtered(
            lambda user: (
                not user.share
                and user.id != SUPERUSER_ID
                and company in user.company_ids
            )
        ).sorted("id")
        return candidates[:1] or self.env.user

    def _serial_schedule_review_activity(self):
        """A to-do for the stock manager on each serial to investigate."""
        for lot in self.filtered("needs_review"):
            lot.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=lot._serial_review_responsible().id,
                summary=_("Investigate serial %(serial)s", serial=lot.name),
                note=_(
                    "This serial was added on a transaction without a receipt: "
                    "check it and record a retrospective receipt if needed."
                ),
            )

    def _serial_stamp_material(self, ticket):
        """Record the ticket and its customer on serials used as material."""
        vals = {"material_ticket_id": ticket.id}
        customer = ticket.partner_id.commercial_partner_id
        if customer:
            vals["customer_id"] = customer.id
        self.write(vals)
