# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""State of the addon's batch paths within one transaction, out of clients' reach.

The batch paths of the receipt and the count sheet (quants of brand-new serials
created at once, reservations counted then written at once) must be switched
on by the addon's own methods only. A context key cannot do that: any client
sends any context with any call over JSON-RPC. Their state lives instead on the
transaction's database cursor, under a private token of the path: the method
that opens a batch pushes it (``opened``) and pops it in a ``finally``; the
steps of the path read the innermost one (``current``). No request can reach a
cursor attribute, and a batch never outlives the method that opened it.

Pure Python (no Odoo import): the host-free suite tests it, and the check that
no other class overrides a step the batch replaces (``overridden_between``).
"""

from contextlib import contextmanager

# The cursor attribute holding {token: [state, ...]} (innermost last).
ATTRIBUTE = "_serial_procurement_batches"


def _stacks(cr):
    # vars(): never a delegated attribute (Odoo's cursors forward unknown
    # attributes to the underlying cursor).
    stacks = vars(cr).get(ATTRIBUTE)
    if stacks is None:
        stacks = {}
        setattr(cr, ATTRIBUTE, stacks)
    return stacks


@contextmanager
def opened(cr, token, state):
    """Make ``state`` the current batch of ``token`` on ``cr`` inside the block."""
    stack = _stacks(cr).setdefault(token, [])
    stack.append(state)
    try:
        yield state
    finally:
        for index in range(len(stack) - 1, -1, -1):
            if stack[index] is state:
                del stack[index]
                break


def current(cr, token):
    """The innermost open batch of ``token`` on ``cr``, or None."""
    stack = vars(cr).get(ATTRIBUTE, {}).get(token)
    return stack[-1] if stack else None


def overridden_between(cls, upper, lower, name):
    """The classes strictly between ``upper`` and ``lower`` in the MRO of
    ``cls`` that define ``name`` themselves (their code would be skipped by a
    batch that goes from ``upper`` straight to what ``lower`` does)."""
    mro = cls.__mro__
    between = mro[mro.index(upper) + 1 : mro.index(lower)]
    return [klass for klass in between if name in vars(klass)]
