# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class SerialProcurementCase(TransactionCase):
    """Shared fixtures: a company with deposits on, a customer, two vendors,
    two serial-tracked products with vendor prices and no taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {"serial_deposit_enabled": True, "serial_block_direct_invoice": True}
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer = cls.env["res.partner"].create(
            {"name": "Northwind Dental", "is_company": True}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Contoso Legal", "is_company": True}
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Acme Distribution"})
        cls.vendor_b = cls.env["res.partner"].create({"name": "Globex Supplies"})
        cls.firewall = cls._create_serial_product(
            "Managed Firewall FW-200", 1200.0, 800.0, cls.vendor
        )
        cls.switch = cls._create_serial_product(
            "Switch SW-24", 300.0, 200.0, cls.vendor_b
        )
        cls.service = cls.env["product.product"].create(
            {
                "name": "Installation",
                "type": "service",
                "list_price": 150.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )

    @classmethod
    def _create_serial_product(cls, name, price, cost, vendor):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "tracking": "serial",
                "invoice_policy": "order",
                "list_price": price,
                "standard_price": cost,
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
                "seller_ids": [
                    Command.create({"partner_id": vendor.id, "price": cost})
                ],
            }
        )

    @classmethod
    def _create_user(cls, login, groups):
        return new_test_user(
            cls.env, login=login, groups=groups, company_id=cls.company.id
        )

    # ------------------------------------------------------------------
    # Flow helpers
    # ------------------------------------------------------------------

    def _create_quotation(self, lines, partner=None):
        """``lines``: list of (product, qty) or (product, qty, price)."""
        order_lines = []
        for spec in lines:
            product, qty = spec[0], spec[1]
            vals = {"product_id": product.id, "product_uom_qty": qty}
            if len(spec) > 2:
                vals["price_unit"] = spec[2]
            order_lines.append(Command.create(vals))
        return self.env["sale.order"].create(
            {"partner_id": (partner or self.customer).id, "order_line": order_lines}
        )

    def _create_ticket(self, order):
        action = order.action_create_ticket()
        return self.env["helpdesk.ticket"].browse(action["res_id"])

    def _take_deposit(self, ticket, amount, amount_type="fixed", journal=None):
        wizard = self.env["serial.procurement.deposit.wizard"].create(
            {
                "ticket_id": ticket.id,
                "amount_type": amount_type,
                "amount": amount,
                "journal_id": journal.id if journal else False,
            }
        )
        wizard.action_confirm()
        return ticket.deposit_invoice_ids.sorted("id")[-1:]

    def _purchase(self, ticket):
        ticket.action_create_purchase_orders()
        orders = ticket.purchase_order_ids
        orders.button_confirm()
        return orders

    def _enter_serials(self, picking, product, serials, ticket=False):
        move = picking.move_ids.filtered(lambda m: m.product_id == product)
        wizard = self.env["serial.procurement.serial.entry.wizard"].create(
            {"move_id": move.id, "serials": serials}
        )
        if ticket is not False:
            wizard.ticket_id = ticket
        wizard.action_apply()
        return move

    def _validate(self, picking):
        picking.move_ids.picked = True
        return picking.button_validate()

    def _receive(self, purchase, product, serials, ticket=False):
        picking = purchase.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        self._enter_serials(picking, product, serials, ticket=ticket)
        self._validate(picking)
        return picking
