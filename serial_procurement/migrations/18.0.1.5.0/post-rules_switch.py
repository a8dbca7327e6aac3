# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue #19 (18.0.1.5.0): the serialized procurement rules are switched on per
company (``res.company.serial_rules_enabled``, off by default).

A database upgraded from an earlier version, where the addon was in use, keeps
its behaviour: the switch is turned on for every company that already has
tickets from estimates (sale orders with a ticket). Other companies keep it off,
as a new installation does.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE res_company company
           SET serial_rules_enabled = TRUE
         WHERE company.serial_rules_enabled IS NOT TRUE
           AND EXISTS (
                SELECT 1
                  FROM sale_order so
                 WHERE so.company_id = company.id
                   AND so.ticket_id IS NOT NULL
           )
     RETURNING company.id
        """
    )
    ids = [row[0] for row in cr.fetchall()]
    _logger.info(
        "serial_procurement: serialized procurement rules switched on for the "
        "companies with tickets from estimates: %s",
        ids or "none",
    )
