"""Shared pieces of the declaration generators: interned strings, lookup pools, licences.

Every text column of the big files is an integer array of ids into one ``Strings`` table; the
writer turns them into Arrow strings with one ``take``. Pools hold the small vocabularies drawn
per declaration (specs, ports, vessels, flights) as id arrays so drawing is one indexing step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from graphtool.demo import idgen
from graphtool.demo.entities import Firm, World
from graphtool.demo.vocab import AIR, MODES, POST, RAIL, ROAD, SEA, Good, Vocabulary

SPECS_PER_GOOD = 24


class Strings:
    """Interned strings; id -1 means an empty cell.

    ``arrow`` can return the text already encoded (e.g. GB18030) in a string-typed array whose bytes
    are not UTF-8: the CSV writer copies such bytes through unchanged, so a million-row file needs
    no transcoding. Such arrays must only be written, never read back as Python strings.
    """

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}
        self._cache: dict[str, tuple[int, pa.Array]] = {}

    def id(self, text: str) -> int:
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.values)
            self.values.append(text)
        return found

    def ids(self, texts: list[str]) -> np.ndarray:
        return np.array([self.id(t) for t in texts], dtype=np.int32)

    def table(self, encoding: str = "utf-8") -> pa.Array:
        cached = self._cache.get(encoding)
        if cached is None or cached[0] != len(self.values):
            if encoding == "utf-8":
                arr = pa.array(self.values, type=pa.string())
            else:
                arr = pa.array([v.encode(encoding) for v in self.values], type=pa.binary()).view(pa.string())
            cached = self._cache[encoding] = (len(self.values), arr)
        return cached[1]

    def arrow(self, ids: np.ndarray, encoding: str = "utf-8") -> pa.Array:
        return self.table(encoding).take(pa.array(ids, mask=ids < 0, type=pa.int32()))


@dataclass
class Licence:
    number: str
    issued: int
    valid_from: int
    valid_to: int
    holder: int  # firm idx
    end_user: int  # firm idx
    destination: str  # ISO2
    good: str
    quantity_kg: float
    end_use: str


@dataclass
class Pools:
    """Lookup tables drawn per declaration, built once per run."""

    spec_ids: np.ndarray  # [goods, SPECS_PER_GOOD]
    exit_ids: np.ndarray  # [offices, modes, 2] Chinese exit port names (-1: none)
    exit_en: list[list[list[str]]]
    dest_ids: np.ndarray  # [countries, modes, 2] Chinese destination port names
    dest_en: list[list[list[str]]]
    conv_ids: list[np.ndarray]  # per mode: conveyance text ids
    conv_vessel: list[list[str]]  # per mode: vessel name / flight / vehicle
    conv_voyage: list[list[str]]
    conv_imo: list[list[str]]
    conv_carrier: list[np.ndarray]  # per mode: carrier (sea) or airline (air) index
    licences: list[Licence] = field(default_factory=list)


def spec_text(vocab: Vocabulary, good: Good, rng: np.random.Generator, purity: float | None = None) -> str:
    """Declared elements (规格型号) of one line, e.g. 品名:锑锭|用途:工业用|成分:Sb 99.65%|..."""
    s = good.spec
    parts = [f"品名:{good.zh}"]
    if s.get("use"):
        parts.append(f"用途:{s['use'][int(rng.integers(len(s['use'])))]}")
    if s.get("element"):
        if s.get("purity"):
            lo, hi = s["purity"]
            value = purity if purity is not None else float(rng.uniform(lo, hi))
            digits = 2 if hi - lo > 0.5 else (3 if hi < 99.99 else 4)
            text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
            parts.append(f"成分:{s['element']} {text}%")
        else:
            parts.append(f"成分:{s['element']}")
    if s.get("grade"):
        parts.append(f"牌号:{s['grade'][int(rng.integers(len(s['grade'])))]}")
    if s.get("size"):
        parts.append(f"规格:{s['size'][int(rng.integers(len(s['size'])))]}")
    if s.get("form"):
        parts.append(f"形状:{s['form']}")
    brands = vocab.raw["spec_brands"]
    parts.append(f"品牌:{brands[int(rng.integers(len(brands)))]}")
    benefit = vocab.raw["spec_export_benefit"]
    parts.append(f"出口享惠情况:{benefit[int(rng.integers(len(benefit)))]}")
    return "|".join(parts)


def build_pools(vocab: Vocabulary, strings: Strings, rng: np.random.Generator) -> Pools:
    spec_ids = np.array(
        [[strings.id(spec_text(vocab, g, rng)) for _ in range(SPECS_PER_GOOD)] for g in vocab.goods],
        dtype=np.int32,
    )
    exit_ids = np.full((len(vocab.offices), len(MODES), 2), -1, dtype=np.int32)
    exit_en = [[["", ""] for _ in MODES] for _ in vocab.offices]
    for o in vocab.offices:
        for m, mode in enumerate(MODES):
            ports = o.exits.get(mode, ())
            for k in range(2):
                if ports:
                    zh, en = ports[k % len(ports)]
                    exit_ids[o.index, m, k] = strings.id(zh)
                    exit_en[o.index][m][k] = en
    dest_ids = np.full((len(vocab.countries), len(MODES), 2), -1, dtype=np.int32)
    dest_en = [[["", ""] for _ in MODES] for _ in vocab.countries]
    for c in vocab.countries:
        for m, mode in enumerate(MODES):
            ports = (
                c.ports.get(mode if mode != "post" else "air", ())
                or c.ports.get("sea", ())
                or c.ports.get("air", ())
            )
            for k in range(2):
                if ports:
                    zh, en = ports[k % len(ports)]
                    dest_ids[c.index, m, k] = strings.id(zh)
                    dest_en[c.index][m][k] = en
    conv_ids: list[np.ndarray] = []
    conv_vessel: list[list[str]] = []
    conv_voyage: list[list[str]] = []
    conv_imo: list[list[str]] = []
    conv_carrier: list[np.ndarray] = []
    for m in range(len(MODES)):
        vessels: list[str] = []
        voyages: list[str] = []
        imos: list[str] = []
        carriers: list[int] = []
        texts: list[str] = []
        if m == SEA:
            words = vocab.raw["vessel_words"]
            for ci, (_scac, stem) in enumerate(vocab.raw["carriers"]):
                for k in range(5):
                    name = f"{stem} {words[(ci * 5 + k) % len(words)]}"
                    imo = idgen.imo_number(ci * 10 + k)
                    for _ in range(12):
                        voyage = f"{int(rng.integers(1, 300)):03d}{'EWSN'[int(rng.integers(4))]}"
                        vessels.append(name)
                        voyages.append(voyage)
                        imos.append(imo)
                        carriers.append(ci)
                        texts.append(f"{name}/{voyage}")
        elif m == AIR:
            for ai, (_prefix, code) in enumerate(vocab.raw["airlines"]):
                for _ in range(25):
                    flight = f"{code}{int(rng.integers(100, 9999))}"
                    vessels.append(flight)
                    voyages.append("")
                    imos.append("")
                    carriers.append(ai)
                    texts.append(flight)
        elif m == ROAD:
            for _ in range(300):
                plate = f"粤Z{''.join(str(d) for d in rng.integers(0, 10, 4))}港"
                if rng.random() < 0.4:
                    plate = f"桂A{''.join(str(d) for d in rng.integers(0, 10, 5))}"
                vessels.append(plate)
                voyages.append("")
                imos.append("")
                carriers.append(0)
                texts.append(plate)
        elif m == RAIL:
            for _ in range(60):
                train = f"X{int(rng.integers(8000, 9999))}"
                vessels.append(train)
                voyages.append("")
                imos.append("")
                carriers.append(0)
                texts.append(train)
        conv_ids.append(strings.ids(texts) if texts else np.full(1, -1, dtype=np.int32))
        conv_vessel.append(vessels or [""])
        conv_voyage.append(voyages or [""])
        conv_imo.append(imos or [""])
        conv_carrier.append(np.array(carriers or [0], dtype=np.int32))
    return Pools(
        spec_ids,
        exit_ids,
        exit_en,
        dest_ids,
        dest_en,
        conv_ids,
        conv_vessel,
        conv_voyage,
        conv_imo,
        conv_carrier,
    )


def office_for(vocab: Vocabulary, firm: Firm | None, mode: int, country: str) -> int:
    """Customs office index used by a domestic firm for a mode and destination."""
    if mode == ROAD:
        code = vocab.raw["road_offices"].get(country, "5300")
    elif mode == RAIL:
        code = vocab.raw["road_offices"].get(country) if country == "VN" else vocab.raw["rail_office"]
    else:
        city = vocab.cities[firm.city] if firm and firm.city in vocab.cities else vocab.cities["深圳"]
        code = city.offices["sea" if mode == SEA else "air" if mode == AIR else "post"]
    return vocab.office[code].index


def country_mode_probs(vocab: Vocabulary) -> np.ndarray:
    """[countries, modes] probabilities of each transport mode for exports to a country."""
    probs = np.zeros((len(vocab.countries), len(MODES)))
    for c in vocab.countries:
        for mode, p in c.modes.items():
            probs[c.index, MODES.index(mode)] = p
        probs[c.index] /= probs[c.index].sum()
    return probs


@dataclass
class Context:
    """What every generator step needs: vocabulary, register, strings, pools, brokers."""

    vocab: Vocabulary
    world: World
    strings: Strings
    pools: Pools
    rng: np.random.Generator
    _agents: dict[int, tuple[int, int]] = field(default_factory=dict)
    _brokers: list[int] = field(default_factory=list)

    def agents(self, firm: int) -> tuple[int, int]:
        """A domestic firm's usual customs brokers (primary, secondary), drawn on first use."""
        found = self._agents.get(firm)
        if found is None:
            if not self._brokers:
                self._brokers = [
                    f.idx
                    for f in self.world.firms
                    if f.domestic and f.role in ("broker", "forwarder") and not f.planted
                ]
            brokers = self._brokers
            a, b = self.rng.choice(len(brokers), size=2)
            found = self._agents[firm] = (brokers[int(a)], brokers[int(b)])
        return found


__all__ = ["AIR", "POST", "RAIL", "ROAD", "SEA"]
