# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
""" "Serial numbers ignore case" enforced by the database (issue #9): the
uniqueness key ``stock.lot.serial_name_key``, its unique index, and the
company setting that refuses to merge serials differing only by case."""

from unittest.mock import patch

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import stock_lot as case_key
from ..models.stock_lot import CASE_INDEX
from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestSerialCaseKey(SerialProcurementCase):
    def _lot(self, name, company=None, product=None):
        company = self.company if company is None else company
        return self.env["stock.lot"].create(
            {
                "name": name,
                "product_id": (product or self.firewall).id,
                "company_id": company.id,
            }
        )

    def test_key_follows_the_setting(self):
        lot = self._lot("Ab-1")
        self.assertEqual(lot.serial_name_key, "Ab-1")
        self.company.serial_case_insensitive = True
        self.assertEqual(lot.serial_name_key, "ab-1")
        lot.name = "Cd-2"
        self.assertEqual(lot.serial_name_key, "cd-2")
        self.assertEqual(self._lot("Ef-3").serial_name_key, "ef-3")
        self.company.serial_case_insensitive = False
        self.assertEqual(lot.serial_name_key, "Cd-2")

    def test_index_exists(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [CASE_INDEX]
        )
        (definition,) = self.env.cr.fetchone()
        self.assertIn("UNIQUE", definition)
        self.assertIn("serial_name_key", definition)
        self.assertEqual(self.env["stock.lot"]._serial_duplicate_keys(), [])
        self.assertTrue(self.env["stock.lot"]._serial_create_case_index())

    def test_database_refuses_what_python_does_not_see(self):
        """Below every Python check: the row itself cannot take the key of
        another serial of the same product and company."""
        self.company.serial_case_insensitive = True
        self._lot("fw1")
        other = self._lot("OTHER-1")
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation) as info,
        ):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE stock_lot SET name = 'FW1', serial_name_key = 'fw1'"
                    " WHERE id = %s",
                    [other.id],
                )
        self.assertEqual(info.exception.diag.constraint_name, CASE_INDEX)

    def test_case_variant_refused_with_setting_on(self):
        self.company.serial_case_insensitive = True
        self._lot("fw1")
        with self.assertRaisesRegex(ValidationError, "differing only by case"):
            self._lot("FW1")
        # another product, another company: not the same serial
        self._lot("FW1", product=self.switch)
        company_b = self.env["res.company"].create({"name": "Case Co B"})
        self._lot("FW1", company=company_b)

    def test_rename_to_case_variant_refused(self):
        """A rename meets the friendly Python check before the index."""
        self.company.serial_case_insensitive = True
        self._lot("ren-1")
        lot = self._lot("REN-2")
        with self.assertRaisesRegex(ValidationError, "same serial in this company"):
            with self.env.cr.savepoint():
                lot.name = "REN-1"
                self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(lot.name, "REN-2")
        self.assertEqual(lot.serial_name_key, "ren-2")

    def test_turning_on_refused_while_case_variants_exist(self):
        first = self._lot("fw-a")
        second = self._lot("FW-A")
        with self.assertRaisesRegex(UserError, "differ only by case") as info:
            self.company.serial_case_insensitive = True
        self.assertIn("fw-a / FW-A", str(info.exception))
        self.assertIn(self.firewall.display_name, str(info.exception))
        self.env.invalidate_all()
        self.assertFalse(self.company.serial_case_insensitive, "nothing written")
        self.assertEqual(first.serial_name_key, "fw-a")
        self.assertEqual(second.serial_name_key, "FW-A")
        second.name = "FW-B"
        self.company.serial_case_insensitive = True
        self.assertEqual(second.serial_name_key, "fw-b")

    def test_shared_serial_ignores_case_when_any_company_does(self):
        shared = self._lot("Sh-1", company=self.env["res.company"])
        self.assertFalse(shared.company_id)
        self.assertEqual(shared.serial_name_key, "Sh-1")
        company_b = self.env["res.company"].create({"name": "Case Co C"})
        company_b.serial_case_insensitive = True
        self.assertEqual(shared.serial_name_key, "sh-1")
        with self.assertRaisesRegex(ValidationError, "already exist"):
            self._lot("SH-1", company=self.env["res.company"])
        company_b.serial_case_insensitive = False
        self.assertEqual(shared.serial_name_key, "Sh-1")

    def test_refused_by_settings_screen(self):
        self._lot("set-1")
        self._lot("SET-1")
        with self.assertRaisesRegex(UserError, "set-1 / SET-1"):
            self.env["res.config.settings"].create(
                {"serial_case_insensitive": True}
            ).execute()
        self.assertFalse(self.company.serial_case_insensitive)

    def test_indexes_rebuilt_after_a_large_fill(self):
        """Keys written on many serials at once (the upgrade that adds them)
        leave every index of the table with a second entry per row: above the
        threshold the indexes are rebuilt, below it nothing is done."""
        Lot = self.env["stock.lot"]
        self._lot("RB-1")
        self.env.cr.execute("UPDATE stock_lot SET serial_name_key = NULL")
        filled = Lot._serial_fill_name_keys(only_missing=True)
        self.assertGreaterEqual(filled, 1)
        self.assertFalse(Lot._serial_rebuild_indexes_after_fill(filled))
        before = self._index_files()
        self.assertEqual(self._index_files(), before)
        with patch.object(case_key, "REBUILD_AFTER_ROWS", 1):
            self.assertTrue(Lot._serial_rebuild_indexes_after_fill(filled))
        after = self._index_files()
        self.assertEqual(set(after), set(before))
        self.assertTrue(
            all(after[name] != before[name] for name in before),
            "every index of stock_lot has a new file: rebuilt",
        )
        self.assertTrue(Lot.search([("name", "=", "RB-1")]).serial_name_key)

    def _index_files(self):
        """{index name: its file node} of the indexes of stock_lot."""
        self.env.cr.execute(
            """SELECT c.relname, c.relfilenode FROM pg_index i
                 JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = 'stock_lot'::regclass"""
        )
        return dict(self.env.cr.fetchall())
