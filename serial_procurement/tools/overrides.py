# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which classes of a model a batch path would skip.

The batch of brand-new serials' quants does at once what core does one at a
time, from this addon's class straight to core's: the override of any class in
between would be skipped, so the batch is used only when there is none."""


def overridden_between(cls, upper, lower, name):
    """The classes strictly between ``upper`` and ``lower`` in the MRO of
    ``cls`` that define ``name`` themselves."""
    mro = cls.__mro__
    between = mro[mro.index(upper) + 1 : mro.index(lower)]
    return [klass for klass in between if name in vars(klass)]


def overridden_except(cls, allowed, name):
    """The classes in the MRO of ``cls`` but ``allowed`` that define ``name``."""
    return [
        klass for klass in cls.__mro__ if klass not in allowed and name in vars(klass)
    ]
