# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import new_test_user

from .common import SerialMrpCase


class TestGenealogy(SerialMrpCase):
    """A finished serial built from two component serials, read back both ways
    in the serial history (form fields, PDF, enquiry)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mb = cls._stock_serials(cls.board, ["MB-100"])
        cls.ps = cls._stock_serials(cls.psu, ["PS-100"])

    def _build(self):
        production = self._production()
        production.action_assign()
        self._produce_wizard(production, "FA-100").action_apply_done()
        self.assertEqual(production.state, "done")
        self.env.invalidate_all()
        return production, self._lot("FA-100")

    def test_finished_serial_from_two_component_serials(self):
        production, finished = self._build()
        # Produced serial: which component serials went in, and from which order.
        self.assertEqual(finished.component_lot_ids, self.mb | self.ps)
        self.assertEqual(finished.produced_production_ids, production)
        self.assertFalse(finished.built_into_lot_ids)
        # Component serials: which finished serial they went into.
        for component in self.mb | self.ps:
            self.assertEqual(component.built_into_lot_ids, finished)
            self.assertEqual(component.consumed_production_ids, production)
            self.assertFalse(component.component_lot_ids)
            self.assertFalse(component.in_stock)
        self.assertTrue(finished.in_stock)

    def test_genealogy_in_the_pdf(self):
        production, finished = self._build()
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "serial_procurement.action_report_serial_history",
            (finished | self.mb).ids,
        )
        html = html.decode()
        self.assertIn("Genealogy", html)
        self.assertIn("Built from", html)
        self.assertIn("Built into", html)
        self.assertIn(production.name, html)
        for name in ("MB-100", "PS-100", "FA-100"):
            self.assertIn(name, html)

    def test_genealogy_in_the_enquiry(self):
        production, finished = self._build()
        Lot = self.env["stock.lot"]
        found = Lot.search([("serial_enquiry", "ilike", production.name)])
        self.assertEqual(found, finished | self.mb | self.ps)
        self.assertEqual(Lot.search([("serial_enquiry", "=", "FA-100")]), finished)
        # The enquiry list shows both columns.
        arch = (
            self.env.ref("serial_procurement.stock_lot_action_enquiry")
            .view_ids.filtered(lambda v: v.view_mode == "list")
            .view_id.get_combined_arch()
        )
        self.assertIn("component_lot_ids", arch)
        self.assertIn("built_into_lot_ids", arch)

    def test_genealogy_on_the_form(self):
        _production, finished = self._build()
        arch = self.env["stock.lot"].get_view(view_type="form")["arch"]
        self.assertIn("serial_genealogy", arch)
        self.assertIn("component_lot_ids", arch)
        self.assertTrue(finished.component_lot_ids)

    def test_genealogy_for_a_stock_user_without_manufacturing_rights(self):
        _production, finished = self._build()
        user = new_test_user(
            self.env, login="sp_stock_only", groups="stock.group_stock_user"
        )
        lot = finished.with_user(user)
        self.assertEqual(lot.component_lot_ids, self.mb | self.ps)
        data = lot.web_read({"component_lot_ids": {"fields": {"display_name": {}}}})
        self.assertEqual(len(data[0]["component_lot_ids"]), 2)
        self.assertNotIn(
            "produced_production_ids",
            lot.get_view(view_type="form")["arch"],
            "the orders are shown to manufacturing users only",
        )
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(
                "serial_procurement.action_report_serial_history", finished.ids
            )
        )
        self.assertIn("MB-100", html.decode())
        self.assertNotIn("Manufacturing Order", html.decode())

    def test_genealogy_reads_stay_flat_per_serial(self):
        self._stock_serials(self.board, ["MB-101", "MB-102"])
        self._stock_serials(self.psu, ["PS-101", "PS-102"])
        production = self._production(qty=3)
        production.action_assign()
        self._produce_wizard(production, "FA-1\nFA-2\nFA-3").action_apply_done()
        finished = self.env["stock.lot"].search(
            [
                ("product_id", "=", self.firewall.id),
                ("name", "in", ["FA-1", "FA-2", "FA-3"]),
            ]
        )
        components = self.env["stock.lot"].search(
            [("product_id", "in", (self.board | self.psu).ids)]
        )

        def queries(lots):
            lots = self.env["stock.lot"].browse(lots.ids)  # its own prefetch set
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            links = sum(
                len(lot.component_lot_ids) + len(lot.built_into_lot_ids) for lot in lots
            )
            self.assertTrue(links)
            return self.env.cr.sql_log_count - before

        queries(finished | components)  # warm the caches of the registry
        one = queries(finished[:1] | components[:2])
        all_ = queries(finished | components)
        self.assertEqual(len(finished), 3)
        self.assertEqual(len((finished | components).built_into_lot_ids), 3)
        # A few batched reads for the whole set, not one per serial.
        self.assertLessEqual(all_, one, "9 serials cost no more than 3")
        self.assertLess(all_, 15)
