# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Numbers typed or sent over RPC, checked before anything is written."""

import math

# No quantity or amount of this addon comes near: beyond it a value is a typo
# or an attack (1e300 units on hand).
MAX_NUMBER = 1e12


class NumberError(ValueError):
    """A refused number; ``code``: ``not_number``, ``not_finite``, ``too_big``,
    ``negative``."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def check_number(value, maximum=MAX_NUMBER, allow_negative=False):
    """Return ``value`` as a float, or raise NumberError saying why not.

    Booleans, None, text that is no number, NaN, infinities and magnitudes above
    ``maximum`` are refused.
    """
    if isinstance(value, bool) or value is None:
        raise NumberError("not_number", "A number is required.")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise NumberError("not_number", "A number is required.") from error
    if not math.isfinite(number):
        raise NumberError("not_finite", "The number must be finite.")
    if abs(number) > maximum:
        raise NumberError("too_big", "The number exceeds %g." % maximum)
    if number < 0 and not allow_negative:
        raise NumberError("negative", "The number cannot be negative.")
    return number
