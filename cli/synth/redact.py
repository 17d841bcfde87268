"""Masking personal data in outputs: personnummer/samordningsnummer, e-mail, phone numbers.

Stored text is never changed; handouts, ``show`` and exports call ``redact`` unless the
user asks for ``--no-redact``.
"""

from __future__ import annotations

import re

MASK_ID = "[personnummer]"
MASK_EMAIL = "[e-post]"
MASK_PHONE = "[telefon]"

# 10 or 12 digits, optionally with - or + before the last four (YYMMDD-NNNN, YYYYMMDDNNNN).
_ID_RE = re.compile(r"(?<![\d-])((?:19|20)?\d{6})[-+ ]?(\d{4})(?![\d])")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Swedish numbers: 07x-xxx xx xx, 0480-123 45, +46 70 123 45 67: 6 to 9 digits after the
# leading 0 or +46 (no more, or a number would take the "0" that begins the next one).
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[\s-]?\d(?:[\s-]?\d){5,8}(?![\w])")


def luhn_ok(digits: str) -> bool:
    """Luhn check over the ten digits YYMMDDNNNN of a Swedish identity number."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_identity(date_part: str, serial: str) -> bool:
    ten = date_part[-6:] + serial
    month, day = int(ten[2:4]), int(ten[4:6])
    # Samordningsnummer add 60 to the day.
    if day > 60:
        day -= 60
    return 1 <= month <= 12 and 1 <= day <= 31 and luhn_ok(ten)


def redact(text: str) -> str:
    """The text with identity numbers (Luhn-checked), e-mail addresses and phones masked."""

    def id_sub(m: re.Match[str]) -> str:
        return MASK_ID if _valid_identity(m.group(1), m.group(2)) else m.group(0)

    text = _EMAIL_RE.sub(MASK_EMAIL, text)
    text = _ID_RE.sub(id_sub, text)
    return _PHONE_RE.sub(MASK_PHONE, text)
