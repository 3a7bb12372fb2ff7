"""Background declarations: the ordinary, legitimate trade, generated column-wise with numpy.

Declarations are drawn first (exporter, day, consignee, mode, office ...), then expanded to goods
lines. Controls are respected: after a control date a controlled good is shipped only by an
exporter licensed for it, to a corridor country, never to a forwarder; otherwise the exporter
ships one of its sector's fallback goods. Those licensed lines get licences (grouped per exporter,
buyer, good and half-year), so every background line is legitimate by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphtool.demo.common import SPECS_PER_GOOD, Context, Licence, office_for
from graphtool.demo.vocab import MODES, POST, RAIL, ROAD, SEA, Vocabulary, date_of, day_of

CURRENCIES = ("USD", "CNY", "EUR", "HKD")
YEARS = (2023, 2024, 2025)


@dataclass
class FirmArrays:
    """Per-firm attributes as arrays indexed by firm idx."""

    country: np.ndarray  # country index, -1 for China
    name_ids: np.ndarray  # [firms, 3] declaration name forms (-1 padding)
    name_cum: np.ndarray  # [firms, 3] cumulative weights
    uscc_id: np.ndarray
    region_id: np.ndarray
    forwarder: np.ndarray


def firm_arrays(ctx: Context) -> FirmArrays:
    v, s = ctx.vocab, ctx.strings
    firms = ctx.world.firms
    n = len(firms)
    country = np.full(n, -1, dtype=np.int32)
    name_ids = np.full((n, 3), -1, dtype=np.int32)
    name_cum = np.ones((n, 3))
    uscc_id = np.full(n, -1, dtype=np.int32)
    region_id = np.full(n, -1, dtype=np.int32)
    forwarder = np.zeros(n, dtype=bool)
    for f in firms:
        if not f.domestic:
            country[f.idx] = v.country[f.country].index
        forms = f.decl_names[:3]
        total = sum(w for _, w in forms)
        acc = 0.0
        for k, (text, w) in enumerate(forms):
            name_ids[f.idx, k] = s.id(text)
            acc += w / total
            name_cum[f.idx, k] = acc
        name_cum[f.idx, len(forms) - 1 :] = 1.0
        if f.uscc:
            uscc_id[f.idx] = s.id(f.uscc)
        if f.domestic and f.city in v.cities:
            region_id[f.idx] = s.id(v.cities[f.city].region)
        forwarder[f.idx] = f.sector in ("forwarder", "logistics")
    return FirmArrays(country, name_ids, name_cum, uscc_id, region_id, forwarder)


def pick_form(fa: FirmArrays, firm: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Which written form of each firm's name a declaration uses."""
    k = (u[:, None] > fa.name_cum[firm]).sum(axis=1)
    return fa.name_ids[firm, np.minimum(k, 2)]


def daily_cumulative(vocab: Vocabulary) -> np.ndarray:
    """Cumulative activity weight per day (length days + 1), for inverse-CDF date sampling."""
    cal = vocab.raw["calendar"]
    t = vocab.period_days
    weekday = np.array(cal["weekday_weights"])[(np.arange(t) + date_of(0).weekday()) % 7]
    w = weekday * (1.0 + cal["growth"] * np.arange(t) / t)
    for start, end in cal["holidays"]:
        w[day_of(start) : day_of(end) + 1] *= cal["holiday_weight"]
    return np.concatenate([[0.0], np.cumsum(w)])


