# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user

from .common import SerialAfterSaleCommon


class TestServiceTicket(SerialAfterSaleCommon):
    """A service ticket names serials the customer owns; the serial lists its
    service tickets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._receive_serials(["S-1", "S-2", "S-OTHER", "S-STOCK"])
        cls._deliver_serials(cls.lots[:2], cls.customer_contact)
        cls._deliver_serials(cls.lots[2], cls.other_customer)
        cls.mine, cls.mine_2, cls.foreign, cls.in_stock = cls.lots
        cls.helpdesk_user = new_test_user(
            cls.env,
            login="sp_helpdesk_only",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )

    def _ticket_count(self):
        return self.env["helpdesk.ticket"].search_count([])

    def test_serials_belong_to_the_commercial_partner(self):
        # delivered to a contact: the serial belongs to the company
        self.assertEqual(self.mine.delivered_partner_id, self.customer)
        self.assertEqual(self.foreign.delivered_partner_id, self.other_customer)

    def test_ticket_with_serial_fills_the_customer(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Firewall dead",
                "description": "No power",
                "service_lot_ids": [Command.set(self.mine.ids)],
            }
        )
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(self.mine.service_ticket_ids, ticket)
        self.assertEqual(self.mine.service_ticket_count, 1)

    def test_typed_serial_fills_the_customer_on_the_form(self):
        with Form(self.env["helpdesk.ticket"]) as form:
            form.name = "Switch flapping"
            form.description = "Port 3"
            self.assertEqual(
                form.service_lot_domain, [("delivered_partner_id", "!=", False)]
            )
            form.service_lot_ids.add(self.mine)
            self.assertEqual(form.partner_id, self.customer)
            # every delivered serial is offered: one of another customer is
            # refused with a message once typed (below), not just not found
            self.assertEqual(
                form.service_lot_domain, [("delivered_partner_id", "!=", False)]
            )
        ticket = form.record
        self.assertEqual(ticket.service_lot_ids, self.mine)

    def test_typing_another_customers_serial_says_so(self):
        form = Form(self.env["helpdesk.ticket"])
        form.name = "Typed the wrong serial"
        form.description = "x"
        form.partner_id = self.customer
        form.service_lot_ids.add(self.mine)
        with self.assertLogs("odoo.tests.form", level="WARNING") as logs:
            form.service_lot_ids.add(self.foreign)
        self.assertIn("S-OTHER belongs to another customer", "\n".join(logs.output))
        self.assertEqual(len(form.service_lot_ids), 1, "taken off again")
        ticket = form.save()
        self.assertEqual(ticket.service_lot_ids, self.mine)

    def test_contact_of_the_customer_may_name_its_serials(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Two units",
                "description": "Both reboot",
                "partner_id": self.customer_contact.id,
                "service_lot_ids": [Command.set((self.mine | self.mine_2).ids)],
            }
        )
        self.assertEqual(ticket.service_lot_count, 2)
        self.assertEqual(ticket.service_lot_warranty_ids, self.mine | self.mine_2)
        self.assertEqual(
            set(ticket.service_lot_warranty_ids.mapped("warranty_state")), {"under"}
        )

    def test_another_customers_serial_is_refused(self):
        count = self._ticket_count()
        with (
            self.assertRaisesRegex(ValidationError, "belongs to another customer"),
            self.cr.savepoint(),
        ):
            self.env["helpdesk.ticket"].create(
                {
                    "name": "Wrong serial",
                    "description": "x",
                    "partner_id": self.customer.id,
                    "service_lot_ids": [Command.set(self.foreign.ids)],
                }
            )
        self.assertEqual(self._ticket_count(), count)
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Right serial",
                "description": "x",
                "service_lot_ids": [Command.set(self.mine.ids)],
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "belongs to another customer"),
            self.cr.savepoint(),
        ):
            ticket.write({"service_lot_ids": [Command.link(self.foreign.id)]})
        self.assertEqual(ticket.service_lot_ids, self.mine)
        self.assertFalse(self.foreign.service_ticket_ids)
        with (
            self.assertRaisesRegex(ValidationError, "belongs to another customer"),
            self.cr.savepoint(),
        ):
            ticket.partner_id = self.other_customer
        self.assertEqual(ticket.partner_id, self.customer)

    def test_serial_never_delivered_is_refused(self):
        with (
            self.assertRaisesRegex(ValidationError, "never delivered"),
            self.cr.savepoint(),
        ):
            self.env["helpdesk.ticket"].create(
                {
                    "name": "Stock unit",
                    "description": "x",
                    "partner_id": self.customer.id,
                    "service_lot_ids": [Command.set(self.in_stock.ids)],
                }
            )
        self.assertFalse(self.in_stock.service_ticket_ids)

    def test_history_lists_service_tickets(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "History check",
                "description": "x",
                "service_lot_ids": [Command.set(self.mine.ids)],
            }
        )
        action = self.mine.action_view_service_tickets()
        self.assertEqual(self.env["helpdesk.ticket"].search(action["domain"]), ticket)
        form_arch = self.env["stock.lot"].get_view(view_type="form")["arch"]
        self.assertIn('name="service_ticket_ids"', form_arch)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_procurement.action_report_serial_history", self.mine.ids
        )
        self.assertIn("History check", html.decode())
        self.assertEqual(ticket.action_view_service_lots()["res_id"], self.mine.id)

    def test_helpdesk_user_without_stock_rights_names_serials(self):
        tickets = self.env["helpdesk.ticket"].with_user(self.helpdesk_user)
        ticket = tickets.create(
            {
                "name": "From the service desk",
                "description": "x",
                "service_lot_ids": [Command.set(self.mine.ids)],
            }
        )
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.service_lot_warranty_ids.warranty_state, "under")
        with Form(ticket) as form:
            form.description = "Updated"

    def test_serviced_serials_only_on_service_tickets(self):
        """Not on a ticket made from an estimate (its serials are procured)."""
        arch = self.env["helpdesk.ticket"].get_view(view_type="form")["arch"]
        tree = etree.fromstring(arch)
        field = tree.xpath("//field[@name='service_lot_ids']")[0]
        self.assertIn("sale_order_id", field.get("invisible"))
        page = tree.xpath("//page[@name='service_serials']")[0]
        self.assertIn("sale_order_id", page.get("invisible"))
