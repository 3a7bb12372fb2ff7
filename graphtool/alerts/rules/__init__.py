"""One module per detector. Each has ``rows(ws, params)`` (embedded SQL returning the same columns as
``queries/alerts/<rule>.cypher``) and ``findings(rows, params)`` (shared grouping, one finding per
scheme); optionally ``reference(ws, params)`` adds reference data (control codes, screening hits from the
workspace) to the parameters, which both backends then receive.

Provenance columns end in ``_src`` (the workspace's file_id, on both backends) and ``_row``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from graphtool.alerts.model import Fact, as_date
from graphtool.controls import control_rules
from graphtool.workspace import Workspace

# The columns every declaration row carries, as SQL over ``node_declaration d`` (Cypher: same names),
DECLARATION_SQL = """d.id AS decl, d.file_id AS decl_src, d.row_no AS decl_row,
    d.declaration_no AS decl_no, d.declaration_date AS day, d.hs_code AS hs, d.description AS description,
    d.specs AS specs,
    d.net_kg AS net_kg, d.unit_value_usd AS uv, d.value_usd AS value_usd, d.control_rule AS control_rule,
    d.licence_no AS licence_no, d.transport_mode AS transport_mode, d.trade_mode AS trade_mode,
    d.destination_country AS destination, d.link_exported AS exporter, x.name AS exporter_name,
    d.link_consigned_to AS consignee, c.name AS consignee_name, c.country AS consignee_country"""
# ... joined to the exporter and consignee like this:
PARTIES_SQL = """LEFT JOIN node_company x ON x.id = d.link_exported
    LEFT JOIN node_company c ON c.id = d.link_consigned_to"""


def fetch(ws: Workspace, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts; the named ``$parameters`` the SQL uses are taken from ``params``."""
    used = {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", sql)}
    result = ws.con.execute(sql, used)
    names = [c[0] for c in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def declaration_fact(row: dict[str, Any], text: str) -> Fact:
    return Fact(row["decl"], "Declaration", text, file=row["decl_src"], row_no=row["decl_row"])


def node_fact(node_id: str, label: str, text: str, src: Any = None, row_no: int | None = None) -> Fact:
    return Fact(node_id, label, text, file=src, row_no=row_no)


def group(
    rows: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> dict[Any, list[dict[str, Any]]]:
    """Rows grouped by key, groups in key order, rows in (date, declaration) order: stable output."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return {
        k: sorted(v, key=lambda r: (str(r.get("day")), str(r.get("decl"))))
        for k, v in sorted(groups.items(), key=lambda kv: str(kv[0]))
    }


def licensable_codes() -> list[str]:
    """Reference codes of every control rule that needs a licence (any date, any destination)."""
    return sorted(
        {code for rule in control_rules().rules if rule.licence_required for code in rule.reference_codes}
    )


def day_span(rows: list[dict[str, Any]]) -> str:
    days = sorted(str(r["day"])[:10] for r in rows if r.get("day") is not None)
    if not days:
        return ""
    return days[0] if days[0] == days[-1] else f"{days[0]} to {days[-1]}"


def names(rows: list[dict[str, Any]], column: str) -> str:
    return ", ".join(sorted({str(r[column]) for r in rows if r.get(column)}))


def kg(value: float) -> str:
    return f"{value:,.0f} kg" if value >= 10 else f"{value:,.1f} kg"


def dates(rows: list[dict[str, Any]]) -> list[date]:
    return [d for d in (as_date(r.get("day")) for r in rows) if d is not None]


# A party as a register knows it: a company written on a declaration or bill of lading is a node of
# its own (its id is its name and country); the register's record of the same firm (same normalised
# name and country, with register data) supplies its sector, contacts and people. Entity resolution
# (SAME_AS) links the rest.
REGISTER_SQL = """register AS (
    SELECT c.id, coalesce(min(r.id), c.id) AS reg FROM node_company c
    LEFT JOIN node_company r ON r.name_norm = c.name_norm AND r.country IS NOT DISTINCT FROM c.country
         AND r.file_id <> c.file_id AND (r.sector IS NOT NULL OR r.phone IS NOT NULL)
    GROUP BY c.id
    UNION ALL
    SELECT e.src, e.dst FROM graph_edges e WHERE e.type = 'SAME_AS')"""


def controlled(row: dict[str, Any], params: dict[str, Any]) -> bool:
    """A line under a control rule, unless the rule's condition (rules.yaml ``shared.conditions``) fails."""
    condition = params["conditions"].get(row["control_rule"])
    return row["control_rule"] is not None and (
        condition is None or re.search(condition, row.get("specs") or "") is not None
    )


def control_starts(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Reference data for rules that compare dates with each control rule's effective date."""
    rules = control_rules().rules
    return {"rule_ids": [r.id for r in rules], "rule_starts": [str(r.effective_from) for r in rules]}


def densest_window(lines: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    """The largest set of lines within ``window`` days of each other (earliest such set on ties)."""
    best: list[dict[str, Any]] = []
    days = dates(lines)
    for i, start in enumerate(days):
        inside = [r for r, d in zip(lines[i:], days[i:], strict=True) if d <= start + timedelta(days=window)]
        if len(inside) > len(best):
            best = inside
    return best
