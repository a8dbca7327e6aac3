# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Serial Enquiry finds exactly what its definition says, in the order asked
(issue #23: its references are looked up in one query, the results must not
change): each search is compared, row for row and in order, with the plain
domain over the relations that states what the enquiry means."""

from odoo import Command
from odoo.osv import expression
from odoo.tests import new_test_user, tagged

from .common import SerialLifecycleCommon


@tagged("post_install", "-at_install")
class TestEnquiryResults(SerialLifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.acme_north = Partner.create({"name": "Acme North"})
        cls.acme_south = Partner.create({"name": "Acme South", "is_company": True})
        cls.acme_contact = Partner.create(
            {"name": "Kim Fox", "parent_id": cls.acme_south.id}
        )  # complete name "Acme South, Kim Fox"
        cls.acme_old = Partner.create({"name": "Acme Archived", "active": False})
        Ticket = cls.env["helpdesk.ticket"]
        cls.ticket_a = Ticket.create(
            {
                "name": "Acme router down",
                "description": "x",
                "partner_id": cls.acme_north.id,
            }
        )
        cls.ticket_b = Ticket.create(
            {"name": "Printer jam", "description": "x", "partner_id": cls.customer.id}
        )
        cls.order = cls.env["purchase.order"].create({"partner_id": cls.acme_south.id})
        lots = cls.env["stock.lot"].create(
            [
                {
                    "name": f"ACME-{index:03d}"
                    if index % 4 == 0
                    else f"SN-{index:03d}",
                    "product_id": cls.product.id,
                    "company_id": cls.company.id,
                }
                for index in range(40)
            ]
        )
        cls.lots = lots
        for index, lot in enumerate(lots):
            vals = {}
            if index % 3 == 0:
                vals["customer_id"] = (cls.acme_north | cls.acme_contact)[index % 2].id
            if index % 5 == 0:
                vals["supplier_id"] = (cls.acme_south | cls.acme_old | cls.vendor)[
                    index % 3
                ].id
            if index % 7 == 0:
                vals["ticket_id"] = cls.ticket_a.id
            if index % 11 == 0:
                vals["material_ticket_id"] = cls.ticket_b.id
            if index % 6 == 1:
                vals["purchase_order_id"] = cls.order.id
            if vals:
                lot.write(vals)
        cls.invoice = cls._invoice(cls, cls.product, 2, lots=lots[17] | lots[23])
        cls.invoice.action_post()
        cls.env.flush_all()

    def _expected_domain(self, operator, value):
        """What the enquiry means, stated on the relations themselves."""
        invoices = [
            ("move_id.name", operator, value),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
        ]
        return expression.OR(
            [
                [("name", operator, value)],
                [("customer_id.complete_name", operator, value)],
                [("supplier_id.complete_name", operator, value)],
                [("ticket_id.name", operator, value)],
                [("ticket_id.number", operator, value)],
                [("material_ticket_id.name", operator, value)],
                [("material_ticket_id.number", operator, value)],
                [("purchase_order_id.name", operator, value)],
                [("invoice_line_ids", "any", invoices)],
            ]
        )

    def _compare(self, operator, value, user=None):
        Lot = self.env["stock.lot"].with_context(active_test=False)
        if user:
            Lot = Lot.with_user(user)
        expected_all = Lot.search(self._expected_domain(operator, value))
        for order in ("id desc", "name", "name desc, id", None):
            for limit in (None, 5):
                with self.subTest(
                    value=value, operator=operator, order=order, limit=limit
                ):
                    found = Lot.search(
                        [("serial_enquiry", operator, value)], order=order, limit=limit
                    )
                    expected = Lot.search(
                        self._expected_domain(operator, value), order=order, limit=limit
                    )
                    self.assertEqual(found.ids, expected.ids)
        return expected_all

    def test_results_identical_to_the_definition(self):
        terms = [
            "acme",  # serial names, customers, suppliers, a ticket, contacts
            "ACME-00",
            "South",  # a company and, by complete name, its contact
            "Archived",  # an archived supplier still counts
            "router",  # ticket title
            "jam",  # material ticket
            "SN-01",
            "no-such-text-anywhere",
        ]
        sizes = {}
        for value in terms:
            sizes[value] = len(self._compare("ilike", value))
        # the data set exercises every branch (not a test of empty results)
        self.assertEqual(sizes["no-such-text-anywhere"], 0)
        for value in ("acme", "South", "Archived", "router", "jam", "SN-01"):
            self.assertGreater(sizes[value], 0, value)
        self.assertGreater(sizes["acme"], sizes["ACME-00"])

    def test_wildcards_in_the_text_as_core(self):
        """The text reaches the lookups as a query parameter: ``%`` and ``_``
        still match as in core's ``ilike`` (no escaping), quotes are data."""
        for value in ("SN_01", "Ac%th", "acme south, kim", "O'Brien", "100%"):
            self._compare("ilike", value)
        self.assertTrue(self._compare("ilike", "Ac%th"))  # North and South
        self.assertTrue(self._compare("ilike", "SN_01"))

    def test_results_identical_for_a_user_of_another_company(self):
        """Record rules apply to the lookups as to the definition: a user of a
        second company sees the shared serials, but not by the name of a
        customer of the first company, exactly as the plain domain says."""
        other = self.env["res.company"].create({"name": "Enquiry Other Co"})
        private = self.env["res.partner"].create(
            {"name": "Acme Private", "company_id": self.company.id}
        )
        self.lots[:4].write({"company_id": False, "customer_id": private.id})
        clerk = new_test_user(
            self.env,
            login="sp_enquiry_other_clerk",
            groups="stock.group_stock_user,sales_team.group_sale_salesman",
            company_id=other.id,
            company_ids=[Command.set([other.id])],
        )
        self.assertEqual(self._compare("ilike", "Acme Private"), self.lots[:4])
        self.assertFalse(self._compare("ilike", "Acme Private", user=clerk))
        self.assertEqual(self._compare("ilike", "ACME-00", user=clerk), self.lots[0])
        for value in ("acme", "Private", "router", self.order.name):
            self._compare("ilike", value, user=clerk)
            self._compare("=", value, user=clerk)

    def test_exact_references(self):
        for value in (
            self.order.name,
            self.invoice.name,
            self.ticket_a.number,
            "SN-013",
            "Acme North",
        ):
            self.assertTrue(self._compare("=", value), value)
            self.assertTrue(self._compare("ilike", value), value)
        self.assertIn(self.lots[17], self._compare("=", self.invoice.name))

    def test_one_query_for_every_reference(self):
        """The lookups of partners, tickets, purchase orders and invoices (and
        manufacturing orders with the bridge) are one query, then the serials."""
        Lot = self.env["stock.lot"]
        Lot.search([("serial_enquiry", "ilike", "acme")], limit=80)  # warm caches
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            Lot.search([("serial_enquiry", "ilike", "acme")], limit=80, order="id desc")
