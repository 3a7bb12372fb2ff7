"""HS codes as declared -> a checked digit string, against the HS 2022 nomenclature (6 digits).

National digits (7-10) cannot be checked here; chapters 98 and 99 are national/special chapters
and pass without a subheading check. Codes of older HS editions that HS 2022 removed are refused.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import cache
from importlib import resources

_SEPARATORS = re.compile(r"[\s.\-]")
_NATIONAL_CHAPTERS = frozenset({"98", "99"})


@cache
def _descriptions() -> dict[str, str]:
    """HS 2022 chapters (2 digits), headings (4) and subheadings (6) -> English description."""
    text = resources.files("graphtool.reference").joinpath("hs2022.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return {row["hscode"]: row["description"] for row in rows if row["hscode"].isdigit()}


def hs_code(text: str) -> str:
    """Digits only, 6, 8 or 10 long, in an existing HS 2022 chapter and subheading."""
    code = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not code.isascii() or not code.isdigit():
        raise ValueError(f"HS code {text!r} contains characters other than digits")
    if len(code) in (2, 4):
        raise ValueError(f"HS code {text!r} too short: 6, 8 or 10 digits expected")
    if len(code) not in (6, 8, 10):
        hint = " (a leading zero lost?)" if len(code) in (5, 7, 9) else ""
        raise ValueError(f"HS code {text!r} has {len(code)} digits: 6, 8 or 10 expected{hint}")
    chapter = code[:2]
    if chapter in _NATIONAL_CHAPTERS:
        return code
    known = _descriptions()
    if chapter not in known:
        raise ValueError(f"HS code {text!r}: chapter {chapter} does not exist in HS 2022")
    if code[:6] not in known:
        raise ValueError(f"HS code {text!r}: subheading {code[:6]} does not exist in HS 2022")
    return code


def hs_description(code: str) -> str | None:
    """The most specific HS 2022 description for the code's 6-, 4- or 2-digit prefix, if any."""
    known = _descriptions()
    return next((known[code[:n]] for n in (6, 4, 2) if code[:n] in known), None)
