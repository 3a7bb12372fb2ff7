"""Rule 6, new or shell exporter: the first controlled shipment comes soon after registration (or
the firm was registered after the control date) (B1), its registered business scope has nothing to
do with the goods (B2), and it is not the producer (B10). One alert per exporter.
"""

from __future__ import annotations

from typing import Any

from graphtool.alerts.model import Fact, Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    control_starts,
    controlled,
    dates,
    day_span,
    declaration_fact,
    fetch,
    group,
)
from graphtool.workspace import Workspace

reference = control_starts  # the engine asks each rule module for ``reference``

SQL = f"""
WITH starts AS (SELECT unnest($rule_ids) AS rule, CAST(unnest($rule_starts) AS DATE) AS since),
controlled AS (SELECT d.*, s.since FROM node_declaration d JOIN starts s ON s.rule = d.control_rule),
firsts AS (SELECT link_exported AS firm, min(declaration_date) AS first_controlled, min(since) AS since
           FROM controlled GROUP BY ALL)
SELECT {DECLARATION_SQL}, x.file_id AS exporter_src, x.row_no AS exporter_row, x.incorporation_date,
       x.business_scope, f.first_controlled, f.since, d.link_produced_by AS producer
FROM controlled d JOIN firsts f ON f.firm = d.link_exported
{PARTIES_SQL}
WHERE x.incorporation_date IS NOT NULL
  AND (f.first_controlled <= x.incorporation_date + to_days(CAST($months * 30 AS INTEGER)) OR x.incorporation_date >= f.since)
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [r for r in rows if controlled(r, params)]
    related = tuple(params["related_scope_words"])
    out = []
    for exporter, lines in group(rows, lambda r: r["exporter"]).items():
        first = lines[0]
        scope = first["business_scope"] or ""
        indicators = ["B1"]
        if scope and not any(word in scope for word in related):
            indicators.append("B2")
        if all(r["producer"] and r["producer"] != exporter for r in lines):
            indicators.append("B10")
        months = (first["first_controlled"] - first["incorporation_date"]).days // 30
        facts = [
            declaration_fact(
                r, f"{r['hs']} {r['description'] or ''} to {r['consignee_name']} on {str(r['day'])[:10]}"
            )
            for r in lines
        ]
        facts.append(
            Fact(
                exporter,
                "Company",
                f"registered {str(first['incorporation_date'])[:10]}; business scope: {scope or 'not given'}",
                file=first["exporter_src"],
                row_no=first["exporter_row"],
            )
        )
        sentence = (
            f"{first['exporter_name']}, registered on {str(first['incorporation_date'])[:10]}, made its first controlled "
            f"export {months} month(s) later ({len(lines)} line(s), {day_span(lines)})"
            + ("; its business scope is unrelated to the goods" if "B2" in indicators else "")
            + ("; it is not the producer" if "B10" in indicators else "")
            + ": a possible shell exporter."
        )
        out.append(
            Finding(
                key=exporter,
                sentence=sentence,
                indicators=indicators,
                entities=[exporter, *sorted({r["consignee"] for r in lines})],
                declarations=[r["decl"] for r in lines],
                facts=facts,
                hs_codes=[r["hs"] for r in lines],
                dates=dates(lines),
            )
        )
    return out
