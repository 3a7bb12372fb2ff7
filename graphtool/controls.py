"""Export-control rules and price bands, read from ``reference/controls.yaml`` and ``price_bands.yaml``.

Every check asks "was this code controlled on the declaration date, for this destination?":
rules carry effective dates, suspensions and a destination scope, and price bands are dated.
Both files are edited by users, so loading validates them and names the file and rule on error.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from graphtool.errors import GraphtoolError
from graphtool.normalise.countries import is_country
from graphtool.normalise.hscodes import hs_code

CONTROLS_FILE = "controls.yaml"
PRICE_BANDS_FILE = "price_bands.yaml"

# Most restrictive first: when several rules are in force for one code, the first kind counts.
KINDS = ("ban", "licence", "review", "state_trading")

_RULE_KEYS = {
    "id", "announcement", "kind", "items", "good", "reference_codes", "effective_from",
    "suspensions", "destination_scope", "licence_required", "source",
}  # fmt: skip
_OPTIONAL_RULE_KEYS = {"effective_to", "remarks_statement_required"}
_BAND_KEYS = {
    "china_low", "china_high", "abroad_low", "abroad_high", "currency", "unit",
    "valid_from", "valid_to", "source",
}  # fmt: skip


class ReferenceDataError(GraphtoolError):
    """A reference data file (controls, price bands) is invalid; the message names file and entry."""


@dataclass(frozen=True)
class Suspension:
    start: date
    end: date  # inclusive
    announcement: str


@dataclass(frozen=True)
class Rule:
    id: str
    announcement: str
    kind: str
    items_en: str
    items_zh: str
    good: str | None
    reference_codes: tuple[str, ...]
    effective_from: date
    effective_to: date | None
    suspensions: tuple[Suspension, ...]
    scope: str  # "all", "only" or "except"
    scope_countries: frozenset[str]
    licence_required: bool
    remarks_statement_required: bool
    source: str

    def matches_code(self, hs_code: str) -> bool:
        """True if the declared code starts with one of the rule's reference codes."""
        return hs_code.startswith(self.reference_codes)

    def covers_destination(self, destination: str | None) -> bool:
        """Whether the rule applies to exports to ``destination`` (ISO2).

        An unknown destination (None) is covered by rules for all or "all except" destinations,
        but not by rules limited to a list of countries: those need the destination to apply.
        """
        if self.scope == "all":
            return True
        if destination is None:
            return self.scope == "except"
        return (destination in self.scope_countries) == (self.scope == "only")

    def in_force_array(self, on: pa.Array, destination: pa.Array) -> pa.Array:
        """``in_force`` for whole Arrow columns of dates and destinations (null dates: not in force)."""
        active = pc.greater_equal(on, pa.scalar(self.effective_from, pa.date32()))
        if self.effective_to is not None:
            active = pc.and_(active, pc.less_equal(on, pa.scalar(self.effective_to, pa.date32())))
        for s in self.suspensions:
            inside = pc.and_(
                pc.greater_equal(on, pa.scalar(s.start, pa.date32())),
                pc.less_equal(on, pa.scalar(s.end, pa.date32())),
            )
            active = pc.and_(active, pc.invert(inside))
        if self.scope != "all":
            listed = pc.is_in(destination, value_set=pa.array(sorted(self.scope_countries), pa.string()))
            covered = listed if self.scope == "only" else pc.invert(listed)
            unknown = pa.scalar(self.scope == "except")  # an unknown destination, as covers_destination says
            active = pc.and_(
                active, pc.fill_null(pc.if_else(pc.is_null(destination), unknown, covered), False)
            )
        return pc.fill_null(active, False)

    def in_force(self, on: date, destination: str | None) -> bool:
        """In effect on ``on`` (started, not ended, not suspended) and covering ``destination``."""
        if on < self.effective_from or (self.effective_to is not None and on > self.effective_to):
            return False
        if any(s.start <= on <= s.end for s in self.suspensions):
            return False
        return self.covers_destination(destination)


@dataclass(frozen=True)
class ControlRules:
    rules: tuple[Rule, ...]

    def rules_for_code(self, hs_code: str) -> list[Rule]:
        """All rules whose reference codes are prefixes of ``hs_code``, in file order."""
        return [rule for rule in self.rules if rule.matches_code(hs_code)]

    def by_priority(self) -> list[Rule]:
        """Rules in the order ``applicable`` prefers them: most restrictive kind first, then file order."""
        return sorted(self.rules, key=lambda rule: KINDS.index(rule.kind))

    def applicable(self, hs_code: str, on: date, destination: str | None) -> Rule | None:
        """The most restrictive rule in force for this code, date and destination (see KINDS)."""
        in_force = [rule for rule in self.rules_for_code(hs_code) if rule.in_force(on, destination)]
        return min(in_force, key=lambda rule: KINDS.index(rule.kind), default=None)


