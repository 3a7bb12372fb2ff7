"""Per-entity summaries the entity page shows: roles, ownership, declarations over time, trading partners.

Set-based SQL on the workspace (one query each, whatever the number of declarations), cached by
workspace version through ``entity_facts``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from graphtool.app import state
from graphtool.workspace import Workspace

TRADE_ROLES = {"EXPORTED": "src", "CONSIGNED_TO": "dst", "PRODUCED_BY": "dst", "DECLARED_BY": "dst"}
PARTNERS = 50


def _rows(ws: Workspace, sql: str, params: dict[str, Any], names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(names, r, strict=True)) for r in ws.con.execute(sql, params).fetchall()]


def roles(ws: Workspace, entity_id: str) -> list[dict[str, Any]]:
    """Relationship types around the entity, by direction, with counts."""
    return _rows(
        ws,
        """SELECT type, CASE WHEN src = $id THEN 'out' ELSE 'in' END, count(*) FROM graph_edges
           WHERE src = $id OR dst = $id GROUP BY 1, 2 ORDER BY 3 DESC""",
        {"id": entity_id},
        ("relationship", "direction", "count"),
    )


def ownership(ws: Workspace, entity_id: str) -> list[dict[str, Any]]:
    """Direct owners and holdings (OWNS both ways) with declared percentages and dates."""
    return _rows(
        ws,
        """SELECT CASE WHEN dst = $id THEN 'up' ELSE 'down' END, CASE WHEN dst = $id THEN src ELSE dst END,
                  percent, CAST(start_date AS VARCHAR), CAST(end_date AS VARCHAR)
           FROM graph_edges WHERE type = 'OWNS' AND (src = $id OR dst = $id) ORDER BY percent DESC NULLS LAST""",
        {"id": entity_id},
        ("direction", "other", "percent", "start_date", "end_date"),
    )


def _mine(entity_id: str) -> str:
    parts = [
        f"SELECT {'dst' if end == 'src' else 'src'} AS decl, '{kind}' AS role FROM graph_edges "
        f"WHERE type = '{kind}' AND {end} = $id"
        for kind, end in TRADE_ROLES.items()
    ]
    return " UNION ALL ".join(parts)


def timeline(ws: Workspace, entity_id: str) -> list[dict[str, Any]]:
    """Declaration lines per month and role (exporter, consignee, producer, agent), with USD value."""
    return _rows(
        ws,
        f"""WITH mine AS ({_mine(entity_id)})
            SELECT CAST(date_trunc('month', d.declaration_date) AS DATE), m.role, count(*), sum(d.value_usd)
            FROM mine m JOIN node_declaration d ON d.id = m.decl
            WHERE d.declaration_date IS NOT NULL GROUP BY 1, 2 ORDER BY 1""",
        {"id": entity_id},
        ("month", "role", "lines", "value_usd"),
    )


def partners(ws: Workspace, entity_id: str) -> list[dict[str, Any]]:
    """The other exporters and consignees on this entity's declarations, by value, with their HS codes."""
    return _rows(
        ws,
        f"""WITH mine AS ({_mine(entity_id)}),
            others AS (
              SELECT g.dst AS decl, g.src AS party FROM graph_edges g
              WHERE g.type = 'EXPORTED' AND g.dst IN (SELECT decl FROM mine)
              UNION ALL
              SELECT g.src, g.dst FROM graph_edges g
              WHERE g.type = 'CONSIGNED_TO' AND g.src IN (SELECT decl FROM mine))
            SELECT o.party, count(DISTINCT d.id), sum(d.value_usd),
                   array_to_string(list_sort(list(DISTINCT substr(d.hs_code, 1, 6))), ', ')
            FROM others o JOIN node_declaration d ON d.id = o.decl
            WHERE o.party <> $id GROUP BY 1 ORDER BY 3 DESC NULLS LAST LIMIT {PARTNERS}""",
        {"id": entity_id},
        ("other", "lines", "value_usd", "goods"),
    )


def same_as(ws: Workspace, entity_id: str) -> list[dict[str, Any]]:
    """Records resolved into (or with) this entity, with the score and features that matched."""
    return _rows(
        ws,
        """SELECT CASE WHEN src = $id THEN dst ELSE src END, score, features, decided_by FROM graph_edges
           WHERE type = 'SAME_AS' AND (src = $id OR dst = $id) ORDER BY score DESC NULLS LAST""",
        {"id": entity_id},
        ("other", "score", "features", "decided_by"),
    )


FACTS = {
    "roles": roles,
    "ownership": ownership,
    "timeline": timeline,
    "partners": partners,
    "same_as": same_as,
}


@st.cache_data(show_spinner=False, max_entries=128)
def _facts(version: Any, entity_id: str) -> dict[str, list[dict[str, Any]]]:
    return state.with_workspace(lambda ws: {name: fn(ws, entity_id) for name, fn in FACTS.items()})


def entity_facts(entity_id: str) -> dict[str, list[dict[str, Any]]]:
    return _facts(state.version(), entity_id)
