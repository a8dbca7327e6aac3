# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #19: the serialized procurement rules are switched on per company
(``res.company.serial_rules_enabled``), not imposed by the install."""

from types import SimpleNamespace

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import MigrationManager
from odoo.tests import Form, new_test_user

from .common import SerialLifecycleCommon

ADDON = "serial_procurement"


class TestRulesSwitch(SerialLifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company as a new installation leaves it (direct invoicing not
        # blocked), the rules on.
        cls.company.serial_block_direct_invoice = False
        cls.lots = cls._adjust_in(cls.product, ["RS-001", "RS-002"])
        cls.admin = new_test_user(
            cls.env, login="sp_rules_admin", groups="base.group_user,base.group_system"
        )
        cls.erp_manager = new_test_user(
            cls.env,
            login="sp_rules_erp_manager",
            groups="base.group_user,base.group_erp_manager",
        )

    def _off(self):
        self.company.serial_rules_enabled = False

    # ------------------------------------------------------------ the switch

    def test_off_for_a_new_company(self):
        company = self.env["res.company"].create({"name": "Fresh Rules MSP"})
        self.assertFalse(company.serial_rules_enabled)
        self.assertFalse(company.serial_block_direct_invoice)

    def test_switch_written_by_a_settings_administrator_only(self):
        self._off()
        with self.assertRaisesRegex(AccessError, "settings administrator"):
            self.company.with_user(self.erp_manager).serial_rules_enabled = True
        with self.assertRaisesRegex(AccessError, "settings administrator"):
            self.env["res.company"].with_user(self.erp_manager).create(
                {"name": "Armed MSP", "serial_rules_enabled": True}
            )
        self.assertFalse(self.company.serial_rules_enabled)
        # the same user changes the other settings of the company
        self.company.with_user(self.erp_manager).serial_deposit_enabled = False
        self.company.with_user(self.admin).serial_rules_enabled = True
        self.assertTrue(self.company.serial_rules_enabled)
        with self.assertRaisesRegex(AccessError, "settings administrator"):
            self.company.with_user(self.erp_manager).serial_rules_enabled = False

    def test_confirmation_refused_to_other_users(self):
        self._off()
        with self.assertRaises(AccessError):
            self.env["serial.procurement.rules.wizard"].with_user(
                self.erp_manager
            ).create({"company_id": self.company.id})

    def test_settings_turning_on_opens_the_confirmation(self):
        self._off()
        Settings = self.env["res.config.settings"].with_user(self.admin)
        self.assertFalse(Settings.create({}).serial_rules_enabled)
        action = Settings.create({"serial_rules_enabled": True}).execute()
        self.assertEqual(action["res_model"], "serial.procurement.rules.wizard")
        self.assertFalse(self.company.serial_rules_enabled, "not before confirming")
        wizard = (
            self.env[action["res_model"]].with_user(self.admin).browse(action["res_id"])
        )
        serial_products = self.env["product.template"].search_count(
            [
                ("tracking", "=", "serial"),
                ("company_id", "in", [self.company.id, False]),
            ]
        )
        self.assertIn(f"{serial_products} serial-tracked product(s)", wizard.summary)
        self.assertNotIn("no longer be invoiced directly", wizard.summary)
        wizard.block_direct_invoice = True
        self.assertIn("no longer be invoiced directly", wizard.summary)
        wizard.action_confirm()
        self.assertTrue(self.company.serial_rules_enabled)
        self.assertTrue(self.company.serial_block_direct_invoice)
        self.assertTrue(Settings.create({}).serial_rules_enabled)

    def test_settings_turning_off_is_saved_directly(self):
        settings = self.env["res.config.settings"].with_user(self.admin).create({})
        self.assertTrue(settings.serial_rules_enabled)
        settings.serial_rules_enabled = False
        action = settings.execute()
        self.assertNotEqual(action.get("res_model"), "serial.procurement.rules.wizard")
        self.assertFalse(self.company.serial_rules_enabled)

    # ------------------------------------------- off: core behaves as core

    def test_off_receipt_without_serial_gets_core_message(self):
        self._off()
        picking = self._picking(
            self.warehouse.in_type_id,
            self.suppliers,
            self.stock,
            self.product,
            1,
            partner=self.vendor,
        )
        self._set_lines(picking, [{"quantity": 1}])
        with self.assertRaises(UserError) as refused:
            picking._action_done()
        self.assertNotIn("required for purchase", str(refused.exception))

    def test_off_invoice_without_serials_posted(self):
        self._off()
        invoice = self._invoice(self.product, 2)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_off_direct_invoicing_free(self):
        self.company.serial_block_direct_invoice = True
        self._off()
        order = self._sale_order(1)
        self.assertTrue(order._create_invoices())

    def test_off_strict_intake_not_applied(self):
        self.company.serial_strict_intake = True
        self._off()
        lots = self._adjust_in(self.product, ["RS-NEW-1"])
        self.assertEqual(lots.product_qty, 1)
        self.company.serial_rules_enabled = True
        with self.assertRaisesRegex(UserError, "Strict serialized intake"):
            self._adjust_in(self.product, ["RS-NEW-2"])

    def test_off_features_still_there(self):
        """Receiving onto a ticket works with the rules off."""
        self._off()
        order = self._sale_order(1, confirm=False)
        action = order.action_create_ticket()
        ticket = self.env["helpdesk.ticket"].browse(action["res_id"])
        self.assertEqual(order.ticket_id, ticket)

    # -------------------------------------- on: core's flows where it holds

    def _sale_order(self, qty, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": qty}
                    )
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _deliver(self, order, lots):
        picking = order.picking_ids
        self._set_lines(picking, [{"lot_id": lot.id, "quantity": 1} for lot in lots])
        picking._action_done()
        self.assertEqual(picking.state, "done")
        return picking

    def test_on_plain_sale_invoice_gets_the_delivered_serials(self):
        self.product.invoice_policy = "delivery"
        order = self._sale_order(2)
        self._deliver(order, self.lots[:1])
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.invoice_line_ids.lot_ids, self.lots[0])
        backorder = order.picking_ids.filtered(lambda p: p.state != "done")
        self._set_lines(backorder, [{"lot_id": self.lots[1].id, "quantity": 1}])
        backorder._action_done()
        second = order._create_invoices()
        second.action_post()
        self.assertEqual(second.invoice_line_ids.lot_ids, self.lots[1])
        self.assertEqual(self.lots[1].customer_invoice_line_id, second.invoice_line_ids)

    def test_on_undelivered_plain_sale_still_refused(self):
        order = self._sale_order(1)
        invoice = order._create_invoices()
        with self.assertRaisesRegex(UserError, "0 serial"):
            invoice.action_post()

    def test_on_operation_type_without_serials_is_obeyed(self):
        """An operation type that takes no serial numbers at all receives
        serial products without serials, the rules on (as core does), except
        on a purchase order's receipt (test_rejections)."""
        receipt_type = self.warehouse.in_type_id
        receipt_type.write({"use_create_lots": False, "use_existing_lots": False})
        picking = self._picking(
            receipt_type, self.suppliers, self.stock, self.product, 2, self.vendor
        )
        self._set_lines(picking, [{"quantity": 2}])
        picking._action_done()
        self.assertEqual(picking.state, "done")
        receipt_type.use_create_lots = True
        picking = self._picking(
            receipt_type, self.suppliers, self.stock, self.product, 1, self.vendor
        )
        self._set_lines(picking, [{"quantity": 1}])
        with self.assertRaisesRegex(UserError, "required for purchase"):
            picking._action_done()

    # ------------------------------------------------- #18 item 10, invoice

    def test_invoice_with_another_companys_serials_names_them(self):
        other = self.env["res.company"].create({"name": "Company B MSP"})
        self.env.user.company_ids |= other
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=other, install_demo=False
        )
        other.serial_rules_enabled = True
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "company_id": other.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": 2,
                                "price_unit": 100.0,
                                "lot_ids": [Command.set(self.lots.ids)],
                            }
                        )
                    ],
                }
            )
        )
        with self.assertRaisesRegex(
            UserError, r"another company.*\n.*RS-001, RS-002"
        ) as refused:
            invoice.with_company(other).with_context(
                allowed_company_ids=[other.id]
            ).action_post()
        self.assertNotIn("0 serial", str(refused.exception))
        self.assertEqual(invoice.state, "draft")

    # -------------------------------------------------------- the migration

    def _upgrade_from(self, installed_version):
        package = SimpleNamespace(
            name=ADDON,
            state="to upgrade",
            installed_version=installed_version,
            data={
                "version": self.env["ir.module.module"].get_module_info(ADDON)[
                    "version"
                ]
            },
        )
        MigrationManager(self.env.cr, [package]).migrate_module(package, "post")
        self.env.invalidate_all()

    def test_upgrade_switches_on_companies_with_tickets_from_estimates(self):
        quiet = self.env["res.company"].create({"name": "No Tickets MSP"})
        order = self._sale_order(1, confirm=False)
        order.action_create_ticket()
        self._off()
        self.env.flush_all()
        self._upgrade_from("18.0.1.4.0")
        self.assertTrue(self.company.serial_rules_enabled)
        self.assertFalse(quiet.serial_rules_enabled)

    def test_no_switch_when_already_at_18_0_1_5_0(self):
        order = self._sale_order(1, confirm=False)
        order.action_create_ticket()
        self._off()
        self.env.flush_all()
        self._upgrade_from("18.0.1.5.0")
        self.assertFalse(self.company.serial_rules_enabled, "the choice is kept")


