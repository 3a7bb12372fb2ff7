"""Planted smuggling schemes and the legitimate decoys that resemble them.

Each ``plant_*`` function builds one instance: its own firms and people (flagged ``planted`` so
the background never reuses them by accident), its declarations, licences, onward bills of
lading, list entries, and one ``Truth`` record saying what was planted and which red flags
(DOMAIN.md A1..F3) should fire. ``decoy_*`` functions build look-alikes that are legitimate.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from graphtool.demo.background import licence_number
from graphtool.demo.common import Context, Licence, spec_text
from graphtool.demo.entities import Firm, Scale, assign_customers, latin_upper, move_to_centre
from graphtool.demo.planted import Onward, PDecl, PLine, Truth
from graphtool.demo.vocab import AIR, POST, SEA, Good, date_of

FAMILY_SECTOR = {
    "sb": "antimony",
    "ga": "gallium_germanium",
    "ge": "gallium_germanium",
    "w": "tungsten",
    "te": "minor_metals",
    "ree": "rare_earth",
    "graphite": "graphite",
}
DENSE = {"ga", "ge", "ree", "te"}  # value-dense families often travel by air


class Planter:
    """Builds planted instances into the shared context."""

    def __init__(self, ctx: Context, scale: Scale) -> None:
        self.ctx = ctx
        self.v = ctx.vocab
        self.world = ctx.world
        self.rng = ctx.rng
        self.scale = scale
        self.decls: list[PDecl] = []
        self.truths: list[Truth] = []
        self.onward: list[Onward] = []
        self.list_entries: list[dict[str, object]] = []
        self._counter: dict[str, int] = {}
        self._listed_words = list(self.v.raw["listed_words"])
        self._producers: dict[str, list[int]] = {}

    # -- draws -----------------------------------------------------------------------------
    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def between(self, lo: int, hi: int) -> int:
        hi = min(hi, self.v.period_days - 2)
        lo = min(lo, hi)
        return int(self.rng.integers(lo, hi + 1))

    def uv(self, good: str, day: int, lo_q: float = 0.0, hi_q: float = 1.0) -> float:
        lo, hi = self.v.good[good].band_at(day)
        return round(float(lo + (hi - lo) * self.rng.uniform(lo_q, hi_q)), 2)

    def net(self, good: str, mode: int = SEA, factor: float = 1.0) -> float:
        g = self.v.good[good]
        size = self.v.raw["mode_size"]["air" if mode == AIR else "sea"]
        value = g.qty_median * float(np.exp(g.qty_sigma * 0.6 * self.rng.standard_normal())) * size * factor
        value = max(value, 5.0)
        packs = max(1, round(value / g.pack))
        return float(packs * g.pack) if self.rng.random() < 0.5 else round(value, 1)

    # -- entities --------------------------------------------------------------------------
    def exporter(self, sector: str, *, background: bool = True, licensed: bool = False, **kw: object) -> Firm:
        firm = self.world.new_domestic("exporter", sector, planted=True, **kw)  # type: ignore[arg-type]
        sec = self.v.sector[sector]
        if sec.label in ("smelter", "manufacturer"):
            firm.producer = firm.idx
        if licensed:
            firm.licensed = {self.v.good[g].family for g in sec.goods if self.v.good[g].controlled}  # type: ignore[misc]
        if background:
            firm.bg_weight = float(self.rng.uniform(0.3, 0.9))
            firm.window = (max(0, (firm.incorporated or 0) + 30), self.v.period_days)
            assign_customers(self.world, [firm])
        return firm

    def consignee(self, iso: str, sector: str = "trader", **kw: object) -> Firm:
        return self.world.new_foreign(iso, sector, planted=True, **kw)  # type: ignore[arg-type]

    def background_exporters(self, sector: str, n: int, licensed: bool | None = None) -> list[Firm]:
        pool = [
            f
            for f in self.world.firms
            if f.domestic
            and f.role == "exporter"
            and f.sector_key == sector
            and f.bg_weight > 0
            and not f.planted
            and (licensed is None or bool(f.licensed) == licensed)
        ]
        if len(pool) < n:
            pool += [self.exporter(sector, licensed=bool(licensed)) for _ in range(n - len(pool))]
        chosen = self.rng.choice(len(pool), size=n, replace=False)
        return [pool[int(i)] for i in chosen]

    def producer_of(self, good: str) -> int:
        """A background producer (smelter) of the good's sector."""
        sector = FAMILY_SECTOR.get(self.v.good[good].family or "", "zinc_lead")
        if not self._producers:
            for f in self.world.firms:
                if f.country == "CN" and f.producer == f.idx and not f.planted:
                    self._producers.setdefault(f.sector_key or "", []).append(f.idx)
        pool = self._producers.get(sector) or [x for xs in self._producers.values() for x in xs]
        return self.pick(pool)

    # -- records ---------------------------------------------------------------------------
    def truth(self, typology: str, description: str, indicators: list[str] | None = None) -> Truth:
        n = self._counter.get(typology, 0) + 1
        self._counter[typology] = n
        prefix = "D" if typology.startswith("decoy_") else "S"
        t = Truth(id=f"{prefix}-{typology}-{n:03d}", typology=typology, description=description)
        t.indicators = list(indicators or [])
        self.truths.append(t)
        return t

    def decl(
        self, truth: Truth | None, exporter: Firm, consignee: Firm, day: int, lines: list[PLine], **kw
    ) -> PDecl:
        d = PDecl(exporter=exporter.idx, consignee=consignee.idx, day=day, lines=lines, **kw)
        if d.producer is None:
            d.producer = (
                exporter.producer
                if exporter.producer is not None
                else self.producer_of(lines[0].true_good or lines[0].good)
            )
        self.decls.append(d)
        if truth is not None:
            truth.decls.append(d)
        return d

    def context_decl(
        self, truth: Truth, exporter: Firm, consignee: Firm, day: int, lines: list[PLine], **kw
    ) -> PDecl:
        d = self.decl(None, exporter, consignee, day, lines, **kw)
        for line in lines:
            line.flagged = False
        truth.context.append(d)
        return d

    def licence(
        self, holder: Firm, end_user: Firm, good: str, day: int, kg: float, destination: str | None = None
    ) -> int:
        g = self.v.good[good]
        control = self.v.controls[g.family]  # type: ignore[index]
        pools = self.ctx.pools
        start = max(control.start, day - int(self.rng.integers(5, 30)))
        pools.licences.append(
            Licence(
                number=licence_number(self.ctx, start),
                issued=start,
                valid_from=start,
                valid_to=start + 364,
                holder=holder.idx,
                end_user=end_user.idx,
                destination=destination or end_user.country,
                good=good,
                quantity_kg=float(np.ceil(kg * 1.2 / 100.0) * 100.0),
                end_use=self.pick(control.end_use),
            )
        )
        return len(pools.licences) - 1

    def mode_for(self, good: str) -> int:
        fam = self.v.good[good].family
        return AIR if fam in DENSE and self.rng.random() < 0.5 else SEA

    def start_after(self, good: str, lo: int = 20, hi: int = 300) -> int:
        control = self.v.controls[self.v.good[good].family]  # type: ignore[index]
        return self.between(control.start + lo, control.start + hi)

    def non_corridor(self, good: str, options: list[str]) -> str:
        corridor = self.v.controls[self.v.good[good].family].corridor  # type: ignore[index]
        return self.pick([c for c in options if c not in corridor])

    def add_entities(self, truth: Truth, *pairs: tuple[Firm, str]) -> None:
        for firm, role in pairs:
            truth.entities.append((firm.idx, role))


