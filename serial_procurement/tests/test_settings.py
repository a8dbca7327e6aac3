# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import Form, tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestSettingsAndFlags(SerialProcurementCase):
    def test_company_defaults(self):
        company = self.env["res.company"].create({"name": "Fresh MSP"})
        self.assertFalse(company.serial_deposit_enabled, "deposits are off by default")
        self.assertFalse(company.serial_rules_enabled, "rules are off by default")
        self.assertFalse(company.serial_block_direct_invoice)

    def test_settings_screen_writes_the_company(self):
        settings = self.env["res.config.settings"].create(
            {"serial_deposit_enabled": False, "serial_block_direct_invoice": False}
        )
        settings.execute()
        self.assertFalse(self.company.serial_deposit_enabled)
        self.assertFalse(self.company.serial_block_direct_invoice)

    def test_flags_follow_serial_tracking(self):
        template = self.env["product.template"].create(
            {"name": "Router RT-1", "is_storable": True}
        )
        self.assertFalse(template.serial_required_purchase)
        self.assertFalse(template.serial_required_sale)
        template.tracking = "serial"
        self.assertTrue(template.serial_required_purchase)
        self.assertTrue(template.serial_required_sale)
        # The user may switch one off again; batches keep the choice.
        template.serial_required_purchase = False
        template.tracking = "lot"
        self.assertFalse(template.serial_required_purchase)
        self.assertTrue(template.serial_required_sale)
        template.tracking = "none"
        self.assertFalse(template.serial_required_sale)

    def test_flags_set_in_the_form(self):
        with Form(self.env["product.template"]) as form:
            form.name = "Access Point AP-7"
            form.is_storable = True
            form.tracking = "serial"
            self.assertTrue(form.serial_required_purchase)
            self.assertTrue(form.serial_required_sale)
