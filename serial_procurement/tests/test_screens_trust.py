# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #21: screens a back office can trust (columns, labels, clutter)."""

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialProcurementCase

# Columns shown by default at 1,400 px, at most.
MAX_COLUMNS = 9


@tagged("post_install", "-at_install")
class TestScreensTrust(SerialProcurementCase):
    def _arch(self, model, view_type, view_ref=None):
        view_id = self.env.ref(view_ref).id if view_ref else None
        return etree.fromstring(
            self.env[model].get_view(view_id=view_id, view_type=view_type)["arch"]
        )

    @staticmethod
    def _shown_columns(list_arch):
        return [
            field.get("name")
            for field in list_arch.xpath("/list/field")
            if field.get("optional") != "hide"
            and field.get("column_invisible") not in ("1", "True", "true")
        ]

    def test_lists_show_at_most_nine_columns(self):
        for model, ref in (
            ("stock.lot", "serial_procurement.stock_lot_view_tree_enquiry"),
            (
                "serial.procurement.sold.report",
                "serial_procurement.serial_procurement_sold_report_view_list",
            ),
        ):
            with self.subTest(view=ref):
                shown = self._shown_columns(self._arch(model, "list", ref))
                self.assertLessEqual(len(shown), MAX_COLUMNS, shown)
                self.assertIn("name" if model == "stock.lot" else "lot_id", shown)

    def test_enquiry_facet_has_a_short_label(self):
        """The facet of an enquiry shows the field's label: a 50-character label
        filled the search bar and, covered by core's edit icon on hover, read as
        an empty purple bar with a gear."""
        arch = self._arch(
            "stock.lot", "search", "serial_procurement.stock_lot_view_search_enquiry"
        )
        for field in arch.xpath("//field"):
            label = (
                field.get("string")
                or self.env["stock.lot"]._fields[field.get("name")].string
            )
            with self.subTest(field=field.get("name")):
                self.assertTrue(label)
                self.assertLessEqual(len(label), 24, label)
        for node in arch.xpath("//filter"):
            self.assertTrue(node.get("string"), node.get("name"))

    # -- item 8: clutter --------------------------------------------------------

    def _invoiced_serial(self):
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        self._receive(self._purchase(ticket), self.firewall, "TR-1")
        lot = ticket.lot_ids
        return order, ticket, lot

    def test_release_only_where_it_applies(self):
        order, ticket, lot = self._invoiced_serial()
        self.assertTrue(lot.serial_releasable)
        self._deliver(order)
        self.assertTrue(lot.serial_at_customer)
        self.assertFalse(lot.serial_releasable, "delivered: no button")
        manager = self._create_user(
            "sp_release_manager",
            "serial_procurement.group_serial_procurement_manager,"
            "stock.group_stock_manager",
        )
        with self.assertRaisesRegex(UserError, "is delivered to"):
            lot.with_user(manager).action_release_ticket()
        self.assertEqual(lot.ticket_id, ticket, "nothing written")
        ticket.action_make_invoice()
        self.assertTrue(lot.customer_invoice_line_id)
        self.assertFalse(lot.serial_releasable, "invoiced: no button")
        arch = self._arch("stock.lot", "form")
        button = arch.xpath("//header/button[@name='action_release_ticket']")[0]
        self.assertEqual(button.get("invisible"), "not serial_releasable")

    def test_clear_review_only_on_serials_to_investigate(self):
        self.assertFalse(
            self.env["ir.actions.server"].search(
                [
                    ("binding_model_id.model", "=", "stock.lot"),
                    ("code", "ilike", "action_clear_review"),
                ]
            ),
            "not in the action menu of every serial",
        )
        form = self._arch("stock.lot", "form")
        button = form.xpath("//header/button[@name='action_clear_review']")[0]
        self.assertEqual(button.get("invisible"), "not needs_review")
        to_investigate = self._arch(
            "stock.lot", "list", "serial_procurement.stock_lot_view_tree_to_investigate"
        )
        self.assertTrue(
            to_investigate.xpath("//header/button[@name='action_clear_review']")
        )

    def test_the_customer_once_on_the_serial_form(self):
        form = self._arch("stock.lot", "form")
        shown = [
            node
            for node in form.xpath("//field[@name='customer_id']")
            if node.get("invisible") not in ("True", "1")
        ]
        self.assertEqual(len(shown), 1)
        delivered = form.xpath("//field[@name='delivered_partner_id']")[0]
        self.assertIn("delivered_partner_id == customer_id", delivered.get("invisible"))
        last = form.xpath("//field[@name='last_delivery_partner_id']")
        if last:  # shown to stock managers only (core)
            self.assertIn("customer_id", last[0].get("invisible"))
