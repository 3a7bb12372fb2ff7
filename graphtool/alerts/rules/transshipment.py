"""Rule 3a, third-country transshipment: controlled goods go to a consignee in a third country,
which ships goods of the same HS heading and weight onwards within a window (C4), above all to the
exporter's own former direct buyer (B8). One alert per exporter and transit consignee.
"""

from __future__ import annotations

from typing import Any

from graphtool.alerts.model import Fact, Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    controlled,
    dates,
    day_span,
    declaration_fact,
    fetch,
    group,
    kg,
)
from graphtool.workspace import Workspace

SQL = f"""
WITH onward AS (
    SELECT s.id AS shipment, s.file_id AS shipment_src, s.row_no AS shipment_row, s.bl_no, s.date AS shipped,
           s.hs_code AS shipment_hs, s.weight_kg, s.loading_country, s.discharge_country, s.link_shipped AS shipper,
           b.id AS buyer, b.name AS buyer_name, b.name_norm AS buyer_norm, b.country AS buyer_country
    FROM node_shipment s JOIN node_company b ON b.id = s.link_consigned_to
    WHERE s.date IS NOT NULL AND s.weight_kg > 0 AND s.loading_country IS DISTINCT FROM s.discharge_country),
direct AS (
    SELECT DISTINCT d.link_exported AS exporter, c.name_norm, c.country, d.declaration_date AS day
    FROM node_declaration d JOIN node_company c ON c.id = d.link_consigned_to)
SELECT {DECLARATION_SQL}, o.shipment, o.shipment_src, o.shipment_row, o.bl_no, o.shipped, o.shipment_hs,
       o.weight_kg, o.discharge_country, o.buyer, o.buyer_name, o.buyer_country,
       EXISTS (SELECT 1 FROM direct p WHERE p.exporter = d.link_exported AND p.name_norm = o.buyer_norm
               AND p.country IS NOT DISTINCT FROM o.buyer_country AND p.day < d.declaration_date) AS former_buyer
FROM node_declaration d JOIN onward o ON o.shipper = d.link_consigned_to
{PARTIES_SQL}
WHERE d.control_rule IS NOT NULL
  AND o.shipped > d.declaration_date AND o.shipped <= d.declaration_date + to_days(CAST($window_days AS INTEGER))
  AND starts_with(d.hs_code, o.shipment_hs[1:$hs_digits])
  AND abs(o.weight_kg - d.net_kg) <= $weight_tolerance * d.net_kg
  AND o.buyer_country IS DISTINCT FROM c.country
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [r for r in rows if controlled(r, params)]
    out = []
    for (exporter, consignee), matches in group(rows, lambda r: (r["exporter"], r["consignee"])).items():
        indicators, facts, buyers = ["C4"], [], set()
        for r in matches:
            buyers.add(f"{r['buyer_name']} ({r['buyer_country']})")
            facts.append(
                declaration_fact(
                    r, f"{kg(r['net_kg'])} of {r['hs']} to {r['consignee_name']} on {str(r['day'])[:10]}"
                )
            )
            facts.append(
                Fact(
                    r["shipment"],
                    "Shipment",
                    f"B/L {r['bl_no']}: {kg(r['weight_kg'])} of {r['shipment_hs']} shipped on {str(r['shipped'])[:10]} "
                    f"to {r['buyer_name']} ({r['buyer_country']})"
                    + (", the exporter's former direct buyer" if r["former_buyer"] else ""),
                    file=r["shipment_src"],
                    row_no=r["shipment_row"],
                )
            )
            if r["former_buyer"]:
                indicators.append("B8")
        first = matches[0]
        declarations = sorted({r["decl"] for r in matches})
        sentence = (
            f"{first['exporter_name']} exported controlled goods to {first['consignee_name']} ({first['consignee_country']}) "
            f"{len(declarations)} time(s) ({day_span(matches)}), each followed within {params['window_days']} days by an "
            f"onward shipment of the same goods and weight to {', '.join(sorted(buyers))}"
            + (", the exporter's former direct buyer" if "B8" in indicators else "")
            + ": possible transshipment."
        )
        out.append(
            Finding(
                key=f"{exporter}|{consignee}",
                sentence=sentence,
                indicators=indicators,
                entities=[exporter, consignee, *sorted({r["buyer"] for r in matches})],
                declarations=declarations,
                facts=facts,
                hs_codes=[r["hs"] for r in matches],
                dates=dates(matches),
            )
        )
    return out
