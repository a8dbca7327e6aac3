# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #18 (18.0.1.5.0): the serials invoiced before the invoice stamp
existed get it, so that they cannot be posted on a second customer invoice.

``stock.lot.customer_invoice_line_id`` (the posted customer invoice line that
bills a serial, checked when an invoice is posted) appeared after 18.0.1.0.0
as a plain stored field: an upgrade creates its column empty, and every serial
invoiced before it could be invoiced again. This script replays, in the order
of their accounting dates, the posted customer invoices and credit notes of
the serials still without a stamp, with the rules of the current version
(``account.move._serial_free_refunded``): an invoice stamps its serials; a
credit note frees the serials on its lines and all those of a product of the
invoice it reverses when it credits every unit of it. A serial whose last
invoice was credited so gets no stamp.

The other stored fields that appeared after 18.0.1.0.0 need nothing here: the
computed ones are computed by Odoo when their column is created (dates and
holder, warranty ends, the ticket of a move), ``serial_name_key`` is filled by
18.0.1.4.0, and the plain ones (``material_ticket_id``, ``serial_from_stock``,
the warranty's manual flags) are written by flows that did not exist before
them, so no older record lacks them.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, float_compare

_logger = logging.getLogger(__name__)

BATCH = 1000


def _unstamped_invoiced_lot_ids(cr):
    cr.execute(
        """SELECT DISTINCT rel.lot_id
             FROM serial_procurement_aml_lot_rel rel
             JOIN account_move_line aml ON aml.id = rel.move_line_id
             JOIN account_move m ON m.id = aml.move_id
             JOIN stock_lot lot ON lot.id = rel.lot_id
            WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
              AND lot.customer_invoice_line_id IS NULL
            ORDER BY rel.lot_id"""
    )
    return [row[0] for row in cr.fetchall()]


def _freed_by(refund, lots, stamps):
    """The serials of ``lots`` that ``refund`` frees, given the ``stamps``
    ({lot id: invoice line id}) before it."""
    invoice_lines = refund.reversed_entry_id.invoice_line_ids
    freed = refund.invoice_line_ids.lot_ids
    for product, credited in refund._serial_credited_units().items():
        product_lines = invoice_lines.filtered(
            lambda aml, product=product: aml.product_id == product
        )
        invoiced = product_lines._serial_units()
        full = float_compare(
            credited, invoiced, precision_rounding=product.uom_id.rounding
        )
        if product_lines.lot_ids and invoiced and full >= 0:
            freed |= product_lines.lot_ids
    return [
        lot.id
        for lot in freed & lots
        if not invoice_lines or stamps.get(lot.id) in invoice_lines.ids
    ]


def stamp_lots(env, lot_ids):
    """Replay the posted customer invoices and credit notes of ``lot_ids``;
    write the stamps found. Returns {lot id: invoice line id} written."""
    lots = env["stock.lot"].browse(lot_ids)
    Move = env["account.move"].with_context(active_test=False)
    invoices = lots.invoice_line_ids.move_id.filtered(
        lambda m: m.state == "posted" and m.move_type == "out_invoice"
    )
    refunds = Move.search(
        [
            ("state", "=", "posted"),
            ("move_type", "=", "out_refund"),
            "|",
            ("invoice_line_ids.lot_ids", "in", lots.ids),
            ("reversed_entry_id", "in", invoices.ids),
        ]
    )
    stamps = {}
    for move in (invoices | refunds).sorted(lambda m: (m.date, m.id)):
        if move.move_type == "out_invoice":
            for line in move.invoice_line_ids:
                for lot in line.lot_ids & lots:
                    stamps[lot.id] = line.id
        else:
            for lot_id in _freed_by(move, lots, stamps):
                stamps[lot_id] = None
    by_line = {}
    for lot_id, line_id in stamps.items():
        if line_id:
            by_line.setdefault(line_id, []).append(lot_id)
    # SQL: the stamp is the addon's own record of a past posting, written as
    # posting writes it, without a chatter message per serial
    for line_id, ids in by_line.items():
        env.cr.execute(
            SQL(
                "UPDATE stock_lot SET customer_invoice_line_id = %s "
                "WHERE id IN %s AND customer_invoice_line_id IS NULL",
                line_id,
                tuple(ids),
            )
        )
    env["stock.lot"].invalidate_model(["customer_invoice_line_id"])
    return {lot_id: line_id for lot_id, line_id in stamps.items() if line_id}


def fill_invoice_stamps(env):
    """Stamp every serial invoiced and not credited; returns how many."""
    lot_ids = _unstamped_invoiced_lot_ids(env.cr)
    count = 0
    for start in range(0, len(lot_ids), BATCH):
        count += len(stamp_lots(env, lot_ids[start : start + BATCH]))
        env.invalidate_all()
    _logger.info(
        "serial_procurement 18.0.1.5.0: %s serial(s) invoiced before the upgrade "
        "stamped with their invoice line (%s without stamp examined)",
        count,
        len(lot_ids),
    )
    return count


def migrate(cr, version):
    if not version:  # a new install has no invoice yet
        return
    fill_invoice_stamps(api.Environment(cr, SUPERUSER_ID, {}))
