# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestProcurementDesk(SerialProcurementCase):
    """Issue #22 item 1: the queue of units to order across tickets, ordered
    per vendor on desk RFQs, received onto each line's own ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cable = cls.env["product.product"].create(
            {"name": "Cable", "is_storable": True, "type": "consu"}
        )

    def _ticket(self, lines, partner=None):
        order = self._create_quotation(lines, partner=partner)
        return order, self._create_ticket(order)

    def _line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def _receive_moves(self, picking, serials_by_ticket):
        """Enter serials on each move of ``picking`` by its line's ticket."""
        for move in picking.move_ids:
            ticket = move.purchase_line_id.ticket_id
            serials = serials_by_ticket[ticket][move.product_id]
            wizard = self.env["serial.procurement.serial.entry.wizard"].create(
                {"move_id": move.id, "serials": "\n".join(serials)}
            )
            wizard.action_apply()
        self._validate(picking)

    def test_01_queue_states_follow_the_ticket(self):
        order, ticket = self._ticket(
            [(self.firewall, 2), (self.service, 1), (self.cable, 1)]
        )
        line = self._line(order, self.firewall)
        self.assertEqual(line.serial_procurement_state, "to_order")
        self.assertEqual(line.serial_qty_to_order, 2)
        self.assertEqual(line.serial_vendor_id, self.vendor)
        self.assertEqual(line.serial_ticket_id, ticket)
        self.assertFalse(
            self._line(order, self.service).serial_procurement_state,
            "a service is outside the desk",
        )
        self.assertFalse(
            self._line(order, self.cable).serial_procurement_state,
            "a product without serials is outside the desk",
        )
        plain = self._create_quotation([(self.firewall, 1)])
        plain.action_confirm()
        self.assertFalse(
            plain.order_line.serial_procurement_state, "no ticket: not in the queue"
        )
        # One unit allocated from stock: one left to order.
        self._put_in_stock(self.firewall, ["STOCK-1"])
        ticket.action_allocate_first_available()
        self.assertEqual(line.serial_procurement_state, "to_order")
        self.assertEqual(line.serial_qty_to_order, 1)
        # Ordered by the ticket's own purchase: ordered, nothing to order.
        purchase = self._purchase(ticket)
        self.assertEqual(line.serial_procurement_state, "ordered")
        self.assertEqual(line.serial_qty_to_order, 0)
        self._receive(purchase, self.firewall, "FW-R1")
        self.assertEqual(line.serial_procurement_state, "received")
        self.env["stock.quant"]._update_available_quantity(
            self.cable, self.stock_location, 1
        )
        delivery = self._delivery(order)
        delivery.action_assign()
        self._validate(delivery)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(line.serial_procurement_state, "delivered")
        # The estimate grows: to order again.
        line.product_uom_qty = 3
        self.assertEqual(line.serial_procurement_state, "to_order")
        self.assertEqual(line.serial_qty_to_order, 1)

    def test_02_order_across_tickets_one_rfq_per_vendor(self):
        order_a, ticket_a = self._ticket([(self.firewall, 2), (self.switch, 1)])
        order_b, ticket_b = self._ticket([(self.firewall, 1)], partner=self.customer_b)
        lines = (order_a | order_b).order_line
        action = lines.action_serial_order()
        rfqs = self.env["purchase.order"].search(
            [("serial_desk", "=", True), ("state", "=", "draft")]
        )
        self.assertEqual(len(rfqs), 2, "one RFQ per vendor")
        self.assertEqual(set(action["domain"][0][2]), set(rfqs.ids))
        acme = rfqs.filtered(lambda o: o.partner_id == self.vendor)
        self.assertEqual(
            sorted((pl.ticket_id, pl.product_qty) for pl in acme.order_line),
            sorted([(ticket_a, 2.0), (ticket_b, 1.0)]),
            "each purchase line keeps its ticket and quantity",
        )
        self.assertFalse(acme.ticket_id, "a desk RFQ spans tickets")
        self.assertEqual(acme.order_line.mapped("price_unit"), [800.0, 800.0])
        self.assertEqual(set(lines.mapped("serial_procurement_state")), {"ordered"})
        self.assertIn(acme, ticket_a.purchase_order_ids)
        self.assertIn(acme, ticket_b.purchase_order_ids)
        self.assertEqual(ticket_b.purchase_order_count, 1)
        self.assertEqual(
            self.env["helpdesk.ticket"].search(
                [("purchase_order_ids", "in", acme.ids)]
            ),
            ticket_a | ticket_b,
        )
        # The ticket's own flow sees the units on order.
        self.assertEqual(ticket_a.serial_qty_to_source, 0)
        with self.assertRaises(UserError):
            ticket_a.action_create_purchase_orders()
        # Again: nothing more is ordered.
        with self.assertRaisesRegex(UserError, "Nothing left to order"):
            lines.action_serial_order()
        self.assertEqual(len(acme.order_line), 2)
        # A new ticket's units go on the same draft RFQ of the vendor.
        order_c, ticket_c = self._ticket([(self.firewall, 1)])
        order_c.order_line.action_serial_order()
        self.assertEqual(len(acme.order_line), 3)
        self.assertEqual(
            self.env["purchase.order"].search_count(
                [("serial_desk", "=", True), ("partner_id", "=", self.vendor.id)]
            ),
            1,
        )
        # Once the RFQ is confirmed, a new desk RFQ is made.
        acme.button_confirm()
        order_d, _ticket_d = self._ticket([(self.firewall, 1)])
        order_d.order_line.action_serial_order()
        self.assertEqual(
            self.env["purchase.order"].search_count(
                [("serial_desk", "=", True), ("partner_id", "=", self.vendor.id)]
            ),
            2,
        )

    def test_03_receipt_sends_each_serial_to_its_ticket(self):
        order_a, ticket_a = self._ticket([(self.firewall, 2)])
        order_b, ticket_b = self._ticket([(self.firewall, 1)], partner=self.customer_b)
        (order_a | order_b).order_line.action_serial_order()
        rfq = ticket_a.purchase_order_ids
        self.assertEqual(rfq, ticket_b.purchase_order_ids)
        rfq.button_confirm()
        picking = rfq.picking_ids
        self.assertEqual(len(picking.move_ids), 2, "a move per ticket line")
        self.assertIn(picking, ticket_a.receipt_ids)
        self._receive_moves(
            picking,
            {
                ticket_a: {self.firewall: ["A-1", "A-2"]},
                ticket_b: {self.firewall: ["B-1"]},
            },
        )
        self.assertEqual(sorted(ticket_a.lot_ids.mapped("name")), ["A-1", "A-2"])
        self.assertEqual(ticket_b.lot_ids.mapped("name"), ["B-1"])
        self.assertEqual(ticket_b.lot_ids.customer_id, self.customer_b)
        line_a = order_a.order_line
        self.assertEqual(line_a.serial_procurement_state, "received")
        self.assertEqual(line_a.serial_lot_ids, ticket_a.lot_ids)
        self.assertEqual(order_b.order_line.serial_procurement_state, "received")

    def test_04_no_vendor_is_refused(self):
        self.switch.seller_ids.unlink()
        order, _ticket = self._ticket([(self.switch, 1)])
        self.assertFalse(order.order_line.serial_vendor_id)
        with self.assertRaisesRegex(UserError, "No vendor"):
            order.order_line.action_serial_order()
        self.assertFalse(
            self.env["purchase.order"].search([("serial_desk", "=", True)])
        )
        # A vendor price added later names the vendor of the queued line.
        self.switch.seller_ids = [
            Command.create({"partner_id": self.vendor_b.id, "price": 200.0})
        ]
        self.assertEqual(order.order_line.serial_vendor_id, self.vendor_b)

    def test_05_one_rfq_per_vendor_and_company(self):
        company_b = self.env["res.company"].create({"name": "Second MSP"})
        self.env.user.company_ids |= company_b
        product = self.firewall
        product.seller_ids = [
            Command.create(
                {
                    "partner_id": self.vendor.id,
                    "price": 700.0,
                    "company_id": company_b.id,
                }
            )
        ]
        order_a, _ticket_a = self._ticket([(product, 1)])
        env_b = self.env(
            context=dict(
                self.env.context, allowed_company_ids=[company_b.id, self.company.id]
            )
        )
        order_b = (
            env_b["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                    ],
                }
            )
        )
        order_b.action_create_ticket()
        self.assertEqual(order_b.ticket_id.company_id, company_b)
        lines = (order_a | order_b).order_line.with_env(env_b)
        lines.action_serial_order()
        rfqs = env_b["purchase.order"].search([("serial_desk", "=", True)])
        self.assertEqual(len(rfqs), 2)
        self.assertEqual(rfqs.company_id, self.company | company_b)
        for rfq in rfqs:
            self.assertEqual(rfq.order_line.ticket_id.company_id, rfq.company_id)

    def test_06_rights_purchase_user(self):
        order, ticket = self._ticket([(self.firewall, 1)])
        sales_only = self._create_user(
            "sp_desk_sales",
            "sales_team.group_sale_salesman,serial_procurement.group_serial_procurement_user",
        )
        with self.assertRaises(AccessError):
            order.order_line.with_user(sales_only).action_serial_order()
        buyer = self._create_user(
            "sp_desk_buyer",
            "purchase.group_purchase_user,stock.group_stock_user,"
            "serial_procurement.group_serial_procurement_user",
        )
        lines = order.order_line.with_user(buyer)
        self.assertEqual(lines.serial_procurement_state, "to_order")
        lines.action_serial_order()
        self.assertEqual(ticket.purchase_order_ids.create_uid, buyer)
        self.assertEqual(order.order_line.serial_procurement_state, "ordered")

    def test_07_queue_action_lists_open_lines(self):
        order, _ticket = self._ticket([(self.firewall, 1), (self.service, 1)])
        action = self.env["ir.actions.actions"]._for_xml_id(
            "serial_procurement.sale_order_line_procurement_action"
        )
        lines = self.env["sale.order.line"].search(safe_eval(action["domain"]))
        self.assertIn(order.order_line.filtered("serial_procurement_state"), lines)
        self.assertNotIn(
            order.order_line.filtered(lambda sol: sol.product_id == self.service), lines
        )
        groups = self.env["sale.order.line"].read_group(
            [
                ("id", "in", order.order_line.ids),
                ("serial_procurement_state", "=", "to_order"),
            ],
            ["serial_qty_to_order:sum"],
            ["serial_vendor_id"],
        )
        self.assertEqual(groups[0]["serial_vendor_id"][0], self.vendor.id)
        self.assertEqual(groups[0]["serial_qty_to_order"], 1)
