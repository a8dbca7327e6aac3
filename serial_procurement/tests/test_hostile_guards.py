# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #18 items 1, 2, 10 and 11 attacked the way a client can: JSON-RPC
calls to /web/dataset/call_kw over a real HTTP session, with any context.
Each refusal is a UserError/ValidationError whose message names the rule, and
nothing is written."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import SerialProcurementCase, call_kw_over_http

MANAGER = "serial_procurement.group_serial_procurement_manager"


@tagged("post_install", "-at_install")
class TestHostileGuards(HttpCase, SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.stock_user = cls._create_user(
            "sp_guard_stock",
            "stock.group_stock_user,account.group_account_invoice,"
            "serial_procurement.group_serial_procurement_user",
        )
        cls.stock_admin = cls._create_user(
            "sp_guard_stock_admin", "stock.group_stock_manager"
        )
        cls.sp_manager = cls._create_user(
            "sp_guard_manager", f"stock.group_stock_user,{MANAGER}"
        )
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Guard Shelf", "location_id": cls.stock_location.id}
        )

    # ------------------------------------------------------------ helpers

    def _call(self, model, method, *args, context=None, **kwargs):
        """One call_kw over JSON-RPC: ``(result, error)``, the error being
        ``(class name, message)`` of the exception the server answered."""
        answer, _response = call_kw_over_http(
            self, model, method, list(args), dict(kwargs, context=context or {})
        )
        if "error" in answer:
            data = answer["error"]["data"]
            return None, (data["name"], data["message"])
        return answer["result"], None

    def _refused(self, error, pattern, exception="odoo.exceptions.UserError"):
        self.assertTrue(error, "the server accepted the call")
        self.assertEqual(error[0], exception, error[1])
        self.assertRegex(error[1], pattern)

    def _lot_state(self, lot):
        self.env.invalidate_all()
        return lot.read(
            [
                "customer_invoice_line_id",
                "ticket_id",
                "sale_line_id",
                "customer_id",
                "needs_review",
                "material_ticket_id",
            ]
        )[0]

    def _invoiced_serial(self):
        """Ticket B of customer B: serial GRD-B1 received, delivered and
        invoiced through the ticket; ticket A of the customer: GRD-A1
        received."""
        order_a = self._create_quotation([(self.firewall, 1)])
        ticket_a = self._create_ticket(order_a)
        self._receive(self._purchase(ticket_a), self.firewall, "GRD-A1")
        order_b = self._create_quotation([(self.firewall, 1)], self.customer_b)
        ticket_b = self._create_ticket(order_b)
        self._receive(self._purchase(ticket_b), self.firewall, "GRD-B1")
        self._deliver(order_b)
        ticket_b.action_make_invoice()
        lot_b = self.env["stock.lot"].search([("name", "=", "GRD-B1")])
        self.assertTrue(lot_b.customer_invoice_line_id, "fixture: serial invoiced")
        return ticket_a, ticket_b, lot_b

    # ------------------------------------------------ item 2: guarded fields

    def test_double_invoice_by_clearing_the_stamp_is_impossible(self):
        """The attack of the audit: an Inventory User clears the invoice stamp
        of an invoiced serial, then posts it on a second invoice."""
        _ticket_a, _ticket_b, lot = self._invoiced_serial()
        first_invoice = lot.customer_invoice_line_id.move_id
        before = self._lot_state(lot)
        second = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.firewall.id,
                            "quantity": 1,
                            "price_unit": 1200.0,
                            "lot_ids": [Command.set(lot.ids)],
                        }
                    )
                ],
            }
        )
        self.authenticate("sp_guard_stock", "sp_guard_stock")
        _res, error = self._call(
            "stock.lot", "write", lot.ids, {"customer_invoice_line_id": False}
        )
        self._refused(error, "Invoiced On")
        self.assertEqual(self._lot_state(lot), before, "nothing written")
        _res, error = self._call("account.move", "action_post", second.ids)
        self._refused(error, f"already invoiced.*GRD-B1.*{first_invoice.name}")
        self.env.invalidate_all()
        self.assertEqual(second.state, "draft")
        self.assertEqual(lot.customer_invoice_line_id.move_id, first_invoice)

    def test_stock_user_cannot_write_guarded_fields(self):
        ticket_a, ticket_b, lot_b = self._invoiced_serial()
        lot_a = self.env["stock.lot"].search([("name", "=", "GRD-A1")])
        self.authenticate("sp_guard_stock", "sp_guard_stock")
        attempts = [
            (lot_a, {"ticket_id": False}, "Ticket"),
            (lot_a, {"sale_line_id": False}, "Estimate Line"),
            (lot_a, {"needs_review": True}, "Needs Review|Review"),
            (lot_a, {"supplier_id": self.vendor_b.id}, "Supplier"),
            (lot_a, {"material_ticket_id": ticket_b.id}, "Used on Ticket"),
            # customer A's delivered, invoiced serial moved onto B's ticket
            (lot_b, {"ticket_id": ticket_a.id}, "Ticket"),
            (lot_b, {"customer_id": self.customer.id}, "Customer"),
        ]
        for lot, vals, label in attempts:
            with self.subTest(vals=vals):
                before = self._lot_state(lot)
                _res, error = self._call("stock.lot", "write", lot.ids, vals)
                self._refused(error, f"(?s)({label}).*Serial Procurement Manager")
                self.assertEqual(self._lot_state(lot), before)
        # the ticket's own One2many writes the serial's ticket too: refused
        _res, error = self._call(
            "helpdesk.ticket",
            "write",
            ticket_a.ids,
            {"lot_ids": [Command.link(lot_b.id)]},
        )
        self.assertTrue(error)
        self.env.invalidate_all()
        self.assertEqual(lot_b.ticket_id, ticket_b)
        # a form saving the current value unchanged is fine
        _res, error = self._call(
            "stock.lot", "write", lot_a.ids, {"ticket_id": ticket_a.id}
        )
        self.assertFalse(error)

    def test_create_with_guarded_values_refused(self):
        ticket_a = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        self.authenticate("sp_guard_stock", "sp_guard_stock")
        for vals in (
            {"ticket_id": ticket_a.id},
            {"customer_id": self.customer.id},
            {"needs_review": False, "customer_warranty_end": "2030-01-01"},
        ):
            with self.subTest(vals=vals):
                _res, error = self._call(
                    "stock.lot",
                    "create",
                    [dict(vals, name="GRD-NEW", product_id=self.firewall.id)],
                )
                self._refused(error, "Serial Procurement Manager")
        # a default_ key in the context is a value too
        _res, error = self._call(
            "stock.lot",
            "create",
            [{"name": "GRD-NEW", "product_id": self.firewall.id}],
            context={"default_ticket_id": ticket_a.id},
        )
        self._refused(error, "Ticket")
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "GRD-NEW")]))
        # a plain serial is created as before
        res, error = self._call(
            "stock.lot",
            "create",
            [{"name": "GRD-PLAIN", "product_id": self.firewall.id}],
        )
        self.assertFalse(error)
        self.assertTrue(res)

    def test_manager_and_flows_still_write(self):
        """A Serial Procurement Manager may write the fields; the flows
        (receipt onto a ticket, delivery, invoice) wrote them for a plain
        user's actions in the fixture."""
        ticket_a, _ticket_b, _lot_b = self._invoiced_serial()
        lot_a = self.env["stock.lot"].search([("name", "=", "GRD-A1")])
        self.assertEqual(lot_a.ticket_id, ticket_a)
        self.assertTrue(lot_a.sale_line_id)
        self.authenticate("sp_guard_manager", "sp_guard_manager")
        _res, error = self._call(
            "stock.lot", "write", lot_a.ids, {"needs_review": True}
        )
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertTrue(lot_a.needs_review)
        _res, error = self._call("stock.lot", "action_clear_review", lot_a.ids)
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertFalse(lot_a.needs_review)

    def test_receipt_onto_ticket_by_stock_user_stamps_the_serial(self):
        """A receipt validated by an Inventory User over RPC still stamps the
        ticket, customer, supplier and estimate line on the new serial (the
        flow writes them, not the user)."""
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        purchase = self._purchase(ticket)
        picking = purchase.picking_ids
        self._enter_serials(picking, self.firewall, "GRD-R1")
        picking.move_ids.picked = True
        self.authenticate("sp_guard_stock", "sp_guard_stock")
        _res, error = self._call("stock.picking", "button_validate", picking.ids)
        self.assertFalse(error, error)
        lot = self.env["stock.lot"].search([("name", "=", "GRD-R1")])
        self.assertEqual(lot.ticket_id, ticket)
        self.assertEqual(lot.customer_id, self.customer)
        self.assertEqual(lot.supplier_id, self.vendor)
        self.assertEqual(lot.purchase_order_id, purchase)
        self.assertEqual(lot.sale_line_id, order.order_line)

    def test_receipt_flow_ignores_guarded_defaults_sent_by_client(self):
        """The receipt creates its serials as one of the addon's flows: the
        ``default_<guarded field>`` keys a client adds to the context of
        ``button_validate`` do not ride along into the new serials."""
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        other = self._create_ticket(
            self._create_quotation([(self.firewall, 1)], self.customer_b)
        )
        purchase = self._purchase(ticket)
        picking = purchase.picking_ids
        self._enter_serials(picking, self.firewall, "GRD-D1")
        picking.move_ids.picked = True
        self.authenticate("sp_guard_stock", "sp_guard_stock")
        _res, error = self._call(
            "stock.picking",
            "button_validate",
            picking.ids,
            context={
                "default_needs_review": True,
                "default_material_ticket_id": other.id,
                "default_customer_warranty_end": "2099-12-31",
            },
        )
        self.assertFalse(error, error)
        lot = self.env["stock.lot"].search([("name", "=", "GRD-D1")])
        self.assertEqual(lot.ticket_id, ticket)
        self.assertFalse(lot.needs_review)
        self.assertFalse(lot.material_ticket_id)
        self.assertNotEqual(str(lot.customer_warranty_end), "2099-12-31")

    # ------------------------------------------------ item 1: context keys

    def test_strict_intake_not_switched_off_by_context(self):
        """With strict intake on, an Inventory Administrator (not a Serial
        Procurement Manager) sends ``serial_intake_allowed``: still refused."""
        self.company.serial_strict_intake = True
        lot = self.env["stock.lot"].create(
            {"name": "GRD-IN1", "product_id": self.firewall.id}
        )
        self.authenticate("sp_guard_stock_admin", "sp_guard_stock_admin")
        hostile = {"inventory_mode": True, "serial_intake_allowed": True}
        quant_ids, error = self._call(
            "stock.quant",
            "create",
            [
                {
                    "product_id": self.firewall.id,
                    "location_id": self.shelf.id,
                    "lot_id": lot.id,
                    "inventory_quantity": 1,
                }
            ],
            context=hostile,
        )
        self.assertFalse(error, error)
        _res, error = self._call(
            "stock.quant", "action_apply_inventory", quant_ids, context=hostile
        )
        self._refused(error, "(?s)Strict serialized intake is on.*receipt")
        self.env.invalidate_all()
        self.assertFalse(lot.quant_ids.filtered(lambda q: q.quantity > 0))

    def test_reservation_switches_not_sent_by_context(self):
        """The receipt's hold of core's reserve-on-arrival and the list of
        moves not to top up were context keys: sent by a client they change
        nothing any more (a waiting delivery still reserves on arrival)."""
        customer_location = self.env.ref("stock.stock_location_customers")
        delivery = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": customer_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "out",
                            "product_id": self.switch.id,
                            "product_uom_qty": 1,
                            "product_uom": self.switch.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": customer_location.id,
                        }
                    )
                ],
            }
        )
        delivery.action_confirm()
        self.assertEqual(delivery.state, "confirmed")
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.vendor_b.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "in",
                            "product_id": self.switch.id,
                            "product_uom_qty": 1,
                            "product_uom": self.switch.uom_id.id,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.stock_location.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.move_ids.move_line_ids.write({"lot_name": "GRD-SW1", "quantity": 1})
        receipt.move_ids.picked = True
        self.authenticate("sp_guard_stock", "sp_guard_stock")
        hostile = {
            "serial_procurement_hold_assign": True,
            "serial_procurement_skip_assign_move_ids": delivery.move_ids.ids,
        }
        _res, error = self._call(
            "stock.picking", "button_validate", receipt.ids, context=hostile
        )
        self.assertFalse(error, error)
        self.env.invalidate_all()
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(delivery.move_line_ids.lot_id.name, "GRD-SW1")

    # ------------------------------------------------ item 10: clear errors

    def test_public_stock_methods_without_records(self):
        self.authenticate("sp_guard_manager", "sp_guard_manager")
        for model, method in (
            ("stock.scrap", "action_validate"),
            ("stock.picking", "action_view_tickets"),
            ("stock.lot", "action_open_serial_history"),
            ("stock.lot", "action_open_correct_serial"),
            ("stock.lot", "action_view_service_tickets"),
            ("stock.lot", "action_view_ticket"),
            ("stock.move", "action_open_serial_entry"),
        ):
            with self.subTest(method=f"{model}.{method}"):
                _res, error = self._call(model, method, [])
                self._refused(error, "one .* at a time \\(0 given\\)")
        lots = self._put_in_stock(self.switch, ["GRD-S1", "GRD-S2"])
        _res, error = self._call("stock.lot", "action_open_serial_history", lots.ids)
        self._refused(error, "at a time \\(2 given\\)")

    # ------------------------------------------------ item 11: one place

    def test_serial_in_two_places_refused_by_the_orm(self):
        """An inventory adjustment over RPC that would put a serial on hand in
        a second place is refused with a translated UserError naming the
        serial and both places, before the database trigger speaks."""
        lot = self._put_in_stock(self.switch, ["GRD-TWO"])
        self.authenticate("sp_guard_stock_admin", "sp_guard_stock_admin")
        context = {"inventory_mode": True}
        quant_ids, error = self._call(
            "stock.quant",
            "create",
            [
                {
                    "product_id": self.switch.id,
                    "location_id": self.shelf.id,
                    "lot_id": lot.id,
                    "inventory_quantity": 1,
                }
            ],
            context=context,
        )
        self.assertFalse(error, error)
        _res, error = self._call(
            "stock.quant", "action_apply_inventory", quant_ids, context=context
        )
        places = f"({self.stock_location.complete_name}|{self.shelf.complete_name})"
        self._refused(
            error, f"(?s)two places at once.*GRD-TWO.*{places}.* and .*{places}"
        )
        self.env.invalidate_all()
        self.assertEqual(
            lot.quant_ids.filtered(lambda q: q.quantity > 0).location_id,
            self.stock_location,
        )
