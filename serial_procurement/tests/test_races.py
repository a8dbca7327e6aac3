# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two users at the same moment, in two real database transactions.

Odoo runs every request in a REPEATABLE READ transaction: each sees the
database as it was when it began. The Python checks of one request therefore
cannot see what another request commits meanwhile; only the database can stop
the second one. Each test opens two cursors on the real database (not the test
transaction), lets the first commit, then runs the second, which began before
that commit: exactly one must win. Everything committed is removed afterwards.
"""

import uuid
from contextlib import ExitStack, contextmanager

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError, ValidationError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from odoo.addons.serial_procurement.models.stock_quant import ONE_PLACE


class RaceCase(BaseCase):
    """Two environments on the real database and what they commit, removed
    afterwards (no test here: see the classes below and test_races_reserved)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.tag = uuid.uuid4().hex[:8].upper()
        with cls._env() as env:
            company = env.company
            make_partner = env["res.partner"].create
            cls.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": f"Race Firewall {cls.tag}",
                        "is_storable": True,
                        "tracking": "serial",
                        "invoice_policy": "order",
                        "taxes_id": [Command.clear()],
                    }
                )
                .id
            )
            cls.partner_ids = make_partner(
                [{"name": f"Race Customer {i} {cls.tag}"} for i in (1, 2)]
            ).ids
            journal = env["account.journal"].search(
                [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
            )
            # A second sales journal: each invoice takes its number from its own
            # sequence, so that only the serial is shared by the two postings.
            cls.journal_ids = [
                journal.id,
                journal.copy({"code": f"R{cls.tag[:4]}", "name": f"Race {cls.tag}"}).id,
            ]
            cls.company_id = company.id
            stock = (
                env["stock.warehouse"]
                .search([("company_id", "=", company.id)], limit=1)
                .lot_stock_id
            )
            shelf = env["stock.location"].create(
                {"name": f"Race Shelf {cls.tag}", "location_id": stock.id}
            )
            cls.location_ids = [stock.id, shelf.id]
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    @contextmanager
    def _env(cls):
        with cls.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    @classmethod
    def _cleanup(cls):
        with cls._env() as env:
            moves = env["account.move"].search(
                [("journal_id", "in", cls.journal_ids)]
            ) | env["account.move"].search([("partner_id", "in", cls.partner_ids)])
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.with_context(force_delete=True).unlink()
            cls._cleanup_transfers(env)
            env.cr.execute(
                "DELETE FROM stock_quant WHERE product_id = %s", [cls.product_id]
            )
            env["stock.lot"].search([("product_id", "=", cls.product_id)]).unlink()
            env["stock.location"].browse(cls.location_ids[1:]).unlink()
            env["account.journal"].browse(cls.journal_ids[1:]).unlink()
            env["product.product"].browse(cls.product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(cls.partner_ids).unlink()

    @contextmanager
    def _two_transactions(self):
        """Two environments whose transactions have both begun (snapshot
        taken) before either commits."""
        with ExitStack() as stack:
            envs = [stack.enter_context(self._env()) for _i in range(2)]
            for env in envs:
                env.cr.execute("SELECT 1 FROM stock_lot LIMIT 1")
            yield envs

    def _lot_vals(self, name):
        return {
            "name": name,
            "product_id": self.product_id,
            "company_id": self.company_id,
        }

    def _put_on_hand(self, env, lot_id, location_id):
        env["stock.quant"]._update_available_quantity(
            env["product.product"].browse(self.product_id),
            env["stock.location"].browse(location_id),
            1,
            lot_id=env["stock.lot"].browse(lot_id),
        )

    @classmethod
    def _cleanup_transfers(cls, env):
        """What the reservation races committed: estimates, tickets,
        transfers (done ones cannot be deleted through the ORM)."""
        partners = tuple(cls.partner_ids)
        for query in (
            "DELETE FROM stock_valuation_layer WHERE product_id = %(product)s",
            "DELETE FROM stock_move_line WHERE product_id = %(product)s",
            "DELETE FROM stock_move WHERE product_id = %(product)s",
            "DELETE FROM stock_picking WHERE partner_id IN %(partners)s",
            "UPDATE stock_lot SET ticket_id = NULL, sale_line_id = NULL,"
            " customer_id = NULL WHERE product_id = %(product)s",
            "DELETE FROM helpdesk_ticket WHERE partner_id IN %(partners)s",
            "DELETE FROM sale_order WHERE partner_id IN %(partners)s",
            "DELETE FROM procurement_group WHERE partner_id IN %(partners)s",
        ):
            env.cr.execute(query, {"product": cls.product_id, "partners": partners})


@tagged("post_install", "-at_install")
class TestRaces(RaceCase):
    # ------------------------------------------------------------------ F2

    def test_same_serial_created_twice(self):
        """Two receipts create serial RT-SAME at the same moment: the first
        commits, the second gets a clear ValidationError from the unique index
        (its own Python check could not see the first one)."""
        name = f"RT-SAME-{self.tag}"
        with self._two_transactions() as (env1, env2):
            env1["stock.lot"].create(self._lot_vals(name))
            env1.cr.commit()
            # The second transaction's snapshot predates the commit:
            self.assertFalse(env2["stock.lot"].search([("name", "=", name)]))
            with self.assertRaisesRegex(ValidationError, "already exist"):
                env2["stock.lot"].create(self._lot_vals(name))
            env2.cr.rollback()
        with self._env() as env:
            self.assertEqual(env["stock.lot"].search_count([("name", "=", name)]), 1)

    def test_different_serials_both_created(self):
        """Control: two different serials at the same moment both commit."""
        with self._two_transactions() as (env1, env2):
            env1["stock.lot"].create(self._lot_vals(f"RT-A-{self.tag}"))
            env1.cr.commit()
            env2["stock.lot"].create(self._lot_vals(f"RT-B-{self.tag}"))
            env2.cr.commit()
        with self._env() as env:
            self.assertEqual(
                env["stock.lot"].search_count(
                    [("name", "in", [f"RT-A-{self.tag}", f"RT-B-{self.tag}"])]
                ),
                2,
            )

    def test_case_variants_created_at_once(self):
        """With "Serial numbers ignore case" on, ``fw1`` and ``FW1`` are
        created at the same moment: the first commits, the second gets a clear
        ValidationError from the unique index of ``serial_name_key`` (its own
        Python check could not see the first one)."""
        with self._env() as env:
            env["res.company"].browse(self.company_id).serial_case_insensitive = True
        self.addCleanup(self._case_setting_off)
        lower, upper = f"fw1-{self.tag.lower()}", f"FW1-{self.tag}"
        with self._two_transactions() as (env1, env2):
            env1["stock.lot"].create(self._lot_vals(lower))
            env1.cr.commit()
            self.assertFalse(env2["stock.lot"].search([("name", "=ilike", lower)]))
            with self.assertRaisesRegex(ValidationError, "differing only by case"):
                env2["stock.lot"].create(self._lot_vals(upper))
            env2.cr.rollback()
        with self._env() as env:
            lots = env["stock.lot"].search([("name", "=ilike", lower)])
            self.assertEqual(lots.mapped("name"), [lower])

    def test_case_setting_turned_on_while_variant_created(self):
        """Serial FW9 exists; user 1 creates fw9 (case still matters) while
        user 2 turns "Serial numbers ignore case" on: user 1 commits first.
        User 2's check could not see fw9; the index stops the keys' update with
        a clear UserError, and its retry lists the two serials."""
        upper, lower = f"FW9-{self.tag}", f"fw9-{self.tag.lower()}"
        with self._env() as env:
            env["stock.lot"].create(self._lot_vals(upper))
        self.addCleanup(self._unlink_lots, [upper, lower])
        self.addCleanup(self._case_setting_off)
        with self._two_transactions() as (env1, env2):
            env1["stock.lot"].create(self._lot_vals(lower))
            env1.cr.commit()
            company = env2["res.company"].browse(self.company_id)
            with self.assertRaisesRegex(UserError, "just created"):
                company.serial_case_insensitive = True
            env2.cr.rollback()
        with self._env() as env:  # the user tries again
            company = env["res.company"].browse(self.company_id)
            with self.assertRaisesRegex(UserError, f"{upper} / {lower}"):
                company.serial_case_insensitive = True
            env.cr.rollback()
        with self._env() as env:
            company = env["res.company"].browse(self.company_id)
            self.assertFalse(company.serial_case_insensitive)

    def _unlink_lots(self, names):
        with self._env() as env:
            env["stock.lot"].search([("name", "in", names)]).unlink()

    def _case_setting_off(self):
        with self._env() as env:
            env["res.company"].browse(self.company_id).serial_case_insensitive = False

    # ------------------------------------------------------------------ F7

    def _draft_invoices(self, names):
        """Two draft invoices (two customers, two journals), each billing one
        serial of ``names`` (the same serial twice, or two serials)."""
        with self._env() as env:
            lots = env["stock.lot"].create([self._lot_vals(name) for name in names])
            invoices = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.partner_ids[i],
                        "journal_id": self.journal_ids[i],
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": self.product_id,
                                    "quantity": 1,
                                    "price_unit": 100.0,
                                    "lot_ids": [Command.set(lots[i % len(lots)].ids)],
                                }
                            )
                        ],
                    }
                    for i in (0, 1)
                ]
            )
            return invoices.ids, lots.ids

    def test_same_serial_invoiced_twice(self):
        """Two invoices billing the same serial are posted at the same moment:
        the second posting fails on the serial's row (serialization failure,
        which Odoo retries), and the retry gets a clear UserError."""
        (inv1, inv2), (lot_id,) = self._draft_invoices([f"RT-INV-{self.tag}"])
        with self._two_transactions() as (env1, env2):
            env1["account.move"].browse(inv1).action_post()
            env1.cr.commit()
            with self.assertRaises(errors.SerializationFailure):
                env2["account.move"].browse(inv2).action_post()
                env2.flush_all()
            env2.cr.rollback()
        with self._env() as env:  # Odoo's retry of the second request
            with self.assertRaisesRegex(UserError, "already invoiced"):
                env["account.move"].browse(inv2).action_post()
            env.cr.rollback()
        with self._env() as env:
            moves = env["account.move"].browse([inv1, inv2])
            self.assertEqual(moves.mapped("state"), ["posted", "draft"])
            lot = env["stock.lot"].browse(lot_id)
            self.assertEqual(lot.customer_invoice_line_id.move_id.id, inv1)

    def test_different_serials_invoiced_together(self):
        """Control: two invoices of two different serials both post."""
        (inv1, inv2), _lots = self._draft_invoices(
            [f"RT-I1-{self.tag}", f"RT-I2-{self.tag}"]
        )
        with self._two_transactions() as (env1, env2):
            env1["account.move"].browse(inv1).action_post()
            env1.cr.commit()
            env2["account.move"].browse(inv2).action_post()
            env2.cr.commit()
        with self._env() as env:
            states = env["account.move"].browse([inv1, inv2]).mapped("state")
            self.assertEqual(states, ["posted", "posted"])

    # ------------------------------------------------------------------ F4

    def test_same_serial_put_in_two_places(self):
        """Two users put serial RT-PLACE on hand, each in another location, at
        the same moment (count sheets, receipts): the first commits; the
        second's commit fails on the serial's row (serialization failure, which
        Odoo retries) and its retry fails on the one-place rule."""
        with self._env() as env:
            lot_id = env["stock.lot"].create(self._lot_vals(f"RT-PLACE-{self.tag}")).id
        stock_id, shelf_id = self.location_ids
        with self._two_transactions() as (env1, env2):
            self._put_on_hand(env1, lot_id, stock_id)
            env1.cr.commit()
            self._put_on_hand(env2, lot_id, shelf_id)
            with self.assertRaises(errors.SerializationFailure):
                env2.flush_all()
                env2.cr.commit()
            env2.cr.rollback()
        with self._env() as env:  # Odoo's retry of the second request
            self._put_on_hand(env, lot_id, shelf_id)
            env.flush_all()
            with self.assertRaisesRegex(errors.CheckViolation, "two places") as info:
                env.cr.execute(f"SET CONSTRAINTS {ONE_PLACE} IMMEDIATE")
            self.assertEqual(info.exception.diag.constraint_name, ONE_PLACE)
            env.cr.rollback()
        with self._env() as env:
            env.cr.execute(
                "SELECT location_id FROM stock_quant"
                " WHERE lot_id = %s AND quantity > 0",
                [lot_id],
            )
            self.assertEqual(env.cr.fetchall(), [(stock_id,)])
