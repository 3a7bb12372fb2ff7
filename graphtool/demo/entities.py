"""Firms, people, shareholdings and officer roles of the synthetic case.

A few thousand entities at most, so plain Python objects; the declaration generator turns the
attributes it needs into numpy arrays. Every name is assembled from vocabulary parts and is
fictional; uniqueness of registered names is enforced here, namesakes among people are allowed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from graphtool.demo import idgen
from graphtool.demo.vocab import Country, Vocabulary

_PUNCT = re.compile(r"[.,]")


@dataclass
class Firm:
    idx: int
    key: str
    country: str
    name: str  # registered name (Chinese for domestic firms)
    name_en: str  # Latin-script name (English name of a domestic firm)
    role: str  # exporter, producer, broker, forwarder, logistics, holding, consignee
    sector: str  # companies.csv sector
    sector_key: str | None = None  # domestic goods sector (vocabulary sectors)
    city: str = ""
    uscc: str = ""
    registration_no: str = ""
    lei: str = ""
    address: str = ""
    address_en: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    incorporated: int | None = None  # day number (negative: before 2023)
    dissolved: int | None = None
    scope: str = ""
    state_trading: bool | None = None
    aliases: list[str] = field(default_factory=list)
    decl_names: list[tuple[str, float]] = field(default_factory=list)  # forms written on declarations
    bl_names: list[tuple[str, float]] = field(default_factory=list)  # Latin forms on bills of lading
    licensed: set[str] = field(default_factory=set)
    bg_weight: float = 0.0  # activity in the background data (0: appears only where planted)
    window: tuple[int, int] = (0, 0)  # background activity window, day numbers
    customers: list[int] = field(default_factory=list)
    producer: int | None = None
    planted: bool = False

    @property
    def domestic(self) -> bool:
        return self.country == "CN"


@dataclass
class Person:
    idx: int
    key: str
    name: str
    aliases: list[str]
    nationality: str
    country: str
    birth_date: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


def latin_upper(name: str) -> str:
    """Upper case without dots and commas: "Ningbo Hengda Co., Ltd." -> "NINGBO HENGDA CO LTD"."""
    return " ".join(_PUNCT.sub(" ", name).upper().split())


def days_between(rng: np.random.Generator, start: int, end: int) -> int:
    return int(rng.integers(start, max(end, start + 1)))


class World:
    """The register of everything that is not a declaration: firms, people, owners, officers."""

    def __init__(self, vocab: Vocabulary, rng: np.random.Generator) -> None:
        self.v = vocab
        self.rng = rng
        self.firms: list[Firm] = []
        self.people: list[Person] = []
        self.ownership: list[dict[str, object]] = []
        self.officers: list[dict[str, object]] = []
        self._names: set[str] = set()
        self._latin: set[str] = set()
        self._serial = 0
        self._usccs: set[str] = set()
        self.customer_pool: tuple[list[Firm], np.ndarray] | None = None

    # -- small draws -----------------------------------------------------------------------
    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def digits(self, n: int) -> str:
        return f"{int(self.rng.integers(0, 10**n)):0{n}d}"

    # -- people ----------------------------------------------------------------------------
    def new_person_cn(self, city: str | None = None, born: int | None = None) -> Person:
        v = self.v
        sur, sur_py = self.pick(v.raw["surnames"])
        given, given_py = self.pick(v.raw["given_names"])
        city_obj = v.cities[city] if city else v.cities[self.pick(list(v.cities))]
        year = born or int(self.rng.integers(1958, 1996))
        month, day = int(self.rng.integers(1, 13)), int(self.rng.integers(1, 29))
        birth = f"{year}-{month:02d}" if self.chance(0.5) else f"{year}-{month:02d}-{day:02d}"
        id_number = ""
        if self.chance(0.6):
            id_number = idgen.resident_id(
                city_obj.code, f"{year}{month:02d}{day:02d}", int(self.rng.integers(1000))
            )
            birth = f"{year}-{month:02d}-{day:02d}"
        person = Person(
            idx=len(self.people),
            key=f"P{len(self.people):05d}",
            name=sur + given,
            aliases=[f"{sur_py} {given_py}", f"{sur_py.upper()} {given_py}"],
            nationality="CN",
            country="CN",
            birth_date=birth,
            id_number=id_number,
            address=self._cn_address(city_obj.zh)[0],
            phone=f"+86 1{self.pick(['38', '39', '58', '86', '37', '59'])} {self.digits(4)} {self.digits(4)}",
            email=f"{given_py.lower()}{sur_py.lower()}{self.digits(2)}@{self.pick(['163.com', 'qq.com', '126.com'])}"
            if self.chance(0.4)
            else "",
        )
        self.people.append(person)
        return person

    def new_person_foreign(self, iso: str) -> Person:
        c = self.v.country[iso]
        first, last = self.pick(c.first), self.pick(c.last)
        year = int(self.rng.integers(1955, 1992))
        person = Person(
            idx=len(self.people),
            key=f"P{len(self.people):05d}",
            name=f"{first} {last}",
            aliases=[f"{last.upper()} {first}"] if self.chance(0.5) else [],
            nationality=iso,
            country=iso,
            birth_date=str(year) if self.chance(0.5) else f"{year}-{int(self.rng.integers(1, 13)):02d}",
            id_number=f"{iso}{self.digits(8)}" if self.chance(0.3) else "",
            address=self._foreign_address(c)[0],
            phone=self._foreign_phone(c),
        )
        self.people.append(person)
        return person

    # -- addresses and contacts ------------------------------------------------------------
    def _cn_address(self, city: str) -> tuple[str, str]:
        c = self.v.cities[city]
        district, district_en = self.pick(c.districts)
        street, street_en = self.pick(self.v.raw["streets"])
        number = int(self.rng.integers(1, 999))
        prefix = (
            c.province if c.province.endswith("市") and c.province[:-1] == c.zh else f"{c.province}{c.zh}市"
        )
        zh = f"{prefix}{district}{street}{number}号"
        en = f"No. {number} {street_en}, {district_en}, {c.en}, {c.province_en}, China"
        if self.chance(0.4):
            building, room = int(self.rng.integers(1, 12)), int(self.rng.integers(101, 2200))
            zh += f"{building}栋{room}室"
            en = f"Room {room}, Building {building}, " + en
        return zh, en

    def _foreign_address(self, c: Country) -> tuple[str, str]:
        street, city = self.pick(c.streets), self.pick(c.cities)
        number = int(self.rng.integers(1, 500))
        text = f"{number} {street}, {city}, {c.en}"
        return text, city

    def _foreign_phone(self, c: Country) -> str:
        return f"+{c.phone} {self.digits(int(self.rng.integers(1, 3)))} {self.digits(3)} {self.digits(4)}"

    def new_uscc(self, city: str, new_style: bool) -> str:
        while True:
            self._serial += 1
            code = idgen.uscc_for(self.v.cities[city].code, self._serial, new_style, self.rng)
            if code not in self._usccs:
                self._usccs.add(code)
                return code

    def cn_phone(self, city: str) -> str:
        area = self.v.cities[city].area
        return f"+86 {area} {self.digits(4)} {self.digits(4)}"

    # -- firms -----------------------------------------------------------------------------
    def _new_firm(self, **kwargs: object) -> Firm:
        firm = Firm(idx=len(self.firms), key=f"C{len(self.firms):05d}", **kwargs)  # type: ignore[arg-type]
        self.firms.append(firm)
        self._names.add(firm.name)
        self._latin.add(latin_upper(firm.name_en))
        return firm

    def cn_name(
        self, city: str, industry: str, trade: tuple[str, str] | None = None, style: str | None = None
    ) -> tuple[str, str, str]:
        """A new registered Chinese name, its English rendering and the trade name's pinyin."""
        v = self.v
        c = v.cities[city]
        forms = v.raw["legal_forms_cn"]
        form_weights = np.array([f[2] for f in forms], dtype=float)
        industry_en = v.raw["industries"][industry]
        for _attempt in range(200):
            zh_trade, en_trade = trade or self.pick(v.raw["trade_names"])
            form_zh, form_en, _ = forms[int(self.rng.choice(len(forms), p=form_weights / form_weights.sum()))]
            kind = style or ("city" if self.chance(0.85) else self.pick(["province", "paren"]))
            if kind == "city":
                zh = f"{c.zh}{zh_trade}{industry}{form_zh}"
                en = f"{c.en} {en_trade} {industry_en} {form_en}"
            elif kind == "province":
                zh = f"{c.province_short}{zh_trade}{industry}{form_zh}"
                en = f"{c.province_en} {en_trade} {industry_en} {form_en}"
            else:
                zh = f"{zh_trade}{industry}（{c.zh}）{form_zh}"
                en = f"{en_trade} {industry_en} ({c.en}) {form_en}"
            if zh not in self._names and latin_upper(en) not in self._latin:
                return zh, en, en_trade
            trade = None
        raise RuntimeError("could not find a free company name")  # pragma: no cover

    def new_domestic(
        self,
        role: str,
        sector_key: str | None,
        *,
        city: str | None = None,
        industry: str | None = None,
        trade: tuple[str, str] | None = None,
        incorporated: int | None = None,
        sector: str | None = None,
        scope: str | None = None,
        planted: bool = False,
        name: tuple[str, str, str] | None = None,
        style: str | None = None,
        rep: Person | None = None,
        own: bool = True,
    ) -> Firm:
        v = self.v
        sec = v.sector[sector_key] if sector_key else None
        if city is None:
            city = self.pick(sec.cities) if sec else self.pick(list(v.cities))
        if industry is None:
            if role == "broker":
                industry = self.pick(v.raw["broker_industries"])
            elif role in ("forwarder", "logistics"):
                industry = self.pick(v.raw["forwarder_industries"])
            elif role == "holding":
                industry = "投资"
            else:
                industry = self.pick(sec.industry) if sec else "贸易"
        zh, en, trade_en = name or self.cn_name(city, industry, trade, style)
        if incorporated is None:
            incorporated = -int(self.rng.integers(400, 10_000))
        address, address_en = self._cn_address(city)
        uscc = self.new_uscc(city, new_style=incorporated > -2900)
        domain = None
        trade_py = "".join(ch for ch in trade_en.lower() if ch.isalpha())
        if self.chance(0.65):
            domain = f"{trade_py}{self.pick(['', '-metal', 'group', 'chem', 'tech', 'trade', 'cn'])}.com"
            email = f"{self.pick(['sales', 'info', 'export', 'trade', 'admin'])}@{domain}"
        else:
            email = f"{trade_py}{self.digits(3)}@{self.pick(['163.com', '126.com', 'qq.com'])}"
        if scope is None:
            scope_key = sector_key if role in ("exporter", "producer") and sector_key else role
            scope = v.raw["business_scope"].get(scope_key, v.raw["business_scope"]["trader"])
        firm = self._new_firm(
            country="CN",
            name=zh,
            name_en=en,
            role=role,
            sector=sector or (sec.label if sec and role in ("exporter", "producer") else role),
            sector_key=sector_key,
            city=city,
            uscc=uscc,
            address=address,
            address_en=address_en,
            phone=self.cn_phone(city),
            email=email,
            website=f"www.{domain}" if domain and self.chance(0.6) else "",
            incorporated=incorporated,
            scope=scope,
            aliases=[en],
            planted=planted,
        )
        firm.decl_names = [(zh, 1.0)]
        firm.bl_names = self._latin_forms(en)
        self._staff_domestic(firm, rep, own)
        return firm

    def _latin_forms(self, en: str) -> list[tuple[str, float]]:
        forms = [en, latin_upper(en), latin_upper(en).replace(" CO LTD", " CO.,LTD")]
        singular = re.sub(r"\b(Metals|Materials|Products)\b", lambda m: m.group()[:-1], en)
        if singular != en:
            forms.append(latin_upper(singular))
        count = 1 + int(self.rng.integers(0, min(3, len(forms))))
        chosen = [forms[i] for i in sorted(self.rng.choice(len(forms), size=count, replace=False))]
        weights = [0.6] + [0.4 / max(count - 1, 1)] * (count - 1)
        return list(zip(chosen, weights if count > 1 else [1.0], strict=True))

    def _staff_domestic(self, firm: Firm, rep: Person | None = None, own: bool = True) -> None:
        """Legal representative (also executive director and main shareholder) and a supervisor."""
        start = firm.incorporated or 0
        rep = rep or self.new_person_cn(firm.city)
        self.add_officer(rep, firm, "法定代表人", start)
        self.add_officer(rep, firm, "执行董事", start)
        supervisor = self.new_person_cn(firm.city)
        self.add_officer(supervisor, firm, "监事", start)
        if firm.role in ("holding",) or not own:
            return
        share = float(self.rng.choice([100, 90, 80, 70, 60, 51]))
        self.add_owner(rep, firm, None if self.chance(0.05) else share, start)
        if share < 100:
            self.add_owner(supervisor, firm, None if self.chance(0.05) else 100 - share, start)

    def new_foreign(
        self,
        iso: str,
        sector: str,
        *,
        word: str | None = None,
        industry: str | None = None,
        form: str | None = None,
        name: str | None = None,
        incorporated: int | None = None,
        planted: bool = False,
        staff: bool = True,
    ) -> Firm:
        v = self.v
        c = v.country[iso]
        for _attempt in range(200):
            if name is None:
                w = word or self.pick(v.raw["foreign_words"])
                if self.chance(0.3) and not word:
                    w = f"{self.pick(c.words)} {w}"
                ind = industry or self.pick(v.raw["foreign_industries"][sector])
                f = form or self.pick(c.forms)
                candidate = f"{f}{w} {ind}" if f.endswith(" ") else f"{w} {ind} {f}"
            else:
                candidate = name
            if latin_upper(candidate) not in self._latin or name is not None:
                break
            word = None
        address, city = self._foreign_address(c)
        words = [w for w in candidate.split(" ") if w != "PT"]
        slug = "".join(ch for ch in words[0].lower() if ch.isalpha())
        if len(words) > 2:
            slug += "".join(ch for ch in words[1].lower() if ch.isalpha())[:6]
        domain = f"{slug}.{c.tld}"
        firm = self._new_firm(
            country=iso,
            name=candidate,
            name_en=candidate,
            role="consignee",
            sector=sector,
            city=city,
            address=address,
            phone=self._foreign_phone(c),
            email=f"{self.pick(['info', 'sales', 'purchasing', 'office', 'trade'])}@{domain}",
            website=f"www.{domain}" if self.chance(0.5) else "",
            incorporated=incorporated
            if incorporated is not None
            else (-int(self.rng.integers(300, 9000)) if self.chance(0.6) else None),
            registration_no=f"{iso}{self.digits(9)}" if self.chance(0.5) else "",
            scope="",
            planted=planted,
        )
        firm.decl_names = self._foreign_written(candidate)
        firm.bl_names = [(candidate, 0.5), (latin_upper(candidate), 0.5)]
        if staff:
            director = self.new_person_foreign(iso if c.first else "HK")
            self.add_officer(director, firm, "director", firm.incorporated or -1000)
            if sector != "holding" and self.chance(0.3):
                self.add_owner(director, firm, None if self.chance(0.3) else 100.0, firm.incorporated)
        return firm

    def _foreign_written(self, name: str) -> list[tuple[str, float]]:
        """How Chinese clerks write a foreign name: mostly as registered, sometimes upper-cased."""
        if self.chance(0.7):
            return [(name, 1.0)]
        variants = [latin_upper(name), name.upper(), name.replace(", ", ",")]
        others = [x for x in dict.fromkeys(variants) if x != name]
        pick = others[: 1 + int(self.rng.integers(0, len(others)))]
        return [(name, 0.6)] + [(x, 0.4 / len(pick)) for x in pick]

    # -- relationships ---------------------------------------------------------------------
    def add_officer(self, person: Person, firm: Firm, role: str, start: int, end: int | None = None) -> None:
        self.officers.append(
            {"person": person.idx, "firm": firm.idx, "role": role, "start": start, "end": end}
        )

    def add_owner(
        self,
        owner: Person | Firm,
        owned: Firm,
        percent: float | None,
        start: int | None,
        end: int | None = None,
    ) -> None:
        self.ownership.append(
            {
                "owner_type": "person" if isinstance(owner, Person) else "company",
                "owner": owner.idx,
                "owned": owned.idx,
                "percent": percent,
                "start": start,
                "end": end,
            }
        )

    def legal_rep(self, firm: Firm) -> Person:
        for o in self.officers:
            if o["firm"] == firm.idx and o["role"] == "法定代表人":
                return self.people[int(o["person"])]  # type: ignore[arg-type]
        raise KeyError(firm.key)


