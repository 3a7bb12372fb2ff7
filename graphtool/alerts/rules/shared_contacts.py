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
firm AS (SELECT g.id, f.id AS reg, f.file_id AS reg_src, f.row_no AS reg_row,
                nullif(regexp_replace(f.phone, '[^0-9]', '', 'g'), '') AS phone,
                nullif(lower(split_part(f.email, '@', 2)), '') AS domain,
                nullif(lower(regexp_replace(f.address, '[^[:alnum:]]', '', 'g')), '') AS address
         FROM register g JOIN node_company f ON f.id = g.reg),
officer AS (SELECT src AS person, dst AS company FROM graph_edges WHERE type IN ('OFFICER_OF', 'OWNS', 'CONTROLS')),
pairs AS (SELECT DISTINCT d.link_exported AS exporter, d.link_consigned_to AS consignee FROM node_declaration d
          WHERE d.control_rule IS NOT NULL),
shared AS (
    SELECT p.exporter, p.consignee, any_value(fx.reg) AS exporter_reg, any_value(fc.reg) AS consignee_reg,
           any_value(fc.reg_src) AS consignee_src, any_value(fc.reg_row) AS consignee_row,
           bool_or(fx.phone = fc.phone) AS same_phone,
           bool_or(fx.domain = fc.domain AND fx.domain NOT IN (SELECT unnest($free_mail))) AS same_domain,
           bool_or(fx.address = fc.address) AS same_address,
           bool_or(EXISTS (SELECT 1 FROM officer a JOIN officer b ON a.person = b.person
                           WHERE a.company = fx.reg AND b.company = fc.reg)
                   OR EXISTS (SELECT 1 FROM officer o WHERE o.person = fx.reg AND o.company = fc.reg)) AS same_people,
           any_value(fc.phone) AS phone, any_value(fc.domain) AS domain
    FROM pairs p JOIN firm fx ON fx.id = p.exporter JOIN firm fc ON fc.id = p.consignee
    WHERE fx.reg <> fc.reg
    GROUP BY ALL)
SELECT {DECLARATION_SQL}, s.exporter_reg, s.consignee_reg, s.consignee_src, s.consignee_row, s.same_phone,
       s.same_domain, s.same_address, s.same_people, s.phone, s.domain
FROM shared s JOIN node_declaration d ON d.link_exported = s.exporter AND d.link_consigned_to = s.consignee
{PARTIES_SQL}
WHERE d.control_rule IS NOT NULL AND (s.same_phone OR s.same_domain OR s.same_address OR s.same_people)
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
