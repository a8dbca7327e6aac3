# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import TransactionCase


class SerialMrpCase(TransactionCase):
    """A serial-tracked firewall built from one serial-tracked mainboard and
    one serial-tracked power supply (plus an untracked screw set), with
    component serials in stock."""

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
        cls.firewall = cls._product("Firewall Appliance FA-1", "serial", "FA-1")
        cls.board = cls._product("Mainboard MB-9", "serial", "MB-9")
        cls.psu = cls._product("Power Supply PS-3", "serial", "PS-3")
        cls.screws = cls._product("Screw Set", "none", "SCREWS")
        cls.other = cls._product("Router RT-5", "serial", "RT-5")
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.firewall.product_tmpl_id.id,
                "product_qty": 1,
                "type": "normal",
                "bom_line_ids": [
                    Command.create({"product_id": cls.board.id, "product_qty": 1}),
                    Command.create({"product_id": cls.psu.id, "product_qty": 1}),
                    Command.create({"product_id": cls.screws.id, "product_qty": 4}),
                ],
            }
        )
        cls.env["stock.quant"]._update_available_quantity(cls.screws, cls.stock, 100)

    @classmethod
    def _product(cls, name, tracking, code):
        return cls.env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "is_storable": True,
                "tracking": tracking,
            }
        )

    @classmethod
    def _stock_serials(cls, product, names):
        lots = cls.env["stock.lot"].create(
            [
                {"name": name, "product_id": product.id, "company_id": cls.company.id}
                for name in names
            ]
        )
        for lot in lots:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.stock, 1, lot_id=lot
            )
        return lots

    def _production(self, qty=1, bom=None):
        production = self.env["mrp.production"].create(
            {
                "product_id": self.firewall.id,
                "product_qty": qty,
                "bom_id": (bom or self.bom).id,
            }
        )
        production.action_confirm()
        return production

    def _produce_wizard(self, production, serials):
        action = production.action_open_produce_serials()
        return (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"serials": serials})
        )

    def _lot(self, name, product=None):
        return self.env["stock.lot"].search(
            [("name", "=", name), ("product_id", "=", (product or self.firewall).id)]
        )