@dataclass(frozen=True)
class Scale:
    """How entity counts grow with the number of declaration lines."""

    lines: int

    @property
    def root(self) -> float:
        return math.sqrt(self.lines)

    @property
    def exporters(self) -> int:
        return max(40, round(2.1 * self.root))

    @property
    def consignees(self) -> int:
        return max(60, round(3.1 * self.root))

    @property
    def producers(self) -> int:
        return max(12, round(0.35 * self.root))

    @property
    def brokers(self) -> int:
        return max(8, round(0.25 * self.root))

    @property
    def forwarders(self) -> int:
        return max(4, round(0.06 * self.root))

    @property
    def instances(self) -> int:
        """Planted instances per scheme and decoys per kind."""
        return max(2, round(3 * math.sqrt(self.lines / 20_000)))


def build_background(world: World, scale: Scale) -> None:
    """The ordinary population: exporters, producers, brokers, forwarders, foreign consignees."""
    v, rng = world.v, world.rng
    period = v.period_days
    shares = np.array([s.share for s in v.sectors])
    sector_of = rng.choice(len(v.sectors), size=scale.exporters, p=shares / shares.sum())
    for i in range(scale.exporters):
        sec = v.sectors[int(sector_of[i])]
        new = world.chance(0.12)
        incorporated = days_between(rng, -120, period - 200) if new else None
        firm = world.new_domestic("exporter", sec.key, incorporated=incorporated)
        start = max(0, (firm.incorporated or 0) + int(rng.integers(30, 120)))
        end = period
        if world.chance(0.03) and start < period - 200:
            end = days_between(rng, max(period // 3, start + 90), period - 30)
            firm.dissolved = end + int(rng.integers(30, 120))
        firm.window = (start, end)
        firm.bg_weight = float(rng.lognormal(0.0, 1.1))
        fams = {v.good[g].family for g in sec.goods if v.good[g].controlled}
        if fams and world.chance(sec.licensed):
            firm.licensed = {f for f in fams if f}
        if sec.state_trading and fams & {"w", "sb"} and world.chance(sec.state_trading):
            firm.state_trading = True
        if sec.label in ("smelter", "manufacturer"):
            firm.producer = firm.idx
    metal_sectors = [s.key for s in v.sectors if s.label in ("smelter", "manufacturer")]
    for _ in range(scale.producers):
        firm = world.new_domestic("producer", world.pick(metal_sectors))
        firm.producer = firm.idx
    for _ in range(scale.brokers):
        world.new_domestic(
            "broker", None, city=world.pick(["深圳", "上海", "宁波", "广州", "天津", "青岛", "厦门", "南宁"])
        )
    for _ in range(scale.forwarders):
        world.new_domestic("forwarder", None, city=world.pick(["深圳", "上海", "宁波", "广州"]))
    _business_centres(world)
    _written_variants(world)
    isos = [c.iso for c in v.countries if c.weight > 0]
    weights = np.array([v.country[i].weight for i in isos])
    fsectors = list(v.raw["foreign_sectors"])
    fweights = np.array([v.raw["foreign_sectors"][k] for k in fsectors], dtype=float)
    countries = rng.choice(len(isos), size=scale.consignees, p=weights / weights.sum())
    kinds = rng.choice(len(fsectors), size=scale.consignees, p=fweights / fweights.sum())
    for i in range(scale.consignees):
        firm = world.new_foreign(isos[int(countries[i])], fsectors[int(kinds[i])])
        firm.bg_weight = float(rng.lognormal(0.0, 1.0))
    assign_customers(world)


def cn_variants(world: World, name: str, city: str) -> list[str]:
    """Ways a clerk miswrites a registered Chinese name: a typo, an added 市, another legal form."""
    out = []
    typos = [(right, wrong) for right, wrong in world.v.raw["typo_chars"].items() if right in name]
    if typos:
        right, wrong = world.pick(typos)
        out.append(name.replace(right, wrong, 1))
    if name.startswith(city) and not name.startswith(city + "市"):
        out.append(city + "市" + name[len(city) :])
    if name.endswith("有限公司") and not name.endswith("责任有限公司"):
        out.append(
            name[: -len("有限公司")] + "有限责任公司" if "股份" not in name else name.replace("股份", "", 1)
        )
    return [o for o in out if o != name]


def _written_variants(world: World) -> None:
    """A few exporters are written inconsistently on their own declarations (entity-resolution cases)."""
    for firm in world.firms:
        if firm.country == "CN" and firm.role == "exporter" and world.chance(0.08):
            variants = cn_variants(world, firm.name, firm.city)
            if variants:
                chosen = variants[: 1 + int(world.rng.integers(0, min(2, len(variants))))]
                firm.decl_names = [(firm.name, 0.85)] + [(x, 0.15 / len(chosen)) for x in chosen]


def _business_centres(world: World) -> None:
    """Move some domestic firms to mass-registration addresses (>= 10 firms at the first)."""
    centres = world.v.raw["business_centres"]
    domestic = [f for f in world.firms if f.domestic and f.role in ("exporter", "broker", "forwarder")]
    wanted = [12, 6, 6]
    order = world.rng.permutation(len(domestic))
    pos = 0
    for centre, count in zip(centres, wanted, strict=False):
        for _ in range(count):
            if pos >= len(order):
                return
            firm = domestic[int(order[pos])]
            pos += 1
            move_to_centre(firm, centre)


def move_to_centre(firm: Firm, centre: dict[str, str]) -> None:
    """Register a firm at a mass-registration address: its address and its city become the centre's."""
    firm.address, firm.address_en, firm.city = centre["zh"], centre["en"], centre["city"]


def assign_customers(world: World, exporters: list[Firm] | None = None) -> None:
    """Each background exporter trades with a handful of regular foreign customers."""
    rng = world.rng
    if world.customer_pool is None:
        pool = [f for f in world.firms if f.country != "CN" and f.bg_weight > 0 and not f.planted]
        popularity = np.array([f.bg_weight for f in pool])
        world.customer_pool = (pool, popularity / popularity.sum())
    pool, popularity = world.customer_pool
    for firm in exporters or [f for f in world.firms if f.country == "CN" and f.bg_weight > 0]:
        if firm.customers:
            continue
        n = int(np.clip(2 + rng.poisson(2 + 3 * min(firm.bg_weight, 4)), 2, min(25, len(pool))))
        chosen = rng.choice(len(pool), size=n, replace=False, p=popularity)
        firm.customers = [pool[int(j)].idx for j in chosen]
