# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialProcurementCase


@tagged("post_install", "-at_install")
class TestSerialEntryOtherProduct(SerialProcurementCase):
    """The paste/scan entry refuses a serial that belongs to another product
    (shared by receipts and the production entry of serial_procurement_mrp)."""

    def test_receipt_entry_refuses_serial_of_another_product(self):
        self.env["stock.lot"].create(
            {
                "name": "SHARED-1",
                "product_id": self.switch.id,
                "company_id": self.company.id,
            }
        )
        ticket = self._create_ticket(self._create_quotation([(self.firewall, 1)]))
        picking = self._purchase(ticket).picking_ids
        with self.assertRaisesRegex(UserError, "SHARED-1: Switch SW-24"):
            self._enter_serials(picking, self.firewall, "SHARED-1")
        self.assertFalse(picking.move_line_ids.filtered("lot_name"))
        self._enter_serials(picking, self.firewall, "OWN-1")
        self.assertEqual(picking.move_line_ids.mapped("lot_name"), ["OWN-1"])
