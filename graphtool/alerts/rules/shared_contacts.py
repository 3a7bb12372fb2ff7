"""Rule 5a, shared contacts: an exporter and its foreign consignee of controlled goods share a phone,
an e-mail domain (free-mail excluded), an address, an officer or an owner (B7, B4), which makes a
sale to an "independent" buyer a sale to itself. One alert per exporter and consignee.
"""

from __future__ import annotations

from typing import Any

from graphtool.alerts.model import Fact, Finding
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
contact AS (SELECT e.src AS company, e.dst AS node, e.type, coalesce(p.number, a."full") AS shown
            FROM graph_edges e LEFT JOIN node_phone p ON p.id = e.dst LEFT JOIN node_address a ON a.id = e.dst
            WHERE e.type IN ('HAS_PHONE', 'LOCATED_AT')
            UNION ALL
            SELECT e.src, 'domain:' || m.domain, e.type, m.domain FROM graph_edges e JOIN node_email m ON m.id = e.dst
            WHERE e.type = 'HAS_EMAIL' AND m.domain NOT IN (SELECT unnest($free_mail))),
people AS (SELECT src AS person, dst AS company FROM graph_edges WHERE type IN ('OFFICER_OF', 'OWNS', 'CONTROLS')),
pairs AS (SELECT DISTINCT d.link_exported AS exporter, d.link_consigned_to AS consignee FROM node_declaration d
          WHERE d.control_rule IS NOT NULL),
regs AS (SELECT p.exporter, p.consignee, gx.reg AS xr, gc.reg AS cr FROM pairs p
         JOIN register gx ON gx.id = p.exporter JOIN register gc ON gc.id = p.consignee WHERE gx.reg <> gc.reg),
links AS (SELECT r.exporter, r.consignee, r.xr, r.cr, b.type, min(b.shown) AS shown FROM regs r
          JOIN contact a ON a.company = r.xr JOIN contact b ON b.company = r.cr AND b.node = a.node AND b.type = a.type
          GROUP BY ALL
          UNION ALL
          SELECT r.exporter, r.consignee, r.xr, r.cr, 'PEOPLE', NULL FROM regs r
          WHERE EXISTS (SELECT 1 FROM people a JOIN people b ON a.person = b.person WHERE a.company = r.xr AND b.company = r.cr)
             OR EXISTS (SELECT 1 FROM people o WHERE o.person = r.xr AND o.company = r.cr)),
shared AS (SELECT exporter, consignee, min(xr) AS exporter_reg, min(cr) AS consignee_reg,
                  min(shown) FILTER (WHERE type = 'HAS_PHONE') AS phone, min(shown) FILTER (WHERE type = 'HAS_EMAIL') AS domain,
                  bool_or(type = 'HAS_PHONE') AS same_phone, bool_or(type = 'HAS_EMAIL') AS same_domain,
                  bool_or(type = 'LOCATED_AT') AS same_address, bool_or(type = 'PEOPLE') AS same_people
           FROM links GROUP BY ALL)
SELECT {DECLARATION_SQL}, s.exporter_reg, s.consignee_reg, f.file_id AS consignee_src, f.row_no AS consignee_row,
       s.same_phone, s.same_domain, s.same_address, s.same_people, s.phone, s.domain
FROM shared s JOIN node_declaration d ON d.link_exported = s.exporter AND d.link_consigned_to = s.consignee
JOIN node_company f ON f.id = s.consignee_reg
{PARTIES_SQL}
WHERE d.control_rule IS NOT NULL
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [r for r in rows if controlled(r, params)]
    out = []
    for (exporter, consignee), lines in group(rows, lambda r: (r["exporter"], r["consignee"])).items():
        first = lines[0]
        shared = [
            label
            for label, column in (
                (f"phone {first['phone']}", "same_phone"),
                (f"e-mail domain {first['domain']}", "same_domain"),
                ("address", "same_address"),
                ("officers or owners", "same_people"),
            )
            if first[column]
        ]
        indicators = ["B7"] + (["B4"] if first["same_address"] else [])
        facts = [
            declaration_fact(r, f"{r['hs']} {r['description'] or ''} on {str(r['day'])[:10]}") for r in lines
        ]
        facts.append(
            Fact(
                first["consignee_reg"],
                "Company",
                f"register record of the consignee: shares {', '.join(shared)}",
                file=first["consignee_src"],
                row_no=first["consignee_row"],
            )
        )
        sentence = (
            f"{first['exporter_name']} shipped controlled goods {len(lines)} time(s) ({day_span(lines)}) to "
            f"{first['consignee_name']} ({first['consignee_country']}), which shares its {', '.join(shared)}: "
            f"a related party presented as an independent buyer."
        )
        out.append(
            Finding(
                key=f"{exporter}|{consignee}",
                sentence=sentence,
                indicators=indicators,
                entities=[exporter, consignee, first["exporter_reg"], first["consignee_reg"]],
                declarations=[r["decl"] for r in lines],
                facts=facts,
                hs_codes=[r["hs"] for r in lines],
                dates=dates(lines),
            )
        )
    return out
