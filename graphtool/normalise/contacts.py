"""Phone numbers and e-mail addresses -> forms that compare equal across sources.

Shared phones, e-mails and e-mail domains link a foreign consignee to a Chinese exporter (B7, B9),
so the normal form must ignore formatting but never merge two different numbers.
"""

from __future__ import annotations

import re
import unicodedata

_NON_DIGIT = re.compile(r"\D")
# E.164 allows at most 15 digits; more usually means two numbers in one cell.
_MIN_DIGITS, _MAX_DIGITS = 6, 15


def phone_norm(text: str) -> str:
    """Digits only, with a leading '+' kept; an international '00' prefix becomes '+'.

    "+86 (574) 8765-4321" -> "+8657487654321". The country code is not guessed when absent.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    digits = _NON_DIGIT.sub("", value)
    international = value.startswith("+") or digits.startswith("00")
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) < _MIN_DIGITS:
        raise ValueError(f"phone number {text!r} has too few digits")
    if len(digits) > _MAX_DIGITS:
        raise ValueError(f"phone number {text!r} has too many digits (several numbers in one field?)")
    return "+" + digits if international else digits


def email_norm(text: str) -> str:
    """Lower-cased address with exactly one '@' and a dotted domain."""
    value = unicodedata.normalize("NFKC", text).strip().lower().removeprefix("mailto:")
    local, at, domain = value.partition("@")
    labels = domain.split(".")
    if not (local and at and "@" not in domain and len(labels) > 1 and all(labels)) or " " in value:
        raise ValueError(f"invalid e-mail address {text!r}")
    return value


def email_domain(email: str) -> str:
    """The domain of an e-mail address (after normalisation), e.g. for free-mail checks."""
    return email_norm(email).partition("@")[2]
