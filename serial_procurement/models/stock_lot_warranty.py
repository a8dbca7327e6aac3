# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""After the sale (issue #13): warranty, holder and service tickets of a serial.

Kept apart from ``stock_lot.py`` (procurement side) to stay readable."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils

WARRANTY_STATES = [
    ("none", "No Warranty"),
    ("under", "Under Warranty"),
    ("expired", "Warranty Expired"),
]
# warranty end field -> flag set when a manager typed it (no recompute then)
WARRANTY_MANUAL_FLAGS = {
    "vendor_warranty_end": "vendor_warranty_manual",
    "customer_warranty_end": "customer_warranty_manual",
}


class StockLot(models.Model):
    _inherit = "stock.lot"

    serial_move_line_ids = fields.One2many(
        comodel_name="stock.move.line",
        inverse_name="lot_id",
        string="Stock Move Lines",
        readonly=True,
    )
    serial_received_date = fields.Date(
        string="Received On",
        compute="_compute_serial_after_sale",
        store=True,
        copy=False,
        help="Date of the first receipt of this serial from a vendor.",
    )
    serial_sold_date = fields.Date(
        string="Sold On",
        compute="_compute_serial_after_sale",
        store=True,
        copy=False,
        help="First delivery to a customer or first posted customer invoice, "
        "whichever came first.",
    )
    delivered_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Delivered To",
        compute="_compute_serial_after_sale",
        store=True,
        index="btree_not_null",
        copy=False,
        help="The customer (company) this serial was last delivered to.",
    )
    serial_at_customer = fields.Boolean(
        string="At Customer",
        compute="_compute_serial_after_sale",
        store=True,
        copy=False,
        help="The last movement of this serial delivered it to a customer.",
    )
    vendor_warranty_end = fields.Date(
        compute="_compute_vendor_warranty_end",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        index="btree_not_null",
        help="Receipt date plus the product's vendor warranty. A manager may "
        "change it.",
    )
    customer_warranty_end = fields.Date(
        compute="_compute_customer_warranty_end",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        index="btree_not_null",
        help="Sale date plus the product's customer warranty. A manager may change it.",
    )
    vendor_warranty_manual = fields.Boolean(
        copy=False,
        help="Vendor warranty end set by hand: not recomputed.",
    )
    customer_warranty_manual = fields.Boolean(
        copy=False,
        help="Customer warranty end set by hand: not recomputed.",
    )
    warranty_state = fields.Selection(
        selection=WARRANTY_STATES,
        string="Customer Warranty",
        compute="_compute_warranty_state",
    )
    vendor_warranty_state = fields.Selection(
        selection=WARRANTY_STATES,
        string="Vendor Warranty",
        compute="_compute_warranty_state",
    )
    service_ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="serial_procurement_ticket_service_lot_rel",
        column1="lot_id",
        column2="ticket_id",
        string="Service Tickets",
        copy=False,
        readonly=True,
    )
    service_ticket_count = fields.Integer(compute="_compute_service_ticket_count")

    # ------------------------------------------------------------------
    # Dates and holder
    # ------------------------------------------------------------------

    @api.depends(
        "serial_move_line_ids.state",
        "serial_move_line_ids.date",
        "invoice_line_ids.parent_state",
        "invoice_line_ids.move_id.invoice_date",
    )
    def _compute_serial_after_sale(self):
        """Receipt date, sale date and holder from the done movements (one
        search for all serials) and the posted customer invoices."""
        # new records (forms) use the movements of the serial they edit
        lot_ids = [lot._origin.id for lot in self if lot._origin]
        lines_by_lot = {lot_id: [] for lot_id in lot_ids}
        if lot_ids:
            # sudo: stored values must not depend on who triggers the recompute
            move_lines = (
                self.env["stock.move.line"]
                .sudo()
                .search(
                    [("lot_id", "in", lot_ids), ("state", "=", "done")],
                    order="date, id",
                )
            )
            for line in move_lines:
                lines_by_lot[line.lot_id.id].append(line)
        for lot in self:
            lines = lines_by_lot.get(lot._origin.id, [])
            lot.serial_received_date = next(
                (
                    self._serial_local_date(ml.date)
                    for ml in lines
                    if ml.location_id.usage == "supplier"
                ),
                False,
            )
            lot.serial_sold_date = lot._serial_first_sale_date(lines)
            lot.delivered_partner_id = self._serial_last_customer(lines)
            lot.serial_at_customer = bool(
                lines and lines[-1].location_dest_id.usage == "customer"
            )

    def _serial_local_date(self, value):
        return fields.Date.context_today(self, timestamp=value)

    def _serial_first_sale_date(self, lines):
        """Earlier of the first delivery to a customer and the first posted
        customer invoice date."""
        self.ensure_one()
        dates = [
            self._serial_local_date(ml.date)
            for ml in lines
            if ml.location_dest_id.usage == "customer"
        ][:1]
        dates += [
            aml.move_id.invoice_date
            for aml in self.sudo().invoice_line_ids
            if aml.parent_state == "posted"
            and aml.move_id.move_type == "out_invoice"
            and aml.move_id.invoice_date
        ]
        return min(dates) if dates else False

    @api.model
    def _serial_last_customer(self, lines):
        """Commercial partner of the last delivery to a customer location."""
        deliveries = [ml for ml in lines if ml.location_dest_id.usage == "customer"]
        if not deliveries:
            return self.env["res.partner"]
        last = deliveries[-1]
        partner = last.picking_partner_id or last.move_id.partner_id
        return partner.commercial_partner_id

    # ------------------------------------------------------------------
    # Warranty
    # ------------------------------------------------------------------

    @api.depends("serial_received_date", "product_id.vendor_warranty_months")
    def _compute_vendor_warranty_end(self):
        for lot in self:
            if lot.vendor_warranty_manual:  # set by hand: keep it
                lot.vendor_warranty_end = lot.vendor_warranty_end
                continue
            lot.vendor_warranty_end = self._serial_warranty_end(
                lot.serial_received_date, lot.product_id.vendor_warranty_months
            )

    @api.depends("serial_sold_date", "product_id.customer_warranty_months")
    def _compute_customer_warranty_end(self):
        for lot in self:
            if lot.customer_warranty_manual:  # set by hand: keep it
                lot.customer_warranty_end = lot.customer_warranty_end
                continue
            lot.customer_warranty_end = self._serial_warranty_end(
                lot.serial_sold_date, lot.product_id.customer_warranty_months
            )

    @api.model
    def _serial_warranty_end(self, start, months):
        if not start or not months:
            return False
        return date_utils.add(start, months=months)

    @api.depends("vendor_warranty_end", "customer_warranty_end")
    @api.depends_context("tz")
    def _compute_warranty_state(self):
        today = fields.Date.context_today(self)
        for lot in self:
            lot.warranty_state = self._serial_warranty_state(
                lot.customer_warranty_end, today
            )
            lot.vendor_warranty_state = self._serial_warranty_state(
                lot.vendor_warranty_end, today
            )

    @api.model
    def _serial_warranty_state(self, end, today):
        if not end:
            return "none"
        return "under" if end >= today else "expired"

    def _compute_service_ticket_count(self):
        for lot in self:
            lot.service_ticket_count = len(lot.service_ticket_ids)

    def action_view_service_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action.update(
            domain=[("id", "in", self.service_ticket_ids.ids)],
            context={
                "default_service_lot_ids": [self.id],
                "default_partner_id": self.delivered_partner_id.id,
            },
        )
        return action

    # ------------------------------------------------------------------
    # Manual warranty changes
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._serial_flag_manual_warranty(vals)
        return super().create(vals_list)

    def write(self, vals):
        if any(field in vals for field in WARRANTY_MANUAL_FLAGS):
            self._serial_check_warranty_editor()
            vals = dict(vals)
            self._serial_flag_manual_warranty(vals)
        return super().write(vals)

    @api.model
    def _serial_flag_manual_warranty(self, vals):
        for field, flag in WARRANTY_MANUAL_FLAGS.items():
            if field in vals and flag not in vals:
                vals[flag] = True

    def _serial_check_warranty_editor(self):
        if self.env.su or self.env.user.has_group(
            "serial_procurement.group_serial_procurement_manager"
        ):
            return
        raise UserError(
            self.env._(
                "Only a Serial Procurement Manager may change the warranty end "
                "of a serial."
            )
        )

    def action_reset_warranty(self):
        """Forget the manual warranty ends: compute them again from the dates."""
        self._serial_check_warranty_editor()
        self.write({"vendor_warranty_manual": False, "customer_warranty_manual": False})
        self.env.add_to_compute(self._fields["vendor_warranty_end"], self)
        self.env.add_to_compute(self._fields["customer_warranty_end"], self)
        return True