# -- helpers ---------------------------------------------------------------------------------
def cover_for(p: Planter, true: Good, day: int) -> tuple[str, float] | None:
    """A cover good whose band is at most a fifth of the unit value charged, and that value."""
    t_lo, t_hi = true.band_at(day)
    options = []
    for key in true.covers:
        c_hi = p.v.good[key].band_at(day)[1]
        floor = max(t_lo, 5.5 * c_hi)
        if floor < t_hi * 0.97:
            options.append((key, floor))
    if not options:
        return None
    key, floor = p.pick(options)
    return key, round(float(p.rng.uniform(floor, t_hi)), 2)


def revealing_spec(p: Planter, cover: Good, true: Good) -> str:
    """Declared elements of the cover good that nevertheless name the real element (A3)."""
    text = spec_text(p.v, cover, p.rng)
    lo, hi = true.spec.get("purity", [99.0, 99.9])
    element = f"成分:{true.spec['element']} {p.rng.uniform(lo, hi):.2f}%"
    return (
        re.sub(r"成分:[^|]*", element, text)
        if "成分:" in text
        else text.replace("|用途", f"|{element}|用途", 1)
    )


def days_series(p: Planter, start: int, n: int, gap: tuple[int, int]) -> list[int]:
    out, day = [], start
    for _ in range(n):
        if day >= p.v.period_days - 1:
            break
        out.append(day)
        day += int(p.rng.integers(*gap))
    return out


# -- schemes ---------------------------------------------------------------------------------
MISDECLARED = [
    "sb_ingot",
    "ga_metal",
    "ge_ingot",
    "sb_oxide",
    "apt",
    "ge_dioxide",
    "te",
    "dy_oxide",
    "wc",
    "tb_oxide",
]


