"""Monthly country-level trade statistics with planted surges (C1) and mirror gaps (C2).

Each reporter's imports from China of the controlled HS6 codes, China's reported exports to it,
and, for the surge partners, the onward imports of the final destination (the US) from them.
Ordinary partners import less from China once a control bites; surge partners import several
times more while China's own export statistics do not show it (the goods left misdeclared).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from graphtool.demo.vocab import Vocabulary, day_of

FIELDS = ("reporter", "partner", "flow", "month", "hs6", "kg", "usd")


@dataclass
class TradeStats:
    table: pa.Table
    surges: list[dict[str, Any]] = field(default_factory=list)
    stable: list[dict[str, Any]] = field(default_factory=list)


def _months(vocab: Vocabulary) -> list[tuple[str, int]]:
    start, end = vocab.raw["period"]["start"], vocab.raw["period"]["end"]
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        mid = day_of(start.replace(year=y, month=m, day=15))
        out.append((f"{y}-{m:02d}", mid))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def build(vocab: Vocabulary, rng: np.random.Generator) -> TradeStats:
    cfg = vocab.raw["trade_stats"]
    months = _months(vocab)
    rows: dict[str, list[Any]] = {f: [] for f in FIELDS}
    surge_of = {(s["reporter"], code): s for s in cfg["surges"] for code in s["codes"]}
    factors = {
        (s["reporter"], code): float(rng.uniform(*s["factor"])) for s in cfg["surges"] for code in s["codes"]
    }
    lo_f, hi_f = cfg["post_control_factor"]
    out = TradeStats(pa.table({}))
    series: dict[tuple[str, str, str, str], list[float]] = {}

    def add(reporter: str, partner: str, flow: str, month: str, hs6: str, kg: float, price: float) -> None:
        kg = round(max(kg, 0.0), 0)
        rows["reporter"].append(reporter)
        rows["partner"].append(partner)
        rows["flow"].append(flow)
        rows["month"].append(month)
        rows["hs6"].append(hs6)
        rows["kg"].append(kg)
        rows["usd"].append(round(kg * price * float(rng.uniform(0.9, 1.1)), 0))
        series.setdefault((reporter, partner, flow, hs6), []).append(kg)

    for hs6, code in cfg["codes"].items():
        good = vocab.good[code["good"]]
        control = vocab.controls[good.family] if good.family else None
        for reporter, weight in cfg["reporters"].items():
            base = float(code["kg"]) * float(weight) * float(rng.uniform(0.6, 1.4))
            drop = float(rng.uniform(lo_f, hi_f))
            surge = surge_of.get((reporter, hs6))
            for month, mid in months:
                lo, hi = good.band_at(mid)
                price = (lo + hi) / 2
                level = base * float(np.exp(cfg["noise"] * rng.standard_normal()))
                china_side = level
                if control and mid >= control.start:
                    china_side = level * drop
                    if control.banned(reporter, mid):
                        china_side = level * cfg["us_ban_factor"]
                    level = china_side
                if surge and mid >= day_of(surge["from"]):
                    level = (
                        base * factors[(reporter, hs6)] * float(np.exp(cfg["noise"] * rng.standard_normal()))
                    )
                add(reporter, "CN", "import", month, hs6, level, price)
                mirror = china_side * float(np.exp(cfg["mirror_noise"] * rng.standard_normal()))
                add("CN", reporter, "export", month, hs6, mirror, price)
                if surge:
                    onward = base * 0.05 * float(np.exp(cfg["noise"] * rng.standard_normal()))
                    if mid >= day_of(surge["from"]):
                        onward = level * float(rng.uniform(0.6, 0.9))
                    add(surge["onward_to"], reporter, "import", month, hs6, onward, price * 1.3)
    out.table = pa.table({f: pa.array(rows[f]) for f in FIELDS})

    def ratio(key: tuple[str, str, str, str], start: int) -> tuple[float, float]:
        values = series[key]
        pre = [x for (_, mid), x in zip(months, values, strict=True) if mid < start]
        post = [x for (_, mid), x in zip(months, values, strict=True) if mid >= start]
        return float(np.mean(pre)) if pre else 0.0, float(np.mean(post)) if post else 0.0

    for s in cfg["surges"]:
        start = day_of(s["from"])
        for code in s["codes"]:
            pre, post = ratio((s["reporter"], "CN", "import", code), start)
            cn_pre, cn_post = ratio(("CN", s["reporter"], "export", code), start)
            us_pre, us_post = ratio((s["onward_to"], s["reporter"], "import", code), start)
            out.surges.append(
                {
                    "reporter": s["reporter"], "partner": "CN", "hs6": code, "from": str(s["from"]),
                    "pre_mean_kg": round(pre), "post_mean_kg": round(post), "ratio": round(post / pre, 2),
                    "china_reported_post_mean_kg": round(cn_post), "china_reported_pre_mean_kg": round(cn_pre),
                    "onward": {"reporter": s["onward_to"], "partner": s["reporter"], "pre_mean_kg": round(us_pre),
                               "post_mean_kg": round(us_post)},
                }
            )  # fmt: skip
    seen: set[tuple[str, str]] = set()
    for reporter in cfg["stable"]:
        for s in cfg["surges"]:
            start = day_of(s["from"])
            for code in s["codes"]:
                if (reporter, code) in seen:
                    continue
                seen.add((reporter, code))
                pre, post = ratio((reporter, "CN", "import", code), start)
                out.stable.append(
                    {"reporter": reporter, "partner": "CN", "hs6": code, "from": str(s["from"]),
                     "pre_mean_kg": round(pre), "post_mean_kg": round(post), "ratio": round(post / pre, 2)}
                )  # fmt: skip
    return out
