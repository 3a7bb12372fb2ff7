"""Rule 3b, new consignee surge: a consignee never seen before a control took effect suddenly
receives the newly controlled goods from several exporters within a short window (C5, B12).
One alert per consignee.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from graphtool.alerts.model import Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    controlled,
    dates,
    day_span,
    declaration_fact,
    fetch,
    group,
)
from graphtool.controls import control_rules
from graphtool.workspace import Workspace


def reference(params: dict[str, Any]) -> dict[str, Any]:
    rules = control_rules().rules
    return {"rule_ids": [r.id for r in rules], "rule_starts": [str(r.effective_from) for r in rules]}


SQL = f"""
WITH first_seen AS (SELECT link_consigned_to AS consignee, min(declaration_date) AS first_day
                    FROM node_declaration GROUP BY ALL),
starts AS (SELECT unnest($rule_ids) AS rule, CAST(unnest($rule_starts) AS DATE) AS since)
SELECT {DECLARATION_SQL}, f.first_day, s.since
FROM node_declaration d JOIN first_seen f ON f.consignee = d.link_consigned_to
JOIN starts s ON s.rule = d.control_rule
{PARTIES_SQL}
WHERE f.first_day >= s.since - to_days(CAST($grace_days AS INTEGER))
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def _burst(lines: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    """The largest set of lines within ``window`` days of each other (earliest such set on ties)."""
    best: list[dict[str, Any]] = []
    days = dates(lines)
    for i, start in enumerate(days):
        inside = [r for r, d in zip(lines[i:], days[i:], strict=True) if d <= start + timedelta(days=window)]
        if len(inside) > len(best):
            best = inside
    return best


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [r for r in rows if controlled(r, params)]
    out = []
    for consignee, lines in group(rows, lambda r: r["consignee"]).items():
        burst = _burst(lines, params["window_days"])
        exporters = sorted({r["exporter"] for r in burst})
        if len(burst) < params["min_lines"] or len(exporters) < params["min_exporters"]:
            continue
        first = lines[0]
        facts = [
            declaration_fact(
                r, f"{r['hs']} {r['description'] or ''} from {r['exporter_name']} on {str(r['day'])[:10]}"
            )
            for r in burst
        ]
        sentence = (
            f"{first['consignee_name']} ({first['consignee_country']}), first seen on {str(first['first_day'])[:10]}, "
            f"after the control of {', '.join(sorted({r['control_rule'] for r in burst}))} took effect on "
            f"{str(first['since'])[:10]}, received {len(burst)} controlled line(s) from {len(exporters)} exporters "
            f"within {params['window_days']} days ({day_span(burst)})."
        )
        out.append(
            Finding(
                key=consignee,
                sentence=sentence,
                indicators=["C5", "B12"],
                entities=[consignee, *exporters],
                declarations=[r["decl"] for r in burst],
                facts=facts,
                hs_codes=[r["hs"] for r in burst],
                dates=dates(burst),
            )
        )
    return out
