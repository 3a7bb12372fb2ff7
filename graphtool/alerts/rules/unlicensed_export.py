"""Rule 2, controlled goods without a licence or beyond it.

A1: a line whose code, date and destination fall under a control rule in force (the load computed
``control_rule`` from controls.yaml) carries no licence number. F1: the licence names another
destination country or another end user than the consignee. F2: the line is dated outside the
licence's validity, or the lines under one licence add up to more than its quantity. Rules that
control only some goods under a code (NdFeB magnets with Dy/Tb) need their condition in the
declared composition or grade (``conditions``). One alert per exporter and consignee.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
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
from graphtool.controls import control_rules
from graphtool.normalise.text import name_norm
from graphtool.workspace import Workspace

SQL = f"""
SELECT {DECLARATION_SQL}, l.id AS licence, l.file_id AS licence_src, l.row_no AS licence_row,
       l.valid_from AS licence_from, l.valid_to AS licence_to, l.quantity_kg AS licence_kg,
       l.destination_country AS licence_country, l.end_user_name AS licence_end_user
FROM node_declaration d LEFT JOIN node_licence l ON l.id = d.link_under_licence
{PARTIES_SQL}
WHERE d.control_rule IS NOT NULL
"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch(ws, SQL, params)


_norm = cache(name_norm)


def _licence_flags(lines: list[dict[str, Any]], tolerance: float) -> dict[str, list[str]]:
    """Per declaration, what is wrong with its licence (F1, F2 reasons)."""
    flags: dict[str, list[str]] = defaultdict(list)
    used: dict[str, float] = defaultdict(float)
    for r in sorted(lines, key=lambda r: (str(r["day"]), r["decl"])):
        if not r["licence"]:
            continue
        if r["licence_country"] and r["destination"] and r["licence_country"] != r["destination"]:
            flags[r["decl"]].append(f"F1: licence for {r['licence_country']}, goods to {r['destination']}")
        if r["licence_end_user"] and _norm(r["licence_end_user"]) != _norm(r["consignee_name"] or ""):
            flags[r["decl"]].append(
                f"F1: licence end user {r['licence_end_user']}, consignee {r['consignee_name']}"
            )
        day = str(r["day"])[:10]
        if (
            r["licence_from"]
            and r["licence_to"]
            and not str(r["licence_from"])[:10] <= day <= str(r["licence_to"])[:10]
        ):
            flags[r["decl"]].append(
                f"F2: dated {day}, licence valid {str(r['licence_from'])[:10]} to {str(r['licence_to'])[:10]}"
            )
        used[r["licence"]] += r["net_kg"] or 0.0
        if r["licence_kg"] and used[r["licence"]] > r["licence_kg"] * (1 + tolerance):
            flags[r["decl"]].append(
                f"F2: {kg(used[r['licence']])} shipped under a licence for {kg(r['licence_kg'])}"
            )
    return flags


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    kinds = {rule.id: rule.kind for rule in control_rules().rules}
    applicable = [r for r in rows if controlled(r, params)]
    flags = _licence_flags(applicable, params["quantity_tolerance"])
    out = []
    for (exporter, consignee), lines in group(applicable, lambda r: (r["exporter"], r["consignee"])).items():
        flagged = [r for r in lines if not r["licence_no"] or flags.get(r["decl"])]
        if not flagged:
            continue
        indicators, facts = [], []
        for r in flagged:
            if not r["licence_no"]:
                indicators.append("A1")
                ban = (
                    " (exports of it to this destination are in principle not licensed)"
                    if kinds.get(r["control_rule"]) == "ban"
                    else ""
                )
                facts.append(
                    declaration_fact(
                        r,
                        f"{r['hs']} {r['description'] or ''} under rule {r['control_rule']}, no licence{ban}",
                    )
                )
            else:
                reasons = flags[r["decl"]]
                indicators += [reason[:2] for reason in reasons]
                facts.append(
                    declaration_fact(r, f"{r['hs']} under licence {r['licence_no']}: " + "; ".join(reasons))
                )
                facts.append(
                    Fact(
                        r["licence"],
                        "Licence",
                        f"licence {r['licence_no']}",
                        file=r["licence_src"],
                        row_no=r["licence_row"],
                    )
                )
        rules = sorted({r["control_rule"] for r in flagged})
        missing = sum(1 for r in flagged if not r["licence_no"])
        what = []
        if missing:
            what.append(f"{missing} without a licence")
        if len(flagged) > missing:
            what.append(
                f"{len(flagged) - missing} beyond their licence (destination, end user, validity or quantity)"
            )
        sentence = (
            f"{flagged[0]['exporter_name']} exported controlled goods ({', '.join(rules)}) to "
            f"{flagged[0]['consignee_name']} ({flagged[0]['destination'] or '?'}, {day_span(flagged)}): "
            f"{' and '.join(what)}."
        )
        out.append(
            Finding(
                key=f"{exporter}|{consignee}",
                sentence=sentence,
                indicators=indicators,
                entities=[exporter, consignee],
                declarations=[r["decl"] for r in flagged],
                facts=facts,
                hs_codes=[r["hs"] for r in flagged],
                dates=dates(flagged),
            )
        )
    return out
