# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Buttons take no arguments: every public method is reachable over JSON-RPC,
where a recordset argument cannot be sent (a list of ids arrives instead)."""

import inspect

from odoo.tests import TransactionCase, tagged

ADDONS = (
    "serial_procurement",
    "serial_procurement_mrp",
    "serial_procurement_queue_job",
    "serial_procurement_rma",
)


@tagged("post_install", "-at_install")
class TestPublicMethods(TransactionCase):
    def test_buttons_of_the_addons_take_no_arguments(self):
        prefixes = tuple(f"odoo.addons.{addon}." for addon in ADDONS)
        found = []
        for name in self.env.registry:
            mro = type(self.env[name]).mro()
            for position, cls in enumerate(mro):
                if not (getattr(cls, "__module__", "") or "").startswith(prefixes):
                    continue
                for attr, method in vars(cls).items():
                    if not attr.startswith(("action_", "button_")):
                        continue
                    if not inspect.isfunction(method):
                        continue
                    params = list(inspect.signature(method).parameters)[1:]
                    # an override keeps core's signature (button_start)
                    core = any(
                        attr in vars(base)
                        and not (base.__module__ or "").startswith(prefixes)
                        for base in mro[position + 1 :]
                    )
                    if params and not core:
                        found.append(f"{name}.{attr}{tuple(params)}")
        self.assertEqual(found, [])

    def test_ticket_purchase_orders_button_takes_no_orders(self):
        ticket = self.env["helpdesk.ticket"].create({"name": "T", "description": "d"})
        result = ticket.action_view_purchase_orders()
        self.assertEqual(result["domain"], [("id", "in", [])])
        with self.assertRaises(TypeError):
            ticket.action_view_purchase_orders(orders=[1])
