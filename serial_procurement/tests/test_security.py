# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import SerialProcurementCase

PLAIN_GROUPS = (
    "serial_procurement.group_serial_procurement_user,"
    "sales_team.group_sale_salesman,"
    "purchase.group_purchase_user,"
    "stock.group_stock_user"
)


@tagged("post_install", "-at_install")
class TestSecurity(SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._create_user("sp_plain_user", PLAIN_GROUPS)
        cls.company_b = cls.env["res.company"].create({"name": "Other MSP Ltd"})

    def test_groups(self):
        user_group = self.env.ref("serial_procurement.group_serial_procurement_user")
        manager_group = self.env.ref(
            "serial_procurement.group_serial_procurement_manager"
        )
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertTrue(self.user.has_group("helpdesk_mgmt.group_helpdesk_user"))
        self.assertTrue(self.user.has_group("stock.group_production_lot"))
        self.assertFalse(
            self.user.has_group("serial_procurement.group_serial_procurement_manager")
        )

    def test_whole_flow_as_plain_user(self):
        """SP User + ordinary sales, purchase and inventory user groups suffice,
        with the addon's Billing group for posting (granted by the admin)."""
        self.user.groups_id |= self.env.ref(
            "serial_procurement.group_serial_procurement_billing"
        )
        env = self.env(user=self.user)
        customer = self.customer.with_env(env)
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.firewall.id, "product_uom_qty": 2}
                    )
                ],
            }
        )
        ticket = env["helpdesk.ticket"].browse(order.action_create_ticket()["res_id"])
        self.assertEqual(ticket.billing_status, "to_invoice")
        wizard = env["serial.procurement.deposit.wizard"].create(
            {"ticket_id": ticket.id, "amount_type": "percentage", "amount": 50}
        )
        wizard.action_confirm()
        self.assertEqual(ticket.billing_status, "partial")
        ticket.action_create_purchase_orders()
        purchase = ticket.purchase_order_ids
        purchase.button_confirm()
        picking = purchase.picking_ids
        entry = env["serial.procurement.serial.entry.wizard"].create(
            {"move_id": picking.move_ids.id, "serials": "U-1\nU-2"}
        )
        entry.action_apply()
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(sorted(ticket.lot_ids.mapped("name")), ["U-1", "U-2"])
        invoice = env["account.move"].browse(ticket.action_make_invoice()["res_id"])
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(invoice.amount_total, 1200.0)
        self.assertEqual(invoice.invoice_line_ids.lot_ids, ticket.lot_ids)
        self.assertEqual(ticket.billing_status, "invoiced")

    def test_wizards_need_the_group(self):
        outsider = self._create_user("sp_outsider", "sales_team.group_sale_salesman")
        _order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(_order)
        with self.assertRaises(AccessError):
            self.env["serial.procurement.deposit.wizard"].with_user(outsider).create(
                {"ticket_id": ticket.id, "amount": 10}
            )

    def test_multi_company_isolation(self):
        env_b = self.env(
            context=dict(self.env.context, allowed_company_ids=self.company_b.ids)
        )
        product_b = env_b["product.product"].create(
            {
                "name": "B Firewall",
                "is_storable": True,
                "tracking": "serial",
                "company_id": self.company_b.id,
            }
        )
        order_b = env_b["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company_b.id,
                "order_line": [
                    Command.create({"product_id": product_b.id, "product_uom_qty": 1})
                ],
            }
        )
        ticket_b = env_b["helpdesk.ticket"].browse(
            order_b.action_create_ticket()["res_id"]
        )
        self.assertEqual(ticket_b.company_id, self.company_b)
        lot_b = env_b["stock.lot"].create(
            {
                "name": "B-1",
                "product_id": product_b.id,
                "company_id": self.company_b.id,
                "ticket_id": ticket_b.id,
            }
        )
        user_env = self.env(user=self.user)
        self.assertFalse(user_env["helpdesk.ticket"].search([("id", "=", ticket_b.id)]))
        self.assertFalse(user_env["sale.order"].search([("id", "=", order_b.id)]))
        self.assertFalse(user_env["stock.lot"].search([("id", "=", lot_b.id)]))
        self.assertFalse(
            user_env["stock.lot"].search([("ticket_id", "=", ticket_b.id)])
        )
        # A company-A purchase cannot be bought for a company-B ticket.
        with self.assertRaises(ValidationError):
            self.env["purchase.order"].create(
                {
                    "partner_id": self.vendor.id,
                    "ticket_id": ticket_b.id,
                    "company_id": self.company.id,
                }
            )

    def test_received_serial_belongs_to_the_company(self):
        """A serial received onto a company-A ticket is invisible in company B,
        even for a product shared between the companies."""
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, "MC-1")
        lot = ticket.lot_ids
        self.assertEqual(lot.company_id, self.company)
        user_b = self._create_user("sp_user_b", PLAIN_GROUPS)
        user_b.write(
            {
                "company_ids": [Command.set(self.company_b.ids)],
                "company_id": self.company_b.id,
            }
        )
        env_b = self.env(
            user=user_b, context={"allowed_company_ids": self.company_b.ids}
        )
        self.assertFalse(env_b["stock.lot"].search([("name", "=", "MC-1")]))
        self.assertFalse(env_b["helpdesk.ticket"].search([("id", "=", ticket.id)]))
        self.assertFalse(env_b["sale.order"].search([("id", "=", order.id)]))
        self.assertFalse(env_b["purchase.order"].search([("id", "=", purchase.id)]))

    def test_helpdesk_user_without_inventory_opens_the_ticket(self):
        """A helpdesk agent without Inventory rights opens a ticket that has
        serials: the form loads, the Serials button (which opens the serials'
        stock history) is offered to Inventory users only."""
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        self._receive(self._purchase(ticket), self.firewall, ["HD-ONLY-1"], ticket)
        agent = self._create_user(
            "sp_helpdesk_only", "helpdesk_mgmt.group_helpdesk_user"
        )
        self.assertFalse(agent.has_group("stock.group_stock_user"))
        as_agent = ticket.with_user(agent)
        self.assertEqual(as_agent.lot_count, 1)
        arch = as_agent.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="action_view_serials"', arch)
        self.assertIn(
            'name="action_view_serials"',
            ticket.get_views([(False, "form")])["views"]["form"]["arch"],
        )
        as_agent.web_read({"lot_count": {}, "name": {}})
