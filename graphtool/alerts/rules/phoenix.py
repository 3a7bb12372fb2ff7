"""Rule 5b, phoenix firm: a firm registered soon after another one stopped exporting (or was
dissolved) takes over its address, phone or people and its customers. One alert per pair.
"""

from __future__ import annotations

from typing import Any

from graphtool.alerts.model import Fact, Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    dates,
    declaration_fact,
    fetch,
    group,
)
from graphtool.workspace import Workspace

SQL = f"""
WITH activity AS (SELECT link_exported AS firm, min(declaration_date) AS first_day, max(declaration_date) AS last_day
                  FROM node_declaration GROUP BY ALL),
firm AS (SELECT f.id, f.name, f.file_id AS src, f.row_no, f.incorporation_date, f.dissolution_date, a.first_day, a.last_day
         FROM node_company f JOIN activity a ON a.firm = f.id WHERE f.incorporation_date IS NOT NULL),
contact AS (SELECT src AS company, dst AS node, type FROM graph_edges WHERE type IN ('HAS_PHONE', 'LOCATED_AT')),
people AS (SELECT src AS person, dst AS company FROM graph_edges WHERE type = 'OFFICER_OF'),
customers AS (SELECT DISTINCT link_exported AS firm, link_consigned_to AS consignee FROM node_declaration),
pairs AS (
    SELECT o.id AS old_firm, o.name AS old_name, o.src AS old_src, o.row_no AS old_row, o.last_day AS old_last,
           o.dissolution_date AS old_dissolved, n.id AS new_firm, n.name AS new_name, n.src AS new_src,
           n.row_no AS new_row, n.incorporation_date AS new_incorporated,
           EXISTS (SELECT 1 FROM contact a JOIN contact b ON b.node = a.node AND b.type = 'HAS_PHONE'
                   WHERE a.type = 'HAS_PHONE' AND a.company = o.id AND b.company = n.id) AS same_phone,
           EXISTS (SELECT 1 FROM contact a JOIN contact b ON b.node = a.node AND b.type = 'LOCATED_AT'
                   WHERE a.type = 'LOCATED_AT' AND a.company = o.id AND b.company = n.id) AS same_address,
           EXISTS (SELECT 1 FROM people a JOIN people b ON a.person = b.person
                   WHERE a.company = o.id AND b.company = n.id) AS same_people,
           (SELECT count(*) FROM customers x JOIN customers y ON x.consignee = y.consignee
            WHERE x.firm = o.id AND y.firm = n.id) AS shared_customers
    FROM (SELECT DISTINCT a.company AS old_id, b.company AS new_id FROM contact a
          JOIN contact b ON b.node = a.node AND b.type = a.type AND b.company <> a.company) k
    JOIN firm o ON o.id = k.old_id JOIN firm n ON n.id = k.new_id
    WHERE n.incorporation_date > o.last_day - to_days(CAST($before_days AS INTEGER))
      AND n.incorporation_date <= o.last_day + to_days(CAST($after_days AS INTEGER))
      AND n.first_day > o.last_day - to_days(CAST($before_days AS INTEGER)))
SELECT {DECLARATION_SQL}, p.*
FROM pairs p JOIN node_declaration d ON d.link_exported IN (p.old_firm, p.new_firm)
{PARTIES_SQL}
WHERE CAST(p.same_phone AS INTEGER) + CAST(p.same_address AS INTEGER) + CAST(p.same_people AS INTEGER)
      + CAST(p.shared_customers > 0 AS INTEGER) >= $min_shared
  AND d.link_consigned_to IN (SELECT consignee FROM customers WHERE firm = p.old_firm
                              INTERSECT SELECT consignee FROM customers WHERE firm = p.new_firm)
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    out = []
    for (old, new), lines in group(rows, lambda r: (r["old_firm"], r["new_firm"])).items():
        p = lines[0]
        shared = [
            label
            for label, flag in (
                ("address", p["same_address"]),
                ("phone", p["same_phone"]),
                ("officers", p["same_people"]),
            )
            if flag
        ]
        indicators = (
            ["B7"] + (["B4"] if p["same_address"] else []) + (["succession"] if p["shared_customers"] else [])
        )
        stopped = str(p["old_dissolved"] or p["old_last"])[:10]
        facts = [
            declaration_fact(r, f"{r['exporter_name']} to {r['consignee_name']} on {str(r['day'])[:10]}")
            for r in lines
        ]
        facts += [
            Fact(
                old,
                "Company",
                f"last export {str(p['old_last'])[:10]}"
                + (f", dissolved {str(p['old_dissolved'])[:10]}" if p["old_dissolved"] else ""),
                file=p["old_src"],
                row_no=p["old_row"],
            ),
            Fact(
                new,
                "Company",
                f"registered {str(p['new_incorporated'])[:10]}; shares {', '.join(shared)}",
                file=p["new_src"],
                row_no=p["new_row"],
            ),
        ]
        sentence = (
            f"{p['new_name']}, registered on {str(p['new_incorporated'])[:10]} after {p['old_name']} stopped ({stopped}), "
            f"shares its {', '.join(shared)} and took over {p['shared_customers']} of its consignee(s): a possible phoenix firm."
        )
        out.append(
            Finding(
                key=f"{old}|{new}",
                sentence=sentence,
                indicators=indicators,
                entities=[old, new, *sorted({r["consignee"] for r in lines})],
                declarations=[r["decl"] for r in lines],
                facts=facts,
                hs_codes=[r["hs"] for r in lines],
                dates=dates(lines),
            )
        )
    return out
