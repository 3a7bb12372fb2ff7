"""Test helpers for exports and evidence: a whole small workspace as one Subgraph, and typed
readers that turn exported text back into property values (the inverse the writers promise)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from graphtool.exports import values
from graphtool.model import load_model
from graphtool.subgraph import Edge, Node, Provenance, Subgraph
from graphtool.workspace import Workspace, node_table, q
from loaders import load_file


def load(ws: Workspace, *paths: Path) -> None:
    for path in paths:
        load_file(ws, path)


def whole_graph(ws: Workspace) -> Subgraph:
    """Every node and relationship of a (small) workspace, with provenance naming the source file."""
    files = dict(
        (r[0], (r[1], r[2]))
        for r in ws.con.execute("SELECT file_id, name, sha256 FROM source_files").fetchall()
    )
    graph = Subgraph()

    def prov(file_id, row_no, batch_id) -> Provenance:
        name, sha = files.get(file_id, (None, None))
        return Provenance(file_id, row_no, batch_id, name, sha)

    for label, kind in ws.model.nodes.items():
        props = list(kind.properties)
        cols = ", ".join(q(p) for p in props)
        for row in ws.con.execute(
            f"SELECT id, {cols}, file_id, row_no, batch_id FROM {node_table(label)}"
        ).fetchall():
            data = {k: v for k, v in zip(props, row[1:-3], strict=True) if v is not None}
            graph.add_node(Node(row[0], label, data, prov(*row[-3:])))
    props = list(ws.model.edge_properties())
    cols = ", ".join(q(p) for p in props)
    for row in ws.con.execute(
        f"SELECT id, type, src, dst, {cols}, file_id, row_no, batch_id FROM graph_edges"
    ).fetchall():
        data = {k: v for k, v in zip(props, row[4:-3], strict=True) if v is not None}
        graph.add_edge(Edge(row[0], row[1], row[2], row[3], data, prov(*row[-3:])))
    return graph


def typed(typ: str, value: Any) -> Any:
    """A value as a reader returned it (text, number, datetime) back to the model's type."""
    if value is None or value == "":
        return None
    if typ == "date" and isinstance(value, dt.datetime):
        return value.date()
    if typ in ("float", "int") and not isinstance(value, str):
        return float(value) if typ == "float" else int(value)
    if (typ == "bool" and isinstance(value, bool)) or (typ == "string[]" and isinstance(value, list)):
        return value
    return values.parse(typ, str(value))


def _typed_all(types: dict[str, str], raw: dict[str, Any]) -> dict[str, Any]:
    out = {k: typed(types[k], raw.get(k)) for k in types}
    return {k: v for k, v in out.items() if v is not None}


def typed_node(label: str, raw: dict[str, Any]) -> dict[str, Any]:
    return _typed_all(load_model().node(label).properties, raw)


def typed_edge(raw: dict[str, Any]) -> dict[str, Any]:
    return _typed_all(load_model().edge_properties(), raw)


def typed_provenance(raw: dict[str, Any]) -> Provenance:
    types = {
        "file_id": "int",
        "row_no": "int",
        "batch_id": "int",
        "source_file": "string",
        "sha256": "string",
    }
    return Provenance(**{k: typed(t, raw.get(k)) for k, t in types.items()})


def snapshot(graph: Subgraph) -> tuple[dict, dict]:
    """Nodes and relationships as comparable plain values: what a round trip must keep."""
    nodes = {n.id: (n.label, n.properties, n.provenance) for n in graph.nodes.values()}
    edges = {e.id: (e.type, e.src, e.dst, e.properties, e.provenance) for e in graph.edges.values()}
    return nodes, edges
