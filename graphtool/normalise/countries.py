"""Country names and codes in any common form -> ISO 3166-1 alpha-2.

The tables are ``reference/countries.csv`` (generated from pycountry) and the hand-edited
``reference/country_aliases.csv``; the runtime reads them, it never imports pycountry.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from graphtool.normalise.text import name_norm


def _key(text: str) -> str:
    """Lookup key: case, punctuation, spaces and Chinese script variants do not matter."""
    return name_norm(text).replace(" ", "")


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("graphtool.reference").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@cache
def _index() -> dict[str, str]:
    """Every known code, name and alias -> ISO2; an alias claimed by two countries fails loudly."""
    index: dict[str, str] = {}

    def add(name: str, iso2: str, source: str) -> None:
        key = _key(name)
        if index.setdefault(key, iso2) != iso2:
            raise ValueError(f"{source}: {name!r} means both {index[key]} and {iso2}")

    for row in _read_csv("countries.csv"):
        names = [row["iso2"], row["iso3"], row["name_en"], row["name_zh"], row["cn_customs_code"]]
        for name in names + row["aliases"].split("|"):
            if name:
                add(name, row["iso2"], "countries.csv")
    iso2_codes = set(index.values())
    for row in _read_csv("country_aliases.csv"):
        if row["iso2"] not in iso2_codes:
            raise ValueError(f"country_aliases.csv: {row['alias']!r} points to unknown code {row['iso2']!r}")
        add(row["alias"], row["iso2"], "country_aliases.csv")
    return index


@cache
def _iso2_codes() -> frozenset[str]:
    return frozenset(_index().values())


def country(text: str) -> str:
    """ISO2 code for a code (alpha-2, alpha-3, China customs 3-digit) or an English/Chinese name."""
    iso2 = _index().get(_key(text))
    if iso2 is None:
        raise ValueError(f"unknown country {text!r}")
    return iso2


def is_country(code: str) -> bool:
    """True if ``code`` is a known ISO2 code in canonical (upper-case) form."""
    return code in _iso2_codes()
