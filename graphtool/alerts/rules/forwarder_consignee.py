"""Rule 7, forwarder or logistics firm as consignee or end user of controlled goods (B3): the
register gives its sector, or its name says it (freight, logistics, warehousing, 物流, 货运 ...).
One alert per consignee.
"""

from __future__ import annotations

import re
from typing import Any

from graphtool.alerts.model import Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    REGISTER_SQL,
    controlled,
    dates,
    day_span,
    declaration_fact,
    fetch,
    group,
)
from graphtool.workspace import Workspace

SQL = f"""
WITH {REGISTER_SQL},
sector AS (SELECT g.id, max(f.sector) AS sector FROM register g JOIN node_company f ON f.id = g.reg GROUP BY ALL)
SELECT {DECLARATION_SQL}, s.sector AS consignee_sector
FROM node_declaration d LEFT JOIN sector s ON s.id = d.link_consigned_to
{PARTIES_SQL}
WHERE d.control_rule IS NOT NULL
  AND (s.sector IN (SELECT unnest($sectors)) OR regexp_matches(c.name, $name_pattern))
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [r for r in rows if controlled(r, params)]
    pattern = re.compile(params["name_pattern"])
    out = []
    for consignee, lines in group(rows, lambda r: r["consignee"]).items():
        first = lines[0]
        why = (
            f"registered as {first['consignee_sector']}"
            if first["consignee_sector"] in params["sectors"]
            else None
        )
        if why is None and (found := pattern.search(first["consignee_name"] or "")):
            why = f"named as one ({found.group(0).strip()})"
        exporters = sorted({r["exporter"] for r in lines})
        unlicensed = sum(1 for r in lines if not r["licence_no"])
        facts = [
            declaration_fact(
                r,
                f"{r['hs']} {r['description'] or ''} from {r['exporter_name']}"
                + ("" if r["licence_no"] else ", no licence"),
            )
            for r in lines
        ]
        sentence = (
            f"{first['consignee_name']} ({first['consignee_country']}), a forwarding or logistics firm ({why}), is the "
            f"consignee of {len(lines)} line(s) of controlled goods from {len(exporters)} exporter(s) ({day_span(lines)})"
            + (f", {unlicensed} without a licence" if unlicensed else "")
            + ": the real end user is hidden."
        )
        out.append(
            Finding(
                key=consignee,
                sentence=sentence,
                indicators=["B3"] + (["A1"] if unlicensed else []),
                entities=[consignee, *exporters],
                declarations=[r["decl"] for r in lines],
                facts=facts,
                hs_codes=[r["hs"] for r in lines],
                dates=dates(lines),
            )
        )
    return out
