"""Cytoscape JSON (the ``elements`` format read by Cytoscape desktop and Cytoscape.js).

Each element's ``data`` is flat, so every value is a column in Cytoscape: ``id``, ``name`` (the
caption), ``kind`` (the label) or ``type``, the properties, then the provenance fields. The saved
layout, if any, is each node's ``position``.
"""

from __future__ import annotations

import json
from typing import Any

from graphtool.exports import values
from graphtool.subgraph import Edge, Node, Subgraph


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    nodes = []
    for node in values.nodes_sorted(subgraph):
        element: dict[str, Any] = {
            "data": {"id": node.id, "name": node.caption, "kind": node.label} | _data(node)
        }
        if positions and node.id in positions:
            x, y = positions[node.id]
            element["position"] = {"x": x, "y": y}
        nodes.append(element)
    edges = [
        {
            "data": {"id": e.id, "source": e.src, "target": e.dst, "type": e.type, "interaction": e.type}
            | _data(e)
        }
        for e in values.edges_sorted(subgraph)
    ]
    document = {
        "format_version": "1.0",
        "generated_by": "graphtool",
        "elements": {"nodes": nodes, "edges": edges},
    }
    return json.dumps(document, ensure_ascii=False, indent=1, default=values.text).encode("utf-8")


def _data(item: Node | Edge) -> dict[str, Any]:
    return {k: v for k, v in {**item.properties, **values.provenance(item)}.items() if v is not None}
