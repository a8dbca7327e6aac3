# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.osv import expression


class SerialProcurementLotEnquiry(models.AbstractModel):
    """The Serial Enquiry search box of ``stock.lot`` (field
    ``serial_enquiry``): one search over the serial and its references."""

    _name = "serial.procurement.lot.enquiry"
    _description = "Serial enquiry search"

    def _compute_serial_enquiry(self):
        for lot in self:
            lot.serial_enquiry = lot.name

    def _search_serial_enquiry(self, operator, value):
        """One search box over the serial and its references.

        The references (partners, tickets, purchase orders, invoices: small
        tables) are looked up first, and the serials are then searched with an
        OR of literal ids: PostgreSQL combines the trigram index of the serial
        name with the btree indexes of customer, supplier, ticket and purchase
        order, and estimates each branch right, so the search stays fast with
        millions of serials. References the user may not read are skipped.
        """
        if operator not in ("ilike", "=") or not isinstance(value, str) or not value:
            return [("name", operator, value)]
        terms = [[("name", operator, value)]]
        partners = self._serial_enquiry_ids(
            "res.partner", [("complete_name", operator, value)]
        )
        if partners:
            terms += [
                [("customer_id", "in", partners)],
                [("supplier_id", "in", partners)],
            ]
        tickets = self._serial_enquiry_ids(
            "helpdesk.ticket",
            ["|", ("name", operator, value), ("number", operator, value)],
        )
        if tickets:
            terms.append([("ticket_id", "in", tickets)])
            terms.append([("material_ticket_id", "in", tickets)])
        orders = self._serial_enquiry_ids("purchase.order", [("name", operator, value)])
        if orders:
            terms.append([("purchase_order_id", "in", orders)])
        invoices = self._serial_enquiry_ids(
            "account.move",
            [
                ("name", operator, value),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
        )
        if invoices:
            terms.append([("invoice_line_ids.move_id", "in", invoices)])
        return expression.OR(terms)

    def _serial_enquiry_ids(self, model, domain):
        """Ids of the ``model`` records matching ``domain`` that the user may read."""
        records = self.env[model].with_context(active_test=False)
        if not records.has_access("read"):
            return []
        return list(records._search(domain))
