# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class SerialProcurementTicketSourcing(models.AbstractModel):
    """Where each unit of a ticket comes from: serials allocated from stock,
    or bought on the ticket's purchase orders (only the shortfall). Methods
    only: ``helpdesk.ticket`` holds the fields."""

    _name = "serial.procurement.ticket.sourcing"
    _description = "Ticket fulfilment from stock or purchase"

    # ------------------------------------------------------------------
    # Computes of helpdesk.ticket's fields
    # ------------------------------------------------------------------

    @api.depends(
        "sale_order_id.state",
        "sale_order_id.order_line.product_uom_qty",
        "lot_ids",
        "purchase_order_ids.state",
        "purchase_order_ids.order_line.qty_received",
        "billing_status",
        "deposit_invoice_ids",
        "delivery_status",
        "sale_order_id.order_line.serial_lot_ids",
    )
    def _compute_serial_sourcing(self):
        for ticket in self:
            if not ticket.sale_order_id:
                ticket.serial_qty_to_source = 0.0
                ticket.serial_qty_free_stock = 0
                ticket.serial_qty_to_buy = 0.0
                ticket.serial_next_step = "none"
                continue
            to_source = ticket._serial_units_to_source()
            free_stock = ticket._serial_free_stock()
            to_buy = ticket._serial_units_to_buy(free_stock)
            usable = sum(
                min(len(free_stock.get(product_id, ())), qty)
                for product_id, qty in to_source.items()
            )
            ticket.serial_qty_to_source = sum(to_source.values())
            ticket.serial_qty_free_stock = usable
            ticket.serial_qty_to_buy = sum(to_buy.values())
            ticket.serial_next_step = ticket._serial_compute_next_step(
                ticket.serial_qty_to_source, usable
            )

    # ------------------------------------------------------------------
    # Figures per product
    # ------------------------------------------------------------------

    def _serial_units_needed(self):
        """Return {product: quantity} of serialized units ordered on the estimate."""
        self.ensure_one()
        needed = defaultdict(float)
        for line in self.sale_order_id.order_line:
            if line.display_type or line.is_downpayment:
                continue
            product = line.product_id
            if product.tracking != "serial":
                continue
            needed[product] += line.product_uom._compute_quantity(
                line.product_uom_qty, product.uom_id
            )
        return needed

    def _serial_units_allocated(self):
        """Return {product_id: count} of serials received onto this ticket."""
        groups = self.env["stock.lot"]._read_group(
            [("ticket_id", "in", self.ids)], ["product_id"], ["__count"]
        )
        return {product.id: count for product, count in groups}

    def _serial_units_on_open_purchases(self):
        """Return {product_id: quantity} still to receive on the ticket's POs."""
        self.ensure_one()
        pending = defaultdict(float)
        lines = self.purchase_order_ids.filtered(
            lambda po: po.state != "cancel"
        ).order_line
        for line in lines:
            if line.display_type:
                continue
            product = line.product_id
            open_qty = line.product_uom._compute_quantity(
                max(line.product_qty - line.qty_received, 0.0), product.uom_id
            )
            pending[product.id] += open_qty
        return pending

    def _serial_units_unallocated(self):
        """Return {product_id: units ordered but without a serial on this ticket}."""
        self.ensure_one()
        allocated = self._serial_units_allocated()
        return {
            product.id: qty - allocated.get(product.id, 0)
            for product, qty in self._serial_units_needed().items()
        }

    def _prepare_purchase_order_vals(self, vendor, lines_qty):
        self.ensure_one()
        return {
            "partner_id": vendor.id,
            "company_id": self.company_id.id,
            "ticket_id": self.id,
            "origin": ", ".join(filter(None, [self.sale_order_id.name, self.number])),
            "order_line": [
                Command.create({"product_id": product.id, "product_qty": qty})
                for product, qty in lines_qty
            ],
        }

    def _serial_units_to_source(self):
        """{product_id: units neither allocated nor on an open purchase order}."""
        self.ensure_one()
        unallocated = self._serial_units_unallocated()
        on_order = self._serial_units_on_open_purchases()
        return {
            product_id: max(qty - on_order.get(product_id, 0.0), 0.0)
            for product_id, qty in unallocated.items()
        }

    def _serial_free_stock(self):
        """{product_id: stock.lot} of serials on hand free for this ticket:
        in stock in its company, on no ticket. Those the ticket's own delivery
        already reserved come first."""
        self.ensure_one()
        needed = self._serial_units_needed()
        if not needed:
            return {}
        lots = self.env["stock.lot"].search(
            self.env["stock.lot"]._serial_free_stock_domain(
                [p.id for p in needed], self.company_id or self.env.company
            ),
            order="id",
        )
        reserved = self._serial_delivery_moves().move_line_ids.lot_id
        free = defaultdict(lambda: self.env["stock.lot"])
        for lot in (lots & reserved) | (lots - reserved):
            free[lot.product_id.id] |= lot
        return free

    def _serial_units_to_buy(self, free_stock=None):
        """{product_id: units to buy}: not allocated, not on order, not coverable
        by free serials in stock."""
        self.ensure_one()
        free_stock = self._serial_free_stock() if free_stock is None else free_stock
        return {
            product_id: max(qty - len(free_stock.get(product_id, ())), 0.0)
            for product_id, qty in self._serial_units_to_source().items()
        }

    def _serial_delivery_moves(self):
        """Pending moves of the ticket's deliveries, from stock."""
        return self.sale_order_id.picking_ids.move_ids.filtered(
            lambda m: (
                m.state not in ("draft", "done", "cancel")
                and m.location_id.usage == "internal"
            )
        )

    def _serial_lines_short(self):
        """Estimate lines of serialized products with fewer serials than units."""
        self.ensure_one()
        return self.sale_order_id.order_line.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and line.product_id.tracking == "serial"
                and float_compare(
                    len(line.serial_lot_ids),
                    line.product_uom._compute_quantity(
                        line.product_uom_qty, line.product_id.uom_id
                    ),
                    precision_rounding=line.product_id.uom_id.rounding,
                )
                < 0
            )
        )

    # ------------------------------------------------------------------
    # Allocation from stock
    # ------------------------------------------------------------------

    def action_allocate_from_stock(self):
        """Open the dialog that picks the exact serials to take from stock."""
        self.ensure_one()
        self._get_confirmed_order()
        return {
            "type": "ir.actions.act_window",
            "name": _("Allocate from Stock"),
            "res_model": "serial.procurement.allocate.stock.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_allocate_first_available(self):
        """Allocate the first free serials in stock to every short estimate line."""
        self.ensure_one()
        self._get_confirmed_order()
        free_stock = self._serial_free_stock()
        allocated = self.env["stock.lot"]
        for line in self._serial_lines_short():
            wanted = line._serial_units_missing()
            lots = free_stock.get(line.product_id.id, self.env["stock.lot"])
            take = lots[:wanted]
            if take:
                take._serial_allocate_from_stock(line)
                free_stock[line.product_id.id] = lots - take
                allocated |= take
        if not allocated:
            raise UserError(
                _(
                    "No free serial in stock for ticket %(ticket)s: every unit is "
                    "allocated already, or none is on hand.",
                    ticket=self.display_name,
                )
            )
        return True

    # ------------------------------------------------------------------
    # Purchase
    # ------------------------------------------------------------------

    def action_create_purchase_orders(self):
        """Create draft POs, one per vendor, for the serialized units that are
        not allocated, not on an open purchase order of the ticket and not
        covered by free serials in stock; say so when nothing is to buy."""
        self.ensure_one()
        self._get_confirmed_order()
        company_self = self.with_company(self.company_id)
        free_stock = self._serial_free_stock()
        to_buy_qty = self._serial_units_to_buy(free_stock)
        by_vendor = defaultdict(list)
        missing_vendor = []
        for product in self.env["product.product"].browse(list(to_buy_qty)):
            to_buy = to_buy_qty[product.id]
            if (
                float_compare(to_buy, 0.0, precision_rounding=product.uom_id.rounding)
                <= 0
            ):
                continue
            seller = (
                product.with_company(self.company_id)._select_seller(
                    quantity=to_buy, uom_id=product.uom_id
                )
                or product.seller_ids.filtered(
                    lambda s: s.company_id in (self.company_id, self.env["res.company"])
                )[:1]
            )
            if not seller:
                missing_vendor.append(product.display_name)
                continue
            by_vendor[seller.partner_id].append((product, to_buy))
        if missing_vendor:
            raise UserError(
                _(
                    "No vendor is set on these products, so no purchase order can be "
                    "made: %(products)s. Add a vendor price on the product's "
                    "Purchase tab.",
                    products=", ".join(missing_vendor),
                )
            )
        if not by_vendor:
            raise self._serial_explain_nothing_to_buy(free_stock)
        orders = company_self.env["purchase.order"].create(
            [
                self._prepare_purchase_order_vals(vendor, lines)
                for vendor, lines in by_vendor.items()
            ]
        )
        self.message_post(
            body=Markup(_("Purchase orders created: %(orders)s"))
            % {"orders": Markup(", ").join(o._get_html_link() for o in orders)}
        )
        return self.action_view_purchase_orders(orders)

    def _serial_explain_nothing_to_buy(self, free_stock):
        """The UserError of a Create Purchase Orders that has nothing to buy."""
        self.ensure_one()
        reasons = []
        coverable = {
            product_id: qty
            for product_id, qty in self._serial_units_to_source().items()
            if qty > 0
        }
        if coverable:
            reasons.append(
                _(
                    "the serials in stock cover %(products)s: use Allocate from Stock.",
                    products=", ".join(
                        self.env["product.product"]
                        .browse(list(coverable))
                        .mapped("display_name")
                    ),
                )
            )
        open_orders = self.purchase_order_ids.filtered(lambda o: o.state != "cancel")
        if open_orders:
            reasons.append(
                _(
                    "the rest is on purchase orders %(orders)s.",
                    orders=", ".join(open_orders.mapped("name")),
                )
            )
        if not reasons:
            reasons.append(_("every unit already has a serial."))
        return UserError(
            _(
                "Nothing to buy for ticket %(ticket)s: %(reasons)s",
                ticket=self.display_name,
                reasons=" ".join(reasons),
            )
        )
