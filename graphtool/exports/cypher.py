"""A Cypher script that recreates the subgraph in Neo4j (``cypher-shell -f export.cypher``).

The statements are the ones ``graphtool push`` runs (uniqueness constraints, ``UNWIND … MERGE``),
with the rows written as literals instead of parameters, so running the script twice changes
nothing and the result looks like a pushed graph (provenance as ``source_file``,
``source_sha256``, ``source_row``, ``load_batch``). Labels and types come from the model only;
every value is a literal escaped here (one statement per line, no raw line breaks in strings).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from graphtool.exports import tables, values
from graphtool.model import load_model
from graphtool.neo4j_push import constraint_statements, node_statement, relationship_statement
from graphtool.subgraph import Edge, Node, Subgraph

BATCH = 500  # rows per statement: short enough for any client, few enough statements
ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
NEO4J_PROVENANCE = {
    "source_file": "source_file",
    "sha256": "source_sha256",
    "row_no": "source_row",
    "batch_id": "load_batch",
}


def literal(value: Any) -> str:
    """A Cypher literal for a property value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"toFloat('{value}')"
    if isinstance(value, dt.datetime):
        return f"localdatetime('{value.isoformat()}')"
    if isinstance(value, dt.date):
        return f"date('{value.isoformat()}')"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{k.replace('`', '``')}`: {literal(v)}" for k, v in value.items()) + "}"
    text = "".join(ESCAPES.get(c, f"\\u{ord(c):04x}" if ord(c) < 32 else c) for c in str(value))
    return f"'{text}'"


def props(item: Node | Edge) -> dict[str, Any]:
    """Properties as Neo4j keeps them: missing ones left out, provenance under push's names."""
    out = {k: v for k, v in item.properties.items() if v is not None}
    for name, key in NEO4J_PROVENANCE.items():
        if (value := getattr(item.provenance, name)) is not None:
            out[key] = value
    return out


def _unwind(statement: str, rows: list[dict[str, Any]]) -> list[str]:
    return [
        statement.replace("$rows", literal(rows[start : start + BATCH]), 1) + ";"
        for start in range(0, len(rows), BATCH)
    ]


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    lines = [
        f"// graphtool: {len(subgraph.nodes)} nodes, {len(subgraph.edges)} relationships; "
        "run with cypher-shell -f (idempotent)",
        *(s + ";" for s in constraint_statements(load_model())),
    ]
    for label, nodes in tables.by_label(subgraph).items():
        lines += _unwind(node_statement(label), [{"id": n.id, "props": props(n)} for n in nodes])
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for edge in values.edges_sorted(subgraph):
        ends = (edge.type, _label(subgraph, edge.src), _label(subgraph, edge.dst))
        groups.setdefault(ends, []).append(
            {"id": edge.id, "src": edge.src, "dst": edge.dst, "props": props(edge)}
        )
    for (rel_type, source, target), rows in sorted(groups.items()):
        lines += _unwind(relationship_statement(rel_type, source, target), rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _label(subgraph: Subgraph, node_id: str) -> str:
    """An end's label: from the subgraph, else from the id (ids start with their label)."""
    node = subgraph.nodes.get(node_id)
    return node.label if node else node_id.split(":", 1)[0]
