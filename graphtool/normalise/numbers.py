"""Numbers, percentages and weights as written in trade files -> floats in canonical units."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# A leading currency marker such as $, ¥, €, US$, HK$, or a code followed by the amount (USD 12).
_CURRENCY = re.compile(r"^(?:[A-Z]{0,3}[$¥€£₩₹]|[A-Z]{3}(?=[\s\d.]))\s*")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

_KG_PER_UNIT = {
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "千克", "公斤"), 1.0),
    **dict.fromkeys(("g", "gr", "gram", "grams", "克"), 0.001),
    **dict.fromkeys(("t", "mt", "tne", "tonne", "tonnes", "metric ton", "metric tons", "吨"), 1000.0),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds", "磅"), 0.45359237),
}


def _decimal(text: str) -> Decimal:
    """The exact value of a written number; commas are accepted only as thousands separators."""
    value = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if value.endswith("%"):
        raise ValueError(f"percentage {text!r} where a plain number is expected")
    sign = ""
    if value[:1] in "+-":
        sign, value = value[0], value[1:].lstrip()
    value = "".join(_CURRENCY.sub("", value).split())
    if "," in value:
        if not _GROUPED.fullmatch(value):
            raise ValueError(f"ambiguous number {text!r}: commas must separate thousands")
        value = value.replace(",", "")
    if not _PLAIN.fullmatch(sign + value):
        raise ValueError(f"not a number: {text!r}")
    return Decimal(sign + value)


def parse_number(text: str) -> float:
    """A number with optional sign, currency marker, thousands separators and full-width digits."""
    return float(_decimal(text))


def parse_int(text: str) -> int:
    """A whole number; '12.0' is accepted (spreadsheets write integers so), '12.5' is not."""
    value = _decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


def parse_percent(text: str) -> float:
    """A percentage 0-100, with or without '%': a bare '25' means 25 %, never 0.25 or 2500 %."""
    value = unicodedata.normalize("NFKC", text).strip().removesuffix("%")
    percent = parse_number(value)
    if not 0 <= percent <= 100:
        raise ValueError(f"percentage {text!r} outside 0-100")
    return percent


def to_kg(value: float, unit: str) -> float:
    """Convert a weight to kilograms; 'ton' alone is refused because short and metric tons differ."""
    key = " ".join(unicodedata.normalize("NFKC", unit).casefold().replace(".", " ").split())
    factor = _KG_PER_UNIT.get(key)
    if factor is None:
        raise ValueError(f"unknown weight unit {unit!r}")
    return value * factor
