"""Rule 4, structuring: many small parcels of controlled or value-dense goods by postal, express or
e-commerce channels, each just under a round value or weight threshold, to one consignee within a
short window (D1, D2, B12). One alert per consignee.
"""

from __future__ import annotations

from typing import Any

from graphtool.alerts.model import Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    controlled,
    dates,
    day_span,
    declaration_fact,
    densest_window,
    fetch,
    group,
)
from graphtool.workspace import Workspace

SQL = f"""
WITH thresholds AS (SELECT unnest($value_thresholds_usd) AS usd),
weights AS (SELECT unnest($weight_thresholds_kg) AS kg)
SELECT {DECLARATION_SQL}
FROM node_declaration d {PARTIES_SQL}
WHERE (d.transport_mode IN (SELECT unnest($modes)) OR d.trade_mode IN (SELECT unnest($trade_modes)))
  AND (EXISTS (SELECT 1 FROM thresholds t WHERE d.value_usd < t.usd AND d.value_usd >= t.usd * (1 - $under_share))
       OR EXISTS (SELECT 1 FROM weights w WHERE d.net_kg < w.kg AND d.net_kg >= w.kg * (1 - $under_share)))
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [r for r in rows if controlled(r, params) or (r["uv"] or 0) >= params["dense_usd_per_kg"]]
    out = []
    for consignee, lines in group(rows, lambda r: r["consignee"]).items():
        burst = densest_window(lines, params["window_days"])
        if len(burst) < params["min_parcels"]:
            continue
        exporters = sorted({r["exporter"] for r in burst})
        indicators = ["D1", "D2"] + (["B12"] if len(exporters) > 1 else [])
        under_control = [r for r in burst if controlled(r, params)]
        facts = [
            declaration_fact(
                r,
                f"{r['hs']} {r['description'] or ''}: {r['value_usd'] or 0:,.0f} USD, {r['net_kg'] or 0:,.2f} kg "
                f"by mode {r['transport_mode']}/{r['trade_mode']} from {r['exporter_name']}",
            )
            for r in burst
        ]
        sentence = (
            f"{len(burst)} small parcels of controlled or value-dense goods just under round value or weight thresholds went to "
            f"{burst[0]['consignee_name']} ({burst[0]['consignee_country']}) by postal/express/e-commerce channels "
            f"from {len(exporters)} exporter(s) within {params['window_days']} days ({day_span(burst)})"
            + (f", {len(under_control)} of them under controlled codes" if under_control else "")
            + ": possible structuring."
        )
        out.append(
            Finding(
                key=consignee,
                sentence=sentence,
                indicators=indicators,
                entities=[consignee, *exporters],
                declarations=[r["decl"] for r in burst],
                facts=facts,
                hs_codes=[r["hs"] for r in burst],
                dates=dates(burst),
            )
        )
    return out
