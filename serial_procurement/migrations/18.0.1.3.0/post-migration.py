# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #9 (18.0.1.3.0): serial names become unique in the database.

``stock.lot.init()`` creates the unique index of (product, company, name) at
every install or upgrade; when existing serials break the rule it creates
nothing and logs them. This migration reports the outcome once more, with the
list of duplicates to rename or merge, instead of failing silently.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    lots = env["stock.lot"]
    if lots._serial_create_unique_index():
        _logger.info("serial_procurement: serial names are unique in the database.")
        return
    _logger.warning(
        "serial_procurement: duplicate serial names (product id, company id, name, "
        "count), first 50: %s",
        lots._serial_duplicate_names(),
    )
