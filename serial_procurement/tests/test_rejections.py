# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestRejections(SerialProcurementCase):
    """Every refusal of the flow, and that nothing was written by it."""

    def _counts(self):
        return {
            "moves": self.env["account.move"].search_count([]),
            "lots": self.env["stock.lot"].search_count([]),
            "purchases": self.env["purchase.order"].search_count([]),
            "tickets": self.env["helpdesk.ticket"].search_count([]),
            "so_lines": self.env["sale.order.line"].search_count([]),
        }

    def assertNothingWritten(self, before):
        self.env.invalidate_all()
        self.assertEqual(self._counts(), before)

    def _ticket(self, lines=None):
        order = self._create_quotation(lines or [(self.firewall, 2)])
        return order, self._create_ticket(order)

    # -- direct invoicing ------------------------------------------------------

    def test_direct_invoicing_blocked_without_ticket(self):
        order = self._create_quotation([(self.firewall, 1)])
        order.action_confirm()
        before = self._counts()
        with self.assertRaisesRegex(UserError, "Create a ticket"):
            order._create_invoices()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        with self.assertRaisesRegex(UserError, "Create a ticket"):
            wizard.create_invoices()
        down_payment = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 10})
        )
        with self.assertRaisesRegex(UserError, "Create a ticket"):
            down_payment.create_invoices()
        self.assertNothingWritten(before)

    def test_direct_invoicing_allowed_when_setting_off_or_no_serial(self):
        service_order = self._create_quotation([(self.service, 1)])
        service_order.action_confirm()
        self.assertTrue(service_order._create_invoices())
        self.company.serial_block_direct_invoice = False
        order = self._create_quotation([(self.firewall, 1)])
        order.action_confirm()
        self.assertTrue(order._create_invoices())

    def test_ticket_from_cancelled_estimate(self):
        order = self._create_quotation([(self.firewall, 1)])
        order.action_cancel()
        before = self._counts()
        with self.assertRaises(UserError):
            order.action_create_ticket()
        self.assertNothingWritten(before)

    # -- deposits ------------------------------------------------------------

    def _deposit_wizard(self, ticket, amount, amount_type="fixed"):
        return self.env["serial.procurement.deposit.wizard"].create(
            {"ticket_id": ticket.id, "amount": amount, "amount_type": amount_type}
        )

    def test_deposit_disabled(self):
        _order, ticket = self._ticket()
        self.company.serial_deposit_enabled = False
        self.assertFalse(ticket.serial_deposit_enabled, "no Take Deposit button")
        before = self._counts()
        with self.assertRaisesRegex(UserError, "disabled"):
            ticket.action_take_deposit()
        with self.assertRaisesRegex(UserError, "disabled"):
            self._deposit_wizard(ticket, 100).action_confirm()
        self.assertNothingWritten(before)

    def test_deposit_not_positive(self):
        _order, ticket = self._ticket()
        before = self._counts()
        for amount in (0.0, -50.0):
            with self.assertRaisesRegex(UserError, "positive"):
                self._deposit_wizard(ticket, amount).action_confirm()
        self.assertNothingWritten(before)

    def test_deposit_above_order_total(self):
        _order, ticket = self._ticket()  # 2 x 1200 = 2400
        before = self._counts()
        with self.assertRaisesRegex(UserError, "exceed"):
            self._deposit_wizard(ticket, 2400.01).action_confirm()
        with self.assertRaisesRegex(UserError, "exceed"):
            self._deposit_wizard(ticket, 101, "percentage").action_confirm()
        self.assertNothingWritten(before)
        self._take_deposit(ticket, 2000.0)
        before = self._counts()
        with self.assertRaisesRegex(UserError, "exceed"):
            self._deposit_wizard(ticket, 500.0).action_confirm()
        self.assertNothingWritten(before)
        self._take_deposit(ticket, 400.0)
        self.assertAlmostEqual(
            ticket.deposit_amount, 2400.0, msg="up to the total is fine"
        )

    def test_deposit_cancelled_order(self):
        order, ticket = self._ticket()
        order._action_cancel()
        before = self._counts()
        with self.assertRaisesRegex(UserError, "cancelled"):
            self._deposit_wizard(ticket, 100.0).action_confirm()
        self.assertNothingWritten(before)

    def test_deposit_ticket_without_order(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Printer jam",
                "description": "No estimate",
                "partner_id": self.customer.id,
            }
        )
        self.assertEqual(ticket.billing_status, "no")
        before = self._counts()
        with self.assertRaisesRegex(UserError, "no estimate"):
            ticket.action_take_deposit()
        with self.assertRaisesRegex(UserError, "no estimate"):
            self._deposit_wizard(ticket, 100.0).action_confirm()
        with self.assertRaisesRegex(UserError, "no estimate"):
            ticket.action_create_purchase_orders()
        with self.assertRaisesRegex(UserError, "no estimate"):
            ticket.action_make_invoice()
        self.assertNothingWritten(before)

    # -- purchase ---------------------------------------------------------------

    def test_purchase_product_without_vendor(self):
        orphan = self._create_serial_product("Orphan AP-1", 100.0, 50.0, self.vendor)
        orphan.seller_ids.unlink()
        _order, ticket = self._ticket([(self.firewall, 1), (orphan, 1)])
        before = self._counts()
        with self.assertRaisesRegex(UserError, "Orphan AP-1"):
            ticket.action_create_purchase_orders()
        self.assertNothingWritten(before)

    # -- receipt ---------------------------------------------------------------

    def _receipt(self, qty=2, lines=None):
        order, ticket = self._ticket(lines or [(self.firewall, qty)])
        purchase = self._purchase(ticket)
        return ticket, purchase.picking_ids

    def _entry(self, picking, serials, ticket=False):
        return self._enter_serials(picking, self.firewall, serials, ticket=ticket)

    def _lines_with_serial(self, picking):
        return picking.move_line_ids.filtered(lambda ml: ml.lot_name or ml.lot_id)

    def test_receipt_serial_missing(self):
        _ticket, picking = self._receipt()
        before = self._counts()
        with self.assertRaisesRegex(UserError, "(?i)serial"):
            self._validate(picking)
        self.assertNothingWritten(before)
        self.assertNotEqual(picking.state, "done")

    def test_receipt_serial_missing_checked_by_flag(self):
        """The flag is enforced even when core would not ask for a lot."""
        _ticket, picking = self._receipt()
        picking.picking_type_id.use_create_lots = False
        picking.picking_type_id.use_existing_lots = False
        before = self._counts()
        with self.assertRaisesRegex(UserError, "required for purchase"):
            self._validate(picking)
        self.assertNothingWritten(before)

    def test_receipt_same_serial_twice_in_entry(self):
        _ticket, picking = self._receipt()
        with self.assertRaisesRegex(UserError, "twice"):
            self._entry(picking, "DUP-1\nDUP-1")
        self.assertFalse(self._lines_with_serial(picking))
        self._entry(picking, "DUP-1")
        with self.assertRaisesRegex(UserError, "already"):
            self._entry(picking, "DUP-1")
        self.assertEqual(len(self._lines_with_serial(picking)), 1)

    def test_receipt_same_serial_twice_at_validation(self):
        _ticket, picking = self._receipt()
        self._entry(picking, "V-1, V-2")
        picking.move_line_ids.filtered(lambda ml: ml.lot_name == "V-2").lot_name = "V-1"
        before = self._counts()
        with self.assertRaisesRegex(UserError, "twice"):
            self._validate(picking)
        self.assertNothingWritten(before)

    def test_receipt_existing_serial(self):
        _ticket, picking = self._receipt()
        # on hand: refused (a serial on record only is received again, #19)
        self._put_in_stock(self.firewall, ["EXIST-1"])
        with self.assertRaisesRegex(UserError, "EXIST-1"):
            self._entry(picking, "EXIST-1, NEW-2")
        self.assertFalse(self._lines_with_serial(picking))
        self._entry(picking, "OK-1, OK-2")
        picking.move_line_ids[0].lot_name = "EXIST-1"
        before = self._counts()
        with self.assertRaisesRegex(UserError, "already exist"):
            self._validate(picking)
        self.assertNothingWritten(before)

    def test_receipt_serial_on_record_only_is_received_again(self):
        lot = self.env["stock.lot"].create(
            {"name": "EXIST-2", "product_id": self.firewall.id}
        )
        ticket, picking = self._receipt(qty=1)
        self._entry(picking, "EXIST-2")
        self._validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertEqual(ticket.lot_ids, lot, "its own record, on the ticket")

    def test_receipt_same_serial_other_product_is_fine(self):
        self.env["stock.lot"].create({"name": "SHARED-1", "product_id": self.switch.id})
        ticket, picking = self._receipt(qty=1)
        self._entry(picking, "SHARED-1")
        self._validate(picking)
        self.assertEqual(ticket.lot_ids.name, "SHARED-1")

    def test_receipt_more_serials_than_units(self):
        _ticket, picking = self._receipt(qty=2)
        with self.assertRaisesRegex(UserError, "only 2 unit"):
            self._entry(picking, "M-1, M-2, M-3")
        self.assertFalse(self._lines_with_serial(picking))

    def test_receipt_ticket_without_unallocated_unit(self):
        order, ticket = self._ticket([(self.firewall, 1)])
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "ticket_id": ticket.id,
                "order_line": [
                    (0, 0, {"product_id": self.firewall.id, "product_qty": 2})
                ],
            }
        )
        purchase.button_confirm()
        picking = purchase.picking_ids
        self._entry(picking, "T-1, T-2")
        before = self._counts()
        with self.assertRaisesRegex(UserError, "only 1 unit"):
            self._validate(picking)
        self.assertNothingWritten(before)
        self.assertNotEqual(picking.state, "done")
        # A ticket whose estimate holds none of that product cannot take it either.
        _order_b, ticket_b = self._ticket([(self.switch, 1)])
        before = self._counts()
        picking.move_line_ids.ticket_id = ticket_b
        with self.assertRaisesRegex(UserError, "cannot take"):
            self._validate(picking)
        self.assertNothingWritten(before)
        # Sent to no ticket, the same receipt goes through.
        picking.move_line_ids.ticket_id = False
        self._validate(picking)
        self.assertEqual(picking.state, "done")
        self.assertFalse(ticket.lot_ids)

    # -- invoice --------------------------------------------------------------

    def test_make_invoice_with_missing_serials(self):
        _order, ticket = self._ticket([(self.firewall, 2)])
        purchase = self._purchase(ticket)
        picking = purchase.picking_ids
        self._entry(picking, "P-1")
        picking.move_ids.quantity = 1
        picking.with_context(cancel_backorder=False).move_ids.picked = True
        picking.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        self.assertEqual(len(ticket.lot_ids), 1)
        before = self._counts()
        with self.assertRaisesRegex(UserError, "Managed Firewall FW-200: 1 of 2"):
            ticket.action_make_invoice()
        self.assertNothingWritten(before)
        self.assertEqual(ticket.billing_status, "to_invoice")

    def test_relink_purchase_after_receipt_refused(self):
        _order, ticket = self._ticket([(self.firewall, 1)])
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, "R-1")
        _order_b, ticket_b = self._ticket([(self.firewall, 1)])
        with self.assertRaisesRegex(UserError, "already has a validated receipt"):
            purchase.ticket_id = ticket_b
        self.assertEqual(purchase.ticket_id, ticket)

    def test_one_estimate_per_ticket(self):
        order, ticket = self._ticket([(self.firewall, 1)])
        other = self._create_quotation([(self.switch, 1)])
        # Linking another estimate from the ticket moves the link, never doubles it.
        ticket.sale_order_id = other
        self.assertEqual(other.ticket_id, ticket)
        self.assertFalse(order.ticket_id)
        self.assertEqual(ticket.sale_order_link_ids, other)

    def test_serial_entry_on_wrong_receipt_line(self):
        batch = self.env["product.product"].create(
            {"name": "Cable drum", "is_storable": True, "tracking": "lot"}
        )
        purchase = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "order_line": [(0, 0, {"product_id": batch.id, "product_qty": 3})],
            }
        )
        purchase.button_confirm()
        move = purchase.picking_ids.move_ids
        Wizard = self.env["serial.procurement.serial.entry.wizard"]
        with self.assertRaisesRegex(UserError, "not tracked by unique serial"):
            Wizard.create({"move_id": move.id, "serials": "B-1"}).action_apply()
        with self.assertRaisesRegex(UserError, "at least one serial"):
            _ticket, picking = self._receipt()
            self._entry(picking, " ,\n; ")
        _ticket, done_picking = self._receipt(qty=1)
        self._entry(done_picking, "D-1")
        self._validate(done_picking)
        with self.assertRaisesRegex(UserError, "already done"):
            Wizard.create(
                {"move_id": done_picking.move_ids.id, "serials": "D-2"}
            ).action_apply()
        self.assertFalse(move.move_line_ids.filtered("lot_name"))
