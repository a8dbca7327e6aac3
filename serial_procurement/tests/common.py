# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


def call_kw_over_http(case, model, method, args, kwargs):
    """``(answer, response)`` of one ``/web/dataset/call_kw`` JSON-RPC request
    of the HttpCase ``case``, as its logged-in user: ``answer`` is the decoded
    body (``result`` or ``error``)."""
    payload = {
        "id": 0,
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
    }
    response = case.url_open(
        "/web/dataset/call_kw",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    response.raise_for_status()
    return response.json(), response


def draft_credit_note(invoice):
    """The draft credit note of the whole ``invoice``, made as a user does
    (Credit Note wizard, ``account.move.reversal``)."""
    reversal = (
        invoice.env["account.move.reversal"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create({"journal_id": invoice.journal_id.id})
    )
    reversal.refund_moves()
    return invoice.reversal_move_ids


def count_sheet_export(wizard):
    """Export ``wizard``'s count sheet; return the downloaded file's bytes
    (Export is a download: the wizard's upload field stays empty)."""
    action = wizard.action_export()
    assert action["type"] == "ir.actions.act_url", action
    attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
    return wizard.env["ir.attachment"].browse(attachment_id).raw


class SerialProcurementCase(TransactionCase):
    """Shared fixtures: a company with deposits on, a customer, two vendors,
    two serial-tracked products with vendor prices and no taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "serial_deposit_enabled": True,
                "serial_block_direct_invoice": True,
                "serial_rules_enabled": True,
            }
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
                "register_payment": bool(journal),
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

    def _put_in_stock(self, product, names):
        """Serials on hand, on no ticket (bought earlier for stock)."""
        lots = self.env["stock.lot"].create(
            [{"name": name, "product_id": product.id} for name in names]
        )
        for lot in lots:
            self.env["stock.quant"]._update_available_quantity(
                product, self.stock_location, 1, lot_id=lot
            )
        return lots

    def _delivery(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def _deliver(self, order):
        """Validate the estimate's delivery with the serials it reserved."""
        delivery = self._delivery(order)
        self._validate(delivery)
        return delivery

    def _receive(self, purchase, product, serials, ticket=False):
        picking = purchase.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        self._enter_serials(picking, product, serials, ticket=ticket)
        self._validate(picking)
        return picking


class SerialLifecycleCommon(TransactionCase):
    """Fixtures of the serial lifecycle tests: a serial product, a batch product
    with expiry, a vendor, a customer, stock locations and two users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.serial_rules_enabled = True
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf 1", "location_id": cls.stock.id, "usage": "internal"}
        )
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")
        cls.vendor = cls.env["res.partner"].create({"name": "Lifecycle Vendor"})
        cls.customer = cls.env["res.partner"].create({"name": "Lifecycle Customer"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Serial Router",
                "default_code": "SER-ROUTER",
                "is_storable": True,
                "tracking": "serial",
                "list_price": 100.0,
            }
        )
        cls.batch_product = cls.env["product.product"].create(
            {
                "name": "Carpet Roll",
                "default_code": "BATCH-CARPET",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "expiration_time": 30,
            }
        )
        cls.plain_product = cls.env["product.product"].create(
            {"name": "Cable", "default_code": "CABLE", "is_storable": True}
        )
        groups_user = (
            "serial_procurement.group_serial_procurement_user,stock.group_stock_manager,"
            "account.group_account_invoice,stock.group_production_lot"
        )
        cls.user = new_test_user(cls.env, login="sp_lifecycle_user", groups=groups_user)
        cls.manager = new_test_user(
            cls.env,
            login="sp_lifecycle_manager",
            groups=groups_user + ",serial_procurement.group_serial_procurement_manager",
        )

    # ------------------------------------------------------------- helpers

    @classmethod
    def _adjust_in(cls, product, names, location=None, qty=1.0):
        """Opening stock: create the lots and apply an inventory adjustment."""
        location = location or cls.stock
        lots = cls.env["stock.lot"].create(
            [
                {"name": name, "product_id": product.id, "company_id": cls.company.id}
                for name in names
            ]
        )
        quants = (
            cls.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {
                        "product_id": product.id,
                        "location_id": location.id,
                        "lot_id": lot.id,
                        "inventory_quantity": qty,
                    }
                    for lot in lots
                ]
            )
        )
        quants._apply_inventory()
        return lots

    def _picking(self, picking_type, src, dest, product, qty, partner=None):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "partner_id": (partner or self.customer).id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": product.uom_id.id,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking

    def _set_lines(self, picking, lines):
        """Replace the move lines with ``lines``: list of dicts (lot_id / lot_name,
        quantity, optional location_id / location_dest_id / expiration_date)."""
        move = picking.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                    **vals,
                }
                for vals in lines
            ]
        )
        move.picked = True

    def _invoice(self, product, qty, lots=None, **line_vals):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": qty,
                            "price_unit": 100.0,
                            "lot_ids": [Command.set(lots.ids)] if lots else [],
                            **line_vals,
                        }
                    )
                ],
            }
        )

    def _lot_count(self, product=None):
        return self.env["stock.lot"].search_count(
            [("product_id", "=", (product or self.product).id)]
        )


class SerialAfterSaleCommon(SerialLifecycleCommon):
    """After the sale (issue #13): a product with 24 months of vendor warranty
    and 12 months of customer warranty, a second customer, a contact of the
    first customer, and helpers to receive and deliver serials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.write(
            {"vendor_warranty_months": 24, "customer_warranty_months": 12}
        )
        cls.customer.is_company = True
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Lifecycle Contact", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True}
        )

    @classmethod
    def _move_serials(cls, picking_type, src, dest, partner, lots=None, names=None):
        """Validate one transfer of ``lots`` (existing) or ``names`` (new)."""
        count = len(lots) if lots else len(names)
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "partner_id": partner.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": cls.product.name,
                            "product_id": cls.product.id,
                            "product_uom_qty": count,
                            "product_uom": cls.product.uom_id.id,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        specs = (
            [{"lot_id": lot.id} for lot in lots]
            if lots
            else [{"lot_name": name} for name in names]
        )
        cls.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": cls.product.id,
                    "product_uom_id": cls.product.uom_id.id,
                    "location_id": src.id,
                    "location_dest_id": dest.id,
                    "quantity": 1.0,
                    **spec,
                }
                for spec in specs
            ]
        )
        move.picked = True
        picking.button_validate()
        return picking

    @classmethod
    def _receive_serials(cls, names, vendor=None):
        picking = cls._move_serials(
            cls.warehouse.in_type_id,
            cls.suppliers,
            cls.stock,
            vendor or cls.vendor,
            names=names,
        )
        return picking.move_line_ids.lot_id

    @classmethod
    def _deliver_serials(cls, lots, customer=None):
        return cls._move_serials(
            cls.warehouse.out_type_id,
            cls.stock,
            cls.customers,
            customer or cls.customer,
            lots=lots,
        )