class TestFormsReadable(SerialLifecycleCommon):
    """#19 item 1: what the addon adds to a core form is readable by whoever
    can open that form, on documents of a ticket too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.serial_block_direct_invoice = False
        cls.product.seller_ids = [Command.create({"partner_id": cls.vendor.id})]
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 1})
                ],
            }
        )
        cls.ticket = cls.env["helpdesk.ticket"].browse(
            cls.order.action_create_ticket()["res_id"]
        )
        cls.ticket.action_create_purchase_orders()
        cls.purchase = cls.ticket.purchase_order_ids
        cls.purchase.button_confirm()
        cls.receipt = cls.purchase.picking_ids
        cls.receipt.move_ids.move_line_ids.unlink()
        cls.env["stock.move.line"].create(
            {
                "move_id": cls.receipt.move_ids.id,
                "picking_id": cls.receipt.id,
                "product_id": cls.product.id,
                "product_uom_id": cls.product.uom_id.id,
                "location_id": cls.receipt.location_id.id,
                "location_dest_id": cls.receipt.location_dest_id.id,
                "lot_name": "FORM-RS-1",
                "quantity": 1,
                "ticket_id": cls.ticket.id,
            }
        )
        cls.receipt.move_ids.picked = True
        cls.receipt._action_done()

    def _user(self, login, groups):
        return new_test_user(self.env, login=login, groups="base.group_user," + groups)

    def test_purchase_user_without_inventory_opens_a_purchase_order(self):
        user = self._user("sp_purchase_only", "purchase.group_purchase_user")
        self.assertEqual(self.purchase.serial_lot_count, 1)
        self.assertEqual(self.purchase.ticket_id, self.ticket)
        form = Form(self.purchase.with_user(user))
        self.assertEqual(form.partner_id, self.vendor)
        self.assertEqual(self.purchase.with_user(user).serial_lot_count, 1)
        form.save()

    def test_invoicing_user_without_inventory_opens_an_invoice(self):
        user = self._user(
            "sp_billing_only",
            "account.group_account_invoice,stock.group_production_lot",
        )
        invoice = self.env["account.move"].browse(
            self.ticket.action_make_invoice()["res_id"]
        )
        self.assertEqual(invoice.ticket_id, self.ticket)
        form = Form(invoice.with_user(user))
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(invoice.with_user(user).serial_lot_count, 1)

    def test_salesman_opens_an_estimate_with_a_ticket(self):
        user = self._user(
            "sp_salesman_only", "sales_team.group_sale_salesman_all_leads"
        )
        form = Form(self.order.with_user(user))
        self.assertEqual(form.partner_id, self.customer)

    def test_stock_user_opens_a_receipt_of_a_ticket(self):
        user = self._user(
            "sp_stock_only", "stock.group_stock_user,stock.group_production_lot"
        )
        self.assertEqual(self.receipt.serial_ticket_ids, self.ticket)
        form = Form(self.receipt.with_user(user))
        self.assertEqual(form.partner_id, self.vendor)
