# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SerialAfterSaleCommon


@tagged("post_install", "-at_install")
class TestMyDevicesPortal(HttpCase, SerialAfterSaleCommon):
    """Portal "My Devices": each portal user sees the serials of their own
    company only, and opens a service ticket on one of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.lots = cls._receive_serials(["TOUR-DEV-1", "TOUR-DEV-OTHER"])
        cls.mine, cls.foreign = cls.lots
        cls._deliver_serials(cls.mine, cls.customer)
        cls._deliver_serials(cls.foreign, cls.other_customer)
        cls.portal_user = cls._portal_user("sp_portal_a", cls.customer_contact)
        other_contact = cls.env["res.partner"].create(
            {"name": "Other Contact", "parent_id": cls.other_customer.id}
        )
        cls.other_portal_user = cls._portal_user("sp_portal_b", other_contact)

    @classmethod
    def _portal_user(cls, login, partner):
        user = new_test_user(
            cls.env, login=login, password=login, groups="base.group_portal"
        )
        user.partner_id = partner
        return user

    def test_record_rules_separate_customers(self):
        lots = self.env["stock.lot"]
        self.assertEqual(lots.with_user(self.portal_user).search([]), self.mine)
        self.assertEqual(
            lots.with_user(self.other_portal_user).search([]), self.foreign
        )
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.mine.with_user(self.portal_user).write({"ref": "x"})

    def test_pages_list_own_serials_only(self):
        self.authenticate("sp_portal_a", "sp_portal_a")
        page = self.url_open("/my/devices")
        self.assertEqual(page.status_code, 200)
        self.assertIn("TOUR-DEV-1", page.text)
        self.assertNotIn("TOUR-DEV-OTHER", page.text)
        self.assertIn("Under Warranty", page.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/devices", home.text)

        self.authenticate("sp_portal_b", "sp_portal_b")
        page = self.url_open("/my/devices")
        self.assertIn("TOUR-DEV-OTHER", page.text)
        self.assertNotIn("TOUR-DEV-1<", page.text)

    def test_cannot_open_a_ticket_on_another_customers_serial(self):
        count = self.env["helpdesk.ticket"].search_count([])
        self.authenticate("sp_portal_a", "sp_portal_a")
        page = self.url_open(f"/my/devices/{self.foreign.id}/ticket")
        # redirected to the list, no form on the other serial
        self.assertTrue(page.url.endswith("/my/devices"))
        self.assertNotIn("TOUR-DEV-OTHER", page.text)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)

    def test_my_devices_tour(self):
        self.start_tour(
            "/my/devices",
            "serial_procurement_my_devices_tour",
            login="sp_portal_a",
            timeout=120,
        )
        ticket = self.env["helpdesk.ticket"].search(
            [("service_lot_ids", "in", self.mine.ids)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.customer_contact)
        self.assertIn("does not boot", ticket.description)
        self.assertEqual(self.mine.service_ticket_ids, ticket)
        self.assertIn(self.customer_contact, ticket.message_partner_ids)
        # the other customer still sees nothing of it
        self.assertFalse(
            self.env["helpdesk.ticket"]
            .with_user(self.other_portal_user)
            .search([("id", "=", ticket.id)])
        )

    def test_ticket_creation_checks_the_serial(self):
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Open",
                "description": "x",
                "partner_id": self.customer_contact.id,
                "service_lot_ids": [Command.set(self.mine.ids)],
            }
        )
        tickets = self.env["helpdesk.ticket"].with_user(self.portal_user)
        self.assertEqual(
            tickets.search([("service_lot_ids", "in", self.mine.ids)]), ticket
        )

    def test_no_problem_report_on_a_returned_device(self):
        """Issue #21 item 8: Report a Problem only on devices still with the
        customer; a returned device says so in its own column."""
        returned = self._receive_serials(["TOUR-DEV-RET"])
        self._deliver_serials(returned, self.customer)
        self._move_serials(
            self.warehouse.in_type_id,
            self.customers,
            self.stock,
            self.customer,
            lots=returned,
        )
        self.assertFalse(returned.serial_at_customer)
        self.assertEqual(returned.delivered_partner_id, self.customer)
        count = self.env["helpdesk.ticket"].search_count([])
        self.authenticate("sp_portal_a", "sp_portal_a")
        page = self.url_open("/my/devices")
        self.assertIn("TOUR-DEV-RET", page.text)
        self.assertIn("Returned", page.text)
        self.assertIn(f"/my/devices/{self.mine.id}/ticket", page.text)
        self.assertNotIn(f"/my/devices/{returned.id}/ticket", page.text)
        form = self.url_open(f"/my/devices/{returned.id}/ticket")
        self.assertTrue(form.url.endswith("/my/devices"))
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), count)
