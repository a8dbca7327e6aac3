# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scripts of migrations/<version>/ run, through Odoo's own MigrationManager,
on a database left by the previous version (simulated: the stored values are
written back as that version left them)."""

from pathlib import Path
from types import SimpleNamespace

from odoo import Command
from odoo.exceptions import UserError
from odoo.modules.migration import MigrationManager, load_script
from odoo.tools import parse_version
from odoo.tools.misc import file_path

from ..models.stock_lot import CASE_INDEX
from .common import SerialProcurementCase, draft_credit_note

ADDON = "serial_procurement"


class TestMigration(SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manifest_version = cls.env["ir.module.module"].get_module_info(ADDON)[
            "version"
        ]

    def _upgrade_from(self, installed_version, stage="post"):
        """Run the ``stage`` scripts Odoo runs when upgrading from that version."""
        package = SimpleNamespace(
            name=ADDON,
            state="to upgrade",
            installed_version=installed_version,
            data={"version": self.manifest_version},
        )
        MigrationManager(self.env.cr, [package]).migrate_module(package, stage)
        self.env.invalidate_all()

    def _stale_ticket(self):
        """A ticket whose stored billing status is what an older rule left."""
        order = self._create_quotation([(self.firewall, 1)])
        ticket = self._create_ticket(order)
        self._take_deposit(ticket, 100.0)
        self.assertEqual(ticket.billing_status, "partial")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET billing_status = 'no' WHERE id = %s",
            [ticket.id],
        )
        self.env.invalidate_all()
        self.assertEqual(ticket.billing_status, "no", "stale value as stored")
        return ticket

    def test_01_every_migration_folder_is_reachable_by_the_manifest_version(self):
        folders = sorted(
            p.name
            for p in Path(file_path(ADDON + "/migrations")).iterdir()
            if p.is_dir()
        )
        self.assertIn("18.0.1.1.0", folders)
        for folder in folders:
            self.assertLessEqual(
                parse_version(folder),
                parse_version(self.manifest_version),
                "migrations/%s would never run: bump the manifest version" % folder,
            )

    def test_02_upgrade_from_18_0_1_0_0_recomputes_stored_billing_status(self):
        ticket = self._stale_ticket()
        no_estimate = self.env["helpdesk.ticket"].create(
            {"name": "No estimate", "description": "A ticket without an estimate"}
        )
        self._upgrade_from("18.0.1.0.0")
        self.assertEqual(ticket.billing_status, "partial", "recomputed")
        self.assertEqual(no_estimate.billing_status, "no")

    def test_03_no_script_runs_when_already_at_18_0_1_1_0(self):
        ticket = self._stale_ticket()
        self._upgrade_from("18.0.1.1.0")
        self.assertEqual(ticket.billing_status, "no", "not run twice")

    def test_04_recompute_counts_the_records_of_its_domain(self):
        self._stale_ticket()
        script = file_path(ADDON + "/migrations/18.0.1.1.0/post-migrate.py")
        module = load_script(script, "sp_post_migrate_18_0_1_1_0")
        expected = self.env["helpdesk.ticket"].search_count(
            [("sale_order_id", "!=", False)]
        )
        counts = module.recompute_stored_fields(self.env)
        self.assertEqual(counts, {"helpdesk.ticket": expected})

    def test_05_upgrade_from_18_0_1_3_0_fills_the_case_keys_and_their_index(self):
        lot = self.env["stock.lot"].create(
            {"name": "Mig-1", "product_id": self.firewall.id}
        )
        self.company.serial_case_insensitive = True
        self.env.flush_all()
        self.env.cr.execute(f"DROP INDEX {CASE_INDEX}")
        self.env.cr.execute("UPDATE stock_lot SET serial_name_key = NULL")
        self.env.invalidate_all()
        self._upgrade_from("18.0.1.3.0")
        self.assertEqual(lot.serial_name_key, "mig-1")
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = %s", [CASE_INDEX]
        )
        self.assertTrue(self.env.cr.rowcount, "index created again")
        self.env.cr.execute(
            "SELECT count(*) FROM stock_lot WHERE serial_name_key IS NULL"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    # -------------------------------------- 18.0.1.5.0: invoice stamps (#18)

    def _invoiced_ticket(self, serials):
        order = self._create_quotation([(self.firewall, len(serials.split()))])
        serials = "\n".join(serials.split())
        ticket = self._create_ticket(order)
        self._receive(self._purchase(ticket), self.firewall, serials)
        invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        self.assertEqual(invoice.state, "posted")
        return ticket.lot_ids.sorted("name"), invoice

    def _reverse(self, invoice):
        refund = draft_credit_note(invoice)
        refund.action_post()
        return refund

    def _direct_invoice(self, lots, post=True):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.firewall.id,
                            "quantity": len(lots),
                            "price_unit": 1.0,
                            "lot_ids": [Command.set(lots.ids)],
                        }
                    )
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def _forget_stamps(self):
        """The state 18.0.1.0.0 left: serials on posted invoices, no stamp."""
        self.env.flush_all()
        self.env.cr.execute("UPDATE stock_lot SET customer_invoice_line_id = NULL")
        self.env.invalidate_all()

    def test_06_upgrade_from_18_0_1_0_0_stamps_invoiced_serials(self):
        lots, invoice = self._invoiced_ticket("MIG-INV-1 MIG-INV-2")
        stamps = {lot: lot.customer_invoice_line_id for lot in lots}
        self.assertTrue(all(stamps.values()))
        self._forget_stamps()
        self.assertFalse(lots.customer_invoice_line_id, "the old version's state")
        self._upgrade_from("18.0.1.0.0")
        for lot, line in stamps.items():
            self.assertEqual(lot.customer_invoice_line_id, line)
        # the double invoice the audit made is refused again
        second = self._direct_invoice(lots, post=False)
        with (
            self.assertRaisesRegex(UserError, "already invoiced"),
            self.cr.savepoint(),
        ):
            second.action_post()
        self.assertEqual(second.state, "draft")
        self.assertEqual(lots.customer_invoice_line_id.move_id, invoice)

    def test_07_upgrade_leaves_credited_serials_free(self):
        lots, invoice = self._invoiced_ticket("MIG-CRN-1")
        self._reverse(invoice)
        self.assertFalse(lots.customer_invoice_line_id)
        self._forget_stamps()
        self._upgrade_from("18.0.1.4.0")
        self.assertFalse(lots.customer_invoice_line_id, "credited: not stamped")
        again = self._direct_invoice(lots)
        self.assertEqual(lots.customer_invoice_line_id.move_id, again)

    def test_08_upgrade_stamps_the_invoice_after_the_credit_note(self):
        lots, invoice = self._invoiced_ticket("MIG-AGAIN-1")
        self._reverse(invoice)
        again = self._direct_invoice(lots)
        line = lots.customer_invoice_line_id
        self.assertEqual(line.move_id, again)
        self._forget_stamps()
        self._upgrade_from("18.0.1.4.0")
        self.assertEqual(lots.customer_invoice_line_id, line)

    def test_09_partial_credit_naming_a_serial_frees_only_it(self):
        lots, invoice = self._invoiced_ticket("MIG-PART-1 MIG-PART-2")
        refund = draft_credit_note(invoice)
        refund.invoice_line_ids.filtered("product_id").write(
            {"quantity": 1, "lot_ids": [Command.set(lots[:1].ids)]}
        )
        refund.action_post()
        kept = lots[1].customer_invoice_line_id
        self.assertTrue(kept)
        self._forget_stamps()
        self._upgrade_from("18.0.1.4.0")
        self.assertFalse(lots[0].customer_invoice_line_id)
        self.assertEqual(lots[1].customer_invoice_line_id, kept)

    def test_10_no_stamp_written_when_already_at_18_0_1_5_0(self):
        lots, _invoice = self._invoiced_ticket("MIG-SAME-1")
        self._forget_stamps()
        self._upgrade_from("18.0.1.5.0")
        self.assertFalse(lots.customer_invoice_line_id, "script not run")