@dataclass(frozen=True)
class Band:
    good: str
    china_low: float | None
    china_high: float | None
    abroad_low: float | None
    abroad_high: float | None
    currency: str
    unit: str
    valid_from: date
    valid_to: date | None  # inclusive; None: until a newer band
    source: str

    def valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True)
class Good:
    key: str
    name_en: str
    name_zh: str
    hs_prefixes: tuple[str, ...]
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class PriceBands:
    goods: dict[str, Good]

    def band(self, good: str, on: date) -> Band | None:
        """The band of ``good`` valid on ``on``, or None if no figure covers that date."""
        if good not in self.goods:
            raise ValueError(f"unknown good {good!r}")
        return next((band for band in self.goods[good].bands if band.valid_on(on)), None)

    def good_for_code(self, hs_code: str) -> str | None:
        """The good whose longest HS prefix starts ``hs_code`` (cover goods declare prefixes)."""
        matches = [
            (len(prefix), key)
            for key, good in self.goods.items()
            for prefix in good.hs_prefixes
            if hs_code.startswith(prefix)
        ]
        return max(matches, default=(0, None))[1]


# --- loading and validation -------------------------------------------------------------------


def _fail(where: str, problem: str) -> ReferenceDataError:
    return ReferenceDataError(f"{where}: {problem}")


def _check_keys(where: str, entry: Any, required: set[str], optional: Collection[str] = ()) -> None:
    if not isinstance(entry, dict):
        raise _fail(where, "expected a mapping")
    if unknown := set(entry) - required - set(optional):
        raise _fail(where, f"unknown keys {sorted(unknown)}")
    if missing := required - set(entry):
        raise _fail(where, f"missing keys {sorted(missing)}")


def _date(where: str, name: str, value: Any, *, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    elif isinstance(value, date):
        return value
    raise _fail(where, f"{name} {value!r} is not a date (YYYY-MM-DD)")


def _text(where: str, name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"{name} must be non-empty text")
    return value


def _codes(where: str, values: Any, *, full: bool) -> tuple[str, ...]:
    """Code prefixes, each checked against HS 2022; nested lists (YAML aliases) are flattened."""
    if not isinstance(values, list):
        raise _fail(where, "codes must be a list")
    flat = [code for value in values for code in (value if isinstance(value, list) else [value])]
    for code in flat:
        if not isinstance(code, str):
            raise _fail(where, f"code {code!r} must be quoted text (a bare number loses leading zeros)")
        shortest = 6 if full else 2
        if not code.isdigit() or not shortest <= len(code) <= 10:
            raise _fail(where, f"code {code!r} must be {shortest} to 10 digits")
        if full:
            try:
                hs_code(code[:6])
            except ValueError as exc:
                raise _fail(where, str(exc)) from None
    return tuple(dict.fromkeys(flat))


def _countries(where: str, values: Any) -> frozenset[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) and is_country(v) for v in values):
        raise _fail(where, f"destination_scope countries must be a list of ISO2 codes, got {values!r}")
    return frozenset(values)


def _scope(where: str, value: Any) -> tuple[str, frozenset[str]]:
    if value == "all":
        return "all", frozenset()
    if isinstance(value, list):
        return "only", _countries(where, value)
    if isinstance(value, dict) and set(value) == {"except"}:
        return "except", _countries(where, value["except"])
    raise _fail(
        where, f"destination_scope must be all, [ISO2, ...] or {{except: [ISO2, ...]}}, got {value!r}"
    )


def _suspension(where: str, entry: Any) -> Suspension:
    _check_keys(where + ", suspension", entry, {"from", "to", "announcement"})
    start, end = _date(where, "suspension from", entry["from"]), _date(where, "suspension to", entry["to"])
    if end < start:
        raise _fail(where, f"suspension ends ({end}) before it starts ({start})")
    return Suspension(start, end, _text(where, "suspension announcement", entry["announcement"]))


