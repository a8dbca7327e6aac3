# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""F3 of issue #9, raced: a serial reserved for customer A's ticket at the
same moment as it is delivered to customer B, in two real transactions (see
test_races). Exactly one wins; X is never delivered to B while allocated to A.
"""

from psycopg2 import errors

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_races import RaceCase


@tagged("post_install", "-at_install")
class TestReservedRaces(RaceCase):
    def _reserved_race_setup(self, name):
        """Committed: serial ``name`` on hand, free; a ticket of customer A
        waiting for one unit; customer B's delivery of that serial, picked
        and ready to validate. Returns (lot id, sale line id, picking id)."""
        with self._env() as env:
            product = env["product.product"].browse(self.product_id)
            order = env["sale.order"].create(
                {
                    "partner_id": self.partner_ids[0],
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 9})
                    ],
                }
            )
            order.action_create_ticket()
            lot = env["stock.lot"].create(self._lot_vals(name))
            self._put_on_hand(env, lot.id, self.location_ids[0])
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", self.company_id)], limit=1
            )
            customers = env.ref("stock.stock_location_customers")
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "partner_id": self.partner_ids[1],
                    "location_id": self.location_ids[0],
                    "location_dest_id": customers.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "product_uom": product.uom_id.id,
                                "location_id": self.location_ids[0],
                                "location_dest_id": customers.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            move = picking.move_ids
            move.move_line_ids.unlink()
            env["stock.move.line"].create(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom_id": product.uom_id.id,
                    "location_id": self.location_ids[0],
                    "location_dest_id": customers.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                    "picked": True,
                }
            )
            move.picked = True
            self.assertTrue(order.ticket_id)
            return lot.id, order.order_line.id, picking.id

    def _allocate(self, env, lot_id, line_id):
        env["stock.lot"].browse(lot_id)._serial_allocate_from_stock(
            env["sale.order.line"].browse(line_id)
        )
        env.flush_all()

    def _validate(self, env, picking_id):
        env["stock.picking"].browse(picking_id).with_context(
            skip_backorder=True
        ).button_validate()
        env.flush_all()

    def _lot_state(self, lot_id):
        with self._env() as env:
            lot = env["stock.lot"].browse(lot_id)
            return lot.ticket_id.id, lot.in_stock

    def test_reserved_serial_delivered_meanwhile(self):
        """F3. User 1 allocates serial X on hand to customer A's ticket while
        user 2 validates customer B's delivery of X: user 1 commits first. The
        delivery fails on X's row (serialization failure, which Odoo retries)
        and its retry is refused: X stays in stock, reserved for A. The
        reservation check itself fails (it touches X's row), before the
        delivery writes anything."""
        lot_id, line_id, picking_id = self._reserved_race_setup(f"RT-F3A-{self.tag}")
        with self._two_transactions() as (env1, env2):
            self._allocate(env1, lot_id, line_id)
            env1.cr.commit()
            picking = env2["stock.picking"].browse(picking_id)
            with self.assertRaises(errors.SerializationFailure):
                picking._serial_outgoing_move_lines()._serial_check_delivery_reservation()
            env2.cr.rollback()
        with self._env() as env:  # Odoo's retry of the second request
            with self.assertRaisesRegex(UserError, "reserved for another ticket"):
                self._validate(env, picking_id)
            env.cr.rollback()
        ticket_id, in_stock = self._lot_state(lot_id)
        self.assertTrue(ticket_id)
        self.assertTrue(in_stock)
        with self._env() as env:
            self.assertNotEqual(env["stock.picking"].browse(picking_id).state, "done")

    def test_delivered_serial_reserved_meanwhile(self):
        """F3, the other order: customer B's delivery of X commits first; the
        allocation of X to A's ticket fails on X's row and its retry is
        refused: X is at customer B, on no ticket."""
        lot_id, line_id, picking_id = self._reserved_race_setup(f"RT-F3B-{self.tag}")
        with self._two_transactions() as (env1, env2):
            self._validate(env2, picking_id)
            env2.cr.commit()
            with self.assertRaises(errors.SerializationFailure):
                self._allocate(env1, lot_id, line_id)
            env1.cr.rollback()
        with self._env() as env:  # Odoo's retry of the first request
            with self.assertRaisesRegex(UserError, "not in stock"):
                self._allocate(env, lot_id, line_id)
            env.cr.rollback()
        self.assertEqual(self._lot_state(lot_id), (False, False))
        with self._env() as env:
            self.assertEqual(env["stock.picking"].browse(picking_id).state, "done")
