"""Rule 3b, new consignee surge: a consignee never seen before a control took effect suddenly
receives the newly controlled goods from several exporters within a window (C5, B12), or, when
the register says the consignee itself was set up after the control date, in a quick series from
one exporter (surge).
One alert per consignee.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from graphtool.alerts.model import Finding, as_date
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    REGISTER_SQL,
    control_starts,
    controlled,
    dates,
    day_span,
    declaration_fact,
    densest_window,
    fetch,
    group,
)
from graphtool.workspace import Workspace

reference = control_starts  # the engine asks each rule module for ``reference``


SQL = f"""
WITH {REGISTER_SQL},
incorporated AS (SELECT g.id, max(f.incorporation_date) AS incorporated FROM register g
                 JOIN node_company f ON f.id = g.reg GROUP BY ALL),
first_seen AS (SELECT link_consigned_to AS consignee, min(declaration_date) AS first_day
                    FROM node_declaration GROUP BY ALL),
starts AS (SELECT unnest($rule_ids) AS rule, CAST(unnest($rule_starts) AS DATE) AS since)
SELECT {DECLARATION_SQL}, f.first_day, s.since, i.incorporated
FROM node_declaration d JOIN first_seen f ON f.consignee = d.link_consigned_to
LEFT JOIN incorporated i ON i.id = d.link_consigned_to
JOIN starts s ON s.rule = d.control_rule
{PARTIES_SQL}
WHERE f.first_day >= s.since - to_days(CAST($grace_days AS INTEGER))
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def _grace(row: dict[str, Any], params: dict[str, Any]) -> date:
    return as_date(row["since"]) - timedelta(days=params["grace_days"])


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [r for r in rows if controlled(r, params)]
    out = []
    for consignee, lines in group(rows, lambda r: r["consignee"]).items():
        burst = densest_window(lines, params["window_days"])
        exporters = sorted({r["exporter"] for r in burst})
        if len(burst) >= params["min_lines"] and len(exporters) >= params["min_exporters"]:
            indicators, window = ["C5", "B12"], params["window_days"]
        else:
            burst = densest_window(lines, params["surge_days"])
            exporters = sorted({r["exporter"] for r in burst})
            registered = lines[0]["incorporated"]
            if (
                len(burst) < params["min_lines"]
                or registered is None
                or registered < _grace(lines[0], params)
            ):
                continue
            indicators, window = ["C5", "surge"], params["surge_days"]
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
            f"within {window} days ({day_span(burst)})."
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
