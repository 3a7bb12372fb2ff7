"""What GraphML and GEXF share: typed attribute declarations from the model, and XML written as
text, line by line (an element tree of a million elements takes minutes and gigabytes)."""

from __future__ import annotations

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


# One translate table each (C speed): markup characters escaped, characters XML 1.0 cannot hold
# at all (even escaped) shown as U+FFFD; in attributes, line breaks and tabs kept as references.
_NOT_XML = {c: "\ufffd" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]}
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **_NOT_XML})
_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
        **_NOT_XML,
    }
)


def attr(value: str) -> str:
    """A quoted, escaped attribute value."""
    return f'"{value.translate(_ATTR)}"'


def text(value: str) -> str:
    return value.translate(_TEXT)


def element(name: str, attributes: dict[str, str], body: str | None = None) -> str:
    """One element as text: ``<name a="v"/>`` or ``<name a="v">body</name>`` (body already escaped)."""
    attrs = "".join(f" {k}={attr(v)}" for k, v in attributes.items())
    return f"<{name}{attrs}/>" if body is None else f"<{name}{attrs}>{body}</{name}>"


def document(lines: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines) + "\n").encode("utf-8")