def sample_days(rng: np.random.Generator, cum: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    target = cum[start] + rng.random(len(start)) * (cum[end] - cum[start])
    day = np.searchsorted(cum, target, side="right") - 1
    return np.clip(day, start, end - 1).astype(np.int32)


def generate(ctx: Context, fa: FirmArrays, n_lines: int) -> dict[str, np.ndarray]:
    """``n_lines`` background declaration lines as internal columns (see assemble.COLUMNS)."""
    v, rng, world, pools, strings = ctx.vocab, ctx.rng, ctx.world, ctx.pools, ctx.strings
    exporters = [
        f for f in world.firms if f.domestic and f.bg_weight > 0 and f.customers and f.window[1] > f.window[0]
    ]
    n_exp = len(exporters)
    ex_firm = np.array([f.idx for f in exporters], dtype=np.int32)
    win_s = np.array([f.window[0] for f in exporters], dtype=np.int64)
    win_e = np.array([f.window[1] for f in exporters], dtype=np.int64)
    weight = np.array([f.bg_weight for f in exporters]) * (win_e - win_s) / v.period_days
    sector = np.array([v.sector[f.sector_key].index for f in exporters], dtype=np.int32)
    n_cust = np.array([len(f.customers) for f in exporters], dtype=np.int64)
    cust_off = np.concatenate([[0], np.cumsum(n_cust)[:-1]])
    cust_flat = np.array([c for f in exporters for c in f.customers], dtype=np.int32)
    fams = list(v.controls)
    licensed = np.array([[fam in f.licensed for fam in fams] for f in exporters], dtype=bool)
    office_tab = np.array(
        [[office_for(v, f, m, "") for m in range(len(MODES))] for f in exporters], dtype=np.int32
    )
    agents = np.array([ctx.agents(f.idx) for f in exporters], dtype=np.int32)
    main_prod = np.array([f.producer if f.producer is not None else -1 for f in exporters], dtype=np.int32)
    # no controlled goods in a firm's first half-year: that pattern (B1) is kept for planted shells
    seasoned = np.array(
        [(f.incorporated if f.incorporated is not None else -10_000) + 183 for f in exporters]
    )

    # -- declarations ----------------------------------------------------------------------
    probs = np.array(v.raw["lines_per_declaration"])
    probs = probs / probs.sum()
    mean = float((np.arange(1, len(probs) + 1) * probs).sum())
    counts = rng.choice(len(probs), size=int(n_lines / mean * 1.1) + 10, p=probs) + 1
    cum_lines = np.cumsum(counts)
    n_decl = int(np.searchsorted(cum_lines, n_lines)) + 1
    counts = counts[:n_decl]
    counts[-1] -= int(cum_lines[n_decl - 1] - n_lines)

    e = rng.choice(n_exp, size=n_decl, p=weight / weight.sum())
    day = sample_days(rng, daily_cumulative(v), win_s[e], win_e[e])
    k = (n_cust[e] * rng.random(n_decl) ** 1.6).astype(np.int64)
    consignee = cust_flat[cust_off[e] + np.minimum(k, n_cust[e] - 1)]
    ctry = fa.country[consignee]

    mode_probs = np.zeros((len(v.countries), len(MODES)))
    for c in v.countries:
        for m, p in c.modes.items():
            mode_probs[c.index, MODES.index(m)] = p
    boost = np.ones((len(v.sectors), len(MODES)))
    for s in v.sectors:
        boost[s.index, MODES.index("air")] = s.air
        boost[s.index, POST] = s.post
    p = mode_probs[ctry] * boost[sector[e]]
    p /= p.sum(axis=1, keepdims=True)
    mode = np.minimum((rng.random(n_decl)[:, None] > np.cumsum(p, axis=1)).sum(axis=1), len(MODES) - 1)

    tm_keys = list(v.raw["trade_modes"])
    mix = v.raw["trade_mode_mix"]
    mix_keys = list(mix)
    mix_p = np.array([mix[k] for k in mix_keys])
    trade_mode = np.array([tm_keys.index(k) for k in mix_keys])[
        rng.choice(len(mix_keys), n_decl, p=mix_p / mix_p.sum())
    ]
    post = mode == POST
    trade_mode = np.where(post & (rng.random(n_decl) < 0.8), tm_keys.index("ecommerce"), trade_mode)
    trade_mode = np.where(
        post & (trade_mode != tm_keys.index("ecommerce")), tm_keys.index("general"), trade_mode
    )

    road_office = np.array([office_for(v, None, ROAD, c.iso) for c in v.countries], dtype=np.int32)
    rail_office = np.array([office_for(v, None, RAIL, c.iso) for c in v.countries], dtype=np.int32)
    office = office_tab[e, mode]
    office = np.where(mode == ROAD, road_office[ctry], office)
    office = np.where(mode == RAIL, rail_office[ctry], office)
    exit_port = pools.exit_ids[office, mode, rng.integers(0, 2, n_decl)]
    dest_port = pools.dest_ids[ctry, mode, rng.integers(0, 2, n_decl)]

    hk = v.country["HK"].index
    trading = np.where((ctry != hk) & (rng.random(n_decl) < 0.05), hk, ctry)
    hubs = np.array([v.country[h].index for h in ("SG", "HK", "AE")])
    rerouted = (mode == SEA) & (rng.random(n_decl) < 0.03) & ~np.isin(ctry, hubs)
    arrival = np.where(rerouted, hubs[rng.integers(0, len(hubs), n_decl)], ctry)

    inco = v.raw["incoterms"]
    incoterm = rng.choice(len(inco), n_decl, p=np.array(list(inco.values())) / sum(inco.values()))
    cur_p = np.zeros((len(v.countries), len(CURRENCIES)))
    for c in v.countries:
        for cur, q in c.currency.items():
            cur_p[c.index, CURRENCIES.index(cur)] = q
        cur_p[c.index] /= cur_p[c.index].sum()
    currency = (rng.random(n_decl)[:, None] > np.cumsum(cur_p[ctry], axis=1)).sum(axis=1)
    currency = np.minimum(currency, len(CURRENCIES) - 1)

    u = rng.random(n_decl)
    agent = np.where(u < 0.15, ex_firm[e], np.where(u < 0.8, agents[e, 0], agents[e, 1]))
    conveyance = np.full(n_decl, -1, dtype=np.int32)  # index into the mode's conveyance pool
    for m in range(len(MODES)):
        sel = np.nonzero(mode == m)[0]
        if m != POST and len(sel):
            conveyance[sel] = rng.integers(0, len(pools.conv_ids[m]), len(sel))
    export_day = np.minimum(day + rng.integers(0, 4, n_decl), v.period_days - 1)
    exporter_name = pick_form(fa, ex_firm[e], rng.random(n_decl))
    consignee_name = pick_form(fa, consignee, rng.random(n_decl))
    uscc = np.where(rng.random(n_decl) < 0.003, -1, fa.uscc_id[ex_firm[e]])

    # -- lines -----------------------------------------------------------------------------
    decl = np.repeat(np.arange(n_decl, dtype=np.int64), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    line_no = (np.arange(n_lines) - np.repeat(starts, counts) + 1).astype(np.int16)
    el, dayl, ctryl, consl, model = e[decl], day[decl], ctry[decl], consignee[decl], mode[decl]
    secl = sector[el]
    good = np.zeros(n_lines, dtype=np.int32)
    for s in v.sectors:
        sel = np.nonzero(secl == s.index)[0]
        if len(sel):
            ids = np.array([v.good[g].index for g in s.goods])
            w = np.array(s.weights)
            good[sel] = ids[rng.choice(len(ids), len(sel), p=w / w.sum())]

    controlled = np.array([g.controlled for g in v.goods])
    fam_of = np.array([fams.index(g.family) if g.controlled else 0 for g in v.goods])
    start_of = np.array([v.controls[g.family].start if g.controlled else 10**6 for g in v.goods])
    corridor = np.array([[c.iso in v.controls[f].corridor for c in v.countries] for f in fams])
    us = v.country["US"].index
    ban_s = np.array([v.controls[f].us_ban[0] if v.controls[f].us_ban else 10**6 for f in fams])
    ban_e = np.array([v.controls[f].us_ban[1] if v.controls[f].us_ban else 10**6 for f in fams])
    is_ctrl = controlled[good]
    fam = fam_of[good]
    after = is_ctrl & (dayl >= start_of[good])
    banned = (ctryl == us) & (dayl >= ban_s[fam]) & (dayl < ban_e[fam])
    allowed = licensed[el, fam] & corridor[fam, ctryl] & ~banned
    bad = is_ctrl & (fa.forwarder[consl] | (after & ~allowed) | (dayl < seasoned[el]))
    for s in v.sectors:
        sel = np.nonzero(bad & (secl == s.index))[0]
        if len(sel):
            ids = np.array([v.good[g].index for g in s.fallback])
            w = np.array(s.fallback_weights)
            good[sel] = ids[rng.choice(len(ids), len(sel), p=w / w.sum())]
    licensed_line = controlled[good] & (dayl >= start_of[good])

    # quantities, weights, values
    med = np.array([g.qty_median for g in v.goods])[good]
    sig = np.array([g.qty_sigma for g in v.goods])[good]
    pack = np.array([g.pack for g in v.goods])[good]
    size = np.array([v.raw["mode_size"][m] for m in MODES])[model]
    net = np.exp(np.log(med) + sig * rng.standard_normal(n_lines)) * size
    is_post = model == POST
    net = np.where(is_post, rng.uniform(0.3, 30.0, n_lines), net)
    net = np.maximum(net, 0.5)
    packages = np.maximum(1, np.rint(net / pack)).astype(np.int64)
    exact = (~is_post) & (rng.random(n_lines) < 0.6)
    net = np.where(exact, packages * pack, net)
    net = np.where(net >= 1000, np.rint(net), np.where(net >= 10, np.round(net, 1), np.round(net, 2)))
    packages = np.where(is_post, 1, np.maximum(1, np.rint(net / pack))).astype(np.int64)
    g_lo = np.array([g.gross[0] for g in v.goods])[good]
    g_hi = np.array([g.gross[1] for g in v.goods])[good]
    gross = np.round(net * (g_lo + (g_hi - g_lo) * rng.random(n_lines)), 2)
    gross = np.maximum(gross, net)
    lo = v.band_lo[good, dayl]
    hi = v.band_hi[good, dayl]
    unit_value = lo + (hi - lo) * rng.beta(2.0, 2.0, n_lines)
    value_usd = net * unit_value
    cur_l = currency[decl]
    year = np.array([date_of(d).year for d in range(v.period_days)])[dayl] - YEARS[0]
    fx = np.array([[v.fx_rate(c, y) for y in YEARS] for c in CURRENCIES])
    value = np.round(value_usd / fx[cur_l, year], 2)
    spec = pools.spec_ids[good, rng.integers(0, SPECS_PER_GOOD, n_lines)]

    # producers: the exporter itself (smelters, manufacturers) or a producer of the good
    producers = [f for f in world.firms if f.domestic and f.producer == f.idx and not f.planted]
    home: list[list[int]] = []
    for g in v.goods:
        best = max(
            (s for s in v.sectors if s.label in ("smelter", "manufacturer")),
            key=lambda s, g=g: dict(zip(s.goods, s.weights, strict=True)).get(g.key, 0.0),
        )
        pool = [f.idx for f in producers if f.sector_key == best.key] or [f.idx for f in producers]
        home.append(pool)
    prod_cnt = np.array([len(p) for p in home], dtype=np.int64)
    prod_off = np.concatenate([[0], np.cumsum(prod_cnt)[:-1]])
    prod_flat = np.array([x for p in home for x in p], dtype=np.int32)
    pool_pick = prod_flat[prod_off[good] + (rng.random(n_lines) * prod_cnt[good]).astype(np.int64)]
    mainl = main_prod[el]
    producer = np.where((mainl >= 0) & (rng.random(n_lines) < 0.85), mainl, pool_pick)
    source = fa.region_id[producer]

    remarks = np.full(n_lines, -1, dtype=np.int32)
    ree = v.controls["ree"]
    is_ree = np.array([g.family == "ree" for g in v.goods])[good] & (dayl >= ree.start)
    rem = v.raw["remarks"]
    remarks = np.where(is_ree & controlled[good], strings.id(rem["controlled"]), remarks)
    remarks = np.where(is_ree & ~controlled[good], strings.id(rem["not_controlled"]), remarks)

    licence = np.full(n_lines, -1, dtype=np.int32)
    idx = np.nonzero(licensed_line)[0]
    if len(idx):
        licence[idx] = _licences(
            ctx, idx, ex_firm[el[idx]], consl[idx], good[idx], dayl[idx], net[idx], start_of
        )

    return {
        "decl": decl,
        "line": line_no,
        "day": dayl.astype(np.int32),
        "export_day": export_day[decl].astype(np.int32),
        "exporter": ex_firm[el],
        "exporter_name": exporter_name[decl],
        "exporter_uscc": uscc[decl].astype(np.int32),
        "producer": producer.astype(np.int32),
        "agent": agent[decl].astype(np.int32),
        "consignee": consl.astype(np.int32),
        "consignee_name": consignee_name[decl],
        "mode": model.astype(np.int8),
        "trade_mode": trade_mode[decl].astype(np.int8),
        "office": office[decl].astype(np.int16),
        "exit_port": exit_port[decl],
        "dest_port": dest_port[decl],
        "conveyance": conveyance[decl],
        "licence": licence,
        "trading": trading[decl].astype(np.int16),
        "arrival": arrival[decl].astype(np.int16),
        "destination": ctryl.astype(np.int16),
        "incoterm": incoterm[decl].astype(np.int8),
        "currency": cur_l.astype(np.int8),
        "packages": packages,
        "gross": gross,
        "net": net,
        "good": good.astype(np.int16),
        "true_good": good.astype(np.int16),
        "spec": spec,
        "value": value,
        "source": source,
        "remarks": remarks.astype(np.int32),
    }


def _licences(
    ctx: Context,
    idx: np.ndarray,
    holder: np.ndarray,
    consignee: np.ndarray,
    good: np.ndarray,
    day: np.ndarray,
    net: np.ndarray,
    start_of: np.ndarray,
) -> np.ndarray:
    """One licence per exporter, buyer, good and half-year since the control date."""
    v, rng, pools = ctx.vocab, ctx.rng, ctx.pools
    bucket = (day - start_of[good]) // 182
    key = ((holder.astype(np.int64) * 100_000 + consignee) * 100 + good) * 64 + bucket
    uniq, inv = np.unique(key, return_inverse=True)
    n = len(uniq)
    first_day = np.full(n, 10**6, dtype=np.int64)
    np.minimum.at(first_day, inv, day)
    total = np.zeros(n)
    np.add.at(total, inv, net)
    first_line = np.full(n, len(idx), dtype=np.int64)
    np.minimum.at(first_line, inv, np.arange(len(idx)))
    base = len(pools.licences)
    lead = rng.integers(3, 40, n)
    uplift = rng.uniform(1.05, 1.5, n)
    for gi in range(n):
        j = int(first_line[gi])
        g = v.goods[int(good[j])]
        control = v.controls[g.family]  # type: ignore[index]
        start = max(control.start, int(first_day[gi]) - int(lead[gi]))
        end_user = ctx.world.firms[int(consignee[j])]
        pools.licences.append(
            Licence(
                number=licence_number(ctx, start),
                issued=start,
                valid_from=start,
                valid_to=start + 364,
                holder=int(holder[j]),
                end_user=end_user.idx,
                destination=end_user.country,
                good=g.key,
                quantity_kg=float(np.ceil(total[gi] * uplift[gi] / 100.0) * 100.0),
                end_use=control.end_use[int(rng.integers(len(control.end_use)))],
            )
        )
    return (base + inv).astype(np.int32)


def licence_number(ctx: Context, day: int) -> str:
    """Licence numbers look like DU24 + 7 digits (fictional format)."""
    serial = (len(ctx.pools.licences) * 3_162_277 + 4_071_931) % 10_000_000
    return f"{ctx.vocab.raw['licence_prefix']}{date_of(day).year % 100:02d}{serial:07d}"
