"""The graph model, read once from ``schema/model.yaml``.

Everything that needs to know which labels, relationship types or properties exist asks
this module: the workspace (table layout), the mappings (validation) and the Cypher layer
(the allow-list that keeps labels and types out of user input).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from graphtool.errors import ModelError

PROPERTY_TYPES = {"string", "string[]", "date", "float", "int", "bool"}

# Columns the workspace adds to every node and relationship row.
PROVENANCE = ("file_id", "row_no", "batch_id")


DERIVED_SUFFIXES = ("_norm", "_valid")


def is_derived(prop: str) -> bool:
    """``name_norm`` and ``uscc_valid`` are computed from ``name`` and ``uscc``: a disagreement
    between sources shows on the source property, so derived ones are not compared again."""
    return prop.endswith(DERIVED_SUFFIXES)


@dataclass(frozen=True)
class NodeKind:
    label: str
    properties: dict[str, str]
    description: str = ""
    links: dict[str, str] = field(default_factory=dict)  # relationship type -> "in" | "out"

    def link_column(self, rel_type: str) -> str:
        return f"link_{rel_type.lower()}"

    @property
    def link_columns(self) -> dict[str, str]:
        """Column name -> relationship type, for the links stored on this label's table."""
        return {self.link_column(t): t for t in self.links}


@dataclass(frozen=True)
class RelationshipKind:
    type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: dict[str, str] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class TableKind:
    name: str
    properties: dict[str, str]
    description: str = ""


@dataclass(frozen=True)
class Model:
    nodes: dict[str, NodeKind]
    relationships: dict[str, RelationshipKind]
    tables: dict[str, TableKind]

    def node(self, label: str) -> NodeKind:
        try:
            return self.nodes[label]
        except KeyError:
            raise ModelError(
                f"unknown node label {label!r}; known: {', '.join(sorted(self.nodes))}"
            ) from None

    def relationship(self, rel_type: str) -> RelationshipKind:
        try:
            return self.relationships[rel_type]
        except KeyError:
            known = ", ".join(sorted(self.relationships))
            raise ModelError(f"unknown relationship type {rel_type!r}; known: {known}") from None

    def edge_properties(self) -> dict[str, str]:
        """Union of all relationship properties: the edges table has one column for each."""
        merged: dict[str, str] = {}
        for kind in self.relationships.values():
            for name, typ in kind.properties.items():
                if merged.setdefault(name, typ) != typ:
                    raise ModelError(f"relationship property {name!r} has two types: {merged[name]}, {typ}")
        return merged


def _check_properties(owner: str, props: dict[str, str]) -> dict[str, str]:
    for name, typ in props.items():
        if typ not in PROPERTY_TYPES:
            raise ModelError(f"{owner}.{name}: unknown property type {typ!r}")
        if name in PROVENANCE or name in ("id", "label", "type", "src", "dst"):
            raise ModelError(f"{owner}.{name}: reserved property name")
    return dict(props)


def parse_model(doc: dict) -> Model:
    """Build and check a model from its YAML document; a dangling reference is an error."""
    nodes = {
        label: NodeKind(
            label,
            _check_properties(label, spec.get("properties") or {}),
            spec.get("description", ""),
            dict(spec.get("links") or {}),
        )
        for label, spec in (doc.get("nodes") or {}).items()
    }
    rels = {}
    for rel_type, spec in (doc.get("relationships") or {}).items():
        ends = (tuple(spec["from"]), tuple(spec["to"]))
        for label in ends[0] + ends[1]:
            if label not in nodes:
                raise ModelError(f"relationship {rel_type} refers to unknown label {label!r}")
        props = _check_properties(rel_type, spec.get("properties") or {})
        rels[rel_type] = RelationshipKind(rel_type, ends[0], ends[1], props, spec.get("description", ""))
    for kind in nodes.values():
        for rel_type, direction in kind.links.items():
            rel = rels.get(rel_type)
            ends = {"out": rel.sources, "in": rel.targets}.get(direction) if rel else None
            if ends is None or kind.label not in ends:
                raise ModelError(
                    f"{kind.label} links {rel_type} {direction}: not a relationship this label has"
                )
    tables = {
        name: TableKind(name, _check_properties(name, spec["properties"]), spec.get("description", ""))
        for name, spec in (doc.get("tables") or {}).items()
    }
    model = Model(nodes, rels, tables)
    model.edge_properties()  # fails early on a property declared with two types
    return model


@cache
def load_model() -> Model:
    text = resources.files("graphtool.schema").joinpath("model.yaml").read_text(encoding="utf-8")
    return parse_model(yaml.safe_load(text))
