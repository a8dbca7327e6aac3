# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No client switches the batch paths on or off: the context keys that once
did (``serial_new_lot_ids``, ``serial_new_quants``, ``serial_bulk_quants``,
``serial_batch_reserve``), sent by a stock user over JSON-RPC with a
delivery's or a receipt's validation, change nothing."""

from odoo.tests import HttpCase, tagged

from .common import SerialProcurementCase

STOCK_USER = "sp_batch_stock_user"


@tagged("post_install", "-at_install")
class TestBatchKeysOverRpc(HttpCase, SerialProcurementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_user = cls._create_user(
            STOCK_USER, "base.group_user,stock.group_stock_user"
        )
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")

    def _old_keys(self, lot):
        """Each key the batch paths once read, with a value that switched them."""
        return {
            "serial_new_lot_ids": [lot.id],
            "serial_new_quants": [],
            "serial_bulk_quants": True,
            "serial_batch_reserve": {"quants": {}, "reserved": {}},
        }

    def _validate_over_rpc(self, picking, context):
        picking.move_ids.picked = True
        self.env.flush_all()
        self.authenticate(STOCK_USER, STOCK_USER)
        self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "stock.picking",
                "method": "button_validate",
                "args": [picking.ids],
                "kwargs": {"context": context},
            },
        )
        self.env.invalidate_all()
        self.assertEqual(picking.state, "done")

    def _delivery_of(self, lot):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.customer.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": lot.product_id.name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": 1,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.customer_location.id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self.assertEqual(picking.move_line_ids.lot_id, lot)
        return picking

    def _places(self, lot):
        """{location: quantity} of the serial's quants."""
        return {
            quant.location_id: quant.quantity
            for quant in self.env["stock.quant"].search([("lot_id", "=", lot.id)])
        }

    def _assert_delivered(self, lot):
        self.assertEqual(
            self._places(lot),
            {self.stock_location: 0.0, self.customer_location: 1.0},
            "no +1/-1 pair left in stock",
        )
        self.assertEqual(lot.product_qty, 0, "the serial reads delivered")
        self.assertFalse(
            self.env["stock.quant"]._get_available_quantity(
                lot.product_id, self.stock_location, lot_id=lot, strict=True
            ),
            "nothing left to allocate or sell",
        )

    def test_delivery_attack_leaves_no_quant_pair(self):
        """The known attack: a delivery validated with the serial declared
        brand-new made its quants in a batch (+1 kept, -1 added in stock)."""
        (lot,) = self._put_in_stock(self.firewall, ["ATTACK-1"])
        self._validate_over_rpc(
            self._delivery_of(lot), {"serial_new_lot_ids": [lot.id]}
        )
        self._assert_delivered(lot)

    def test_each_old_key_changes_nothing_on_a_delivery(self):
        for index, key in enumerate(self._old_keys(self.env["stock.lot"])):
            with self.subTest(key=key):
                (lot,) = self._put_in_stock(self.firewall, [f"KEY-OUT-{index}"])
                context = {key: self._old_keys(lot)[key]}
                self._validate_over_rpc(self._delivery_of(lot), context)
                self._assert_delivered(lot)

    def test_each_old_key_changes_nothing_on_a_receipt(self):
        (other,) = self._put_in_stock(self.switch, ["KEY-OTHER"])
        for index, key in enumerate(self._old_keys(other)):
            with self.subTest(key=key):
                purchase = self.env["purchase.order"].create(
                    {
                        "partner_id": self.vendor.id,
                        "order_line": [
                            (0, 0, {"product_id": self.firewall.id, "product_qty": 2})
                        ],
                    }
                )
                purchase.button_confirm()
                picking = purchase.picking_ids
                names = [f"KEY-IN-{index}-A", f"KEY-IN-{index}-B"]
                self._enter_serials(picking, self.firewall, "\n".join(names))
                self._validate_over_rpc(picking, {key: self._old_keys(other)[key]})
                for lot in picking.move_line_ids.lot_id:
                    self.assertEqual(
                        self._places(lot),
                        {self.stock_location: 1.0, self.supplier_location: -1.0},
                    )
                self.assertEqual(
                    self._places(other), {self.stock_location: 1.0}, "untouched"
                )
