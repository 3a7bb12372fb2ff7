"""ground_truth.json: what was planted, where it is, and what a detector or resolver should find."""

from __future__ import annotations

from typing import Any

from graphtool.demo.bills import Bills
from graphtool.demo.common import Context
from graphtool.demo.declarations import Assembled
from graphtool.demo.entities import World
from graphtool.demo.planted import PDecl, Truth
from graphtool.demo.tradestats import TradeStats
from graphtool.demo.vocab import AIR, SEA, date_of


def entity(world: World, idx: int, role: str) -> dict[str, Any]:
    f = world.firms[idx]
    out: dict[str, Any] = {"key": f.key, "role": role, "name": f.name, "country": f.country}
    if f.domestic:
        out["name_en"] = f.name_en
    if f.uscc:
        out["uscc"] = f.uscc
    if f.registration_no:
        out["registration_no"] = f.registration_no
    return out


def declaration(ctx: Context, asm: Assembled, d: PDecl, flagged_only: bool) -> dict[str, Any]:
    v = ctx.vocab
    di = int(asm.decl_of_key[d.key])
    first = int(asm.decl_starts[di])
    lines = [n for n, line in enumerate(d.lines, start=1) if line.flagged or not flagged_only]
    out: dict[str, Any] = {
        "declaration_no": asm.decl_no[di].as_py(),
        "lines": lines,
        "rows": [first + n for n in lines],  # 1-based data rows of declarations.csv (header excluded)
        "date": date_of(d.day).isoformat(),
        "exporter": ctx.world.firms[d.exporter].key,
        "consignee": ctx.world.firms[d.consignee].key,
        "hs_codes": [v.good[d.lines[n - 1].good].hs for n in lines],
    }
    true = [d.lines[n - 1].true_good for n in lines]
    if any(true):
        out["true_goods"] = [v.good[t].hs if t else None for t in true]
    if d.mode in (SEA, AIR):
        out["bl_no"] = asm.bl_no[di].as_py()
    licences = [d.lines[n - 1].licence for n in lines if d.lines[n - 1].licence >= 0]
    if licences:
        out["licences"] = [ctx.pools.licences[i].number for i in licences]
    return out


def record(ctx: Context, asm: Assembled, t: Truth) -> dict[str, Any]:
    world = ctx.world
    decls = [declaration(ctx, asm, d, True) for d in t.decls]
    out: dict[str, Any] = {
        "id": t.id,
        "typology": t.typology,
        "description": t.description,
        "indicators": t.indicators,
        "entities": [entity(world, i, role) for i, role in t.entities],
        "people": [
            {"key": world.people[i].key, "role": role, "name": world.people[i].name,
             "nationality": world.people[i].nationality}
            for i, role in t.people
        ],
        "declarations": decls,
        "context_declarations": [declaration(ctx, asm, d, False) for d in t.context],
        "bl_numbers": [d["bl_no"] for d in decls if "bl_no" in d] + [o.bl_no for o in t.onward if o.bl_no],
        "onward_bills": [
            {
                "bl_no": o.bl_no,
                "after_declaration_no": asm.decl_no[int(asm.decl_of_key[o.after.key])].as_py(),
                "shipper": world.firms[o.shipper].key,
                "consignee": world.firms[o.consignee].key,
                "days_after": o.days_after,
                "weight_factor": round(o.weight_factor, 3),
                "declared_origin": o.origin,
            }
            for o in t.onward
            if o.bl_no
        ],
        "list_entries": t.list_refs,
        "licences": sorted({ctx.pools.licences[i].number for i in t.licences}),
        "facts": t.facts,
    }  # fmt: skip
    return out


def name_clusters(ctx: Context, list_entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every written form of each real firm (registered, English, declaration and B/L forms, list names)."""
    listed: dict[int, list[str]] = {}
    for e in list_entries:
        if e.get("firm") is not None:
            listed.setdefault(int(e["firm"]), []).extend([e["name"], *e["aliases"]])
    out = []
    for f in ctx.world.firms:
        names = [f.name, f.name_en, *f.aliases, *(n for n, _ in f.decl_names), *(n for n, _ in f.bl_names)]
        names += listed.get(f.idx, [])
        unique = list(dict.fromkeys(n for n in names if n))
        if len(unique) > 1:
            kind = "listed" if f.idx in listed else ("domestic" if f.domestic else "foreign")
            out.append(
                {"entity": f.key, "kind": kind, "country": f.country, "uscc": f.uscc or None, "names": unique}
            )
    return out


def build(
    ctx: Context,
    asm: Assembled,
    bills: Bills,
    trade: TradeStats,
    truths: list[Truth],
    list_entries: list[dict[str, Any]],
    meta: dict[str, Any],
) -> dict[str, Any]:
    del bills
    schemes = [record(ctx, asm, t) for t in truths if not t.decoy]
    decoys = [record(ctx, asm, t) for t in truths if t.decoy]
    for n, s in enumerate(trade.surges, start=1):
        schemes.append(
            {
                "id": f"S-trade_surge-{n:03d}",
                "typology": "trade_surge",
                "description": f"{s['reporter']} imports of HS {s['hs6']} from China rose {s['ratio']}x after "
                f"{s['from']} while China's reported exports did not (mirror gap), and {s['onward']['reporter']} "
                f"imports of it from {s['reporter']} rose too",
                "indicators": ["C1", "C2"],
                "entities": [], "people": [], "declarations": [], "context_declarations": [], "bl_numbers": [],
                "onward_bills": [], "list_entries": [], "licences": [],
                "trade_stats": s,
                "facts": {},
            }
        )  # fmt: skip
    for n, s in enumerate(trade.stable, start=1):
        decoys.append(
            {
                "id": f"D-decoy_stable_partner-{n:03d}",
                "typology": "decoy_stable_partner",
                "description": f"{s['reporter']} imports of HS {s['hs6']} from China without a surge after {s['from']}",
                "indicators": [],
                "entities": [], "people": [], "declarations": [], "context_declarations": [], "bl_numbers": [],
                "onward_bills": [], "list_entries": [], "licences": [],
                "trade_stats": s,
                "facts": {},
            }
        )  # fmt: skip
    distinct = [list(t.facts["distinct_names"]) for t in truths if "distinct_names" in t.facts]
    return {
        **meta,
        "counts": {
            "schemes": _count(schemes),
            "decoys": _count(decoys),
            "flagged_lines": {
                k: sum(len(d["lines"]) for s in schemes if s["typology"] == k for d in s["declarations"])
                for k in _count(schemes)
            },
        },
        "schemes": schemes,
        "decoys": decoys,
        "name_clusters": name_clusters(ctx, list_entries),
        "distinct_names": distinct,
        "bad_rows": asm.bad_rows,
        "invalid_usccs": asm.invalid_usccs,
    }


def _count(records: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in records:
        out[r["typology"]] = out.get(r["typology"], 0) + 1
    return out
