"""China's unified social credit code (统一社会信用代码, GB 32100-2015).

A wrong check character is common (typos, made-up codes) and is evidence in itself, so ``uscc``
accepts it and the caller records ``uscc_is_valid`` next to the code instead of dropping it.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_VALUE = {char: value for value, char in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _check_char(body17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(body17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _bad_chars(code: str) -> str:
    return "".join(sorted({char for char in code if char not in _VALUE}))


def uscc(text: str) -> str:
    """Upper-cased code of 18 allowed characters; the check character is not verified here."""
    code = unicodedata.normalize("NFKC", text).strip().upper()
    if len(code) != 18:
        raise ValueError(f"USCC {text!r} has {len(code)} characters: 18 expected")
    if bad := _bad_chars(code):
        raise ValueError(f"USCC {text!r} contains {bad!r}: only digits and A-Y without I, O, S, V, Z")
    return code


def uscc_is_valid(code: str) -> bool:
    """True if the 18th character is the GB 32100-2015 check character of the first 17."""
    return len(code) == 18 and not _bad_chars(code) and _check_char(code[:17]) == code[17]


def make_uscc(body17: str) -> str:
    """Append the check character to a 17-character body (used to generate demo data)."""
    if len(body17) != 17 or _bad_chars(body17):
        raise ValueError(f"USCC body {body17!r} must be 17 characters of {ALPHABET}")
    return body17 + _check_char(body17)
