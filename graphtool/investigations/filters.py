"""What a neighbourhood may reach: relationship types, a date window, HS codes, countries.

One description of the filters, checked once; each backend applies it in its own way (numpy masks in
the embedded store, a WHERE clause in ``queries/neighbourhood.cypher``), and the parity tests hold
them to the same answer. Semantics:

- ``rel_types``: only these relationship types are followed (None: all);
- ``since`` / ``until``: a relationship with start/end dates is followed only if its validity
  overlaps the window; a Declaration, Shipment or Licence is reached only if its date lies in the
  window (a node without a date is kept);
- ``hs_codes``: a Declaration, Shipment or Licence is reached only if its HS code starts with one of
  the prefixes (one without a code is not);
- ``countries``: a node with any of its country properties set is reached only if one of them is
  in the list (a node without any is kept).
The starting nodes are always shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphtool.errors import GraphtoolError
from graphtool.investigations import parameters
from graphtool.model import load_model
from graphtool.normalise.countries import country


@dataclass(frozen=True)
class Filters:
    rel_types: frozenset[str] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    hs_codes: tuple[str, ...] | None = None
    countries: frozenset[str] | None = None

    @property
    def filters_nodes(self) -> bool:
        return bool(self.since or self.until or self.hs_codes or self.countries)

    def cypher_parameters(self) -> dict[str, Any]:
        conf = parameters()["neighbourhood"]
        return {
            "filters_nodes": self.filters_nodes,
            "since": self.since,
            "until": self.until,
            "hs_codes": list(self.hs_codes) if self.hs_codes else None,
            "countries": sorted(self.countries) if self.countries else None,
            "date_property": conf["date_property"],
            "hs_property": conf["hs_property"],
            "country_properties": conf["country_properties"],
        }


def make_filters(
    rel_types: list[str] | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    hs_codes: list[str] | None = None,
    countries: list[str] | None = None,
) -> Filters:
    """Checked filters: unknown types, bad dates or codes are refused with the reason."""
    model = load_model()
    types = None
    if rel_types:
        types = frozenset(model.relationship(t.strip().upper()).type for t in rel_types)
    codes = None
    if hs_codes:
        codes = tuple(c.replace(".", "").strip() for c in hs_codes)
        bad = [c for c in codes if not c.isdigit()]
        if bad:
            raise GraphtoolError(f"HS code filter must be digits (a code or its prefix): {', '.join(bad)}")
    iso = None
    if countries:
        iso = frozenset(_iso2(c) for c in countries)
    window = (_date(since, "since"), _date(until, "until"))
    if window[0] and window[1] and window[0] > window[1]:
        raise GraphtoolError(f"date window is empty: since {window[0]} is after until {window[1]}")
    return Filters(types, window[0], window[1], codes, iso)


def _iso2(value: str) -> str:
    try:
        return country(value)
    except ValueError:
        raise GraphtoolError(
            f"unknown country {value!r} in the country filter (use ISO codes, e.g. TH)"
        ) from None


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise GraphtoolError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