def plant_misdeclared_hs(p: Planter, i: int) -> None:
    true = p.v.good[MISDECLARED[i % len(MISDECLARED)]]
    x = p.exporter(FAMILY_SECTOR[true.family])  # type: ignore[index]
    iso = p.pick(["TH", "VN", "MY", "HK", "AE", "MX", "KR", "TR", "IN", "US"])
    c = p.consignee(iso, p.pick(["trader", "distributor"]))
    t = p.truth(
        "misdeclared_hs",
        f"{true.en.lower()} declared under cover codes at a unit value inside its own band "
        f"and far above the cover good's band",
        ["A5", "A6"],
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    mode = p.mode_for(true.key)
    revealed = False
    for k, day in enumerate(days_series(p, p.start_after(true.key), int(p.rng.integers(3, 6)), (15, 60))):
        picked = cover_for(p, true, day)
        if picked is None:
            continue
        cover, unit = picked
        spec = None
        if k % 3 == 1:
            spec = revealing_spec(p, p.v.good[cover], true)
            revealed = True
        lines = [PLine(cover, p.net(true.key, mode, 0.6), unit, true_good=true.key, spec=spec)]
        if p.rng.random() < 0.4:
            lines.append(PLine(cover, p.net(cover, mode, 0.3), p.uv(cover, day), flagged=False))
        p.decl(t, x, c, day, lines, mode=mode)
    if revealed:
        t.indicators.append("A3")
    t.facts = {"true_good": true.key, "true_hs": true.hs}


UNLICENSED = [
    "ga_metal",
    "ge_ingot",
    "sb_ingot",
    "sb_oxide",
    "apt",
    "graphite_sph",
    "dy_oxide",
    "te",
    "sb_ore",
    "w_bar",
]


def plant_unlicensed_controlled(p: Planter, i: int) -> None:
    good = UNLICENSED[i % len(UNLICENSED)]
    g = p.v.good[good]
    x = p.exporter(FAMILY_SECTOR[g.family])  # type: ignore[index]
    iso = p.non_corridor(good, ["US", "VN", "TR", "AE", "MY", "RU", "TH", "MX", "ID"])
    c = p.consignee(iso, p.pick(["trader", "distributor", "manufacturer"]))
    t = p.truth(
        "unlicensed_controlled",
        f"{g.en.lower()} exported under its controlled code after {date_of(p.v.controls[g.family].start)} "  # type: ignore[index]
        f"without a licence number, to a destination outside the licensed corridor",
        ["A1", "C6"],
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    mode = p.mode_for(good)
    for day in days_series(p, p.start_after(good), int(p.rng.integers(2, 5)), (20, 70)):
        p.decl(t, x, c, day, [PLine(good, p.net(good, mode, 0.7), p.uv(good, day))], mode=mode)
        if p.v.controls[g.family].banned(iso, day):  # type: ignore[index]
            t.indicators.append("2024-No.46")
    t.indicators = list(dict.fromkeys(t.indicators))


SIBLINGS = [("sb_oxide", "sb_oxide_std"), ("graphite_sph", "carbon_other"), ("w_bar", "w_bar_other")]


def plant_sibling_downgrade(p: Planter, i: int) -> None:
    ctrl_key, sib_key = SIBLINGS[i % len(SIBLINGS)]
    ctrl, sib = p.v.good[ctrl_key], p.v.good[sib_key]
    control = p.v.controls[ctrl.family]  # type: ignore[index]
    x = p.exporter(FAMILY_SECTOR[ctrl.family])  # type: ignore[index]
    c = p.consignee(p.pick(["KR", "IN", "VN", "TW", "US", "TR"]), "distributor")
    t = p.truth(
        "sibling_downgrade",
        f"after the control date the exporter switched from {ctrl.hs} ({ctrl.en.lower()}) to the "
        f"non-controlled sibling line {sib.hs}, keeping the controlled grade and price",
        ["A7", "A3"],
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    for day in days_series(p, p.between(max(0, control.start - 300), control.start - 120), 3, (30, 50)):
        if day < control.start:
            p.context_decl(t, x, c, day, [PLine(ctrl_key, p.net(ctrl_key), p.uv(ctrl_key, day))])
    lo_q = 0.75
    for day in days_series(p, p.start_after(ctrl_key, 15, 200), int(p.rng.integers(2, 5)), (20, 60)):
        c_lo, c_hi = ctrl.band_at(day)
        floor = max(c_lo, sib.band_at(day)[1], c_lo + (c_hi - c_lo) * lo_q)
        unit = round(float(p.rng.uniform(floor, c_hi)), 2)
        lo, hi = ctrl.spec["purity"]
        spec = spec_text(p.v, sib, p.rng, purity=float(p.rng.uniform(lo, hi)))
        p.decl(t, x, c, day, [PLine(sib_key, p.net(ctrl_key), unit, true_good=ctrl_key, spec=spec)])
    t.facts = {"controlled_hs": ctrl.hs, "declared_hs": sib.hs}


HUB_GOODS = {
    "TH": ["sb_oxide", "sb_ingot"],
    "MX": ["sb_oxide", "sb_ingot"],
    "BE": ["ge_ingot", "ge_dioxide"],
    "HK": ["ga_metal", "apt"],
}


def plant_transshipment(p: Planter, i: int) -> None:
    hub = ["TH", "MX", "BE", "HK"][i % 4]
    good = p.pick(HUB_GOODS[hub])
    g = p.v.good[good]
    control = p.v.controls[g.family]  # type: ignore[index]
    x = p.exporter(FAMILY_SECTOR[g.family])  # type: ignore[index]
    u = p.consignee("US", "manufacturer")
    h = p.consignee(hub, p.pick(["trader", "distributor"]))
    t = p.truth(
        "transshipment",
        f"{g.en.lower()} exported to {p.v.country[hub].en} after the control date and re-exported within "
        f"{p.v.thresholds['transship_days']} days, at the same weight, to the exporter's former direct US buyer",
        ["C4", "B8", "C1"],
    )
    p.add_entities(t, (x, "exporter"), (h, "transit consignee"), (u, "end user"))
    if i % 2 == 0:
        p.world.add_owner(x, h, 100.0, (x.incorporated or 0) + 200)
        h.email = f"{h.email.split('@')[0]}@{x.email.split('@')[1]}"
        t.indicators.append("B7")
        t.facts["subsidiary"] = True
    if i % 3 == 0:
        ref = add_listed(
            p, u, designated=p.between(control.start - 200, control.start + 20), list_key="enduser"
        )
        t.list_refs.append(ref)
        t.indicators.append("F3")
    if control.start > 120:
        for day in days_series(p, p.between(max(0, control.start - 330), control.start - 100), 2, (30, 60)):
            p.context_decl(t, x, u, day, [PLine(good, p.net(good), p.uv(good, day))])
    licensed = i % 2 == 1
    for day in days_series(p, p.start_after(good, 30, 300), int(p.rng.integers(2, 5)), (25, 60)):
        line = PLine(good, p.net(good, SEA, 0.8), p.uv(good, day))
        if licensed:
            line.licence = p.licence(x, h, good, day, line.net)
            t.licences.append(line.licence)
        d = p.decl(t, x, h, day, [line], mode=SEA)
        o = Onward(
            after=d,
            shipper=h.idx,
            consignee=u.idx,
            days_after=int(p.rng.integers(12, 56)),
            weight_factor=float(p.rng.uniform(0.93, 1.07)),
            origin=hub if p.rng.random() < 0.5 else "CN",
            good=good,
            notify=u.idx if p.rng.random() < 0.5 else None,
        )
        p.onward.append(o)
        t.onward.append(o)
    if licensed:
        t.indicators.append("F1")
    else:
        t.indicators.append("A1")


NEW_CONSIGNEE = ["sb_oxide", "ga_metal", "ge_ingot", "apt", "dy_oxide", "sb_ingot"]


def plant_new_consignee(p: Planter, i: int) -> None:
    good = NEW_CONSIGNEE[i % len(NEW_CONSIGNEE)]
    g = p.v.good[good]
    control = p.v.controls[g.family]  # type: ignore[index]
    iso = p.non_corridor(good, ["AE", "TR", "MY", "VN", "ID", "RU"])
    n = p.consignee(iso, "trader", incorporated=p.between(control.start - 30, control.start + 60))
    exporters = p.background_exporters(FAMILY_SECTOR[g.family], int(p.rng.integers(2, 4)), licensed=True)  # type: ignore[index]
    t = p.truth(
        "new_consignee",
        f"a consignee with no history before {date_of(control.start)} suddenly receives {g.en.lower()} "
        f"from several exporters within weeks",
        ["C6", "B12", "C5"],
    )
    p.add_entities(t, (n, "consignee"), *[(x, "exporter") for x in exporters])
    licensed = i % 2 == 0
    for day in days_series(p, p.start_after(good, 30, 250), int(p.rng.integers(4, 8)), (5, 18)):
        x = p.pick(exporters)
        line = PLine(good, p.net(good, SEA, 0.6), p.uv(good, day))
        if licensed:
            line.licence = p.licence(x, n, good, day, line.net)
            t.licences.append(line.licence)
        p.decl(t, x, n, day, [line], mode=p.mode_for(good))
    if not licensed:
        t.indicators.append("A1")


STRUCTURED = ["ga_metal", "ge_ingot", "ge_dioxide", "tb_oxide", "dy_oxide"]
STRUCT_COVER = {
    "ga_metal": "solder_paste",
    "ge_ingot": "nickel_powder",
    "ge_dioxide": "ceramics",
    "tb_oxide": "ce_oxide",
    "dy_oxide": "ce_oxide",
}


def plant_structuring(p: Planter, i: int) -> None:
    good = STRUCTURED[i % len(STRUCTURED)]
    g = p.v.good[good]
    rep = p.world.new_person_cn()
    n_exp = int(p.rng.integers(2, 5))
    centre = p.v.raw["business_centres"][i % len(p.v.raw["business_centres"])]
    exporters = []
    for k in range(n_exp):
        x = p.exporter("ecommerce", background=False, rep=rep, incorporated=p.between(-900, 200))
        if k % 2 == 0:
            move_to_centre(x, centre)
        exporters.append(x)
    c = p.consignee(p.pick(["HK", "TH", "VN", "MY", "US"]), "trader")
    cover = i % 2 == 1
    t = p.truth(
        "structuring",
        f"{g.en.lower()} split into many postal parcels (9610) just under round thresholds by exporters "
        f"sharing a legal representative, all to one consignee within 30 days",
        ["D1", "D2", "B12"] + (["A5", "A6"] if cover else ["A1"]),
    )
    p.add_entities(t, (c, "consignee"), *[(x, "exporter") for x in exporters])
    t.people.append((rep.idx, "shared legal representative"))
    start = p.start_after(good, 20, 300)
    usd = p.v.thresholds["structuring_usd"]
    for _ in range(int(p.rng.integers(8, 17))):
        day = min(start + int(p.rng.integers(0, 30)), p.v.period_days - 1)
        unit = p.uv(good, day)
        value = float(p.pick(usd)) - float(p.rng.uniform(5, 250))
        net = round(value / unit, 2)
        declared = STRUCT_COVER[good] if cover else good
        line = PLine(declared, net, round(value / net, 2), true_good=good if cover else None)
        p.decl(t, p.pick(exporters), c, day, [line], mode=POST, trade_mode="ecommerce")
    t.facts = {"thresholds_usd": usd}


def plant_phoenix(p: Planter, i: int) -> None:
    family_good = ["ga_metal", "graphite_flake", "ge_ingot", "sb_ingot"][i % 4]
    g = p.v.good[family_good]
    control = p.v.controls[g.family]  # type: ignore[index]
    stop = p.between(max(control.start + 120, 300), p.v.period_days - 240)
    a = p.exporter(FAMILY_SECTOR[g.family])  # type: ignore[index]
    a.window = (0, stop)
    a.dissolved = stop + int(p.rng.integers(30, 90))
    rep = p.world.legal_rep(a)
    b = p.exporter(
        FAMILY_SECTOR[g.family],  # type: ignore[index]
        background=False,
        rep=rep,
        city=a.city,
        incorporated=stop + int(p.rng.integers(5, 60)),
    )
    b.address, b.address_en, b.phone = a.address, a.address_en, a.phone
    b.customers = list(a.customers)
    b.bg_weight = a.bg_weight
    b.window = ((b.incorporated or 0) + 15, p.v.period_days)
    t = p.truth(
        "phoenix",
        "a flagged exporter stopped and was dissolved; a new firm at the same address, with the same phone "
        "and legal representative, took over its consignees",
        ["Succession", "B4", "B7"],
    )
    p.add_entities(t, (a, "predecessor"), (b, "successor"))
    t.people.append((rep.idx, "legal representative of both"))
    for day in days_series(p, stop - 70, 2, (15, 30)):
        c = p.world.firms[p.pick(a.customers)]
        p.decl(t, a, c, day, [PLine(family_good, p.net(family_good, SEA, 0.5), p.uv(family_good, day))])
    for day in days_series(p, (b.incorporated or 0) + 20, int(p.rng.integers(2, 5)), (20, 50)):
        c = p.world.firms[p.pick(b.customers)]
        p.decl(t, b, c, day, [PLine(family_good, p.net(family_good, SEA, 0.5), p.uv(family_good, day))])
        if (c.idx, "consignee taken over") not in t.entities:
            t.entities.append((c.idx, "consignee taken over"))
    t.indicators.append("A1")
    t.facts = {"stopped": str(date_of(stop)), "dissolved": str(date_of(a.dissolved))}


OWNER_NATIONS = ["SG", "US", "TW", "AE", "MY", "GB"]


def _holding(p: Planter, iso: str) -> Firm:
    firm = p.consignee(iso, "holding", staff=True)
    firm.role = "holding"
    return firm


def plant_hidden_foreign_owner(p: Planter, i: int) -> None:
    good = ["ga_metal", "sb_oxide", "apt", "ge_ingot", "dy_oxide"][i % 5]
    g = p.v.good[good]
    e = p.exporter(FAMILY_SECTOR[g.family], own=False, licensed=True)  # type: ignore[index]
    person = p.world.new_person_foreign(p.pick(OWNER_NATIONS))
    first = "SG" if i % 3 == 1 else "HK"
    h = _holding(p, first)
    start = (e.incorporated or 0) + 10
    pct_e = float(p.pick([100, 80, 70]))
    p.world.add_owner(h, e, pct_e, start)
    if pct_e < 100:
        p.world.add_owner(p.world.legal_rep(e), e, 100 - pct_e, start)
    chain: list[tuple[str, float]] = [(h.key, pct_e)]
    t = p.truth(
        "hidden_foreign_owner",
        "a domestic exporter of controlled goods is owned through offshore holdings by a foreign natural person "
        f"holding at least {p.v.thresholds['owner_threshold_percent']} % indirectly",
        ["UBO"],
    )
    if i % 3 == 2:
        pct_p = float(p.pick([100, 75, 60]))
        p.world.add_owner(person, h, pct_p, start - 30)
        chain.append((person.key, pct_p))
        p.add_entities(t, (e, "exporter"), (h, "holding"))
    else:
        v = _holding(p, "VG")
        pct_v = float(p.pick([100, 90]))
        pct_p = float(p.pick([100, 75, 60]))
        if i == 0:
            h2 = _holding(p, "HK")
            pct_v = 80.0
            p.world.add_owner(v, h, pct_v, start - 20)
            p.world.add_owner(h2, h, 20.0, start - 20)
            p.world.add_owner(h, h2, 30.0, start - 20)
            t.facts["circular_pair"] = [h.key, h2.key]
            p.add_entities(t, (h2, "holding (circular)"))
        else:
            p.world.add_owner(v, h, pct_v, start - 20)
        p.world.add_owner(person, v, pct_p, start - 40)
        chain += [(v.key, pct_v), (person.key, pct_p)]
        p.add_entities(t, (e, "exporter"), (h, "holding"), (v, "holding"))
    effective = 1.0
    for _, pct in chain:
        effective *= pct / 100.0
    t.people.append((person.idx, "ultimate owner"))
    t.facts.update(
        {
            "chain": [{"owner_of_previous": k, "percent": pct} for k, pct in chain],
            "effective_percent": round(effective * 100, 2),
        }
    )
    iso = p.pick(["HK", "SG", "TW", "AE", "MY"])
    f = p.consignee(iso, "distributor")
    if i % 2 == 0:
        p.world.add_owner(person, f, float(p.pick([100, 60, 51])), -200)
        t.indicators.append("B7")
    p.add_entities(t, (f, "consignee"))
    for day in days_series(p, p.start_after(good, 20, 300), int(p.rng.integers(2, 4)), (30, 80)):
        line = PLine(good, p.net(good, SEA, 0.6), p.uv(good, day))
        line.licence = p.licence(e, f, good, day, line.net)
        t.licences.append(line.licence)
        p.decl(t, e, f, day, [line], mode=p.mode_for(good))


def plant_forwarder_consignee(p: Planter, i: int) -> None:
    good = ["ga_metal", "sb_ingot", "ge_dioxide", "apt", "tb_oxide", "sb_oxide"][i % 6]
    g = p.v.good[good]
    iso = p.pick(["TH", "MY", "HK", "AE", "VN", "MX", "SG"])
    fw = p.consignee(iso, p.pick(["forwarder", "logistics"]))
    exporters = p.background_exporters(FAMILY_SECTOR[g.family], 1 + i % 2, licensed=True)  # type: ignore[index]
    licensed = i % 2 == 1
    t = p.truth(
        "forwarder_consignee",
        f"a freight forwarder / logistics firm is the consignee of {g.en.lower()}"
        + ("; the licence names a different end user" if licensed else " shipped without a licence"),
        ["B3", "F1" if licensed else "A1"],
    )
    p.add_entities(t, (fw, "consignee (forwarder)"), *[(x, "exporter") for x in exporters])
    end_user = p.consignee(iso, "manufacturer") if licensed else None
    if end_user:
        p.add_entities(t, (end_user, "licensed end user"))
    for day in days_series(p, p.start_after(good, 20, 300), int(p.rng.integers(2, 5)), (20, 60)):
        x = p.pick(exporters)
        line = PLine(good, p.net(good, SEA, 0.6), p.uv(good, day))
        if end_user:
            line.licence = p.licence(x, end_user, good, day, line.net)
            t.licences.append(line.licence)
        p.decl(t, x, fw, day, [line], mode=p.mode_for(good))


def plant_shell_exporter(p: Planter, i: int) -> None:
    good = ["sb_ingot", "ga_metal", "ge_ingot", "apt", "sb_oxide", "dy_oxide"][i % 6]
    g = p.v.good[good]
    first = p.start_after(good, 10, 300)
    incorporated = first - int(p.rng.integers(30, 170))
    industry, _industry_en, scope = p.pick(p.v.raw["shell_scopes"])
    city = p.pick(["深圳", "上海", "宁波", "广州", "东莞"])
    s = p.world.new_domestic(
        "exporter",
        None,
        city=city,
        industry=industry,
        incorporated=incorporated,
        planted=True,
        sector=_industry_en.lower(),
        scope=scope,
    )
    s.email = (
        f"{s.name_en.split(' ')[1].lower()}{int(p.rng.integers(100, 999))}@{p.pick(['163.com', 'qq.com'])}"
    )
    if i % 2 == 0:
        centre = p.v.raw["business_centres"][0]
        move_to_centre(s, centre)
    c = p.consignee(p.pick(["HK", "TH", "MY", "AE", "VN", "MX"]), "trader")
    producer = p.producer_of(good)
    t = p.truth(
        "shell_exporter",
        f"a firm registered {(first - incorporated) // 30} months before its first controlled shipment, with an "
        f"unrelated business scope ({industry}), exports {g.en.lower()} made by a real producer",
        ["B1", "B2", "B10", "A1"],
    )
    p.add_entities(t, (s, "exporter (shell)"), (c, "consignee"), (p.world.firms[producer], "producer"))
    for day in days_series(p, first, int(p.rng.integers(3, 7)), (10, 40)):
        p.decl(t, s, c, day, [PLine(good, p.net(good, SEA, 0.5), p.uv(good, day))], producer=producer)
    t.facts = {"incorporated": str(date_of(incorporated)), "first_controlled_shipment": str(date_of(first))}


def listed_name_forms(word: str, industry: str, form: str) -> dict[str, object]:
    """Registered name, list name, list aliases and the variants clerks write for one listed firm."""
    long_forms = {
        "Co., Ltd.": "COMPANY LIMITED",
        "Co., Limited": "COMPANY LIMITED",
        "Limited": "LIMITED",
        "Company Limited": "COMPANY LIMITED",
        "LLC": "L.L.C.",
        "Pte. Ltd.": "PRIVATE LIMITED",
        "Sdn. Bhd.": "SENDIRIAN BERHAD",
        "S.A. de C.V.": "SOCIEDAD ANONIMA DE CAPITAL VARIABLE",
        "Inc.": "INCORPORATED",
        "Corp.": "CORPORATION",
    }
    words = industry.split(" ")
    nouns = {"Alloy", "Metal", "Material", "Component", "System"}
    toggled = [w[:-1] if w[:-1] in nouns else (w + "s" if w in nouns else w) for w in words]
    industry_alt = " ".join(toggled) if toggled != words else f"{industry} Co"
    abbreviations = {
        "Trading": "Trdg",
        "Materials": "Matls",
        "Systems": "Sys",
        "Components": "Comps",
        "International": "Intl",
        "Aerospace": "Aero",
        "Advanced": "Adv",
        "Strategic": "Strat",
    }
    industry_abbr = " ".join(abbreviations.get(w, w) for w in words)
    registered = f"{word} {industry} {form}"
    short_form = form.rstrip(".").replace("Co., Ltd", "Co., Ltd")
    return {
        "registered": registered,
        "list_name": f"{word} {industry} {long_forms.get(form, form)}".upper(),
        "aliases": [f"{word} {industry}", f"{word} {industry_alt} {form}"],
        "written": [
            f"{word} {industry_alt} {short_form}",
            latin_upper(registered),
            f"{word} {industry_abbr} {form}",
        ],
    }


def add_listed(
    p: Planter,
    firm: Firm | None,
    designated: int,
    list_key: str,
    iso: str | None = None,
    names: dict[str, object] | None = None,
) -> str:
    """A restricted-list entry for ``firm`` (registered name upper-cased unless names given)."""
    meta = p.v.raw["restricted_lists"][list_key]
    ref = f"{'MCL' if list_key == 'control' else 'DRE'}-{len(p.list_entries) + 1:04d}"
    name = str(names["list_name"]) if names else (firm.name.upper() if firm else "")
    aliases = list(names["aliases"]) if names else ([firm.name] if firm else [])  # type: ignore[call-overload]
    p.list_entries.append(
        {
            "list_name": meta["list_name"],
            "list_ref": ref,
            "authority": meta["authority"],
            "programme": meta["programme"],
            "entity_type": "company",
            "name": name,
            "aliases": aliases,
            "country": iso or (firm.country if firm else ""),
            "address": firm.address if firm else "",
            "identifiers": [f"REG {firm.registration_no}"] if firm and firm.registration_no else [],
            "start_date": max(designated, -400),
            "end_date": None,
            "remarks": "demo entry (fictional)",
            "source_url": meta["source_url"],
            "firm": firm.idx if firm else None,
        }
    )
    return ref


LISTED_GOODS = ["ga_metal", "sb_oxide", "ge_ingot", "graphite_sph", "apt", "ndfeb_dy"]


def _listed_word(p: Planter) -> str:
    if p._listed_words:
        return p._listed_words.pop(0)
    return f"{p.pick(p.v.raw['listed_words'])}{len(p.list_entries) + 1}"


def plant_listed_party_variant(p: Planter, i: int) -> None:
    word = _listed_word(p)
    iso = ["HK", "AE", "TH", "MX", "TR", "SG", "MY", "RU"][i % 8]
    industry = p.pick(p.v.raw["listed_industries"][:3] + p.v.raw["listed_industries"][5:7])
    form = p.v.country[iso].forms[0]
    names = listed_name_forms(word, industry, form)
    listed = p.consignee(iso, "trader", name=str(names["registered"]))
    written = list(names["written"])  # type: ignore[call-overload]
    listed.decl_names = [(w, 1.0 / len(written)) for w in written]
    designated = p.between(250, 900)
    list_key = "control" if i % 2 == 0 else "enduser"
    ref = add_listed(p, listed, designated, list_key, names=names)
    good = LISTED_GOODS[i % len(LISTED_GOODS)]
    g = p.v.good[good]
    exporters = p.background_exporters(FAMILY_SECTOR[g.family], 1 + i % 2)  # type: ignore[index]
    t = p.truth(
        "listed_party_variant",
        f"shipments after {date_of(designated)} to a party on the {p.v.raw['restricted_lists'][list_key]['list_name']}, "
        "written with a variant of its listed name",
        ["B5", "F3", "A1"],
    )
    t.list_refs.append(ref)
    p.add_entities(t, (listed, "listed consignee"), *[(x, "exporter") for x in exporters])
    before = p.truth(
        "decoy_pre_designation", "the same listed party before its designation date: legitimate then"
    )
    before.list_refs.append(ref)
    p.add_entities(before, (listed, "consignee (not yet listed)"))
    control_start = p.v.controls[g.family].start  # type: ignore[index]
    for day in days_series(p, p.between(max(0, designated - 250), designated - 60), 2, (20, 40)):
        if day < designated:
            legit = good if day < control_start else "zinc"
            p.decl(
                before,
                p.pick(exporters),
                listed,
                day,
                [PLine(legit, p.net(legit, SEA, 0.5), p.uv(legit, day))],
                consignee_name=p.pick(written),
            )
    start = max(designated + 10, control_start + 10)
    for k, day in enumerate(
        days_series(p, p.between(start, start + 200), int(p.rng.integers(2, 5)), (20, 60))
    ):
        line = PLine(good, p.net(good, SEA, 0.5), p.uv(good, day))
        p.decl(
            t,
            p.pick(exporters),
            listed,
            day,
            [line],
            consignee_name=written[k % len(written)],
            mode=p.mode_for(good) if g.controlled else SEA,
        )
    if i % 2 == 1:
        front = p.consignee(iso, "trader")
        front.address = listed.address
        t.indicators.append("B4")
        p.add_entities(t, (front, "consignee at the listed address"))
        day = p.between(start, start + 250)
        p.decl(t, p.pick(exporters), front, day, [PLine(good, p.net(good, SEA, 0.4), p.uv(good, day))])
    t.facts = {"list_name": names["list_name"], "written_names": written}
    sim = p.v.raw["similar_words"].get(word)
    if sim:
        decoy_similar_name(p, sim, industry, iso, str(names["list_name"]))


def decoy_similar_name(p: Planter, word: str, industry: str, listed_iso: str, listed_name: str) -> None:
    iso = p.pick([c for c in ("DE", "JP", "KR", "NL", "GB", "FR") if c != listed_iso])
    firm = p.consignee(iso, "distributor", word=word, industry=industry.split(" ")[-1])
    t = p.truth("decoy_similar_name", "a different, unlisted firm whose name resembles a listed party's")
    p.add_entities(t, (firm, "consignee"))
    t.facts = {"distinct_names": [firm.name, listed_name]}
    x = p.background_exporters("zinc_lead", 1)[0]
    for day in days_series(p, p.between(100, 900), 2, (30, 90)):
        p.decl(t, x, firm, day, [PLine("zinc", p.net("zinc"), p.uv("zinc", day))])


def plant_shared_contacts(p: Planter, i: int) -> None:
    good = ["sb_ingot", "ga_metal", "apt", "ge_dioxide", "graphite_flake", "sb_oxide"][i % 6]
    g = p.v.good[good]
    x = p.exporter(FAMILY_SECTOR[g.family])  # type: ignore[index]
    if "@163.com" in x.email or "@126.com" in x.email or "@qq.com" in x.email:
        slug = "".join(ch for ch in x.name_en.split(" ")[1].lower() if ch.isalpha())
        x.email = f"export@{slug}-metal.com"
    f = p.consignee(p.pick(["TH", "VN", "MY", "HK", "MX", "SG", "AE"]), "trader")
    shared = []
    if i % 3 in (0, 2):
        f.phone = x.phone.replace(" ", "-", 1)
        shared.append("phone")
    if i % 3 in (1, 2):
        f.email = f"{p.pick(['purchase', 'info', 'ops'])}@{x.email.split('@')[1]}"
        shared.append("email domain")
    t = p.truth(
        "shared_contacts",
        f"the foreign consignee shares the Chinese exporter's {' and '.join(shared)}",
        ["B7", "B9"],
    )
    p.add_entities(t, (x, "exporter"), (f, "consignee"))
    t.facts = {"shared": shared}
    for day in days_series(p, p.start_after(good, 20, 300), int(p.rng.integers(2, 5)), (20, 60)):
        p.decl(t, x, f, day, [PLine(good, p.net(good, SEA, 0.6), p.uv(good, day))], mode=p.mode_for(good))
    t.indicators.append("A1")


# -- decoys ----------------------------------------------------------------------------------
LICENSED_DECOY = ["ga_metal", "ge_ingot", "sb_oxide", "apt", "dy_oxide", "graphite_sph", "sb_ingot", "te"]


def decoy_licensed(p: Planter, i: int) -> None:
    good = LICENSED_DECOY[i % len(LICENSED_DECOY)]
    g = p.v.good[good]
    control = p.v.controls[g.family]  # type: ignore[index]
    x = p.exporter(FAMILY_SECTOR[g.family], licensed=True)  # type: ignore[index]
    c = p.consignee(p.pick(list(control.corridor)), "manufacturer")
    t = p.truth(
        "decoy_licensed", f"licensed exports of {g.en.lower()} to a corridor destination, within quantity"
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    days = days_series(p, p.start_after(good, 20, 250), int(p.rng.integers(2, 5)), (20, 60))
    nets = [p.net(good, SEA, 0.6) for _ in days]
    if not days:
        return
    lic = p.licence(x, c, good, days[0], sum(nets))
    t.licences.append(lic)
    for day, net in zip(days, nets, strict=True):
        if day <= p.ctx.pools.licences[lic].valid_to:
            p.decl(t, x, c, day, [PLine(good, net, p.uv(good, day), licence=lic)], mode=p.mode_for(good))


def decoy_pre_control(p: Planter, i: int) -> None:
    good = ["sb_ingot", "apt", "dy_oxide", "graphite_flake", "te", "sb_oxide"][i % 6]
    g = p.v.good[good]
    control = p.v.controls[g.family]  # type: ignore[index]
    x = p.exporter(FAMILY_SECTOR[g.family])  # type: ignore[index]
    c = p.consignee(p.pick(["US", "VN", "TR", "MY", "TH"]), "distributor")
    t = p.truth(
        "decoy_pre_control",
        f"{g.en.lower()} without licence before the control date {date_of(control.start)}",
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    for day in days_series(p, p.between(max(0, control.start - 220), control.start - 60), 3, (10, 25)):
        if day < control.start:
            p.decl(t, x, c, day, [PLine(good, p.net(good), p.uv(good, day))])


def decoy_high_value(p: Planter, i: int) -> None:
    good = ["silver_powder", "tantalum_powder"][i % 2]
    x = p.exporter("minor_metals")
    c = p.consignee(p.pick(["JP", "KR", "DE", "US", "TW"]), "manufacturer")
    t = p.truth(
        "decoy_high_value", f"{p.v.good[good].en.lower()}: high unit values inside the good's own band"
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    for day in days_series(p, p.between(30, 700), int(p.rng.integers(2, 5)), (30, 90)):
        p.decl(t, x, c, day, [PLine(good, p.net(good, AIR), p.uv(good, day, 0.5, 1.0))], mode=AIR)


def decoy_sibling_legit(p: Planter, i: int) -> None:
    ctrl_key, sib_key = SIBLINGS[i % len(SIBLINGS)]
    x = p.exporter(FAMILY_SECTOR[p.v.good[ctrl_key].family])  # type: ignore[index]
    c = p.consignee(p.pick(["KR", "IN", "VN", "TW", "US", "TR"]), "distributor")
    t = p.truth(
        "decoy_sibling_legit",
        f"always declares the non-controlled line {p.v.good[sib_key].hs} with its own grade and price",
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    for day in days_series(p, p.between(0, 200), int(p.rng.integers(4, 8)), (60, 160)):
        p.decl(t, x, c, day, [PLine(sib_key, p.net(sib_key), p.uv(sib_key, day, 0.0, 0.8))])


def decoy_reexport(p: Planter, i: int) -> None:
    good = ["zinc", "tin", "ferro_si", "steel_pipe"][i % 4]
    hub = ["TH", "MY", "SG", "MX"][i % 4]
    x = p.exporter(p.pick(["zinc_lead", "steel", "minor_metals"]))
    d = p.consignee(hub, "distributor")
    b = p.consignee("US", "manufacturer")
    t = p.truth(
        "decoy_reexport",
        f"a {p.v.country[hub].en} distributor re-exports non-controlled {p.v.good[good].en.lower()} to the US",
    )
    p.add_entities(t, (x, "exporter"), (d, "distributor"), (b, "buyer"))
    for day in days_series(p, p.between(100, 900), int(p.rng.integers(2, 4)), (30, 90)):
        decl = p.decl(t, x, d, day, [PLine(good, p.net(good), p.uv(good, day))])
        o = Onward(
            decl, d.idx, b.idx, int(p.rng.integers(15, 50)), float(p.rng.uniform(0.95, 1.05)), "CN", good
        )
        p.onward.append(o)
        t.onward.append(o)


def decoy_new_customer(p: Planter, i: int) -> None:
    good = ["ga_metal", "sb_oxide", "apt", "ge_ingot"][i % 4]
    g = p.v.good[good]
    control = p.v.controls[g.family]  # type: ignore[index]
    iso = p.pick(list(control.corridor))
    n = p.consignee(iso, "manufacturer", incorporated=p.between(control.start, control.start + 90))
    licensed_goods = i % 2 == 0
    x = p.background_exporters(FAMILY_SECTOR[g.family], 1, licensed=True)[0]  # type: ignore[index]
    t = p.truth(
        "decoy_new_customer",
        "a new buyer after the control date"
        + (", in the licensed corridor with licences" if licensed_goods else ", buying non-controlled goods"),
    )
    p.add_entities(t, (n, "consignee"), (x, "exporter"))
    sec = p.v.sector[x.sector_key or "trader"]
    other = sec.fallback[0]
    for day in days_series(p, p.start_after(good, 60, 300), int(p.rng.integers(3, 6)), (25, 45)):
        if licensed_goods:
            line = PLine(good, p.net(good, SEA, 0.5), p.uv(good, day))
            line.licence = p.licence(x, n, good, day, line.net)
            t.licences.append(line.licence)
        else:
            line = PLine(other, p.net(other), p.uv(other, day))
        p.decl(t, x, n, day, [line])


def decoy_ecommerce(p: Planter, i: int) -> None:
    x = p.exporter("ecommerce", background=False)
    t = p.truth(
        "decoy_ecommerce",
        "a cross-border e-commerce seller: many small 9610 parcels of ordinary goods to many buyers",
    )
    p.add_entities(t, (x, "exporter"))
    start = p.between(100, 900)
    goods = p.v.sector["ecommerce"].goods
    for _ in range(int(p.rng.integers(10, 17))):
        c = p.consignee(p.pick(["US", "GB", "DE", "FR", "AU", "CA", "JP"]), "distributor")
        good = p.pick(goods)
        day = min(start + int(p.rng.integers(0, 30)), p.v.period_days - 1)
        net = round(float(p.rng.uniform(0.5, 30.0)), 2)
        p.decl(t, x, c, day, [PLine(good, net, p.uv(good, day))], mode=POST, trade_mode="ecommerce")


def decoy_relocation(p: Planter, i: int) -> None:
    centre = p.v.raw["business_centres"][i % len(p.v.raw["business_centres"])]
    stop = p.between(300, p.v.period_days - 300)
    a = p.exporter(p.pick(["steel", "ceramics", "zinc_lead"]), city=centre["city"])
    move_to_centre(a, centre)
    a.window, a.dissolved = (0, stop), stop + 60
    b = p.exporter(p.pick(["steel", "ceramics", "zinc_lead"]), city=centre["city"], incorporated=stop + 30)
    move_to_centre(b, centre)
    t = p.truth(
        "decoy_relocation",
        "a firm closed and a new one registered at the same mass-registration address: "
        "different phone, legal representative and customers",
    )
    p.add_entities(t, (a, "closed firm"), (b, "new firm"))


def decoy_foreign_owner(p: Planter, i: int) -> None:
    e = p.exporter(p.pick(["ceramics", "steel", "solder_electronics"]), own=False)
    person = p.world.new_person_foreign(p.pick(OWNER_NATIONS))
    h = _holding(p, "HK")
    v = _holding(p, "VG")
    start = (e.incorporated or 0) + 10
    pct_e, pct_v, pct_p = float(p.pick([60, 70])), float(p.pick([50, 60])), float(p.pick([30, 40]))
    p.world.add_owner(h, e, pct_e, start)
    p.world.add_owner(p.world.legal_rep(e), e, 100 - pct_e, start)
    p.world.add_owner(v, h, pct_v, start - 10)
    p.world.add_owner(person, v, pct_p, start - 20)
    t = p.truth(
        "decoy_foreign_owner",
        "offshore holding chain whose foreign person holds well under 25 % indirectly; "
        "the exporter ships only non-controlled goods",
    )
    p.add_entities(t, (e, "exporter"), (h, "holding"), (v, "holding"))
    t.people.append((person.idx, "minority indirect owner"))
    t.facts = {"effective_percent": round(pct_e * pct_v * pct_p / 10_000, 2)}


def decoy_forwarder(p: Planter, i: int) -> None:
    iso = p.pick(["TH", "MY", "HK", "AE", "VN", "SG"])
    fw = p.consignee(iso, p.pick(["forwarder", "logistics"]))
    x = p.background_exporters(p.pick(["ceramics", "steel", "zinc_lead"]), 1)[0]
    t = p.truth("decoy_forwarder", "a forwarder as consignee of ordinary, non-controlled goods")
    p.add_entities(t, (fw, "consignee (forwarder)"), (x, "exporter"))
    sec = p.v.sector[x.sector_key or "steel"]
    for day in days_series(p, p.between(50, 900), int(p.rng.integers(2, 5)), (20, 60)):
        good = p.pick(sec.goods)
        p.decl(t, x, fw, day, [PLine(good, p.net(good), p.uv(good, day))])


def decoy_new_exporter(p: Planter, i: int) -> None:
    good = ["ga_metal", "sb_oxide", "apt"][i % 3] if i % 2 == 0 else "zinc"
    g = p.v.good[good]
    sector = FAMILY_SECTOR.get(g.family or "", "zinc_lead")
    first = p.start_after(good, 240, 500) if g.controlled else p.between(300, 800)
    x = p.exporter(
        sector, background=False, licensed=g.controlled, incorporated=first - int(p.rng.integers(240, 400))
    )
    c = p.consignee(p.pick(list(p.v.controls[g.family].corridor)) if g.controlled else "KR", "manufacturer")  # type: ignore[index]
    t = p.truth(
        "decoy_new_exporter",
        "a newly registered firm with a related business scope; first controlled "
        "shipment (licensed) or ordinary goods more than 8 months after registration",
    )
    p.add_entities(t, (x, "exporter"), (c, "consignee"))
    for day in days_series(p, first, 3, (30, 60)):
        line = PLine(good, p.net(good, SEA, 0.5), p.uv(good, day))
        if g.controlled:
            line.licence = p.licence(x, c, good, day, line.net * 3)
            t.licences.append(line.licence)
        p.decl(t, x, c, day, [line])


def decoy_freemail(p: Planter, i: int) -> None:
    x = p.exporter(p.pick(["ceramics", "steel", "solder_electronics"]))
    domain = p.pick(["gmail.com", "163.com", "hotmail.com"])
    x.email = f"{x.name_en.split(' ')[1].lower()}{int(p.rng.integers(10, 99))}@{domain}"
    f = p.consignee(p.pick(["VN", "TH", "MY", "IN"]), "distributor")
    f.email = f"{f.name.split(' ')[0].lower()}{int(p.rng.integers(10, 99))}@{domain}"
    t = p.truth(
        "decoy_freemail", f"exporter and consignee both use the free-mail domain {domain}: not a link"
    )
    p.add_entities(t, (x, "exporter"), (f, "consignee"))
    sec = p.v.sector[x.sector_key or "steel"]
    for day in days_series(p, p.between(50, 900), 2, (30, 90)):
        good = p.pick(sec.goods)
        p.decl(t, x, f, day, [PLine(good, p.net(good), p.uv(good, day))])


def decoy_homophone(p: Planter, i: int) -> None:
    """Two different domestic firms whose names romanise identically (恒达 / 恒大)."""
    pairs = p.v.raw["homophone_pairs"]
    zh1, zh2, py = pairs[i % len(pairs)]
    city = p.pick(["宁波", "深圳", "长沙", "赣州"])
    industry = p.pick(["稀有金属", "有色金属", "新材料"])
    c = p.v.cities[city]
    en = f"{c.en} {py} {p.v.raw['industries'][industry]} Co., Ltd."
    names = [(f"{city}{zh}{industry}有限公司", en, py) for zh in (zh1, zh2)]
    if any(n[0] in p.world._names for n in names):
        return
    firms = [p.exporter("trader", name=n, city=city) for n in names]
    t = p.truth(
        "decoy_similar_name",
        "two different domestic firms whose names differ by one character and "
        "romanise identically; different USCCs, addresses and officers",
    )
    p.add_entities(t, *[(f, "exporter") for f in firms])
    t.facts = {"distinct_names": [f.name for f in firms]}


def decoy_business_centre(p: Planter) -> None:
    centre = p.v.raw["business_centres"][0]
    firms = [f for f in p.world.firms if f.address == centre["zh"] and not f.planted]
    t = p.truth(
        "decoy_business_centre",
        f"{len(firms)} unrelated legitimate firms registered at one mass-registration address",
    )
    p.add_entities(t, *[(f, "tenant") for f in firms])


def broker_hub(p: Planter) -> None:
    """One customs broker that files a large share of the planted declarations (B11)."""
    broker = p.world.new_domestic("broker", None, city="深圳", planted=True)
    t = p.truth("broker_hub", "one customs broker filed a large share of the flagged declarations", ["B11"])
    p.add_entities(t, (broker, "declaring agent"))
    for truth in p.truths:
        if truth.typology.startswith("decoy_") or truth is t:
            continue
        for d in truth.decls:
            if p.rng.random() < 0.45:
                d.agent = broker.idx
                t.decls.append(d)
    for truth in p.truths:
        if truth.typology.startswith("decoy_"):
            for d in truth.decls:
                if p.rng.random() < 0.05:
                    d.agent = broker.idx


SCHEMES: dict[str, Callable[[Planter, int], None]] = {
    "misdeclared_hs": plant_misdeclared_hs,
    "unlicensed_controlled": plant_unlicensed_controlled,
    "sibling_downgrade": plant_sibling_downgrade,
    "transshipment": plant_transshipment,
    "new_consignee": plant_new_consignee,
    "structuring": plant_structuring,
    "phoenix": plant_phoenix,
    "hidden_foreign_owner": plant_hidden_foreign_owner,
    "forwarder_consignee": plant_forwarder_consignee,
    "shell_exporter": plant_shell_exporter,
    "listed_party_variant": plant_listed_party_variant,
    "shared_contacts": plant_shared_contacts,
}
DECOYS: dict[str, Callable[[Planter, int], None]] = {
    "decoy_licensed": decoy_licensed,
    "decoy_pre_control": decoy_pre_control,
    "decoy_high_value": decoy_high_value,
    "decoy_sibling_legit": decoy_sibling_legit,
    "decoy_reexport": decoy_reexport,
    "decoy_new_customer": decoy_new_customer,
    "decoy_ecommerce": decoy_ecommerce,
    "decoy_relocation": decoy_relocation,
    "decoy_foreign_owner": decoy_foreign_owner,
    "decoy_forwarder": decoy_forwarder,
    "decoy_new_exporter": decoy_new_exporter,
    "decoy_freemail": decoy_freemail,
    "decoy_homophone": decoy_homophone,
}


def plant_all(ctx: Context, scale: Scale) -> Planter:
    """Every scheme and decoy, ``scale.instances`` times each, in a fixed order."""
    p = Planter(ctx, scale)
    for i in range(scale.instances):
        for fn in SCHEMES.values():
            fn(p, i)
        for fn in DECOYS.values():
            fn(p, i)
    decoy_business_centre(p)
    broker_hub(p)
    _noise_list_entries(p)
    return p


def _noise_list_entries(p: Planter) -> None:
    for name, iso in p.v.raw["noise_entities"]:
        c = p.v.country[iso]
        entry_day = p.between(-300, 1000)
        ref = add_listed(p, None, entry_day, "control" if len(p.list_entries) % 2 else "enduser", iso=iso)
        p.list_entries[-1].update(
            {
                "name": name,
                "aliases": [],
                "address": f"{int(p.rng.integers(1, 300))} {p.pick(c.streets)}, {p.pick(c.cities)}, {c.en}",
                "entity_type": "company",
                "list_ref": ref,
            }
        )
    # one delisted entry, so end dates matter too
    p.list_entries[-1]["end_date"] = p.between(900, 1050)
