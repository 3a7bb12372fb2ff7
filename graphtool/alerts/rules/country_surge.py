"""Rule 9, country surge and mirror gap, from country-level trade statistics (table ``trade_stats``).

C1: a partner's monthly imports from China of a controlled HS6 heading average, from the control
date on, ``surge_ratio`` times their mean before it. C2: over the same months the partner reports
``mirror_ratio`` times what China reports exporting to it. The
statistics are a workspace table, not part of the graph, so both backends read them from the
workspace. One alert per partner and heading.
"""

from __future__ import annotations

from typing import Any

from graphtool.alerts.model import Fact, Finding, as_date
from graphtool.alerts.rules import fetch
from graphtool.controls import control_rules
from graphtool.workspace import Workspace


def reference(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Each controlled HS6 heading and the earliest date a licence rule on it took effect."""
    since: dict[str, str] = {}
    for rule in control_rules().rules:
        for code in rule.reference_codes if rule.licence_required else ():
            since[code[:6]] = min(since.get(code[:6], "9999"), str(rule.effective_from))
    return {"headings": sorted(since), "heading_since": [since[h] for h in sorted(since)]}


SQL = """
WITH headings AS (SELECT unnest($headings) AS hs6, CAST(unnest($heading_since) AS DATE) AS since),
monthly AS (SELECT t.*, h.since, CAST(t.month || '-01' AS DATE) AS first_day FROM trade_stats t JOIN headings h USING (hs6)),
windows AS (SELECT *, CASE WHEN first_day < since THEN 'pre' ELSE 'post' END AS part FROM monthly),
imports AS (SELECT reporter, hs6, any_value(since) AS since,
                   avg(kg) FILTER (WHERE part = 'pre') AS pre_kg, avg(kg) FILTER (WHERE part = 'post') AS post_kg,
                   list(struct_pack(file_id, row_no, month) ORDER BY month) FILTER (WHERE part = 'post') AS rows
            FROM windows WHERE partner = 'CN' AND flow = 'import' AND reporter <> 'CN' AND part IS NOT NULL
            GROUP BY ALL),
mirror AS (SELECT partner AS reporter, hs6, avg(kg) FILTER (WHERE part = 'post') AS china_post_kg,
                  avg(kg) FILTER (WHERE part = 'pre') AS china_pre_kg
           FROM windows WHERE reporter = 'CN' AND flow = 'export' AND part IS NOT NULL GROUP BY ALL)
SELECT i.*, m.china_post_kg, m.china_pre_kg FROM imports i LEFT JOIN mirror m USING (reporter, hs6)
WHERE i.pre_kg > 0 AND i.post_kg >= $surge_ratio * i.pre_kg
ORDER BY reporter, hs6
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    out = []
    for r in rows:
        ratio = r["post_kg"] / r["pre_kg"]
        indicators = ["C1"]
        mirror = ""
        if r["china_post_kg"] and r["post_kg"] >= params["mirror_ratio"] * r["china_post_kg"]:
            indicators.append("C2")
            mirror = (
                f", while China reported exporting {r['china_post_kg']:,.0f} kg a month to it "
                f"({r['post_kg'] / r['china_post_kg']:.1f}x less: mirror gap)"
            )
        facts = [
            Fact(
                f"trade_stats:{p['file_id']}:{p['row_no']}",
                "trade_stats",
                f"{r['reporter']} imports of {r['hs6']} from CN, {p['month']}",
                file=p["file_id"],
                row_no=p["row_no"],
            )
            for p in r["rows"]
        ]
        sentence = (
            f"{r['reporter']} imports of HS {r['hs6']} from China averaged {r['post_kg']:,.0f} kg a month from the "
            f"control date {str(r['since'])[:10]} on, {ratio:.1f}x the "
            f"{r['pre_kg']:,.0f} kg before{mirror}: a possible transit route."
        )
        since = as_date(r["since"])
        out.append(
            Finding(
                key=f"{r['reporter']}|{r['hs6']}",
                sentence=sentence,
                indicators=indicators,
                entities=[],
                facts=facts,
                hs_codes=[r["hs6"]],
                dates=[since] if since else [],
                values={
                    "ratio": round(ratio, 2),
                    "pre_kg": r["pre_kg"],
                    "post_kg": r["post_kg"],
                    "china_post_kg": r["china_post_kg"],
                },
            )
        )
    return out