def _rule(file: str, index: int, entry: Any, goods: Collection[str]) -> Rule:
    rule_id = entry.get("id") if isinstance(entry, dict) else None
    where = f"{file}, rule {rule_id or f'#{index + 1}'}"
    _check_keys(where, entry, _RULE_KEYS, _OPTIONAL_RULE_KEYS)
    if entry["kind"] not in KINDS:
        raise _fail(where, f"kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
    _check_keys(where + ", items", entry["items"], {"en", "zh"})
    if entry["good"] is not None and entry["good"] not in goods:
        raise _fail(where, f"good {entry['good']!r} is not in {PRICE_BANDS_FILE}")
    flags = {name: entry.get(name, False) for name in ("licence_required", "remarks_statement_required")}
    if not all(isinstance(flag, bool) for flag in flags.values()):
        raise _fail(where, "licence_required and remarks_statement_required must be true or false")
    if not isinstance(entry["suspensions"], list):
        raise _fail(where, "suspensions must be a list")
    effective_from = _date(where, "effective_from", entry["effective_from"])
    effective_to = _date(where, "effective_to", entry.get("effective_to"), optional=True)
    if effective_to is not None and effective_to < effective_from:
        raise _fail(where, "effective_to is before effective_from")
    scope, scope_countries = _scope(where, entry["destination_scope"])
    return Rule(
        id=_text(where, "id", rule_id),
        announcement=_text(where, "announcement", entry["announcement"]),
        kind=entry["kind"],
        items_en=_text(where, "items.en", entry["items"]["en"]),
        items_zh=_text(where, "items.zh", entry["items"]["zh"]),
        good=entry["good"],
        reference_codes=_codes(where, entry["reference_codes"], full=True),
        effective_from=effective_from,
        effective_to=effective_to,
        suspensions=tuple(_suspension(where, s) for s in entry["suspensions"]),
        scope=scope,
        scope_countries=scope_countries,
        source=_text(where, "source", entry["source"]),
        **flags,
    )


def parse_rules(data: Any, goods: Collection[str], file: str = CONTROLS_FILE) -> ControlRules:
    """Validate the parsed content of controls.yaml; ``goods`` are the valid price-band keys."""
    _check_keys(file, data, {"rules"}, {"code_groups"})
    groups = data.get("code_groups") or {}
    if not isinstance(groups, dict) or not isinstance(data["rules"], list):
        raise _fail(file, "code_groups must be a mapping and rules a list")
    for name, codes in groups.items():
        _codes(f"{file}, code group {name}", codes, full=True)
    rules = tuple(_rule(file, i, entry, goods) for i, entry in enumerate(data["rules"]))
    _check_unique(file, "rule", (rule.id for rule in rules))
    return ControlRules(rules)


def _band(where: str, good: str, entry: Any) -> Band:
    _check_keys(where, entry, _BAND_KEYS)
    if (entry["currency"], entry["unit"]) != ("USD", "kg"):
        raise _fail(where, "bands must be in USD per kg")
    prices = {}
    for side in ("china", "abroad"):
        low, high = entry[f"{side}_low"], entry[f"{side}_high"]
        if (low is None) != (high is None):
            raise _fail(where, f"{side}_low and {side}_high must both be given or both be null")
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high))
        if low is not None and not (numbers and 0 <= low <= high):
            raise _fail(where, f"{side} band must be numbers with 0 <= low <= high, got {low!r}-{high!r}")
        prices |= {f"{side}_low": low, f"{side}_high": high}
    valid_from = _date(where, "valid_from", entry["valid_from"])
    valid_to = _date(where, "valid_to", entry["valid_to"], optional=True)
    if valid_to is not None and valid_to < valid_from:
        raise _fail(where, "valid_to is before valid_from")
    return Band(
        good=good,
        currency="USD",
        unit="kg",
        valid_from=valid_from,
        valid_to=valid_to,
        source=_text(where, "source", entry["source"]),
        **{name: None if value is None else float(value) for name, value in prices.items()},
    )


def _good(file: str, key: str, entry: Any) -> Good:
    where = f"{file}, good {key}"
    _check_keys(where, entry, {"name", "bands"}, {"hs_prefixes"})
    _check_keys(where + ", name", entry["name"], {"en", "zh"})
    if not isinstance(entry["bands"], list):
        raise _fail(where, "bands must be a list")
    bands = sorted(
        (_band(f"{where}, band #{i + 1}", key, band) for i, band in enumerate(entry["bands"])),
        key=lambda band: band.valid_from,
    )
    for earlier, later in pairwise(bands):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise _fail(where, f"bands from {earlier.valid_from} and {later.valid_from} overlap")
    return Good(
        key=key,
        name_en=_text(where, "name.en", entry["name"]["en"]),
        name_zh=_text(where, "name.zh", entry["name"]["zh"]),
        hs_prefixes=_codes(where, entry.get("hs_prefixes", []), full=False),
        bands=tuple(bands),
    )


def parse_price_bands(data: Any, file: str = PRICE_BANDS_FILE) -> PriceBands:
    """Validate the parsed content of price_bands.yaml."""
    _check_keys(file, data, {"goods"})
    if not isinstance(data["goods"], dict):
        raise _fail(file, "goods must be a mapping")
    goods = {key: _good(file, key, entry) for key, entry in data["goods"].items()}
    _check_unique(file, "HS prefix", (p for good in goods.values() for p in good.hs_prefixes))
    return PriceBands(goods)


def _check_unique(file: str, what: str, values: Iterable[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _fail(file, f"{what} {value!r} appears twice")
        seen.add(value)


def _load_yaml(file: str) -> Any:
    text = resources.files("graphtool.reference").joinpath(file).read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for dates like 2025-02-30
        raise ReferenceDataError(f"{file}: {exc}") from None


@cache
def price_bands() -> PriceBands:
    """The price bands shipped in ``graphtool/reference`` (loaded once)."""
    return parse_price_bands(_load_yaml(PRICE_BANDS_FILE))


@cache
def control_rules() -> ControlRules:
    """The control rules shipped in ``graphtool/reference`` (loaded once)."""
    return parse_rules(_load_yaml(CONTROLS_FILE), price_bands().goods)
