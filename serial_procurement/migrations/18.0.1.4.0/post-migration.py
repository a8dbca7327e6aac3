# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #9 (18.0.1.4.0): "Serial numbers ignore case" is enforced by the
database.

``stock.lot.serial_name_key`` (the name, lower-cased where case is ignored) is
filled by one SQL statement at the upgrade (``stock.lot.init()``), and its
unique index per product and company created; serials differing only by case
in a company that ignores case prevent the index and are logged. This
migration fills any key still empty and reports the outcome once more, with the
serials to rename or merge, instead of failing silently.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    lots = env["stock.lot"]
    filled = lots._serial_fill_name_keys(only_missing=True)
    lots._serial_rebuild_indexes_after_fill(filled)
    if lots._serial_create_case_index():
        _logger.info(
            "serial_procurement: serial uniqueness keys filled (%s) and unique in "
            "the database.",
            filled,
        )
        return
    _logger.warning(
        "serial_procurement: serials differing only by case in a company that "
        "ignores case (product id, company id, key, names), first 50: %s",
        lots._serial_duplicate_keys(),
    )
