"""The demo vocabulary (``vocabulary.yaml``) as typed, checked objects.

Days are counted from 2023-01-01 (day 0) so dates can live in numpy integer arrays; ``day_of`` and
``date_of`` convert. Price bands become per-day lookup tables so a million lines are priced with
two fancy-indexing operations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

EPOCH = dt.date(2023, 1, 1)
MODES = ("sea", "air", "road", "rail", "post")
SEA, AIR, ROAD, RAIL, POST = range(len(MODES))


def day_of(value: dt.date) -> int:
    return (value - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


class VocabularyError(ValueError):
    """vocabulary.yaml refers to something it does not define."""


@dataclass(frozen=True)
class Good:
    key: str
    index: int
    zh: str
    en: str
    hs: str
    family: str | None
    controlled: bool
    band: tuple[tuple[int, float, float], ...]  # (from day, low, high) steps, USD/kg
    qty_median: float
    qty_sigma: float
    pack: float
    gross: tuple[float, float]
    spec: dict[str, Any]
    sibling: str | None
    covers: tuple[str, ...]

    @property
    def hs6(self) -> str:
        return self.hs[:6]

    def band_at(self, day: int) -> tuple[float, float]:
        low, high = self.band[0][1:]
        for start, lo, hi in self.band:
            if day >= start:
                low, high = lo, hi
        return low, high


@dataclass(frozen=True)
class Control:
    family: str
    announcement: str
    item: str
    start: int
    corridor: tuple[str, ...]
    us_ban: tuple[int, int] | None
    end_use: tuple[str, ...]
    remarks_required: bool

    def banned(self, country: str, day: int) -> bool:
        return country == "US" and self.us_ban is not None and self.us_ban[0] <= day < self.us_ban[1]


@dataclass(frozen=True)
class Country:
    iso: str
    index: int
    zh: str
    en: str
    weight: float
    phone: str
    currency: dict[str, float]
    words: tuple[str, ...]
    forms: tuple[str, ...]
    cities: tuple[str, ...]
    streets: tuple[str, ...]
    ports: dict[str, tuple[tuple[str, str], ...]]  # mode -> [(Chinese, English)]
    first: tuple[str, ...]
    last: tuple[str, ...]
    modes: dict[str, float]
    tld: str


@dataclass(frozen=True)
class City:
    zh: str
    en: str
    province: str
    province_en: str
    code: str
    area: str
    districts: tuple[tuple[str, str], ...]
    offices: dict[str, str]

    @property
    def province_short(self) -> str:
        for suffix in ("壮族自治区", "自治区", "省", "市"):
            if self.province.endswith(suffix):
                return self.province[: -len(suffix)]
        return self.province

    @property
    def region(self) -> str:
        """境内货源地 as written: province and city (municipalities once)."""
        if self.province.endswith("市") and self.province[:-1] == self.zh:
            return self.province
        return f"{self.province}{self.zh}市"


@dataclass(frozen=True)
class Office:
    code: str
    index: int
    zh: str
    exits: dict[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Sector:
    key: str
    index: int
    label: str
    goods: tuple[str, ...]
    weights: tuple[float, ...]
    fallback: tuple[str, ...]
    fallback_weights: tuple[float, ...]
    industry: tuple[str, ...]
    cities: tuple[str, ...]
    licensed: float
    state_trading: float
    air: float
    post: float
    share: float


class Vocabulary:
    """Everything the generator draws from, loaded once from vocabulary.yaml."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.period_days = day_of(raw["period"]["end"]) + 1
        self.fx: dict[str, dict[int, float]] = {k: dict(v) for k, v in raw["fx_usd_per_unit"].items()}
        self.thresholds = raw["thresholds"]
        self.controls = {
            fam: Control(
                family=fam,
                announcement=c["announcement"],
                item=c["item"],
                start=day_of(c["effective_from"]),
                corridor=tuple(c["corridor"]),
                us_ban=(day_of(c["us_ban"][0]), day_of(c["us_ban"][1])) if c.get("us_ban") else None,
                end_use=tuple(c["end_use"]),
                remarks_required=bool(c.get("remarks_required", False)),
            )
            for fam, c in raw["controls"].items()
        }
        self.goods: list[Good] = []
        for i, (key, g) in enumerate(raw["goods"].items()):
            hs = str(g["hs"])
            if len(hs) != 10 or not hs.isdigit():
                raise VocabularyError(f"good {key}: hs {hs!r} is not 10 digits")
            if g.get("family") and g["family"] not in self.controls:
                raise VocabularyError(f"good {key}: unknown control family {g['family']!r}")
            self.goods.append(
                Good(
                    key=key,
                    index=i,
                    zh=g["zh"],
                    en=g["en"],
                    hs=hs,
                    family=g.get("family"),
                    controlled=bool(g.get("controlled", False)),
                    band=tuple((day_of(s), float(lo), float(hi)) for s, lo, hi in g["band"]),
                    qty_median=float(g["qty"][0]),
                    qty_sigma=float(g["qty"][1]),
                    pack=float(g["pack"]),
                    gross=(float(g["gross"][0]), float(g["gross"][1])),
                    spec=dict(g.get("spec", {})),
                    sibling=g.get("sibling"),
                    covers=tuple(g.get("covers", ())),
                )
            )
        self.good = {g.key: g for g in self.goods}
        for g in self.goods:
            for ref in (*g.covers, *([g.sibling] if g.sibling else [])):
                if ref not in self.good:
                    raise VocabularyError(f"good {g.key}: unknown cover/sibling {ref!r}")
        self.countries: list[Country] = []
        for i, (iso, c) in enumerate(raw["countries"].items()):
            ports = {m: tuple((p[0], p[1]) for p in c.get(m, ())) for m in MODES if m != "post"}
            self.countries.append(
                Country(
                    iso=iso,
                    index=i,
                    zh=c["zh"],
                    en=c["en"],
                    weight=float(c["weight"]),
                    phone=str(c["phone"]),
                    currency=dict(c["currency"]),
                    words=tuple(c["words"]),
                    forms=tuple(c["forms"]),
                    cities=tuple(c["cities"]),
                    streets=tuple(c["streets"]),
                    ports=ports,
                    first=tuple(c["first"]),
                    last=tuple(c["last"]),
                    modes=dict(c.get("modes", raw["default_modes"])),
                    tld=raw["tlds"][iso],
                )
            )
        self.country = {c.iso: c for c in self.countries}
        self.cities = {
            zh: City(
                zh=zh,
                en=c["en"],
                province=c["province"],
                province_en=c["province_en"],
                code=str(c["code"]),
                area=str(c["area"]),
                districts=tuple((d[0], d[1]) for d in c["districts"]),
                offices={k: str(v) for k, v in c["offices"].items()},
            )
            for zh, c in raw["cities"].items()
        }
        self.offices: list[Office] = [
            Office(
                code=code,
                index=i,
                zh=o["zh"],
                exits={m: tuple((p[0], p[1]) for p in o.get(m, ())) for m in MODES},
            )
            for i, (code, o) in enumerate(raw["customs_offices"].items())
        ]
        self.office = {o.code: o for o in self.offices}
        for city in self.cities.values():
            for mode, code in city.offices.items():
                if code not in self.office or not self.office[code].exits.get(mode):
                    raise VocabularyError(f"city {city.zh}: office {code} has no {mode} exit")
        self.sectors: list[Sector] = []
        for i, (key, s) in enumerate(raw["sectors"].items()):
            for ref in (*s["goods"], *s.get("fallback", {})):
                if ref not in self.good:
                    raise VocabularyError(f"sector {key}: unknown good {ref!r}")
            for city in s["cities"]:
                if city not in self.cities:
                    raise VocabularyError(f"sector {key}: unknown city {city!r}")
            fallback = s.get("fallback") or {
                k: v for k, v in s["goods"].items() if not self.good[k].controlled
            }
            self.sectors.append(
                Sector(
                    key=key,
                    index=i,
                    label=s["label"],
                    goods=tuple(s["goods"]),
                    weights=tuple(float(v) for v in s["goods"].values()),
                    fallback=tuple(fallback),
                    fallback_weights=tuple(float(v) for v in fallback.values()),
                    industry=tuple(s["industry"]),
                    cities=tuple(s["cities"]),
                    licensed=float(s.get("licensed", 0.0)),
                    state_trading=float(s.get("state_trading", 0.0)),
                    air=float(s.get("air", 1.0)),
                    post=float(s.get("post", 1.0)),
                    share=float(s["share"]),
                )
            )
        self.sector = {s.key: s for s in self.sectors}
        for fam, c in self.controls.items():
            for iso in c.corridor:
                if iso not in self.country:
                    raise VocabularyError(f"control {fam}: unknown corridor country {iso}")
        self.band_lo, self.band_hi = self._band_tables()

    def _band_tables(self) -> tuple[np.ndarray, np.ndarray]:
        lo = np.empty((len(self.goods), self.period_days), dtype=np.float64)
        hi = np.empty_like(lo)
        for g in self.goods:
            for start, low, high in g.band:
                lo[g.index, max(start, 0) :] = low
                hi[g.index, max(start, 0) :] = high
        return lo, hi

    def fx_rate(self, currency: str, year: int) -> float:
        """USD per unit of ``currency`` in ``year`` (1.0 for USD)."""
        if currency == "USD":
            return 1.0
        table = self.fx[currency]
        return table.get(year, table[max(table)])

    def control_for(self, good: Good) -> Control | None:
        return self.controls[good.family] if good.controlled and good.family else None


@cache
def load() -> Vocabulary:
    text = resources.files("graphtool.demo").joinpath("vocabulary.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return Vocabulary(yaml.load(text, Loader=loader))
