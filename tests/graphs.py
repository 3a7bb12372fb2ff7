"""Small graphs written straight into a workspace, for the investigation and parity tests.

A graph is a list of nodes ``(label, id, properties)`` and relationships ``(type, src, dst,
properties, qualifier)``; each becomes one source record with its own row, so provenance is real.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from graphtool.workspace import SourceInfo, Workspace
from loaders.staging import RecordBuilder

NodeSpec = tuple[str, str, dict[str, Any]]
EdgeSpec = tuple[str, str, str, dict[str, Any], str]


def write_graph(path: Path, nodes: list[NodeSpec], edges: list[EdgeSpec], name: str = "graph.json") -> Path:
    builder = RecordBuilder()
    row = 0
    for label, node_id, props in nodes:
        row += 1
        builder.row(row, {"node": node_id}).node(label, node_id, props, primary=True)
    for rel_type, src, dst, props, qualifier in edges:
        row += 1
        builder.row(row, {"edge": [rel_type, src, dst, qualifier]}).edge(
            rel_type, src, dst, props, qualifier, primary=True
        )
    digest = hashlib.sha256(json.dumps([nodes, edges], default=str, sort_keys=True).encode()).hexdigest()
    with Workspace.open(path) as ws:
        ws.ingest(builder.build(), SourceInfo(name, name, row, digest, "test", "", "utf-8"))
    return path


def company(key: str, **props: Any) -> NodeSpec:
    return ("Company", f"Company:t:{key}", {"name": f"Firm {key}", **props})


def person(key: str, **props: Any) -> NodeSpec:
    return ("Person", f"Person:t:{key}", {"name": f"Person {key}", **props})


def owns(src: str, dst: str, percent: float | None, qualifier: str = "", **props: Any) -> EdgeSpec:
    return ("OWNS", src, dst, {"percent": percent, **props}, qualifier)
