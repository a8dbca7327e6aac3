# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Uninstall: drop what the addon created in PostgreSQL by SQL.

Odoo drops by itself the columns of the addon's fields (with their indexes),
its tables and ``_sql_constraints``. It does not know of the objects the
models' ``init()`` create by SQL: the constraint trigger keeping a serial on
hand in one place (and its function), the indexes on core's ``stock_lot``
columns and the Serial Enquiry's trigram indexes on ``res_partner`` and
``helpdesk_ticket``. Left behind, the trigger would go on refusing what core allows.
"""

import logging

from odoo.tools import SQL

from .models.stock_lot import CASE_INDEX, ENQUIRY_INDEXES, NAME_INDEX, UNIQUE_INDEX
from .models.stock_quant import ONE_PLACE

_logger = logging.getLogger(__name__)

ONE_PLACE_FUNCTION_NAME = "serial_procurement_quant_one_place"
# Indexes created by SQL (stock.lot.init()): on stock_lot, then the enquiry's
# on res_partner and helpdesk_ticket
SQL_INDEXES = (
    UNIQUE_INDEX,
    CASE_INDEX,
    NAME_INDEX,
    *(index for index, _table, _column in ENQUIRY_INDEXES),
)
# The sold report's view (Odoo drops it too, when it removes the model)
SQL_VIEWS = ("serial_procurement_sold_report",)


def drop_sql_objects(cr):
    """Drop the trigger, its function, the indexes and views; return their names."""
    cr.execute(
        SQL("DROP TRIGGER IF EXISTS %s ON stock_quant", SQL.identifier(ONE_PLACE))
    )
    cr.execute(
        SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(ONE_PLACE_FUNCTION_NAME))
    )
    for index in SQL_INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
    for view in SQL_VIEWS:
        cr.execute(SQL("DROP VIEW IF EXISTS %s", SQL.identifier(view)))
    dropped = [ONE_PLACE, ONE_PLACE_FUNCTION_NAME, *SQL_INDEXES, *SQL_VIEWS]
    _logger.info("serial_procurement uninstalled: dropped %s", ", ".join(dropped))
    return dropped


def uninstall_hook(env):
    drop_sql_objects(env.cr)
