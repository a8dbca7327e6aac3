# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which serials a credit note frees for a new invoice (issue #9): those on
its lines, or all those of the invoice it fully reverses; a partial credit
without serials frees none and says so."""

from odoo import Command
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestCreditNotes(SerialProcurementCase):
    def setUp(self):
        super().setUp()
        order = self._create_quotation([(self.firewall, 2)])
        ticket = self._create_ticket(order)
        self._receive(self._purchase(ticket), self.firewall, "CRN-1\nCRN-2")
        self.invoice = self.env["account.move"].browse(
            ticket.action_make_invoice()["res_id"]
        )
        self.lots = ticket.lot_ids.sorted("name")
        self.assertEqual(len(self.lots), 2)
        self.assertEqual(self.lots.customer_invoice_line_id.move_id, self.invoice)

    def _reverse(self):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=self.invoice.ids)
            .create({"journal_id": self.invoice.journal_id.id})
        )
        reversal.refund_moves()
        refund = self.invoice.reversal_move_ids
        self.assertEqual(refund.state, "draft")
        return refund

    def _still_invoiced(self):
        return self.lots.filtered("customer_invoice_line_id")

    def test_full_reversal_frees_every_serial(self):
        refund = self._reverse()
        self.assertFalse(refund.invoice_line_ids.lot_ids, "reversal names none")
        refund.action_post()
        self.assertFalse(self._still_invoiced())

    def test_partial_credit_without_serials_frees_none(self):
        refund = self._reverse()
        refund.invoice_line_ids.filtered("product_id").quantity = 1
        refund.action_post()
        self.assertEqual(self._still_invoiced(), self.lots)
        note = refund.message_ids[:1].body
        self.assertIn("No serial of", note)
        self.assertIn("CRN-1, CRN-2", note)
        self.assertIn("choose the serials on the credit note line", note)

    def test_partial_credit_with_one_serial_frees_it(self):
        refund = self._reverse()
        refund.invoice_line_ids.filtered("product_id").write(
            {"quantity": 1, "lot_ids": [Command.set(self.lots[:1].ids)]}
        )
        refund.action_post()
        self.assertEqual(self._still_invoiced(), self.lots[1:])
        self.assertFalse(
            refund.message_ids.filtered(lambda m: "No serial of" in (m.body or ""))
        )

    def test_credit_note_by_hand_without_serials_frees_none(self):
        """A credit note made by hand (reversing no invoice) that names no
        serial frees none and lists the customer's serials still invoiced."""
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.invoice.partner_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.firewall.id,
                            "quantity": 1,
                            "price_unit": 10,
                        }
                    )
                ],
            }
        )
        refund.action_post()
        self.assertEqual(self._still_invoiced(), self.lots)
        note = refund.message_ids[:1].body
        self.assertIn("No serial of", note)
        self.assertIn(self.invoice.name, note)
        self.assertIn("CRN-1, CRN-2", note)
