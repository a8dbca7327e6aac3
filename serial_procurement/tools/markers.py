# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-transaction markers: internal switches that no client can send.

Every key of the context travels with a JSON-RPC call: a switch read from the
context can be turned on by any logged-in user. A marker lives in the cursor's
own cache (``env.cr.cache``, per transaction, never serialised to or from a
client) and is set only by the addon's own method, for the duration of a
``with`` block::

    with markers.marked(self.env, markers.INTAKE_ALLOWED):
        quants._apply_inventory()

    if markers.get(self.env, markers.INTAKE_ALLOWED):
        ...
"""

from contextlib import contextmanager

_CACHE_KEY = "serial_procurement.markers"
_UNSET = object()

# An inventory adjustment made by the count sheet or a manager's correction,
# which check the new serials themselves (strict serialized intake).
INTAKE_ALLOWED = "intake_allowed"
# A receipt whose serials are being allocated to tickets: core's
# reserve-on-arrival waits (stock.move._trigger_assign).
HOLD_ASSIGN = "hold_assign"
# Ids of the moves that just reserved their estimate's exact serials: core does
# not top them up with other stock (stock.move._action_assign).
SKIP_ASSIGN = "skip_assign_move_ids"
# The addon's own flows write the guarded fields of a serial (stock.lot).
LOT_FLOW = "lot_flow"


@contextmanager
def marked(env, name, value=True):
    """Set the marker ``name`` to ``value`` for the block, then restore it."""
    markers = env.cr.cache.setdefault(_CACHE_KEY, {})
    previous = markers.get(name, _UNSET)
    markers[name] = value
    try:
        yield value
    finally:
        if previous is _UNSET:
            markers.pop(name, None)
        else:
            markers[name] = previous


def get(env, name, default=None):
    """The value of the marker ``name`` in this transaction, or ``default``."""
    return env.cr.cache.get(_CACHE_KEY, {}).get(name, default)
