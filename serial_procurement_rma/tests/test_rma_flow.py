# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user

from odoo.addons.serial_procurement.tests.common import SerialAfterSaleCommon


class TestSerialRma(SerialAfterSaleCommon):
    """From a service ticket: customer RMA on the exact serial (OCA rma +
    rma_lot), received back, returned to its vendor, replaced by a new serial
    delivered to the same customer; both histories tell the story."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-01-10 10:00:00"):
            cls.old_lot = cls._receive_serials(["R-OLD"])
            cls.spare = cls._receive_serials(["R-SPARE"])
        with freeze_time("2026-02-01 10:00:00"):
            cls._deliver_serials(cls.old_lot, cls.customer_contact)
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Router dead",
                "description": "No power",
                "service_lot_ids": [Command.set(cls.old_lot.ids)],
            }
        )

    # ------------------------------------------------------------ helpers

    def _done(self, picking, lot):
        picking.action_assign()
        move = picking.move_ids
        if not move.move_line_ids:
            self.env["stock.move.line"].create(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
            )
        move.move_line_ids.write({"lot_id": lot.id, "quantity": 1.0})
        move.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _create_rma(self):
        self.ticket.action_serial_create_rma()
        rma = self.ticket.rma_ids
        self.assertEqual(len(rma), 1)
        return rma

    def _receive_back(self, rma):
        self._done(rma.reception_move_id.picking_id, self.old_lot)
        self.assertEqual(rma.state, "received")

    def _replace(self, rma, **vals):
        # run as the RMA's user
        wizard = rma.env["serial.procurement.rma.replacement.wizard"].create(
            {"rma_id": rma.id, **vals}
        )
        wizard.action_confirm()
        return rma.replacement_lot_id

    # -------------------------------------------------------------- flow

    def test_full_flow_from_ticket_to_replacement(self):
        rma = self._create_rma()
        self.assertEqual(rma.lot_id, self.old_lot)
        self.assertEqual(rma.partner_id, self.customer)
        self.assertEqual(rma.state, "confirmed")
        reception = rma.reception_move_id
        self.assertEqual(reception.restrict_lot_id, self.old_lot)
        self.assertEqual(rma.serial_vendor_id, self.vendor)

        self._receive_back(rma)
        self.assertFalse(self.old_lot.serial_at_customer)
        self.assertEqual(self.old_lot.delivered_partner_id, self.customer)

        action = rma.action_serial_return_to_vendor()
        to_vendor = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(rma.vendor_return_picking_id, to_vendor)
        self.assertEqual(to_vendor.partner_id, self.vendor)
        self.assertEqual(to_vendor.location_dest_id.usage, "supplier")
        self.assertEqual(to_vendor.location_id, rma.location_id)
        self.assertTrue(to_vendor.move_ids.origin_returned_move_id)
        self._done(to_vendor, self.old_lot)
        with self.assertRaisesRegex(UserError, "already on its way back"):
            rma.action_serial_return_to_vendor()

        with freeze_time("2026-05-04 10:00:00"):
            new_lot = self._replace(rma, lot_name="R-NEW")
            self.assertEqual(new_lot.name, "R-NEW")
            self.assertEqual(new_lot.supplier_id, self.vendor)
            self.assertEqual(new_lot.serial_received_date, date(2026, 5, 4))
            self.assertEqual(rma.state, "waiting_replacement")
            delivery = rma.delivery_move_ids.picking_id
            self.assertEqual(rma.delivery_move_ids.restrict_lot_id, new_lot)
            self._done(delivery, new_lot)
        self.assertEqual(rma.state, "replaced")

        # the story, on both serials and on the ticket
        self.assertEqual(new_lot.replaced_lot_id, self.old_lot)
        self.assertEqual(self.old_lot.replacement_lot_ids, new_lot)
        self.assertEqual(self.old_lot.serial_rma_ids, rma)
        self.assertEqual(new_lot.delivered_partner_id, self.customer)
        self.assertIn(new_lot, self.ticket.service_lot_ids)
        self.assertIn(self.ticket, new_lot.service_ticket_ids)
        old_moves = self.old_lot.history_move_line_ids
        self.assertEqual(
            sorted(old_moves.location_dest_id.mapped("usage")),
            ["customer", "internal", "internal", "supplier"],
        )
        # warranty carried over (the product's default)
        self.assertEqual(self.old_lot.customer_warranty_end, date(2027, 2, 1))
        self.assertEqual(new_lot.customer_warranty_end, date(2027, 2, 1))
        self.assertEqual(new_lot.vendor_warranty_end, date(2028, 5, 4))

    def test_replacement_warranty_restarts_when_the_product_says_so(self):
        self.product.serial_replacement_warranty = "restart"
        rma = self._create_rma()
        self._receive_back(rma)
        with freeze_time("2026-06-10 10:00:00"):
            new_lot = self._replace(rma, lot_id=self.spare.id)
            self._done(rma.delivery_move_ids.picking_id, new_lot)
        self.assertEqual(new_lot, self.spare)
        self.assertEqual(new_lot.customer_warranty_end, date(2027, 6, 10))

    def test_ticket_skips_serials_already_on_an_rma(self):
        self._create_rma()
        with self.assertRaisesRegex(UserError, "No serial to return"):
            self.ticket.action_serial_create_rma()

    # ---------------------------------------------------------- refusals

    def test_return_of_a_serial_the_customer_never_got(self):
        count = self.env["rma"].search_count([])
        with (
            self.assertRaisesRegex(ValidationError, "never delivered"),
            self.cr.savepoint(),
        ):
            self.env["rma"].create(
                {
                    "partner_id": self.other_customer.id,
                    "product_id": self.product.id,
                    "product_uom_qty": 1.0,
                    "product_uom": self.product.uom_id.id,
                    "lot_id": self.old_lot.id,
                    "operation_id": self.env.ref("rma.rma_operation_replace").id,
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "never delivered"),
            self.cr.savepoint(),
        ):
            self.env["rma"].create(
                {
                    "partner_id": self.customer.id,
                    "product_id": self.product.id,
                    "product_uom_qty": 1.0,
                    "product_uom": self.product.uom_id.id,
                    "lot_id": self.spare.id,
                    "operation_id": self.env.ref("rma.rma_operation_replace").id,
                }
            )
        self.assertEqual(self.env["rma"].search_count([]), count)

    def test_lot_domain_lists_the_customers_serials(self):
        rma = self._create_rma()
        self.assertEqual(self.env["stock.lot"].search(rma.domain_lot_id), self.old_lot)

    def test_replacement_serial_in_use_is_refused(self):
        other_lot = self._receive_serials(["R-AT-OTHER"])
        self._deliver_serials(other_lot, self.other_customer)
        rma = self._create_rma()
        self._receive_back(rma)
        moves_before = rma.delivery_move_ids
        cases = [
            ({"lot_id": other_lot.id}, "it is at customer"),
            ({"lot_id": self.old_lot.id}, "returned serial itself"),
            ({"lot_name": "R-SPARE"}, "already exists"),
            ({}, "one of the two"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, message):
                self._replace(rma, **vals)
            self.assertFalse(rma.replacement_lot_id)
            self.assertEqual(rma.delivery_move_ids, moves_before)
            self.assertEqual(rma.state, "received")
        # a serial already promised on another RMA
        self._replace(rma, lot_id=self.spare.id)
        second = self._receive_serials(["R-OLD-2"])
        self._deliver_serials(second, self.customer)
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Second unit",
                "description": "x",
                "service_lot_ids": [Command.set(second.ids)],
            }
        )
        ticket.action_serial_create_rma()
        other_rma = ticket.rma_ids
        self._done(other_rma.reception_move_id.picking_id, second)
        with self.assertRaisesRegex(UserError, "replaces a serial on"):
            self._replace(other_rma, lot_id=self.spare.id)
        self.assertFalse(other_rma.replacement_lot_id)

    def _waiting_deliveries(self, count):
        """``count`` deliveries of the product to another customer, each
        waiting for a unit (the spare serial goes to the first one)."""
        pickings = self.env["stock.picking"]
        for _index in range(count):
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": self.warehouse.out_type_id.id,
                    "location_id": self.stock.id,
                    "location_dest_id": self.customers.id,
                    "partner_id": self.other_customer.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": self.product.name,
                                "product_id": self.product.id,
                                "product_uom_qty": 1.0,
                                "product_uom": self.product.uom_id.id,
                                "location_id": self.stock.id,
                                "location_dest_id": self.customers.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.action_assign()
            pickings |= picking
        return pickings

    def test_new_vendor_serial_goes_to_the_rma_not_to_a_waiting_delivery(self):
        """Core reserves what a receipt brings in for the deliveries waiting for
        it: the vendor's new serial is the RMA's, the other deliveries keep
        waiting (issue #21 item 1)."""
        rma = self._create_rma()
        self._receive_back(rma)
        first, *waiting = self._waiting_deliveries(3)
        self.assertEqual(first.move_line_ids.lot_id, self.spare)
        waiting = self.env["stock.picking"].union(*waiting)
        self.assertEqual(set(waiting.mapped("state")), {"confirmed"})

        new_lot = self._replace(rma, lot_name="R-NEW-WAIT")

        self.assertEqual(new_lot.name, "R-NEW-WAIT")
        self.assertEqual(rma.state, "waiting_replacement")
        delivery = rma.delivery_move_ids.picking_id
        self.assertEqual(delivery.partner_id, rma.partner_shipping_id)
        self.assertEqual(rma.delivery_move_ids.move_line_ids.lot_id, new_lot)
        self.assertEqual(rma.delivery_move_ids.state, "assigned")
        self.assertEqual(set(waiting.mapped("state")), {"confirmed"})
        self.assertFalse(waiting.move_line_ids)
        self.assertEqual(first.move_line_ids.lot_id, self.spare)
        self._done(delivery, new_lot)
        self.assertEqual(rma.state, "replaced")
        self.assertEqual(new_lot.delivered_partner_id, self.customer)

    def test_return_to_vendor_needs_the_unit_back(self):
        rma = self._create_rma()
        with self.assertRaisesRegex(UserError, "not in stock"):
            rma.action_serial_return_to_vendor()
        self.assertFalse(rma.vendor_return_picking_id)

    def test_flow_as_a_service_desk_user(self):
        """A stock user with RMA and helpdesk rights runs the flow: no access
        error, no administrator needed."""
        user = new_test_user(
            self.env,
            login="sp_rma_desk",
            groups="base.group_user,stock.group_stock_user,rma.rma_group_user_all,"
            "helpdesk_mgmt.group_helpdesk_user,stock.group_production_lot",
        )
        self.ticket.message_subscribe(partner_ids=user.partner_id.ids)
        ticket = self.ticket.with_user(user)
        ticket.action_serial_create_rma()
        rma = ticket.rma_ids
        self._done(rma.reception_move_id.picking_id.with_user(user), self.old_lot)
        action = rma.action_serial_return_to_vendor()
        self._done(
            self.env["stock.picking"].with_user(user).browse(action["res_id"]),
            self.old_lot,
        )
        new_lot = self._replace(rma, lot_name="R-DESK")
        self._done(rma.delivery_move_ids.picking_id.with_user(user), new_lot)
        self.assertEqual(rma.state, "replaced")
        self.assertEqual(new_lot.replaced_lot_id, self.old_lot)

    def test_bridge_installs_itself(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "serial_procurement_rma")]
        )
        self.assertTrue(module.auto_install)
        self.assertEqual(module.state, "installed")
