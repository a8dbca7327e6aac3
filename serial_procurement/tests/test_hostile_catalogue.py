# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The catalogue of hostile inputs (issue #9): every bad value a careless or
hostile user sends, against the entry point that takes it. Each must end in a
clear UserError/ValidationError (AccessError included) whose message names the
rule, and write nothing: the state of serials, stock, invoices, payments and
tickets is measured right after the refusal, before any rollback."""

import base64
import logging
import math

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SerialProcurementCase

_logger = logging.getLogger(__name__)

BAD_NAMES = {
    "nul": ("FW\x001", "control character"),
    "nul_end": ("FW1\x00", "control character"),
    "bell": ("FW\x071", "control character"),
    "zero_width": ("FW1\u200b", "invisible character"),
    "zero_width_start": ("\u200bFW1", "invisible character"),
    "bidi": ("FW\u202e1", "invisible character"),
    "nbsp": ("FW\u00a01", "invisible character"),
    "65_chars": ("X" * 65, "maximum is 64"),
    "10k_chars": ("Y" * 10000, "maximum is 64"),
    "blank": ("   ", "at least one serial"),
}
LIMIT = "not an accepted number"


class Rollback(Exception):
    """Raised to undo a case's savepoint after its state was measured."""


@tagged("post_install", "-at_install")
class TestHostileCatalogue(SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Catalogue Shelf", "location_id": cls.stock_location.id}
        )
        cls.batch = cls.env["product.product"].create(
            {"name": "Cable Drum", "is_storable": True, "tracking": "lot"}
        )
        cls.sale_journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.company_b = cls.env["res.company"].create({"name": "Catalogue Other Co"})
        groups = (
            "serial_procurement.group_serial_procurement_user,"
            "sales_team.group_sale_salesman,purchase.group_purchase_user,"
            "stock.group_stock_user"
        )
        cls.ticket_b_company = (
            cls.env["helpdesk.ticket"]
            .with_company(cls.company_b)
            .create(
                {"name": "B ticket", "description": "b", "company_id": cls.company_b.id}
            )
        )
        cls.plain = cls._create_user("sp_cat_plain", groups)
        cls.outsider = cls._create_user(
            "sp_cat_outsider",
            "sales_team.group_sale_salesman,helpdesk_mgmt.group_helpdesk_user,"
            "stock.group_stock_user",
        )

    def _fixture(self):
        """Ticket A: 2 firewalls, a deposit, serials CAT-1/CAT-2 received onto
        it; ticket B: 1 firewall received (CAT-B1) and invoiced."""
        order_a = self._create_quotation([(self.firewall, 2)])
        ticket_a = self._create_ticket(order_a)
        self._take_deposit(ticket_a, 100.0)
        self._receive(self._purchase(ticket_a), self.firewall, "CAT-1\nCAT-2")
        order_b = self._create_quotation([(self.firewall, 1)], self.customer_b)
        ticket_b = self._create_ticket(order_b)
        self._receive(self._purchase(ticket_b), self.firewall, "CAT-B1")
        ticket_b.action_make_invoice()
        order_c = self._create_quotation([(self.switch, 2)])
        ticket_c = self._create_ticket(order_c)
        purchase_c = self._purchase(ticket_c)
        lot = self.env["stock.lot"]
        return {
            "ticket_a": ticket_a,
            "ticket_b": ticket_b,
            "ticket_c": ticket_c,
            "receipt_c": purchase_c.picking_ids,
            "lot_a": lot.search([("name", "=", "CAT-1")]),
            "lot_b": lot.search([("name", "=", "CAT-B1")]),
        }

    # ------------------------------------------------------------ measuring

    def _state(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT (SELECT count(*) FROM stock_lot),
                      (SELECT md5(string_agg(concat_ws('|', name, ticket_id,
                              sale_line_id, customer_invoice_line_id), ','
                              ORDER BY id)) FROM stock_lot),
                      (SELECT coalesce(sum(quantity), 0) FROM stock_quant),
                      (SELECT count(*) FROM stock_move WHERE state = 'done'),
                      (SELECT count(*) FROM stock_move_line),
                      (SELECT count(*) FROM account_move WHERE state = 'posted'),
                      (SELECT count(*) FROM account_move),
                      (SELECT count(*) FROM account_payment),
                      (SELECT count(*) FROM helpdesk_ticket),
                      (SELECT count(*) FROM sale_order WHERE ticket_id IS NOT NULL)
            """
        )
        return self.env.cr.fetchone()

    def _run_case(self, name, action, pattern, prepare=None):
        """Return the outcome of one hostile input: ``clean`` when refused with
        the expected message and nothing written. ``prepare`` builds what the
        hostile user acts on (a draft invoice, a delivery) before measuring."""
        outcome = None
        try:
            with self.env.cr.savepoint():
                prepared = prepare() if prepare else None
                before = self._state()
                try:
                    action(prepared) if prepare else action()
                except (UserError, ValidationError) as error:
                    message = str(error.args[0] if error.args else error)
                    if pattern.lower() not in message.lower():
                        outcome = f"wrong message: {message[:200]!r}"
                    elif self._state() != before:
                        outcome = "written before the refusal"
                    else:
                        outcome = "clean"
                    raise Rollback() from error
                outcome = "accepted"
                raise Rollback()
        except Rollback:
            _logger.debug("case %s: %s", name, outcome)
        except Exception as error:  # noqa: BLE001 - a raw error is the finding
            outcome = f"raw {type(error).__name__}: {str(error)[:200]}"
        self.env.invalidate_all()
        return outcome

    # ------------------------------------------------------------ the cases

    def _cases(self, f):
        env = self.env
        cases = []

        def add(name, pattern, action, prepare=None):
            cases.append((name, pattern, action, prepare))

        move_c = f["receipt_c"].move_ids

        def entry(serials, ticket=None, user=None):
            wizard = (
                env["serial.procurement.serial.entry.wizard"]
                .with_user(user or env.user)
                .create({"move_id": move_c.id, "serials": serials})
            )
            if ticket is not None:
                wizard.ticket_id = ticket
            wizard.action_apply()

        def add_serials(serials, product=None, qty=1.0):
            env["serial.procurement.add.serials.wizard"].create(
                {
                    "product_id": (product or self.firewall).id,
                    "location_id": self.shelf.id,
                    "serials": serials,
                    "quantity": qty,
                }
            ).action_add()

        def correct(new_name, lot):
            env["serial.procurement.correct.serial.wizard"].create(
                {"lot_id": lot.id, "new_name": new_name}
            ).action_correct()

        def rename(value):
            f["lot_a"].write({"name": value})

        for key, (value, pattern) in BAD_NAMES.items():
            add(f"receipt entry / {key}", pattern, lambda v=value: entry(v))
            add(f"add serials / {key}", pattern, lambda v=value: add_serials(v))
            add(
                f"correct serial / {key}",
                pattern,
                lambda lot, v=value: correct(v, lot),
                lambda: self._adjust_in_stock("COR-SRC"),
            )
            add(f"rename / {key}", pattern, lambda v=value: rename(v))
        add("rename / False", "must be text", lambda: rename(False))
        add("rename / None", "must be text", lambda: rename(None))
        add("rename / number", "must be text", lambda: rename(12))
        for key in ("nul", "zero_width", "10k_chars"):
            value, pattern = BAD_NAMES[key]
            add(
                f"receipt line lot_name / {key}",
                pattern,
                lambda v=value: self._move_line(move_c, lot_name=v),
            )
            add(
                f"invoice new serial / {key}",
                pattern,
                lambda invoice, v=value: self._post_with_typed_serial(invoice, v),
                self._manual_invoice,
            )
            add(
                f"scrap new serial / {key}",
                pattern,
                lambda v=value: self._scrap_new_serial(v),
            )
            add(
                f"count sheet serial / {key}",
                pattern,
                lambda v=value: self._count([["FW-REF", self._shelf(), v, "1"]]),
            )
        self._deposit_cases(add, f)
        self._count_sheet_cases(add, f)
        self._lifecycle_cases(add, f, entry, add_serials, correct)
        return cases

    def _deposit_cases(self, add, f):
        ticket = f["ticket_a"]

        def deposit(user=None, **vals):
            wizard = (
                self.env["serial.procurement.deposit.wizard"]
                .with_user(user or self.env.user)
                .create(
                    {
                        "ticket_id": ticket.id,
                        "amount_type": "fixed",
                        "amount": 10.0,
                        **vals,
                    }
                )
            )
            wizard.action_confirm()

        for label, value in (
            ("NaN", math.nan),
            ("inf", math.inf),
            ("-inf", -math.inf),
            ("1e300", 1e300),
            ("text", "abc"),
            ("list", [1]),
        ):
            add(f"deposit amount / {label}", LIMIT, lambda v=value: deposit(amount=v))
        add("deposit amount / zero", "positive", lambda: deposit(amount=0.0))
        add("deposit amount / negative", "positive", lambda: deposit(amount=-5.0))
        add(
            "deposit percentage / 101",
            "cannot exceed 100",
            lambda: deposit(amount_type="percentage", amount=101.0),
        )
        add(
            "deposit / exceeds order",
            "exceed the order total",
            lambda: deposit(amount=1e9),
        )
        add(
            "deposit amount_type / bogus",
            "not one of the choices",
            lambda: deposit(amount_type="bogus"),
        )
        add(
            "deposit amount_type / False",
            "not one of the choices",
            lambda: deposit(amount_type=False),
        )
        for label, date in (("1900-01-01", "1900-01-01"), ("2999-01-01", "2999-01-01")):
            add(
                f"deposit payment date / {label}",
                "payment date must lie",
                lambda d=date: deposit(
                    register_payment=True,
                    journal_id=self.bank_journal.id,
                    payment_date=d,
                ),
            )
        add(
            "deposit payment journal / sales journal",
            "bank or cash journal",
            lambda: deposit(register_payment=True, journal_id=self.sale_journal.id),
        )
        add(
            "deposit / user without billing (F1b)",
            "Billing",
            lambda: deposit(user=self.plain),
        )
        add(
            "final invoice / user without billing (F1)",
            "Billing",
            lambda: f["ticket_a"].with_user(self.plain).action_make_invoice(),
        )
        add(
            "final invoice / sales+helpdesk+inventory user (F1)",
            "Billing",
            lambda: f["ticket_a"].with_user(self.outsider).action_make_invoice(),
        )

    def _count_sheet_cases(self, add, f):
        shelf = self._shelf()
        stock = self.stock_location.complete_name
        for label, qty in (
            ("inf", "inf"),
            ("nan", "nan"),
            ("1e300", "1e300"),
            ("-1", "-1"),
            ("text", "many"),
        ):
            add(
                f"count sheet quantity / {label}",
                "bad quantity",
                lambda q=qty: self._count([["Cable Drum", shelf, "DRUM-1", q]]),
            )
        add(
            "count sheet / serial counted 2",
            "counts 0 or 1",
            lambda: self._count([["FW-REF", shelf, "NEWSN", "2"]]),
        )
        add(
            "count sheet / NUL in product cell",
            "control character",
            lambda: self._count([["FW\x00REF", shelf, "S1", "1"]]),
        )
        add(
            "count sheet / serial on hand elsewhere (F4)",
            "on hand in",
            lambda: self._count([["FW-REF", shelf, "CAT-1", "1"]]),
        )
        add(
            "count sheet / new serial in two places (F4)",
            "two places",
            lambda: self._count(
                [["FW-REF", shelf, "TWICE", "1"], ["FW-REF", stock, "TWICE", "1"]]
            ),
        )
        add(
            "count sheet / not base64",
            "not base64",
            lambda: self._count_raw(b"%%% not base64 %%%", "count.csv"),
        )
        add(
            "count sheet / broken xlsx",
            "not a readable XLSX",
            lambda: self._count_raw(base64.b64encode(b"PK\x03\x04junk"), "c.xlsx"),
        )
        add(
            "count sheet / latin-1 csv",
            "UTF-8",
            lambda: self._count_raw(
                base64.b64encode("é,ü\n".encode("latin-1")), "c.csv"
            ),
        )
        add(
            "count sheet / missing column",
            "misses the column",
            lambda: self._count_raw(base64.b64encode(b"Product,Location\n"), "c.csv"),
        )
        add(
            "count sheet / file_format bogus",
            "not one of the choices",
            lambda: self.env["serial.procurement.count.sheet.wizard"].create(
                {"file_format": "exe"}
            ),
        )

    def _lifecycle_cases(self, add, f, entry, add_serials, correct):
        add(
            "receipt entry / duplicate in entry",
            "entered twice",
            lambda: entry("D1\nD1"),
        )
        add(
            "receipt entry / more serials than units",
            "remain to receive",
            lambda: entry("M1\nM2\nM3"),
        )
        add(
            "add serials / batch quantity NaN",
            LIMIT,
            lambda: add_serials("DRUM-X", self.batch, math.nan),
        )
        add(
            "add serials / batch quantity inf",
            LIMIT,
            lambda: add_serials("DRUM-Y", self.batch, math.inf),
        )
        add(
            "add serials / existing serial",
            "already exist",
            lambda: add_serials("CAT-1"),
        )
        post = lambda invoice: invoice.action_post()  # noqa: E731
        add(
            "invoice / serial already invoiced, lot_ids (F7)",
            "already invoiced",
            post,
            lambda: self._manual_invoice(lots=f["lot_b"]),
        )
        add(
            "invoice / serial already invoiced, typed (F7)",
            "already invoiced",
            post,
            lambda: self._manual_invoice(new_serial_names="CAT-B1"),
        )
        add(
            "invoice / same serial on two lines",
            "invoiced twice",
            post,
            lambda: self._manual_invoice(lots=f["lot_a"], lines=2),
        )
        add(
            "delivery / ticket-reserved serial to another customer (F3)",
            "reserved for another ticket",
            lambda picking: picking.with_context(skip_backorder=True).button_validate(),
            lambda: self._delivery(f["lot_a"], self.customer_b),
        )
        add(
            "release / serial by a plain user",
            "Serial Procurement Manager",
            lambda: f["lot_a"].with_user(self.plain).action_release_ticket(),
        )
        add(
            "ticket / estimate changed after deposit and serials (F8)",
            "cannot change",
            lambda: f["ticket_a"].write(
                {"sale_order_id": self._create_quotation([(self.switch, 1)]).id}
            ),
        )
        add(
            "correct serial / serial on a posted invoice (F9)",
            "posted invoice",
            lambda: correct("CAT-B1-NEW", f["lot_b"]),
        )
        add(
            "receipt / onto a closed ticket (F10)",
            "is closed",
            lambda: (self._close(f["ticket_c"]), entry("CL-1", f["ticket_c"])),
        )
        add(
            "receipt / onto a cancelled estimate (F10)",
            "is cancelled",
            lambda: (
                f["ticket_c"].sale_order_id._action_cancel(),
                entry("CX-1", f["ticket_c"]),
            ),
        )
        add(
            "ticket / deleted with deposit and serials (F11)",
            "cannot be deleted",
            lambda: f["ticket_a"].unlink(),
        )
        add(
            "receipt / other-company ticket on the entry (F17)",
            "another company",
            lambda: entry("OC-1", self._ticket_of_company_b()),
        )
        add(
            "receipt line / other-company ticket written (F17)",
            "another company",
            lambda: self._move_line(
                f["receipt_c"].move_ids,
                lot_name="OC-2",
                ticket=self._ticket_of_company_b(),
            ),
        )
        add(
            "serial / same name differing by case with the setting on (F12)",
            "already exist",
            lambda: (
                setattr(self.company, "serial_case_insensitive", True),
                add_serials("cat-2"),
            ),
        )

    # ------------------------------------------------------------ helpers

    def _adjust_in_stock(self, name):
        self.env["serial.procurement.add.serials.wizard"].create(
            {
                "product_id": self.firewall.id,
                "location_id": self.shelf.id,
                "serials": name,
            }
        ).action_add()
        return self.env["stock.lot"].search([("name", "=", name)])

    def _shelf(self):
        return self.shelf.complete_name

    def _count_raw(self, data, filename):
        self.env["serial.procurement.count.sheet.wizard"].create(
            {"data": data, "filename": filename}
        ).action_import()

    def _count(self, rows):
        lines = ["Product,Location,SerialOrBatch,Counted Quantity"]
        lines += [",".join(row) for row in rows]
        self._count_raw(base64.b64encode("\n".join(lines).encode()), "count.csv")

    def _move_line(self, move, lot_name, ticket=None):
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": move.picking_id.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_uom.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "lot_name": lot_name,
                "quantity": 1,
                "ticket_id": ticket.id if ticket else False,
            }
        )

    def _manual_invoice(self, lots=None, new_serial_names=False, lines=1):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.firewall.id,
                            "quantity": 1,
                            "price_unit": 10.0,
                            "lot_ids": [Command.set(lots.ids)] if lots else [],
                            "new_serial_names": new_serial_names,
                        }
                    )
                    for _i in range(lines)
                ],
            }
        )

    def _post_with_typed_serial(self, invoice, name):
        invoice.invoice_line_ids.new_serial_names = name
        invoice.action_post()

    def _scrap_new_serial(self, name):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.firewall.id,
                "location_id": self.shelf.id,
                "scrap_qty": 1,
                "new_serial_name": name,
            }
        )
        scrap.action_validate()

    def _delivery(self, lot, partner):
        # The hostile inventory user first frees the serial from the ticket's
        # own delivery, then puts it on another customer's delivery.
        lot.sale_order_id.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ).do_unreserve()
        picking_type = self.warehouse.out_type_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "hostile delivery",
                            "product_id": self.firewall.id,
                            "product_uom_qty": 1,
                            "product_uom": self.firewall.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        move = picking.move_ids
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": self.firewall.id,
                "product_uom_id": self.firewall.uom_id.id,
                "location_id": self.stock_location.id,
                "location_dest_id": move.location_dest_id.id,
                "lot_id": lot.id,
                "quantity": 1,
            }
        )
        move.picked = True
        return picking

    def _close(self, ticket):
        ticket.stage_id.closed = True

    def _ticket_of_company_b(self):
        return self.ticket_b_company

    # ------------------------------------------------------------ the test

    def test_catalogue(self):
        self.firewall.default_code = "FW-REF"
        f = self._fixture()
        self.assertTrue(f["lot_a"].ticket_id and f["lot_b"].customer_invoice_line_id)
        results = {}
        for name, pattern, action, prepare in self._cases(f):
            results[name] = self._run_case(name, action, pattern, prepare)
        failures = {k: v for k, v in results.items() if v != "clean"}
        _logger.info(
            "Hostile catalogue: %s tried, %s clean",
            len(results),
            len(results) - len(failures),
        )
        self.assertGreaterEqual(len(results), 60)
        self.assertEqual(
            failures, {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
        )
        # The fixture survived every case.
        self.assertEqual(f["lot_a"].name, "CAT-1")
        self.assertAlmostEqual(f["ticket_a"].deposit_amount, 100.0)
