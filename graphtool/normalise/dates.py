"""Dates as written in customs files, registries and bills of lading -> ``datetime.date``.

Year-first forms are unambiguous and always accepted; day/month forms need the caller to say
which order the source uses, because 05/03/2024 is 5 March in one file and 3 May in another.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

Order = Literal["ymd", "mdy", "dmy"]

# A time of day after the date is ignored: the date is taken as written, without time-zone shifts.
_TIME = r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_YMD = re.compile(rf"(\d{{4}})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}}){_TIME}")
_YMD_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YMD_CHINESE = re.compile(rf"(\d{{4}})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]?{_TIME}")
_SHORT = re.compile(rf"(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*(\d{{4}}|\d{{2}}){_TIME}")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})[\s./-]*([a-z]{3,9})\.?[\s./,-]*(\d{4})", re.IGNORECASE)
_MONTH_NAME_DAY = re.compile(r"([a-z]{3,9})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.IGNORECASE)
_PARTIAL = re.compile(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*月?)?\s*年?")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip


def _make(text: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"impossible date {text!r}: {exc}") from None


def _century(year: str) -> int:
    """Two-digit years pivot like POSIX strptime: 69-99 -> 1969-1999, 00-68 -> 2000-2068."""
    value = int(year)
    if len(year) == 4:
        return value
    return value + (1900 if value >= 69 else 2000)


def _month(text: str, name: str) -> int:
    try:
        return _MONTHS[name.casefold()]
    except KeyError:
        raise ValueError(f"unknown month {name!r} in date {text!r}") from None


def parse_date(text: str, order: Order = "ymd") -> date:
    """Parse one date; ``order`` says how to read day/month forms such as 05/03/2024 or 6/28/16.

    Always accepted: 2024-03-05, 2024/3/5, 2024.3.5, 20240305, 2024年3月5日, ISO date-times
    (the date part), and month names (5 Mar 2024, March 5, 2024).
    """
    value = unicodedata.normalize("NFKC", text).strip()
    for pattern in (_YMD, _YMD_COMPACT, _YMD_CHINESE):
        if m := pattern.fullmatch(value):
            return _make(text, int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY_MONTH_NAME.fullmatch(value):
        return _make(text, int(m[3]), _month(text, m[2]), int(m[1]))
    if m := _MONTH_NAME_DAY.fullmatch(value):
        return _make(text, int(m[3]), _month(text, m[1]), int(m[2]))
    if m := _SHORT.fullmatch(value):
        if order == "mdy":
            return _make(text, _century(m[3]), int(m[1]), int(m[2]))
        if order == "dmy":
            return _make(text, _century(m[3]), int(m[2]), int(m[1]))
        raise ValueError(f"ambiguous date {text!r}: day/month order unknown (set order to 'dmy' or 'mdy')")
    raise ValueError(f"unrecognised date {text!r}")


def parse_partial_date(text: str) -> str:
    """A possibly partial date as ISO text: '1965', '1965-10' or '1965-10-03' (birth dates)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _PARTIAL.fullmatch(value):
        first = _make(text, int(m[1]), int(m[2] or 1), 1)
        return f"{first.year:04d}" if m[2] is None else f"{first.year:04d}-{first.month:02d}"
    return parse_date(text).isoformat()
