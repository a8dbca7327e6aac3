# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import _, api, fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Ticket",
        index="btree_not_null",
        tracking=True,
        copy=False,
        help="The ticket this serial was received for.",
    )
    customer_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        index="btree_not_null",
        tracking=True,
        copy=False,
    )
    supplier_id = fields.Many2one(
        comodel_name="res.partner",
        string="Supplier",
        index="btree_not_null",
        tracking=True,
        copy=False,
    )
    purchase_order_id = fields.Many2one(
        comodel_name="purchase.order",
        string="Purchase Order",
        index="btree_not_null",
        copy=False,
        help="The purchase order this serial was received on.",
    )
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line",
        string="Estimate Line",
        index="btree_not_null",
        copy=False,
        help="The estimate line this serial is allocated to.",
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id",
        string="Estimate",
        store=True,
        index="btree_not_null",
    )
    invoice_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        relation="serial_procurement_aml_lot_rel",
        column1="lot_id",
        column2="move_line_id",
        string="Invoice Lines",
        copy=False,
    )
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        string="Invoices",
        compute="_compute_invoice_ids",
    )
    in_stock = fields.Boolean(
        compute="_compute_in_stock",
        search="_search_in_stock",
        help="At least one unit with this number is in an internal location.",
    )
    receipt_ids = fields.Many2many(
        comodel_name="stock.picking",
        string="Receipts",
        compute="_compute_history_move_line_ids",
    )
    history_move_line_ids = fields.Many2many(
        comodel_name="stock.move.line",
        string="Movements",
        compute="_compute_history_move_line_ids",
    )

    @api.depends("invoice_line_ids.parent_state")
    def _compute_invoice_ids(self):
        for lot in self:
            lot.invoice_ids = lot.invoice_line_ids.move_id.filtered(
                lambda m: m.state != "cancel"
            )

    @api.depends("quant_ids.quantity", "quant_ids.location_id.usage")
    def _compute_in_stock(self):
        for lot in self:
            lot.in_stock = any(
                q.quantity > 0 and q.location_id.usage == "internal" for q in lot.quant_ids
            )

    def _search_in_stock(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(_("Unsupported search on In Stock."))
        positive = (operator == "=") == bool(value)
        quants = self.env["stock.quant"]._search(
            [
                ("quantity", ">", 0),
                ("location_id.usage", "=", "internal"),
                ("lot_id", "!=", False),
            ]
        )
        return [("id", "in" if positive else "not in", quants.subselect("lot_id"))]

    @api.depends("quant_ids.quantity")
    def _compute_history_move_line_ids(self):
        move_lines = self.env["stock.move.line"].search(
            [("lot_id", "in", self.ids), ("state", "=", "done")], order="date desc, id desc"
        )
        for lot in self:
            lot_lines = move_lines.filtered(lambda ml, lot=lot: ml.lot_id == lot)
            lot.history_move_line_ids = lot_lines
            lot.receipt_ids = lot_lines.picking_id.filtered(
                lambda p: p.picking_type_code == "incoming"
            )

    def _action_open_serial_list(self, name):
        action = self.env["ir.actions.actions"]._for_xml_id("stock.action_production_lot_form")
        action.update(
            name=name,
            domain=[("id", "in", self.ids)],
            context={"create": False},
        )
        if len(self) == 1:
            return self.action_open_serial_history()
        return action

    def action_open_serial_history(self):
        """Open the one-page Serial History of this serial."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Serial History"),
            "res_model": "stock.lot",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"display_complete": True},
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Allocation to tickets
    # ------------------------------------------------------------------

    def _serial_allocate_to_sale_lines(self):
        """Allocate unallocated ticket serials to the estimate lines of their
        product, line by line, up to each line's quantity (one write per line)."""
        lots = self.filtered(lambda lot: lot.ticket_id and not lot.sale_line_id)
        if not lots:
            return
        already = {
            line.id: count
            for line, count in self._read_group(
                [("sale_line_id", "in", lots.ticket_id.sale_order_id.order_line.ids)],
                ["sale_line_id"],
                ["__count"],
            )
        }
        by_line = defaultdict(list)
        for ticket in lots.ticket_id:
            order_lines = ticket.sale_order_id.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment
            )
            for lot in lots.filtered(lambda lot, ticket=ticket: lot.ticket_id == ticket):
                for line in order_lines.filtered(
                    lambda line, lot=lot: line.product_id == lot.product_id
                ):
                    capacity = line.product_uom._compute_quantity(
                        line.product_uom_qty, line.product_id.uom_id
                    )
                    taken = already.get(line.id, 0) + len(by_line[line])
                    if taken < capacity:
                        by_line[line].append(lot.id)
                        break
        for line, lot_ids in by_line.items():
            self.browse(lot_ids).write({"sale_line_id": line.id})

    def _serial_reserve_on_deliveries(self):
        """Make the ticket's pending delivery reserve exactly its own serials."""
        lots = self.filtered("sale_line_id")
        if not lots:
            return
        moves = self.env["stock.move"].search(
            [
                ("group_id", "in", lots.sale_order_id.procurement_group_id.ids),
                ("product_id", "in", lots.product_id.ids),
                ("location_id.usage", "=", "internal"),
                ("state", "not in", ("draft", "done", "cancel")),
                ("move_orig_ids", "=", False),
            ]
        )
        for move in moves:
            order = move.group_id.sale_id
            wanted = self.search(
                [
                    ("sale_order_id", "=", order.id),
                    ("product_id", "=", move.product_id.id),
                    ("in_stock", "=", True),
                ],
                limit=int(move.product_qty),
            )
            if not wanted or wanted <= move.move_line_ids.lot_id:
                continue
            move._serial_reserve_lots(wanted)

    def action_view_ticket(self):
        self.ensure_one()
        return self.ticket_id._get_form_action()
