# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import new_test_user, tagged

from .common import SerialProcurementCase

RULES = (
    "serial_procurement.automation_ticket_invoiced_close",
    "serial_procurement.automation_serial_needs_review_activity",
    "serial_procurement.automation_ticket_all_received_notify",
)


@tagged("post_install", "-at_install")
class TestAutomationRules(SerialProcurementCase):
    """The automation rules shipped in data/: inactive until switched on, then
    firing on the right change only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The flow's own stage moves (company settings) are switched off so
        # that only the rules under test move a ticket.
        cls.company.write(
            {"serial_stage_purchased_id": False, "serial_stage_done_id": False}
        )

    def _activate(self, xmlid):
        rule = self.env.ref(xmlid)
        rule.active = True
        return rule

    def _flush(self):
        self.env.flush_all()

    def test_rules_shipped_inactive(self):
        for xmlid in RULES:
            rule = self.env.ref(xmlid).with_context(active_test=False)
            self.assertFalse(rule.active, xmlid)
            self.assertEqual(len(rule.action_server_ids), 1, xmlid)

    # ------------------------------------------- close when fully invoiced

    def _invoice_ticket(self, ticket, serial):
        purchase = self._purchase(ticket)
        self._receive(purchase, self.firewall, serial)
        ticket.action_make_invoice()
        self.assertEqual(ticket.billing_status, "invoiced")
        self._flush()

    def test_invoiced_ticket_moves_to_closed_stage(self):
        self._activate(RULES[0])
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        first_stage = ticket.stage_id
        self.assertFalse(first_stage.closed)
        self._take_deposit(ticket, 100.0, journal=self.bank_journal)
        self.assertEqual(ticket.billing_status, "partial")
        self._flush()
        self.assertEqual(ticket.stage_id, first_stage, "a deposit does not close")
        ticket.name = "Renamed while partially invoiced"
        self._flush()
        self.assertEqual(ticket.stage_id, first_stage)
        self._invoice_ticket(ticket, "FW-AUTO-1")
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(ticket.stage_id, ticket._serial_closing_stage())

    def test_invoiced_ticket_stays_open_without_the_rule(self):
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        first_stage = ticket.stage_id
        self._invoice_ticket(ticket, "FW-AUTO-2")
        self.assertEqual(ticket.stage_id, first_stage)

    def test_reopened_invoiced_ticket_not_closed_again(self):
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        first_stage = ticket.stage_id
        self._invoice_ticket(ticket, "FW-AUTO-3")
        self._activate(RULES[0])
        # Already invoiced: editing the ticket is not the change the rule waits for.
        ticket.write({"stage_id": first_stage.id, "name": "Follow-up question"})
        self._flush()
        self.assertEqual(ticket.stage_id, first_stage)

    # ----------------------------------------- serial flagged to investigate

    def _todos(self, lot):
        return self.env["mail.activity"].search(
            [("res_model", "=", "stock.lot"), ("res_id", "=", lot.id)]
        )

    def _lot(self, name, **vals):
        return self.env["stock.lot"].create(
            {
                "name": name,
                "product_id": self.firewall.id,
                "company_id": self.company.id,
                **vals,
            }
        )

    def test_flagged_serial_gets_a_todo_for_the_stock_manager(self):
        self._activate(RULES[1])
        stock_manager = new_test_user(
            self.env, login="sp_auto_stock_mgr", groups="stock.group_stock_manager"
        )
        self.firewall.responsible_id = stock_manager
        flagged = self._lot("REVIEW-1", needs_review=True)
        todo = self._todos(flagged)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, stock_manager)
        self.assertIn("REVIEW-1", todo.summary)
        # Other changes of a flagged serial add no second to-do.
        flagged.ref = "checked shelf"
        self.assertEqual(len(self._todos(flagged)), 1)
        # A serial received normally gets none; flagging it later does.
        clean = self._lot("REVIEW-2")
        self.assertFalse(self._todos(clean))
        clean.needs_review = True
        self.assertEqual(len(self._todos(clean)), 1)

    def test_flagged_serial_without_the_rule_has_no_todo(self):
        flagged = self._lot("REVIEW-3", needs_review=True)
        self.assertFalse(self._todos(flagged))

    def test_responsible_falls_back_to_an_inventory_administrator(self):
        self.firewall.responsible_id = False
        lot = self._lot("REVIEW-4")
        user = lot._serial_review_responsible()
        self.assertTrue(
            user.has_group("stock.group_stock_manager") or user == self.env.user
        )

    # ------------------------------------ last serial received: notify

    def _customer_notices(self, ticket):
        return self.env["mail.message"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "=", ticket.id),
                ("message_type", "=", "comment"),
                ("partner_ids", "in", self.customer.ids),
            ]
        )

    def test_last_serial_notifies_the_customer(self):
        self._activate(RULES[2])
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 2)]))
        purchase = self._purchase(ticket)
        picking = purchase.picking_ids
        self._enter_serials(picking, self.firewall, "LAST-1")
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True).button_validate()
        self._flush()
        self.assertFalse(ticket.serial_all_received)
        self.assertFalse(self._customer_notices(ticket), "one of two: no notice")
        self._receive(purchase, self.firewall, "LAST-2")
        self._flush()
        self.assertTrue(ticket.serial_all_received)
        notice = self._customer_notices(ticket)
        self.assertEqual(len(notice), 1)
        self.assertIn("LAST-1", notice.body)
        self.assertIn("LAST-2", notice.body)
        # Invoicing afterwards (other ticket changes) sends no second notice.
        ticket.action_make_invoice()
        self._flush()
        self.assertEqual(len(self._customer_notices(ticket)), 1)

    def test_last_serial_without_the_rule_sends_nothing(self):
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        self._receive(self._purchase(ticket), self.firewall, "LAST-3")
        self._flush()
        self.assertTrue(ticket.serial_all_received)
        self.assertFalse(self._customer_notices(ticket))

    def test_public_fields_are_stored(self):
        """The fields rules, reports and searches rely on are stored columns."""
        stored = {
            "helpdesk.ticket": [
                "billing_status",
                "sale_order_id",
                "serial_all_received",
                "delivery_status",
            ],
            "stock.lot": [
                "ticket_id",
                "customer_id",
                "supplier_id",
                "purchase_order_id",
                "sale_line_id",
                "sale_order_id",
                "needs_review",
                "invoice_line_ids",
                "material_ticket_id",
            ],
            "stock.move.line": ["ticket_id"],
            "stock.picking": ["material_ticket_id"],
            "sale.order": ["ticket_id"],
            "purchase.order": ["ticket_id"],
            "purchase.order.line": ["ticket_id"],
            "account.move": ["ticket_id"],
            "account.move.line": ["lot_ids"],
            "product.template": ["serial_required_purchase", "serial_required_sale"],
            "res.company": [
                "serial_deposit_enabled",
                "serial_block_direct_invoice",
                "serial_strict_intake",
                "serial_stage_purchased_id",
                "serial_stage_done_id",
            ],
        }
        for model, names in stored.items():
            for name in names:
                field = self.env[model]._fields[name]
                self.assertTrue(field.store, f"{model}.{name} is stored")
