# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A serial reserved for a ticket leaves the company's stock only to its
ticket's customer (issue #9): scraps, vendor returns and write-offs by an
inventory adjustment are refused until a manager releases it; moves between
shelves stay allowed."""

import base64

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestReservedPaths(SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Reserved Shelf", "location_id": cls.stock_location.id}
        )
        cls.suppliers = cls.env.ref("stock.stock_location_suppliers")

    def setUp(self):
        super().setUp()
        order = self._create_quotation([(self.firewall, 1)])
        self.ticket = self._create_ticket(order)
        self._receive(self._purchase(self.ticket), self.firewall, "RSV-1")
        self.lot = self.ticket.lot_ids
        self.assertEqual(self.lot._serial_reserved(), self.lot)

    def _place(self):
        self.env.invalidate_all()
        return self.lot.quant_ids.filtered(
            lambda q: q.quantity > 0 and q.location_id.usage == "internal"
        ).location_id

    def _transfer(self, dest, picking_type):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": self.stock_location.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.firewall.name,
                            "product_id": self.firewall.id,
                            "product_uom_qty": 1,
                            "product_uom": self.firewall.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": dest.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": self.firewall.id,
                "product_uom_id": self.firewall.uom_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": dest.id,
                "lot_id": self.lot.id,
                "quantity": 1,
            }
        )
        move.picked = True
        picking.button_validate()
        return picking

    def _scrap(self):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.firewall.id,
                "lot_id": self.lot.id,
                "location_id": self.stock_location.id,
                "scrap_qty": 1,
            }
        )
        scrap.do_scrap()
        return scrap

    def _count(self, location, qty):
        quant = self.env["stock.quant"].with_context(inventory_mode=True)
        quant = quant.search(
            [("lot_id", "=", self.lot.id), ("location_id", "=", location.id)]
        ) or quant.create(
            {
                "product_id": self.firewall.id,
                "location_id": location.id,
                "lot_id": self.lot.id,
            }
        )
        quant.inventory_quantity = qty
        quant.action_apply_inventory()

    # ------------------------------------------------------------ refused

    def test_scrap_refused_until_released(self):
        with self.assertRaisesRegex(UserError, "cannot be scrapped") as info:
            with self.env.cr.savepoint():
                self._scrap()
        self.assertIn("RSV-1", str(info.exception))
        self.assertIn("release", str(info.exception))
        self.assertEqual(self._place(), self.stock_location, "nothing written")
        self.lot.action_release_ticket()
        scrap = self._scrap()
        self.assertEqual(scrap.state, "done")
        self.assertFalse(self._place())

    def test_vendor_return_refused(self):
        with self.assertRaisesRegex(UserError, "returned to a vendor"):
            with self.env.cr.savepoint():
                self._transfer(self.suppliers, self.warehouse.out_type_id)
        self.assertEqual(self._place(), self.stock_location)
        self.assertEqual(self.lot.ticket_id, self.ticket)

    def test_write_off_by_inventory_adjustment_refused(self):
        with self.assertRaisesRegex(UserError, "inventory adjustment"):
            with self.env.cr.savepoint():
                self._count(self.stock_location, 0)
                self.env.cr.flush()  # checked just before commit
        self.assertEqual(self._place(), self.stock_location)

    # ------------------------------------------------------------ allowed

    def test_move_between_shelves_allowed(self):
        picking = self._transfer(self.shelf, self.warehouse.int_type_id)
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._place(), self.shelf)
        self.assertEqual(self.lot.ticket_id, self.ticket)

    def test_count_sheet_move_allowed(self):
        """Counted 0 where it was, then 1 on another shelf (two adjustments,
        as a count sheet applies them): on hand at commit, accepted."""
        self._count(self.stock_location, 0)
        self._count(self.shelf, 1)
        self.env.cr.flush()
        self.assertEqual(self._place(), self.shelf)
        self.assertEqual(self.lot.ticket_id, self.ticket)

    def _sheet(self, rows):
        self.firewall.default_code = "FW-R"
        text = "Product,Location,SerialOrBatch,Counted Quantity\n" + "\n".join(
            f"FW-R,{location.complete_name},RSV-1,{qty}" for location, qty in rows
        )
        self.env["serial.procurement.count.sheet.wizard"].create(
            {"data": base64.b64encode(text.encode()), "filename": "count.csv"}
        ).action_import()
        self.env.cr.flush()  # checked just before commit

    def test_count_sheet_wizard(self):
        with self.assertRaisesRegex(UserError, "inventory adjustment"):
            with self.env.cr.savepoint():
                self._sheet([(self.stock_location, 0)])
        self.assertEqual(self._place(), self.stock_location)
        self._sheet([(self.stock_location, 0), (self.shelf, 1)])
        self.assertEqual(self._place(), self.shelf)
        self.assertEqual(self.lot.ticket_id, self.ticket)

    def test_delivered_serial_no_longer_reserved(self):
        self._deliver(self.ticket.sale_order_id)
        self.assertEqual(self.lot.ticket_id, self.ticket, "history kept")
        self.assertFalse(self.lot._serial_reserved())
