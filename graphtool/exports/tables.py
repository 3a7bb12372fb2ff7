"""A subgraph as rows: the shape the CSV and Excel exports share.

Nodes: ``id``, ``label``, ``caption``, every property of the labels present, provenance.
Relationships: ``id``, ``type``, ``src``, ``dst``, every relationship property, provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphtool.exports import values
from graphtool.model import load_model
from graphtool.subgraph import Edge, Node, Subgraph

NODE_HEAD = ("id", "label", "caption")
EDGE_HEAD = ("id", "type", "src", "dst")


def node_header(labels: Iterable[str]) -> list[str]:
    return [*NODE_HEAD, *values.node_properties(set(labels)), *values.PROVENANCE_FIELDS]


def edge_header(rel_types: Iterable[str]) -> list[str]:
    """Only the properties these relationship types have (model order)."""
    wanted = {p for t in rel_types for p in load_model().relationship(t).properties}
    return [*EDGE_HEAD, *(p for p in values.edge_properties() if p in wanted), *values.PROVENANCE_FIELDS]


def node_row(node: Node, header: list[str]) -> list[Any]:
    data = {"id": node.id, "label": node.label, "caption": node.caption, **node.properties}
    data |= values.provenance(node)
    return [data.get(column) for column in header]


def edge_row(edge: Edge, header: list[str]) -> list[Any]:
    data = {"id": edge.id, "type": edge.type, "src": edge.src, "dst": edge.dst, **edge.properties}
    data |= values.provenance(edge)
    return [data.get(column) for column in header]


def by_label(subgraph: Subgraph) -> dict[str, list[Node]]:
    groups: dict[str, list[Node]] = {}
    for node in values.nodes_sorted(subgraph):
        groups.setdefault(node.label, []).append(node)
    return groups


def by_type(subgraph: Subgraph) -> dict[str, list[Edge]]:
    groups: dict[str, list[Edge]] = {}
    for edge in values.edges_sorted(subgraph):
        groups.setdefault(edge.type, []).append(edge)
    return groups
