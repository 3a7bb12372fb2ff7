"""A first, simple search: by id, identifier or name (either script), ranked.

Exact identifiers rank first, then exact normalised names, then prefixes, then names that
contain the query. Fuzzy and transliterated matching arrive with entity resolution.
"""

from __future__ import annotations

from typing import Any

from graphtool.normalise.text import name_norm
from graphtool.workspace import Workspace, node_table

SEARCHABLE = {  # label -> (name column, identifier columns)
    "Company": ("name", ("uscc", "lei", "registration_no")),
    "Person": ("name", ("id_number",)),
    "ListEntry": ("name", ("list_ref",)),
    "Declaration": ("declaration_no", ("declaration_no", "bl_no", "licence_no")),
    "Shipment": ("bl_no", ("bl_no",)),
    "Licence": ("licence_no", ("licence_no",)),
}


def search(ws: Workspace, query: str, limit: int = 20) -> list[dict[str, Any]]:
    query = query.strip()
    if not query:
        return []
    norm = name_norm(query)
    parts = []
    for label, (name_col, id_cols) in SEARCHABLE.items():
        table = node_table(label)
        has_norm = "name_norm" in ws.model.node(label).properties
        ident = " OR ".join([f"{c} = $q" for c in id_cols] + ["id = $q"])
        if has_norm:
            score = f"""CASE WHEN {ident} THEN 1.0 WHEN name_norm = $n THEN 0.95
                        WHEN starts_with(name_norm, $n) THEN 0.8
                        WHEN contains(name_norm, $n) THEN 0.6
                        WHEN list_contains(list_transform(coalesce(aliases, []), lambda a: lower(a)), lower($q)) THEN 0.9
                        ELSE 0 END"""
        else:
            score = f"CASE WHEN {ident} THEN 1.0 WHEN starts_with({name_col}, $q) THEN 0.7 ELSE 0 END"
        country = "country" if "country" in ws.model.node(label).properties else "NULL"
        parts.append(f"""SELECT id, '{label}' AS label, CAST({name_col} AS VARCHAR) AS name,
                         {country} AS country, {score} AS score FROM {table}""")
    sql = f"""SELECT * FROM ({" UNION ALL ".join(parts)}) WHERE score > 0
              ORDER BY score DESC, name, id LIMIT $limit"""
    rows = ws.con.execute(sql, {"q": query, "n": norm, "limit": limit}).fetchall()
    return [dict(zip(("id", "label", "name", "country", "score"), r, strict=True)) for r in rows]
