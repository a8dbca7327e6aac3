# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #19, stock side: scenarios of core's own tests that the addons broke,
each reproduced in essence (not copied): new lots take a company only where
core gives one, a serial that comes back is received again on its own record,
duplicate serials raise core's exception class, lot numbers keep core's
naming. Also the clear refusals of issue #18 item 10 on receipts."""

from types import SimpleNamespace

from odoo.exceptions import UserError, ValidationError

from .common import SerialLifecycleCommon


class TestCoreRegressions(SerialLifecycleCommon):
    def _vendor_receipt(self, names, product=None, qty=1):
        """A receipt from the vendor of ``qty`` units per name, not validated."""
        picking = self._picking(
            self.warehouse.in_type_id,
            self.suppliers,
            self.stock,
            product or self.product,
            qty * len(names),
            partner=self.vendor,
        )
        self._set_lines(picking, [{"lot_name": n, "quantity": qty} for n in names])
        return picking

    def _receive(self, names, product=None):
        picking = self._vendor_receipt(names, product)
        picking.button_validate()
        return picking

    def _return_to_vendor(self, receipt):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=receipt.id, active_model="stock.picking")
            .create({"picking_id": receipt.id})
        )
        wizard.product_return_moves.quantity = 1.0
        back = wizard._create_return()
        back.move_ids.move_line_ids.quantity = 1.0
        back.move_ids.picked = True
        back._action_done()
        return back

    # ------------------------------------------ core test_multicompany::intercom

    def test_new_lot_of_lot_tracked_product_keeps_core_company(self):
        """Core test_intercom_lot_push/pull: a lot of a product shared by the
        companies, received by company A, has no company (core's compute from
        the product), so company B may receive it from transit."""
        shared = self.env["product.product"].create(
            {"name": "Shared Paint", "is_storable": True, "tracking": "lot"}
        )
        receipt = self._picking(
            self.warehouse.in_type_id, self.suppliers, self.stock, shared, 2
        )
        self._set_lines(receipt, [{"lot_name": "PAINT-1", "quantity": 2}])
        receipt.button_validate()
        lot = receipt.move_line_ids.lot_id
        self.assertEqual(lot.name, "PAINT-1")
        self.assertFalse(lot.company_id, "core gives a shared product's lot none")
        company_b = self.env["res.company"].create({"name": "Intercom B"})
        self.env.user.company_ids |= company_b
        warehouse_b = self.env["stock.warehouse"].search(
            [("company_id", "=", company_b.id)], limit=1
        )
        transit = self.env.ref("stock.stock_location_inter_company")
        transit.active = True
        move = (
            self.env["stock.move"]
            .with_company(company_b)
            .create(
                {
                    "name": "from transit",
                    "company_id": company_b.id,
                    "product_id": shared.id,
                    "product_uom": shared.uom_id.id,
                    "product_uom_qty": 2,
                    "location_id": transit.id,
                    "location_dest_id": warehouse_b.lot_stock_id.id,
                    "picking_type_id": warehouse_b.in_type_id.id,
                }
            )
        )
        move._action_confirm()
        move.move_line_ids.unlink()
        self.env["stock.move.line"].with_company(company_b).create(
            {
                "move_id": move.id,
                "product_id": shared.id,
                "lot_id": lot.id,
                "quantity": 2,
                "location_id": transit.id,
                "location_dest_id": warehouse_b.lot_stock_id.id,
            }
        )
        move.picked = True
        move._action_done()
        self.assertEqual(move.state, "done")

    def test_new_serial_still_belongs_to_the_receiving_company(self):
        shared = self.env["product.product"].create(
            {"name": "Shared Router", "is_storable": True, "tracking": "serial"}
        )
        receipt = self._picking(
            self.warehouse.in_type_id, self.suppliers, self.stock, shared, 1
        )
        self._set_lines(receipt, [{"lot_name": "SHR-1", "quantity": 1}])
        receipt.button_validate()
        self.assertEqual(receipt.move_line_ids.lot_id.company_id, self.company)

    # ---------------- core test_quant::test_serial_constraint_with_package_and_return

    def test_serial_returned_to_vendor_is_received_again(self):
        """Received, sent back to the vendor (in a package), received again on
        a new receipt: the same serial record, its history shows both."""
        first = self._receive(["BACK-1"])
        lot = first.move_line_ids.lot_id
        back = self._return_to_vendor(first)
        self.assertEqual(back.state, "done")
        second = self._receive(["BACK-1"])
        self.assertEqual(second.state, "done")
        self.assertEqual(second.move_line_ids.lot_id, lot, "its record reused")
        self.assertEqual(self._lot_count(), 1)
        self.assertEqual(
            lot.quant_ids.filtered(lambda q: q.quantity > 0).location_id, self.stock
        )
        self.assertEqual(lot.receipt_ids, first | second)

    def test_serial_delivered_returned_and_sent_back_is_received_again(self):
        """Delivered, returned by the customer (on hand again: a receipt of it
        is refused), sent back to the vendor, then received again."""
        first = self._receive(["CYCLE-1"])
        lot = first.move_line_ids.lot_id
        out = self._picking(
            self.warehouse.out_type_id, self.stock, self.customers, self.product, 1
        )
        self._set_lines(out, [{"lot_id": lot.id, "quantity": 1}])
        out.button_validate()
        self.assertFalse(lot.in_stock)
        back_in = self._picking(
            self.warehouse.in_type_id, self.customers, self.stock, self.product, 1
        )
        self._set_lines(back_in, [{"lot_id": lot.id, "quantity": 1}])
        back_in.button_validate()
        self.assertTrue(lot.in_stock)
        refused = self._vendor_receipt(["CYCLE-1"])
        with self.assertRaisesRegex(UserError, "CYCLE-1"):
            refused.button_validate()
        refused.action_cancel()
        self._return_to_vendor(first)
        self.assertFalse(lot.in_stock)
        again = self._receive(["CYCLE-1"])
        self.assertEqual(again.move_line_ids.lot_id, lot)
        self.assertTrue(lot.in_stock)

    def test_serial_on_hand_refused_naming_only_existing_ones(self):
        """Only a serial on hand in an internal location is refused; the
        message names those serials only, where they are, and says how to go
        on; nothing is written."""
        self._receive(["HERE-1"])
        picking = self._vendor_receipt(["HERE-1", "FRESH-1"])
        with self.assertRaises(UserError) as info:
            picking.button_validate()
        message = str(info.exception)
        self.assertIn("HERE-1", message)
        self.assertIn(self.stock.complete_name, message)
        self.assertNotIn("FRESH-1", message)
        self.assertIn("Remove their lines", message)
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "FRESH-1")]))

    def test_refused_receipt_says_how_to_enter_again(self):
        """A refused receipt keeps its lines: entering serials again says to
        remove them first (was: "only 0 unit(s) remain to receive")."""
        self._receive(["AGAIN-1"])
        picking = self._vendor_receipt(["AGAIN-1"])
        with self.assertRaisesRegex(UserError, "Remove their lines"):
            picking.button_validate()
        wizard = self.env["serial.procurement.serial.entry.wizard"].create(
            {"move_id": picking.move_ids.id, "serials": "AGAIN-2"}
        )
        with self.assertRaisesRegex(
            UserError, "(?s)only 0 unit.*remove those lines from the receipt"
        ):
            wizard.action_apply()

    def test_existing_serial_race_message_names_only_existing(self):
        """The database's refusal of serials created at the same moment names
        the key PostgreSQL reports and those on record, not the whole batch."""
        Lot = self.env["stock.lot"]
        Lot.create(
            {
                "name": "RACE-1",
                "product_id": self.product.id,
                "company_id": self.company.id,
            }
        )
        error = SimpleNamespace(
            diag=SimpleNamespace(
                message_detail=(
                    "Key (product_id, COALESCE(company_id, 0), name)="
                    f"({self.product.id}, {self.company.id}, RACE-2) already exists."
                )
            )
        )
        vals_list = [
            {"name": name, "product_id": self.product.id, "company_id": self.company.id}
            for name in ("RACE-0", "RACE-1", "RACE-2", "RACE-3")
        ]
        self.assertEqual(
            Lot._serial_violating_names(error, vals_list), ["RACE-1", "RACE-2"]
        )

    # -------- core test_stock_flow::test_validate_multiple_pickings_with_same_lot_names

    def test_duplicate_serials_across_receipts_raise_validation_error(self):
        receipts = self.env["stock.picking"]
        for names in (["DUP-1", "DUP-2"], ["DUP-2", "DUP-1"]):
            receipts |= self._vendor_receipt(names)
        with self.assertRaises(ValidationError) as info:
            receipts.button_validate()
        message = str(info.exception)
        for picking in receipts:
            self.assertIn(picking.name, message, "says where the other one is")
        self.assertIn("DUP-1", message)
        self.assertFalse(self.env["stock.lot"].search([("name", "like", "DUP-")]))

    def test_same_lot_on_two_receipts_stays_allowed(self):
        receipts = self.env["stock.picking"]
        for _n in range(2):
            receipts |= self._vendor_receipt(["LOT-001"], self.batch_product, qty=3)
        receipts.button_validate()
        self.assertEqual(len(receipts.move_line_ids.lot_id), 1)

    # ---------- product_expiry test_set_multiple_lot_name_..._05_wrong_given_date

    def test_lot_numbers_keep_core_naming(self):
        """A lot number with a tab (an imported line whose date could not be
        read) keeps the full text as core does; a serial is still checked."""
        lot_product = self.env["product.product"].create(
            {"name": "Cement Bag", "is_storable": True, "tracking": "lot"}
        )
        picking = self._picking(
            self.warehouse.in_type_id, self.suppliers, self.stock, lot_product, 1
        )
        self._set_lines(picking, [{"lot_name": "ln06\t1989+04", "quantity": 1}])
        self.assertEqual(picking.move_line_ids.lot_name, "ln06\t1989+04")
        lot = self.env["stock.lot"].create(
            {"name": "ln07\tdacember", "product_id": lot_product.id}
        )
        self.assertEqual(lot.name, "ln07\tdacember")
        picking = self._picking(
            self.warehouse.in_type_id, self.suppliers, self.stock, self.product, 1
        )
        with self.assertRaisesRegex(UserError, "control character"):
            self._set_lines(picking, [{"lot_name": "SN\t1", "quantity": 1}])
        with self.assertRaisesRegex(UserError, "control character"):
            self.env["stock.lot"].create(
                {"name": "SN\t2", "product_id": self.product.id}
            )

    # ------------------------------------------------ company mismatch

    def test_ticket_of_another_company_names_the_serial(self):
        company_b = self.env["res.company"].create({"name": "Mismatch B"})
        ticket_b = self.env["helpdesk.ticket"].create(
            {"name": "B", "description": "b", "company_id": company_b.id}
        )
        picking = self._picking(
            self.warehouse.in_type_id, self.suppliers, self.stock, self.product, 1
        )
        with self.assertRaisesRegex(
            ValidationError, "(?s)MIS-1.*another company.*" + self.company.name
        ):
            self._set_lines(
                picking,
                [{"lot_name": "MIS-1", "quantity": 1, "ticket_id": ticket_b.id}],
            )

    # ------------------------------------------------ one place (#18 item 11)

    def test_one_place_checked_by_the_orm_before_commit(self):
        """Core's quant update that puts a serial in a second place is refused
        when the transaction ends (precommit), naming the serial and both
        places; into the new place first and out of the old one next is fine."""
        Quant = self.env["stock.quant"]
        lot = self._adjust_in(self.product, ["ONE-ORM"])
        self.env.cr.precommit.run()
        # (Odoo's assertRaises rolls its savepoint back on the refusal)
        with self.assertRaises(UserError) as info:
            Quant._update_available_quantity(self.product, self.shelf, 1, lot_id=lot)
            self.env.cr.precommit.run()
        self.assertRegex(
            str(info.exception),
            "(?s)two places at once.*ONE-ORM.*"
            f"{self.stock.complete_name} and {self.shelf.complete_name}",
        )
        Quant._update_available_quantity(self.product, self.shelf, 1, lot_id=lot)
        with self.env.cr.savepoint():
            pass  # a savepoint in the middle of the transaction: no refusal
        Quant._update_available_quantity(self.product, self.stock, -1, lot_id=lot)
        self.env.cr.precommit.run()  # one place again: accepted
        self.assertEqual(
            lot.quant_ids.filtered(lambda q: q.quantity > 0).location_id, self.shelf
        )
