"""Bills of lading and air waybills: the foreign side of the export declarations.

Every sea or air declaration gets a B/L (or AWB) whose number equals its 提运单号: shipper is the
Chinese exporter written in Latin script, consignee as the foreign data has it. Onward B/Ls are
re-exports by foreign consignees: the planted ones (transshipment and its decoy) match the export
by weight and time; a small background of unrelated re-exports surrounds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphtool.demo import idgen
from graphtool.demo.common import Context
from graphtool.demo.declarations import Assembled
from graphtool.demo.planted import Onward
from graphtool.demo.vocab import AIR, SEA, date_of

FIELDS = (
    "bl_no", "date", "shipper_name", "shipper_country", "shipper_address", "consignee_name",
    "consignee_country", "consignee_address", "notify_name", "notify_country", "port_of_loading",
    "loading_country", "port_of_discharge", "discharge_country", "vessel", "voyage", "imo", "containers",
    "hs_code", "description", "weight", "weight_unit", "packages", "declared_origin",
)  # fmt: skip
HUBS = ("TH", "MY", "SG", "HK", "AE", "VN", "MX", "BE", "NL")


@dataclass
class Bills:
    table: pa.Table
    bl_day: np.ndarray  # per declaration: B/L date (day number), -1 without B/L
    bl_weight: np.ndarray  # per declaration: gross kg on the B/L


def _forms(ctx: Context, attr: str) -> tuple[np.ndarray, np.ndarray]:
    s = ctx.strings
    n = len(ctx.world.firms)
    ids = np.full((n, 3), -1, dtype=np.int32)
    cum = np.ones((n, 3))
    for f in ctx.world.firms:
        forms = getattr(f, attr)[:3] or [(f.name_en, 1.0)]
        total = sum(w for _, w in forms)
        acc = 0.0
        for k, (text, w) in enumerate(forms):
            ids[f.idx, k] = s.id(text)
            acc += w / total
            cum[f.idx, k] = acc
        cum[f.idx, len(forms) - 1 :] = 1.0
    return ids, cum


def _pick(ids: np.ndarray, cum: np.ndarray, firm: np.ndarray, u: np.ndarray) -> np.ndarray:
    k = np.minimum((u[:, None] > cum[firm]).sum(axis=1), 2)
    return ids[firm, k]


def _date_text(days: np.ndarray, rng: np.random.Generator) -> pa.Array:
    base = np.datetime64("2023-01-01") + days.astype("timedelta64[D]")
    iso = pa.array(np.datetime_as_string(base, unit="D"))
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    alt = rng.random(len(days)) < 0.1
    if alt.any():
        texts = [f"{d.day:02d}-{months[d.month - 1]}-{d.year}" for d in (date_of(int(x)) for x in days[alt])]
        iso = pc.replace_with_mask(iso, pa.array(alt), pa.array(texts))
    return iso


def build(ctx: Context, asm: Assembled, onward: list[Onward]) -> Bills:
    v, rng, s, pools, world = ctx.vocab, ctx.rng, ctx.strings, ctx.pools, ctx.world
    cols, starts = asm.cols, asm.decl_starts
    n_decl = len(starts)
    mode = cols["mode"][starts]
    gross = np.add.reduceat(cols["gross"], starts)
    packages = np.add.reduceat(cols["packages"], starts)
    exporter, consignee = cols["exporter"][starts], cols["consignee"][starts]
    good = cols["good"][starts]
    day = cols["export_day"][starts].astype(np.int64) + rng.integers(0, 3, n_decl)
    sel = np.nonzero((mode == SEA) | (mode == AIR))[0]
    bl_day = np.full(n_decl, -1, dtype=np.int64)
    bl_day[sel] = day[sel]

    firms = world.firms
    bl_ids, bl_cum = _forms(ctx, "bl_names")
    addr = np.array(
        [s.id(f.address_en or f.address) if (f.address_en or f.address) else -1 for f in firms],
        dtype=np.int32,
    )
    iso = np.array([s.id(f.country) for f in firms], dtype=np.int32)
    country_iso = s.ids([c.iso for c in v.countries])
    # English port names, per mode, keyed by the Chinese name's string id
    size = len(s.values)
    exit_en = np.full((2, size), -1, dtype=np.int32)
    dest_en = np.full((2, size), -1, dtype=np.int32)
    for m in (SEA, AIR):
        row = 0 if m == SEA else 1
        for o in v.offices:
            for k in range(2):
                if pools.exit_ids[o.index, m, k] >= 0:
                    exit_en[row, pools.exit_ids[o.index, m, k]] = s.id(pools.exit_en[o.index][m][k])
        for c in v.countries:
            for k in range(2):
                if pools.dest_ids[c.index, m, k] >= 0:
                    dest_en[row, pools.dest_ids[c.index, m, k]] = s.id(pools.dest_en[c.index][m][k])

    # notify party: the consignee, nobody, or a forwarder in the consignee's country
    fwd_by_country: dict[int, list[int]] = {}
    for f in firms:
        if not f.domestic and f.sector in ("forwarder", "logistics") and not f.planted:
            fwd_by_country.setdefault(v.country[f.country].index, []).append(f.idx)
    fwd_cnt = np.array([len(fwd_by_country.get(c.index, [])) for c in v.countries], dtype=np.int64)
    fwd_off = np.concatenate([[0], np.cumsum(fwd_cnt)[:-1]])
    fwd_flat = np.array(
        [x for c in v.countries for x in fwd_by_country.get(c.index, [])] or [0], dtype=np.int32
    )

    b = sel
    nb = len(b)
    ctry = cols["destination"][starts][b]
    arrival = cols["arrival"][starts][b]
    u = rng.random(nb)
    cons_name = _pick(bl_ids, bl_cum, consignee[b], rng.random(nb))
    has_fwd = fwd_cnt[ctry] > 0
    slot = fwd_off[ctry] + (rng.random(nb) * np.maximum(fwd_cnt[ctry], 1)).astype(np.int64)
    fwd = fwd_flat[np.minimum(slot, len(fwd_flat) - 1)]  # meaningful only where has_fwd
    use_fwd = (u >= 0.8) & has_fwd
    notify_name = np.where(u < 0.5, cons_name, np.where(use_fwd, bl_ids[fwd, 0], -1))
    notify_country = np.where(u < 0.5, iso[consignee[b]], np.where(use_fwd, iso[fwd], -1))
    conv = cols["conveyance"][starts][b]
    is_sea = mode[b] == SEA
    vessel = np.where(
        is_sea,
        s.ids(pools.conv_vessel[SEA])[np.where(is_sea, conv, 0)],
        s.ids(pools.conv_vessel[AIR])[np.where(~is_sea, conv, 0)],
    )
    voyage = np.where(
        is_sea, s.ids([x or "-" for x in pools.conv_voyage[SEA]])[np.where(is_sea, conv, 0)], -1
    )
    imo = np.where(is_sea, s.ids(pools.conv_imo[SEA])[np.where(is_sea, conv, 0)], -1)
    n_cont = np.clip(np.ceil(gross[b] / 22_000), 1, 4).astype(np.int64)
    owners = list(v.raw["container_owners"])
    container_cols = []
    for k in range(4):
        nums = idgen.container_numbers(
            owners, rng.integers(0, len(owners), nb), idgen.permuted(np.arange(nb) * 4 + k, 10**6, 4242 + k)
        )
        keep = is_sea & (n_cont > k)
        container_cols.append(pc.if_else(pa.array(keep), nums, pa.nulls(nb, pa.string())))
    containers = container_cols[0]
    for more in container_cols[1:]:  # numbers are filled in order, so stop at the first missing one
        containers = pc.coalesce(pc.binary_join_element_wise(containers, more, ";"), containers)
    hs6 = s.ids([g.hs6 for g in v.goods])
    hs_dot = s.ids([f"{g.hs[:4]}.{g.hs[4:6]}" for g in v.goods])
    hs = np.where(rng.random(nb) < 0.2, hs_dot[good[b]], hs6[good[b]])
    desc = s.ids([g.en for g in v.goods])[good[b]]
    weight, unit = _weights(gross[b], ctry, v.country["US"].index, rng, s)
    origin = np.where(rng.random(nb) < 0.8, s.id("CN"), s.id("China"))
    table = pa.table(
        {
            "bl_no": asm.bl_no.take(pa.array(b)),
            "date": _date_text(bl_day[b], rng),
            "shipper_name": s.arrow(_pick(bl_ids, bl_cum, exporter[b], rng.random(nb))),
            "shipper_country": pa.array(np.full(nb, "CN")),
            "shipper_address": s.arrow(addr[exporter[b]]),
            "consignee_name": s.arrow(cons_name),
            "consignee_country": s.arrow(iso[consignee[b]]),
            "consignee_address": s.arrow(addr[consignee[b]]),
            "notify_name": s.arrow(notify_name),
            "notify_country": s.arrow(notify_country),
            "port_of_loading": s.arrow(exit_en[(~is_sea).astype(np.int64), cols["exit_port"][starts][b]]),
            "loading_country": pa.array(np.full(nb, "CN")),
            "port_of_discharge": s.arrow(dest_en[(~is_sea).astype(np.int64), cols["dest_port"][starts][b]]),
            "discharge_country": s.arrow(country_iso[arrival]),
            "vessel": s.arrow(vessel),
            "voyage": s.arrow(voyage),
            "imo": s.arrow(imo),
            "containers": containers,
            "hs_code": s.arrow(hs),
            "description": s.arrow(desc),
            "weight": pa.array(weight),
            "weight_unit": s.arrow(unit),
            "packages": pa.array(packages[b]),
            "declared_origin": s.arrow(origin),
        }
    )
    extra = _onward_rows(ctx, asm, onward, bl_day, gross, packages, good, consignee, mode)
    day_all = np.concatenate([bl_day[b], np.array([r["_day"] for r in extra], dtype=np.int64)])
    if extra:
        rows = {f: [r[f] for r in extra] for f in FIELDS}
        schema = table.schema
        onward_table = pa.table({f: pa.array(rows[f], type=schema.field(f).type) for f in FIELDS})
        table = pa.concat_tables([table, onward_table])
    order = np.argsort(day_all, kind="stable")
    return Bills(table.take(pa.array(order)), bl_day, gross)


def _weights(
    gross: np.ndarray, ctry: np.ndarray, us: int, rng: np.random.Generator, s
) -> tuple[np.ndarray, np.ndarray]:
    """Weight as the B/L states it: kilograms mostly, tonnes for bulk, pounds for some US imports."""
    u = rng.random(len(gross))
    weight = gross.copy()
    unit = np.where(u < 0.8, s.id("KG"), s.id("KGS"))
    tonnes = (gross >= 5000) & (u > 0.95)
    pounds = (ctry == us) & (u < 0.1)
    weight = np.where(tonnes, np.round(gross / 1000.0, 3), weight)
    unit = np.where(tonnes, s.id("MT"), unit)
    weight = np.where(pounds, np.round(gross / 0.45359237, 1), weight)
    unit = np.where(pounds, s.id("LBS"), unit)
    return np.round(weight, 3), unit


def _onward_rows(
    ctx: Context,
    asm: Assembled,
    onward: list[Onward],
    bl_day: np.ndarray,
    gross: np.ndarray,
    packages: np.ndarray,
    good: np.ndarray,
    consignee: np.ndarray,
    mode: np.ndarray,
) -> list[dict[str, object]]:
    """Re-export B/Ls: the planted ones, then unrelated background re-exports from hub countries."""
    v, rng, world, pools = ctx.vocab, ctx.rng, ctx.world, ctx.pools
    firms = world.firms
    rows: list[dict[str, object]] = []
    scac = [c[0] for c in v.raw["carriers"]]
    sea_vessels = pools.conv_vessel[SEA]

    def row(
        shipper: int, cons: int, notify: int | None, day: int, kg: float, pk: int, g: int, origin: str
    ) -> dict:
        sf, cf = firms[shipper], firms[cons]
        k = int(rng.integers(len(sea_vessels)))
        load = v.country[sf.country].ports.get("sea") or v.country[sf.country].ports.get("air")
        disch = v.country[cf.country].ports.get("sea") or v.country[cf.country].ports.get("air")
        n = len(rows)
        number = f"{scac[n % len(scac)]}{int(idgen.permuted(np.array([n]), 10**10, 5_550_123)[0]):010d}"
        nf = firms[notify] if notify is not None else None
        return {
            "bl_no": number,
            "date": str(date_of(day)),
            "shipper_name": sf.bl_names[0][0],
            "shipper_country": sf.country,
            "shipper_address": sf.address,
            "consignee_name": cf.bl_names[0][0],
            "consignee_country": cf.country,
            "consignee_address": cf.address,
            "notify_name": nf.bl_names[0][0] if nf else None,
            "notify_country": nf.country if nf else None,
            "port_of_loading": load[0][1] if load else None,
            "loading_country": sf.country,
            "port_of_discharge": disch[int(rng.integers(len(disch)))][1] if disch else None,
            "discharge_country": cf.country,
            "vessel": sea_vessels[k],
            "voyage": pools.conv_voyage[SEA][k],
            "imo": pools.conv_imo[SEA][k],
            "containers": None,
            "hs_code": v.goods[g].hs6,
            "description": v.goods[g].en,
            "weight": round(kg, 1),
            "weight_unit": "KG",
            "packages": pk,
            "declared_origin": origin,
            "_day": day,
        }

    for o in onward:
        d = int(asm.decl_of_key[o.after.key])
        if bl_day[d] < 0:
            continue
        g = v.good[o.good].index
        r = row(
            o.shipper,
            o.consignee,
            o.notify,
            int(bl_day[d]) + o.days_after,
            float(gross[d]) * o.weight_factor,
            int(packages[d]),
            g,
            o.origin,
        )
        o.bl_no = str(r["bl_no"])
        rows.append(r)

    hubs = {v.country[h].index for h in HUBS}
    controlled = np.array([g.controlled for g in v.goods])
    planted = {int(asm.decl_of_key[o.after.key]) for o in onward}
    ctry = asm.cols["destination"][asm.decl_starts]
    candidates = np.nonzero((mode == SEA) & np.isin(ctry, list(hubs)) & ~controlled[good])[0]
    chosen = candidates[rng.random(len(candidates)) < 0.02]
    buyers = [f.idx for f in firms if not f.domestic and f.bg_weight > 0 and not f.planted]
    for d in chosen.tolist():
        if d in planted:
            continue
        buyer = buyers[int(rng.integers(len(buyers)))]
        if firms[buyer].country == firms[int(consignee[d])].country:
            continue
        factor = float(rng.uniform(0.3, 2.5))
        day = int(bl_day[d]) + int(rng.integers(5, 200))
        origin = "CN" if rng.random() < 0.7 else firms[int(consignee[d])].country
        rows.append(
            row(
                int(consignee[d]),
                buyer,
                None,
                day,
                float(gross[d]) * factor,
                max(1, int(packages[d] * factor)),
                int(good[d]),
                origin,
            )
        )
    return rows
