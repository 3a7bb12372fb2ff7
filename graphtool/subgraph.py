"""A piece of the graph, as investigations return it and exports, cases and the app take it.

One plain structure for both backends, so an answer from the embedded workspace and one from
Neo4j compare with ``==`` once ordered, and every consumer (pages, exports, evidence packs)
reads the same fields. Provenance travels with every node and relationship.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Provenance:
    """Where a fact was asserted: the source file, its row and the load batch."""

    file_id: int | None = None
    row_no: int | None = None
    batch_id: int | None = None
    source_file: str | None = None  # the file's name, and its sha256: what a court checks
    sha256: str | None = None


@dataclass
class Node:
    id: str
    label: str
    properties: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def caption(self) -> str:
        """What a person calls this node: its name, number or address, else its id."""
        for key in ("name", "declaration_no", "bl_no", "licence_no", "full", "number", "address"):
            value = self.properties.get(key)
            if value:
                return str(value)
        return self.id


@dataclass
class Edge:
    id: str
    type: str
    src: str
    dst: str
    properties: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)


@dataclass
class Subgraph:
    """Nodes and relationships keyed by id; ``more`` counts what a cap left out."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)
    more: int = 0

    def add_node(self, node: Node) -> None:
        self.nodes.setdefault(node.id, node)

    def add_edge(self, edge: Edge) -> None:
        self.edges.setdefault(edge.id, edge)

    def merge(self, other: Subgraph) -> Subgraph:
        """This subgraph grown by another (an expanded node, a path added to a case)."""
        for node in other.nodes.values():
            self.add_node(node)
        for edge in other.edges.values():
            self.add_edge(edge)
        self.more += other.more
        return self

    def without(self, node_ids: set[str]) -> Subgraph:
        """A copy with some nodes (and every relationship touching them) removed."""
        return Subgraph(
            nodes={k: v for k, v in self.nodes.items() if k not in node_ids},
            edges={k: e for k, e in self.edges.items() if e.src not in node_ids and e.dst not in node_ids},
            more=self.more,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form, nodes and relationships sorted by id (stable output)."""
        return {
            "nodes": [asdict(self.nodes[k]) for k in sorted(self.nodes)],
            "edges": [asdict(self.edges[k]) for k in sorted(self.edges)],
            "more": self.more,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Subgraph:
        graph = cls(more=int(data.get("more", 0)))
        for n in data.get("nodes", []):
            graph.add_node(
                Node(
                    n["id"], n["label"], dict(n.get("properties", {})), Provenance(**n.get("provenance", {}))
                )
            )
        for e in data.get("edges", []):
            graph.add_edge(
                Edge(
                    e["id"],
                    e["type"],
                    e["src"],
                    e["dst"],
                    dict(e.get("properties", {})),
                    Provenance(**e.get("provenance", {})),
                )
            )
        return graph


@dataclass
class Path:
    """One path through the graph: its nodes and relationships in order, and the subgraph they form."""

    node_ids: list[str]
    edge_ids: list[str]
    subgraph: Subgraph = field(default_factory=Subgraph)

    @property
    def hops(self) -> int:
        return len(self.edge_ids)

    def to_dict(self) -> dict[str, Any]:
        return {"node_ids": self.node_ids, "edge_ids": self.edge_ids, "subgraph": self.subgraph.to_dict()}
