"""An alert's evidence as a ``Subgraph``: its entities, declarations and facts, and every
relationship among them, each with its provenance, read from the workspace."""

from __future__ import annotations

from collections import defaultdict

from graphtool.alerts.model import Alert
from graphtool.subgraph import Edge, Node, Provenance, Subgraph
from graphtool.workspace import Workspace, node_table, q

PROVENANCE = ("file_id", "row_no", "batch_id")


def _endpoints(edge_id: str) -> tuple[str, str]:
    """Relationship ids are ``TYPE:src>dst[#qualifier]`` (graphtool.ids.edge_id)."""
    body = edge_id.split(":", 1)[1].split("#", 1)[0]
    src, _, dst = body.partition(">")
    return src, dst


def node_ids(ws: Workspace, alert: Alert) -> set[str]:
    ids = set(alert.entities) | set(alert.declarations)
    for fact in alert.facts:
        if fact.label in ws.model.nodes:
            ids.add(fact.id)
        elif ">" in fact.id:
            ids.update(_endpoints(fact.id))
    return ids


def nodes(ws: Workspace, ids: set[str]) -> list[Node]:
    """The nodes with these ids (ids of unknown labels are skipped), with their properties."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for node_id in ids:
        label = node_id.split(":", 1)[0]
        if label in ws.model.nodes:
            by_label[label].append(node_id)
    out = []
    for label, wanted in sorted(by_label.items()):
        props = list(ws.model.node(label).properties)
        columns = ", ".join(q(p) for p in props)
        rows = ws.con.execute(
            f"SELECT id, {columns}, file_id, row_no, batch_id FROM {node_table(label)} "
            "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [wanted],
        ).fetchall()
        for row in rows:
            values = dict(zip(props, row[1 : 1 + len(props)], strict=True))
            out.append(
                Node(row[0], label, {k: v for k, v in values.items() if v is not None}, Provenance(*row[-3:]))
            )
    return out


def subgraph(ws: Workspace, alert: Alert) -> Subgraph:
    graph = Subgraph()
    ids = node_ids(ws, alert)
    for node in nodes(ws, ids):
        graph.add_node(node)
    props = list(ws.model.edge_properties())
    columns = ", ".join(q(p) for p in props)
    rows = ws.con.execute(
        f"""SELECT id, type, src, dst, {columns}, file_id, row_no, batch_id FROM graph_edges
            WHERE src IN (SELECT unnest($ids::VARCHAR[])) AND dst IN (SELECT unnest($ids::VARCHAR[]))""",
        {"ids": sorted(ids)},
    ).fetchall()
    for row in rows:
        values = dict(zip(props, row[4 : 4 + len(props)], strict=True))
        graph.add_edge(
            Edge(
                row[0],
                row[1],
                row[2],
                row[3],
                {k: v for k, v in values.items() if v is not None},
                Provenance(*row[-3:]),
            )
        )
    return graph
