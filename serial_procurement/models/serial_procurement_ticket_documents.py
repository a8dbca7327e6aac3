# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models


class SerialProcurementTicketDocuments(models.AbstractModel):
    """The documents of a ticket (estimate, invoices, purchases, receipts,
    deliveries, serials, materials used): what its smart buttons count and
    open. Inherited by ``helpdesk.ticket``, which holds the fields."""

    _name = "serial.procurement.ticket.documents"
    _description = "Ticket documents and their smart buttons"

    @api.depends("sale_order_id.order_line.invoice_lines.parent_state")
    def _compute_invoice_ids(self):
        for ticket in self:
            invoices = ticket.sale_order_id.invoice_ids.filtered(
                lambda m: m.state != "cancel"
            )
            deposits = invoices.filtered(lambda m: m._is_serial_deposit_invoice())
            ticket.invoice_ids = invoices
            ticket.invoice_count = len(invoices)
            ticket.deposit_invoice_ids = deposits
            ticket.deposit_amount = sum(
                deposits.filtered(lambda m: m.state == "posted").mapped("amount_total")
            )

    @api.depends(
        "sale_order_id.order_line.qty_invoiced",
        "sale_order_id.order_line.product_uom_qty",
    )
    def _compute_charge_line_ids(self):
        for ticket in self:
            ticket.charge_line_ids = ticket.sale_order_id.order_line.filtered(
                lambda line: line._is_serial_pending_charge()
            )

    @api.depends("purchase_order_ids")
    def _compute_purchase_order_count(self):
        for ticket in self:
            ticket.purchase_order_count = len(ticket.purchase_order_ids)

    @api.depends("purchase_order_ids.picking_ids")
    def _compute_receipt_ids(self):
        groups = self.env["stock.move.line"]._read_group(
            [("ticket_id", "in", self.ids), ("picking_code", "=", "incoming")],
            ["ticket_id"],
            ["picking_id:recordset"],
        )
        received = {ticket.id: pickings for ticket, pickings in groups}
        for ticket in self:
            receipts = ticket.purchase_order_ids.picking_ids.filtered(
                lambda p: p.picking_type_code == "incoming"
            ) | received.get(ticket.id, self.env["stock.picking"])
            ticket.receipt_ids = receipts
            ticket.receipt_count = len(receipts)

    @api.depends("sale_order_id.picking_ids.picking_type_code")
    def _compute_delivery_ids(self):
        for ticket in self:
            deliveries = ticket.sale_order_id.picking_ids.filtered(
                lambda p: (
                    p.picking_type_code != "incoming"
                    or p.location_id.usage == "customer"
                )
            )
            ticket.delivery_ids = deliveries
            ticket.delivery_count = len(deliveries)

    @api.depends("sale_order_id.order_line")
    def _compute_serial_line_ids(self):
        for ticket in self:
            ticket.serial_line_ids = ticket.sale_order_id.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        for ticket in self:
            ticket.lot_count = len(ticket.lot_ids)

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_purchase_orders(self, orders=None):
        self.ensure_one()
        orders = orders if orders is not None else self.purchase_order_ids
        action = self.env["ir.actions.actions"]._for_xml_id("purchase.purchase_rfq")
        action["domain"] = [("id", "in", orders.ids)]
        action["context"] = {"default_ticket_id": self.id}
        if len(orders) == 1:
            action.update(res_id=orders.id, view_mode="form", views=[(False, "form")])
        return action

    def action_view_receipts(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", self.receipt_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_view_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", self.delivery_ids.ids)]
        action["context"] = {"create": False}
        if len(self.delivery_ids) == 1:
            action.update(
                res_id=self.delivery_ids.id, view_mode="form", views=[(False, "form")]
            )
        return action

    def action_view_serials(self):
        self.ensure_one()
        return self.lot_ids._action_open_serial_list(
            _("Serials of %s", self.display_name)
        )

    @api.depends("material_lot_ids")
    def _compute_material_lot_count(self):
        for ticket in self:
            ticket.material_lot_count = len(ticket.material_lot_ids)

    def action_use_materials(self):
        """Open the dialog that takes serialized stock out on this ticket."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Use Materials"),
            "res_model": "serial.procurement.ticket.material.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_view_material_lots(self):
        self.ensure_one()
        return self.material_lot_ids._action_open_serial_list(
            _("Materials of %s", self.display_name)
        )
