# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        compute="_compute_ticket_id",
        store=True,
        index="btree_not_null",
        help="The ticket of the estimate this move delivers, or of the purchase "
        "it receives.",
    )
    serial_progress = fields.Char(
        string="Serials",
        compute="_compute_serial_progress",
        help="Serials entered on this line out of its units, and the tickets "
        "they are received onto.",
    )

    @api.depends("sale_line_id.order_id.ticket_id", "purchase_line_id.ticket_id")
    def _compute_ticket_id(self):
        for move in self:
            move.ticket_id = (
                move.sale_line_id.order_id.ticket_id or move.purchase_line_id.ticket_id
            )

    @api.depends(
        "has_tracking",
        "product_uom_qty",
        "move_line_ids.lot_id",
        "move_line_ids.lot_name",
        "move_line_ids.ticket_id",
    )
    def _compute_serial_progress(self):
        for move in self:
            if move.has_tracking != "serial":
                move.serial_progress = False
                continue
            lines = move.move_line_ids.filtered(lambda ml: ml.lot_id or ml.lot_name)
            count = len({ml.lot_name or ml.lot_id.name for ml in lines})
            progress = _(
                "serials %(count)s/%(demand)s",
                count=count,
                demand=int(move.product_uom_qty),
            )
            tickets = lines.ticket_id
            if tickets:
                progress = "%s -> %s" % (
                    progress,
                    ", ".join(t.number or t.display_name for t in tickets),
                )
            move.serial_progress = progress

    def _serial_reserve_lots(self, lots):
        """Reserve exactly ``lots`` on this move, taking them from any other
        pending move that reserved them first."""
        self.ensure_one()
        holders = (
            self.env["stock.move.line"]
            .search(
                [
                    ("lot_id", "in", lots.ids),
                    ("move_id", "!=", self.id),
                    ("state", "not in", ("done", "cancel")),
                    ("location_id.usage", "=", "internal"),
                ]
            )
            .move_id
        )
        holders._do_unreserve()
        self._do_unreserve()
        for lot in lots:
            self._update_reserved_quantity(
                1, self.location_id, lot_id=lot, strict=False
            )
        self._recompute_state()
        holders._action_assign()

    def _serial_units_without_serial(self):
        """Units of this move that have no serial on its lines yet."""
        self.ensure_one()
        with_serial = sum(
            ml.quantity for ml in self.move_line_ids if ml.lot_id or ml.lot_name
        )
        return max(int(self.product_uom_qty - with_serial), 0)

    def _serial_add_move_lines(self, serials, ticket):
        """Replace the lines without a serial by one line per serial, through
        core's own import (``action_generate_lot_line_vals``)."""
        self.ensure_one()
        context = {
            "default_product_id": self.product_id.id,
            "default_location_id": self.location_id.id,
            "default_location_dest_id": self.location_dest_id.id,
            "default_tracking": self.has_tracking,
            "default_quantity": len(serials),
            "default_move_id": self.id,
            "default_picking_id": self.picking_id.id,
            "default_company_id": self.company_id.id,
        }
        vals_list = self.action_generate_lot_line_vals(
            context, "import", False, len(serials), "\n".join(serials)
        )
        for vals in vals_list:
            for key, value in list(vals.items()):
                if isinstance(value, dict) and "id" in value:
                    vals[key] = value["id"]
            vals["ticket_id"] = ticket.id
        self.move_line_ids.filtered(
            lambda ml: not ml.lot_id and not ml.lot_name
        ).unlink()
        lines = self.env["stock.move.line"].create(vals_list)
        self._serial_keep_ready()
        return lines

    def _serial_keep_ready(self):
        """A receipt line that needs no reservation stays Ready when its lines
        are replaced: core's line unlink recomputes it to *confirmed*, which
        would offer "Check Availability" on a receipt."""
        for move in self:
            if (
                move.state in ("confirmed", "partially_available")
                and move._should_bypass_reservation()
            ):
                move.state = "assigned"

    def action_open_serial_entry(self):
        """Open the serial entry dialog (type, paste or scan) for this receipt line."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Enter Serials"),
            "res_model": "serial.procurement.serial.entry.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }
