# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Checks of the records a public method is called on (over JSON-RPC a client
may call it on none or on many): a clear UserError, not ``Expected singleton``."""


def ensure_one(records):
    """``records`` when it holds exactly one record, else a translated
    UserError naming what the action expects."""
    if len(records) != 1:
        # imported here: the tools stay importable without Odoo (host-free suite)
        from odoo.exceptions import UserError

        raise UserError(
            records.env._(
                "This action works on one %(model)s at a time (%(count)s given).",
                model=records._description,
                count=len(records),
            )
        )
    return records
