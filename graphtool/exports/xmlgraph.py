"""The attribute declarations GraphML and GEXF both need: one per property, typed from the model."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from graphtool.exports import values
from graphtool.subgraph import Edge, Node, Subgraph

# model type -> (GraphML attr.type, GEXF attribute type); dates and lists travel as text
XML_TYPES = {
    "string": ("string", "string"),
    "string[]": ("string", "string"),
    "date": ("string", "string"),
    "float": ("double", "double"),
    "int": ("long", "long"),
    "bool": ("boolean", "boolean"),
}
PROVENANCE_TYPES = {
    "file_id": "int",
    "row_no": "int",
    "batch_id": "int",
    "source_file": "string",
    "sha256": "string",
}


@dataclass(frozen=True)
class Attribute:
    name: str
    model_type: str

    @property
    def graphml_type(self) -> str:
        return XML_TYPES[self.model_type][0]

    @property
    def gexf_type(self) -> str:
        return XML_TYPES[self.model_type][1]


def node_attributes(subgraph: Subgraph) -> list[Attribute]:
    """``kind`` (the label), then the labels' properties, then provenance."""
    props = values.node_types(subgraph)
    return [Attribute("kind", "string"), *_attributes(props)]


def edge_attributes() -> list[Attribute]:
    return [Attribute("type", "string"), *_attributes(values.edge_properties())]


def _attributes(props: dict[str, str]) -> list[Attribute]:
    provenance = {name: PROVENANCE_TYPES.get(name, "string") for name in values.PROVENANCE_FIELDS}
    return [Attribute(n, t) for n, t in {**props, **provenance}.items()]


def node_values(node: Node) -> dict[str, str]:
    """Attribute name -> text, missing values left out."""
    return _present({"kind": node.label, **node.properties, **values.provenance(node)})


def edge_values(edge: Edge) -> dict[str, str]:
    return _present({"type": edge.type, **edge.properties, **values.provenance(edge)})


def _present(items: dict) -> dict[str, str]:
    return {k: values.text(v) for k, v in items.items() if v is not None}


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
