# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Upgrade to 18.0.1.1.0: recompute stored values whose rule changed.

Odoo computes a stored computed field for existing records only when its
column is created; a changed rule (here the ticket billing status, whose
rules live in tools/billing.py) leaves the stored values of existing records
as the previous version computed them. This script recomputes them, in
batches through the ORM, once, when a database is upgraded from a version
older than 18.0.1.1.0 (Odoo runs it; ``version`` is the installed version).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# model -> (stored computed fields whose rule changed, domain of the records)
RECOMPUTE = {
    "helpdesk.ticket": (["billing_status"], [("sale_order_id", "!=", False)]),
}


def recompute_stored_fields(env, recompute=None):
    """Recompute the listed stored fields; returns {model: number of records}."""
    counts = {}
    for model_name, (field_names, domain) in (recompute or RECOMPUTE).items():
        model = env[model_name].with_context(active_test=False)
        records = model.search(domain)
        for field_name in field_names:
            env.add_to_compute(model._fields[field_name], records)
        model.flush_model(field_names)
        counts[model_name] = len(records)
        _logger.info(
            "serial_procurement 18.0.1.1.0: recomputed %s on %d %s record(s)",
            ", ".join(field_names),
            len(records),
            model_name,
        )
    return counts


def migrate(cr, version):
    if not version:  # a new install computes everything itself
        return
    recompute_stored_fields(api.Environment(cr, SUPERUSER_ID, {}))
