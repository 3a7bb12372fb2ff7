"""Rule 1, misdeclaration: controlled goods declared under a cheap, uncontrolled code.

A5: a line under an uncontrolled code whose unit value is at least ``value_ratio`` times the median
unit value of all lines under the same 8-digit code (the code's own band, measured on the data), and
where the price bands know it, inside a controlled good's band. A7: after a control date, an exporter
declares the uncontrolled sibling line (same 8 digits) of a controlled code it used before. A3: the
declared composition names a controlled element. One alert per exporter and consignee.
"""

from __future__ import annotations

import re
from typing import Any

from graphtool.alerts.model import Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    dates,
    day_span,
    declaration_fact,
    fetch,
    group,
    licensable_codes,
)
from graphtool.controls import control_rules, price_bands
from graphtool.workspace import Workspace


def reference(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    rules = [r for r in control_rules().rules if r.licence_required]
    codes = licensable_codes()
    return {
        "controlled_codes": codes,
        "controlled_from": [
            min(str(r.effective_from) for r in rules if c in r.reference_codes) for c in codes
        ],
    }


SQL = f"""
WITH codes AS (SELECT code, substr(code, 1, 8) AS h8, since
               FROM (SELECT unnest($controlled_codes) AS code, CAST(unnest($controlled_from) AS DATE) AS since)),
med AS (SELECT substr(hs_code, 1, 8) AS h8, quantile_disc(unit_value_usd, 0.5) AS median_uv, count(*) AS lines
        FROM node_declaration WHERE unit_value_usd > 0 GROUP BY ALL),
used AS (SELECT d.link_exported AS exporter, k.h8, min(k.since) AS since, min(d.declaration_date) AS first_used,
                max(d.declaration_date) AS last_used, min(d.hs_code) AS controlled_hs
         FROM node_declaration d JOIN codes k ON k.h8 = substr(d.hs_code, 1, 8) AND starts_with(d.hs_code, k.code)
         GROUP BY ALL)
SELECT {DECLARATION_SQL}, m.median_uv, m.lines AS code_lines,
       u.controlled_hs AS sibling_of, u.last_used AS sibling_last_used
FROM node_declaration d JOIN med m ON m.h8 = substr(d.hs_code, 1, 8)
LEFT JOIN used u ON u.exporter = d.link_exported AND u.h8 = substr(d.hs_code, 1, 8)
     AND d.declaration_date >= u.since AND u.last_used < u.since
{PARTIES_SQL}
WHERE d.control_rule IS NULL
  AND ((m.lines >= $min_code_lines AND d.unit_value_usd >= $value_ratio * m.median_uv) OR u.exporter IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM codes k WHERE k.h8 = substr(d.hs_code, 1, 8) AND starts_with(d.hs_code, k.code))
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def _controlled_band(uv: float, day: Any, slack: float) -> str | None:
    """The controlled good whose price band (China or abroad, on that day) holds the unit value."""
    bands = price_bands()
    for key in sorted({r.good for r in control_rules().rules if r.good}):
        band = bands.band(key, day)
        if band is None:
            continue
        lows = [v for v in (band.china_low, band.abroad_low) if v is not None]
        highs = [v for v in (band.china_high, band.abroad_high) if v is not None]
        if lows and min(lows) / slack <= uv <= max(highs) * slack:
            return bands.goods[key].name_en
    return None


def _purity(specs: str | None, pattern: re.Pattern[str]) -> float | None:
    found = pattern.search(specs or "")
    return float(found.group(1)) if found else None


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    elements = re.compile(params["composition_pattern"])
    purity_pattern = re.compile(params["purity_pattern"])
    grades = params["sibling_grades"]
    out = []
    for (exporter, consignee), lines in group(rows, lambda r: (r["exporter"], r["consignee"])).items():
        indicators, facts, bands = [], [], set()
        for r in lines:
            ratio = r["uv"] / r["median_uv"] if r["uv"] and r["median_uv"] else 0.0
            parts = []
            if r["code_lines"] >= params["min_code_lines"] and ratio >= params["value_ratio"]:
                indicators.append("A5")
                parts.append(f"{r['uv']:,.2f} USD/kg is {ratio:.0f}x the median of code {r['hs'][:8]}")
                band = _controlled_band(r["uv"], r["day"], params["band_slack"])
                if band:
                    bands.add(band)
                    parts.append(f"inside the band of {band}")
                if r["specs"] and elements.search(r["specs"]):
                    indicators.append("A3")
                    parts.append(f"composition names a controlled element ({r['specs']})")
            if r["sibling_of"]:
                indicators.append("A7")
                parts.append(
                    f"sibling of controlled code {r['sibling_of']} the exporter used until {r['sibling_last_used']}"
                )
                grade = next((g for code, g in grades.items() if r["sibling_of"].startswith(code)), None)
                purity = _purity(r["specs"], purity_pattern)
                if grade is not None and purity is not None and purity >= grade:
                    indicators.append("A3")
                    parts.append(f"declared purity {purity}% meets the controlled grade (>= {grade}%)")
            facts.append(
                declaration_fact(r, f"declared {r['hs']} {r['description'] or ''}: " + "; ".join(parts))
            )
        why = []
        if "A5" in indicators:
            why.append(
                "unit values far above the declared goods' own prices"
                + (f" (in the band of {', '.join(sorted(bands))})" if bands else "")
            )
        if "A7" in indicators:
            why.append("the uncontrolled sibling of a controlled code the exporter used before")
        if "A3" in indicators:
            why.append("a declared composition or grade that is the controlled good's")
        sentence = (
            f"{lines[0]['exporter_name']} declared {len(lines)} line(s) to {lines[0]['consignee_name']} "
            f"({day_span(lines)}) under uncontrolled codes {', '.join(sorted({r['hs'] for r in lines}))} with "
            + " and ".join(why)
            + ": possible misdeclared controlled goods."
        )
        out.append(
            Finding(
                key=f"{exporter}|{consignee}",
                sentence=sentence,
                indicators=indicators,
                entities=[exporter, consignee],
                declarations=[r["decl"] for r in lines],
                facts=facts,
                hs_codes=[r["hs"] for r in lines],
                dates=dates(lines),
            )
        )
    return out
