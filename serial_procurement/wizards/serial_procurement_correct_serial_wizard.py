# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import markers, singleton


class SerialProcurementCorrectSerialWizard(models.TransientModel):
    """Write off a wrongly entered serial and receive the right one in one step,
    so that stock quantities stay exact and both serials keep their history."""

    _name = "serial.procurement.correct.serial.wizard"
    _inherit = ["serial.procurement.input.guard"]
    _description = "Correct Serial"

    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Wrong Serial",
        required=True,
        readonly=True,
    )
    product_id = fields.Many2one(related="lot_id.product_id")
    location_id = fields.Many2one(
        comodel_name="stock.location",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        domain="[('usage', '=', 'internal')]",
        help="Where the wrong serial is on hand.",
    )
    new_name = fields.Char(string="Correct Serial", required=True)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "lot_id" in fields_list and not res.get("lot_id"):
            if self.env.context.get("active_model") == "stock.lot":
                res["lot_id"] = self.env.context.get("active_id")
        return res

    @api.depends("lot_id")
    def _compute_location_id(self):
        for wizard in self:
            quant = wizard.lot_id.quant_ids.filtered(
                lambda q: q.quantity > 0 and q.location_id.usage == "internal"
            )[:1]
            wizard.location_id = quant.location_id

    def _check_correction(self):
        self.ensure_one()
        if not self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            raise UserError(
                self.env._("Only a Serial Procurement Manager may correct a serial.")
            )
        invoiced = self.lot_id.sudo().invoice_line_ids.filtered(
            lambda aml: (
                aml.parent_state == "posted" and aml.move_id.move_type == "out_invoice"
            )
        )
        if self.lot_id.sudo().customer_invoice_line_id or invoiced:
            raise UserError(
                self.env._(
                    "Serial %(serial)s is on posted invoice %(invoices)s: issue a "
                    "credit note first, then correct it and invoice the right serial.",
                    serial=self.lot_id.name,
                    invoices=", ".join(invoiced.move_id.mapped("name")) or "-",
                )
            )
        new_name = self.env["stock.lot"]._serial_clean_name(self.new_name or "")
        if new_name == self.lot_id.name:
            raise UserError(
                self.env._(
                    "Enter the correct serial number, different from %(serial)s.",
                    serial=self.lot_id.name,
                )
            )
        clash = self.env["stock.lot"]._serial_find(
            self.product_id, [new_name], self.lot_id.company_id
        )
        if clash:
            raise UserError(
                self.env._(
                    "Serial %(serial)s already exists for %(product)s.",
                    serial=new_name,
                    product=self.product_id.display_name,
                )
            )
        quant = self.lot_id.quant_ids.filtered(
            lambda q: q.location_id == self.location_id and q.quantity > 0
        )
        if not self.location_id or not quant:
            raise UserError(
                self.env._(
                    "Serial %(serial)s is not on hand in %(location)s: nothing to "
                    "correct.",
                    serial=self.lot_id.name,
                    location=self.location_id.complete_name or "-",
                )
            )
        return new_name, sum(quant.mapped("quantity"))

    def action_correct(self):
        singleton.ensure_one(self)
        new_name, qty = self._check_correction()
        wrong = self.lot_id
        origin = {
            "ticket_id": wrong.ticket_id.id,
            "customer_id": wrong.customer_id.id,
            "supplier_id": wrong.supplier_id.id,
            "purchase_order_id": wrong.purchase_order_id.id,
            "sale_line_id": wrong.sale_line_id.id,
        }
        # The ticket's unit is now the right serial: the wrong one keeps its
        # history (chatter, moves, scrap) but no longer counts as allocated,
        # and may be written off (a reserved serial cannot be scrapped).
        wrong.write({"ticket_id": False, "sale_line_id": False})
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product_id.id,
                "product_uom_id": self.product_id.uom_id.id,
                "lot_id": wrong.id,
                "location_id": self.location_id.id,
                "scrap_qty": qty,
                "company_id": wrong.company_id.id or self.env.company.id,
                "origin": self.env._("Serial corrected to %(serial)s", serial=new_name),
            }
        )
        scrap.do_scrap()
        right = wrong.copy(dict(origin, name=new_name))
        # A manager's correction is allowed under strict serialized intake.
        quant = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                {
                    "product_id": self.product_id.id,
                    "location_id": self.location_id.id,
                    "lot_id": right.id,
                    "inventory_quantity": qty,
                }
            )
        )
        with markers.marked(self.env, markers.INTAKE_ALLOWED):
            quant._apply_inventory()
        right._serial_reserve_on_deliveries()
        wrong.message_post(
            body=self.env._(
                "Serial corrected: written off (%(scrap)s) and replaced by %(serial)s.",
                scrap=scrap.name,
                serial=right.name,
            )
        )
        right.message_post(
            body=self.env._(
                "Serial received as the correction of %(serial)s.", serial=wrong.name
            )
        )
        return right.action_open_serial_history()
