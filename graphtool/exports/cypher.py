"""A Cypher script that recreates the subgraph in Neo4j (``cypher-shell -f export.cypher``).

The statements are the ones ``graphtool push`` runs (uniqueness constraints, ``UNWIND … MERGE``),
with the rows written as literals instead of parameters, so running the script twice changes
nothing. Unlike a push, the script is self-contained: it may be run into any server, where the
workspace's file ids mean nothing, so every node and relationship names its file itself
(``source_file``, ``source_sha256``, ``source_row``, ``load_batch``) and every relationship keeps its
``id``. Labels and types come from the model only; every value is a literal escaped here (one
statement per line, no raw line breaks in strings).
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
# the script's provenance properties from our Provenance fields
NEO4J_PROVENANCE = {
    "source_sha256": "sha256",
    "source_file": "source_file",
    "source_row": "row_no",
    "load_batch": "batch_id",
}


def literal(value: Any) -> str:
    """A Cypher literal for a property value."""
    if value is None:
        return "null"
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


def row(head: list[str], item: Node | Edge, names: dict[str, str]) -> list[Any]:
    """A row as push's statements take it: ``head``, each model property (null when missing: not
    set), then provenance in ``NEO4J_PROVENANCE`` order."""
    provenance = [getattr(item.provenance, field) for field in NEO4J_PROVENANCE.values()]
    return [*head, *(item.properties.get(p) for p in names), *provenance]


def _unwind(statement: str, rows: list[list[Any]]) -> list[str]:
    return [
        statement.replace("$rows", literal(rows[start : start + BATCH]), 1) + ";"
        for start in range(0, len(rows), BATCH)
    ]


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    model = load_model()
    lines = [
        f"// graphtool: {len(subgraph.nodes)} nodes, {len(subgraph.edges)} relationships; "
        "run with cypher-shell -f (idempotent)",
        *(s + ";" for s in constraint_statements(model)),
    ]
    for label, nodes in tables.by_label(subgraph).items():
        names = model.node(label).properties
        lines += _unwind(
            node_statement(label, tuple(NEO4J_PROVENANCE)), [row([n.id], n, names) for n in nodes]
        )
    groups: dict[tuple[str, str, str], list[list[Any]]] = {}
    for edge in values.edges_sorted(subgraph):
        ends = (edge.type, _label(subgraph, edge.src), _label(subgraph, edge.dst))
        names = model.relationship(edge.type).properties
        groups.setdefault(ends, []).append(row([edge.id, edge.src, edge.dst], edge, names))
    for (rel_type, source, target), rows in sorted(groups.items()):
        lines += _unwind(
            relationship_statement(rel_type, source, target, provenance=tuple(NEO4J_PROVENANCE)), rows
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _label(subgraph: Subgraph, node_id: str) -> str:
    """An end's label: from the subgraph, else from the id (ids start with their label)."""
    node = subgraph.nodes.get(node_id)
    return node.label if node else node_id.split(":", 1)[0]
