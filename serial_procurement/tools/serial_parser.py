# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Parse serial numbers typed, pasted or scanned by a user.

Pure Python on purpose: the Odoo models call it, and the host-free test suite
exercises it without an Odoo server.
"""

import re

# Newline (a barcode scanner ends each scan with Enter), comma, tab or semicolon.
SEPARATORS = re.compile(r"[\r\n,;\t]+")


class SerialEntryError(ValueError):
    """An entry cannot be accepted.

    ``code`` names the rule broken (``empty``, ``duplicate``, ``too_many``) and
    ``params`` its figures, so that callers can word a translated message.
    """

    def __init__(self, code, message, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.params = params


def split_serials(text):
    """Return the serials of ``text`` in order, trimmed, case kept, blanks dropped."""
    if not text:
        return []
    return [chunk.strip() for chunk in SEPARATORS.split(text) if chunk.strip()]


def find_duplicates(serials):
    """Return the serials that appear more than once, in first-seen order."""
    seen, duplicates = set(), []
    for serial in serials:
        if serial in seen and serial not in duplicates:
            duplicates.append(serial)
        seen.add(serial)
    return duplicates


def parse_serial_entry(text, max_count=None):
    """Split ``text`` and validate it as one entry of unique serials.

    :param max_count: the number of units still waiting for a serial; ``None``
        means no limit.
    :raises SerialEntryError: empty entry, a serial twice, more serials than units.
    """
    serials = split_serials(text)
    if not serials:
        raise SerialEntryError("empty", "Enter at least one serial number.")
    duplicates = find_duplicates(serials)
    if duplicates:
        raise SerialEntryError(
            "duplicate",
            "The same serial number is entered twice: %(serials)s.",
            serials=", ".join(duplicates),
        )
    if max_count is not None and len(serials) > max_count:
        raise SerialEntryError(
            "too_many",
            "%(count)d serial numbers entered but only %(remaining)d unit(s) "
            "remain to receive.",
            count=len(serials),
            remaining=max_count,
        )
    return serials
