# Copyright 2026 serial_procurement contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Parse serial numbers typed, pasted or scanned by a user.

Pure Python on purpose: the Odoo models call it, and the host-free test suite
exercises it without an Odoo server.
"""

import re
import unicodedata

# The longest serial accepted, in characters (after trimming): manufacturers'
# serials stay well under 40; 64 leaves room for prefixes and barcode payloads.
MAX_SERIAL_LENGTH = 64

# Newline (a barcode scanner ends each scan with Enter), comma, tab or semicolon.
SEPARATORS = re.compile(r"[\r\n,;\t]+")


class SerialEntryError(ValueError):
    """An entry cannot be accepted.

    ``code`` names the rule broken (``empty``, ``duplicate``, ``too_many``,
    ``not_text``, ``control``, ``invisible``, ``too_long``) and
    ``params`` its figures, so that callers can word a translated message.
    """

    def __init__(self, code, message, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.params = params


def display_serial(name, limit=40):
    """A safe rendering of a (possibly hostile) serial for an error message:
    invisible and control characters shown as ``\\uXXXX``, cut at ``limit``."""
    shown = "".join(
        char
        if unicodedata.category(char)[0] not in "CZ" or char == " "
        else f"\\u{ord(char):04x}"
        for char in str(name)[:limit]
    )
    return shown + ("..." if len(str(name)) > limit else "")


def _refusal(char):
    """The rule a character breaks inside a serial, or None when it is fine."""
    if char == " ":
        return None
    category = unicodedata.category(char)
    if category in ("Cf", "Zs"):  # zero-width, BOM, bidi marks, odd spaces
        return "invisible"
    if category[0] in "CZ":  # control, line/paragraph separators, unassigned
        return "control"
    return None


def normalize_serial(name, max_length=MAX_SERIAL_LENGTH):
    """Return ``name`` as a serial is stored: Unicode NFC, trimmed.

    The one place where a serial name is checked, for every entry path.

    :raises SerialEntryError: ``not_text`` (no string: ``False``, a number),
        ``empty``, ``control`` (NUL, control characters, line breaks),
        ``invisible`` (zero-width characters, unusual spaces), ``too_long``.
    """
    if not isinstance(name, str):
        raise SerialEntryError("not_text", "A serial number must be text.")
    serial = unicodedata.normalize("NFC", name).strip()
    if not serial:
        raise SerialEntryError("empty", "Enter at least one serial number.")
    for char in serial:
        code = _refusal(char)
        if code:
            raise SerialEntryError(
                code,
                "The serial number %(serial)s contains an invisible or control "
                "character (%(char)s).",
                serial=display_serial(serial),
                char=f"U+{ord(char):04X}",
            )
    if len(serial) > max_length:
        raise SerialEntryError(
            "too_long",
            "The serial number %(serial)s is %(length)d characters long; the "
            "maximum is %(max)d.",
            serial=display_serial(serial),
            length=len(serial),
            max=max_length,
        )
    return serial


def serial_key(name, case_insensitive=False):
    """The key under which two serials are the same one."""
    return name.casefold() if case_insensitive else name


def _script(char):
    """Unicode script of a letter, from its character name (LATIN, CYRILLIC...)."""
    try:
        words = unicodedata.name(char).split()
    except ValueError:
        return "UNKNOWN"
    return words[0]


def confusable_scripts(name):
    """The scripts mixed in ``name`` when its letters come from more than one
    (Latin ``A`` beside Cyrillic ``А``), or when it holds full-width or
    mathematical look-alike letters; an empty list when it looks plain."""
    scripts = sorted({_script(char) for char in name if char.isalpha()})
    lookalike = {"FULLWIDTH", "HALFWIDTH", "MATHEMATICAL"} & set(scripts)
    return scripts if len(scripts) > 1 or lookalike else []


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


def parse_serial_entry(
    text, max_count=None, case_insensitive=False, max_length=MAX_SERIAL_LENGTH
):
    """Split ``text`` and validate it as one entry of unique serials.

    :param max_count: the number of units still waiting for a serial; ``None``
        means no limit.
    :param case_insensitive: ``abc`` and ``ABC`` are the same serial.
    :raises SerialEntryError: empty entry, a bad serial (see
        :func:`normalize_serial`), a serial twice, more serials than units.
    """
    if text is not None and not isinstance(text, str):
        raise SerialEntryError("not_text", "A serial number must be text.")
    serials = [normalize_serial(serial, max_length) for serial in split_serials(text)]
    if not serials:
        raise SerialEntryError("empty", "Enter at least one serial number.")
    keys = [serial_key(serial, case_insensitive) for serial in serials]
    duplicate_keys = set(find_duplicates(keys))
    pairs = zip(serials, keys, strict=True)
    duplicates = list(dict.fromkeys(s for s, k in pairs if k in duplicate_keys))
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
