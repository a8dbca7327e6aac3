# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class SerialLifecycleCommon(TransactionCase):
    """Fixtures of the serial lifecycle tests: a serial product, a batch product
    with expiry, a vendor, a customer, stock locations and two users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
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
