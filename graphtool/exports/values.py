"""What every export format shares: the property columns of a subgraph, in model order, and
one text form per value type, so a file written here can be read back to the same typed values.

Types come from the model (``schema/model.yaml``): a date is ISO ``YYYY-MM-DD``, a list is a JSON
array, a boolean ``true``/``false``, a number its shortest exact decimal form.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields
from typing import Any

from graphtool.model import load_model
from graphtool.subgraph import Edge, Node, Provenance, Subgraph

PROVENANCE_FIELDS = tuple(f.name for f in fields(Provenance))
Positions = dict[str, tuple[float, float]] | None  # node id -> saved layout (x, y), when a case has one


def node_properties(labels: list[str] | set[str]) -> dict[str, str]:
    """Property name -> type for these labels, in model order (one type per name across labels)."""
    model = load_model()
    merged: dict[str, str] = {}
    for label in sorted(labels, key=list(model.nodes).index):
        merged.update(model.node(label).properties)
    return merged


def edge_properties() -> dict[str, str]:
    return load_model().edge_properties()


def node_types(subgraph: Subgraph) -> dict[str, str]:
    return node_properties({n.label for n in subgraph.nodes.values()})


def nodes_sorted(subgraph: Subgraph) -> list[Node]:
    return [subgraph.nodes[k] for k in sorted(subgraph.nodes)]


def edges_sorted(subgraph: Subgraph) -> list[Edge]:
    return [subgraph.edges[k] for k in sorted(subgraph.edges)]


def text(value: Any) -> str:
    """A value as text ('' for missing), readable back with ``parse``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False, default=str)
    return str(value)


def parse(typ: str, value: str | None) -> Any:
    """The inverse of ``text`` for a model type; '' is missing."""
    if value is None or value == "":
        return None
    return {
        "string": str,
        "string[]": json.loads,
        "date": dt.date.fromisoformat,
        "float": float,
        "int": int,
        "bool": lambda v: v == "true",
    }[typ](value)


def provenance(item: Node | Edge) -> dict[str, Any]:
    return {name: getattr(item.provenance, name) for name in PROVENANCE_FIELDS}
