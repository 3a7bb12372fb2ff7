"""Amounts in any tabled currency -> US dollars, so unit values compare with the USD price bands.

Rates are approximate annual averages from ``reference/fx_rates.csv`` (editable). A year outside
the table uses the nearest year in it (a 2021 declaration uses 2022 rates, 2027 uses the last
year); a year missing inside the table's range is an error, as is an unknown currency.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from importlib import resources

_BASE = "USD"


@cache
def _rates() -> dict[str, dict[int, float]]:
    """currency -> year -> US dollars per unit."""
    text = resources.files("graphtool.reference").joinpath("fx_rates.csv").read_text(encoding="utf-8")
    rates: dict[str, dict[int, float]] = {}
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        rates.setdefault(row["currency"], {})[int(row["year"])] = float(row["usd_per_unit"])
    return rates


def usd_per_unit(currency: str, year: int) -> float:
    """The rate used for ``currency`` in ``year`` (nearest tabled year outside the table's range)."""
    if currency == _BASE:
        return 1.0
    by_year = _rates().get(currency)
    if by_year is None:
        raise ValueError(f"no exchange rate for currency {currency!r}")
    nearest = min(max(year, min(by_year)), max(by_year))
    if nearest not in by_year:
        raise ValueError(f"no exchange rate for {currency} in {year}")
    return by_year[nearest]


def to_usd(amount: float, currency: str, on: date) -> float:
    """``amount`` of ISO 4217 ``currency`` in US dollars at the annual average rate of ``on``'s year."""
    return amount * usd_per_unit(currency, on.year)
