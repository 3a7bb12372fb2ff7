"""Declarative column mappings: YAML in, a checked ``Mapping`` out, before the first row is read.

A mapping says which source columns hold which fields (with header aliases and a type), which
values are derived from others, which nodes each row asserts (label, id rules, properties), which
relationships join them and, for non-graph data, which table rows it fills. The format is
documented in ``docs/mappings.md``; every error names the mapping file and the entry at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from graphtool.errors import MappingError
from graphtool.model import Model, load_model

FIELD_TYPES = {
    "string",
    "name",
    "reference",
    "list",
    "choice",
    "bool",
    "int",
    "float",
    "percent",
    "date",
    "partial_date",
    "month",
    "country",
    "hs_code",
    "hs6",
    "uscc",
    "currency",
    "transport_mode",
    "trade_mode",
    "phone",
    "email",
    "declaration_no",
}
# ".accessor" suffixes a property or id may use on a field, and the field types that offer them.
ACCESSORS = {
    "norm": {"string", "name", "reference"},
    "valid": {"uscc"},
    "original": {"phone", "email"},
    "domain": {"email"},
}
FIELD_OPTIONS = {"headers", "type", "required", "choices", "order", "separator"}


@dataclass(frozen=True)
class Field:
    name: str
    headers: tuple[str, ...]
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    order: str = "ymd"  # date order for ambiguous slash dates: ymd, mdy or dmy
    separator: str = ";"  # for list fields


@dataclass(frozen=True)
class Derived:
    name: str
    function: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class IdRule:
    scheme: str
    fields: tuple[str, ...]  # field references; "=X" is the literal X
    hashed: bool = False


@dataclass(frozen=True)
class Entity:
    name: str
    label: str
    ids: tuple[IdRule, ...]
    properties: dict[str, str]  # model property -> field reference
    primary: bool = False
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, allowed values)


@dataclass(frozen=True)
class Relationship:
    type: str
    source: str  # entity name
    target: str
    properties: dict[str, str]
    qualifier: tuple[str, ...] = ()
    primary: bool = False


@dataclass(frozen=True)
class TableFill:
    table: str
    key: tuple[str, ...]
    properties: dict[str, str]


@dataclass(frozen=True)
class Mapping:
    name: str
    description: str
    path: str
    fields: dict[str, Field]
    derived: dict[str, Derived]
    entities: dict[str, Entity]
    relationships: tuple[Relationship, ...]
    tables: tuple[TableFill, ...]


def _fail(path: str, where: str, message: str) -> MappingError:
    return MappingError(f"mapping {path}: {where}: {message}")


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _check_reference(
    path: str, where: str, ref: str, fields: dict[str, Field], derived: dict[str, Derived]
) -> None:
    """A reference is a field, a derived field, ``field.accessor`` or a ``=literal``."""
    if ref.startswith("="):
        return
    base, _, accessor = ref.partition(".")
    if base in derived:
        if accessor:
            raise _fail(path, where, f"derived field {base!r} has no accessor .{accessor}")
        return
    if base not in fields:
        raise _fail(path, where, f"refers to unknown field {base!r}")
    if accessor and fields[base].type not in ACCESSORS.get(accessor, set()):
        raise _fail(path, where, f"field {base!r} of type {fields[base].type} has no accessor .{accessor}")


def parse_mapping(doc: dict[str, Any], path: str, model: Model | None = None) -> Mapping:
    """Check a mapping document against the model; every problem names the mapping and the entry."""
    model = model or load_model()
    if not isinstance(doc, dict) or "fields" not in doc:
        raise _fail(path, "top level", "a mapping needs a 'fields' section")
    unknown = set(doc) - {"name", "description", "fields", "derived", "entities", "relationships", "tables"}
    if unknown:
        raise _fail(path, "top level", f"unknown sections {sorted(unknown)}")

    fields: dict[str, Field] = {}
    for name, spec in (doc.get("fields") or {}).items():
        spec = spec or {}
        bad = set(spec) - FIELD_OPTIONS
        if bad:
            raise _fail(path, f"field {name}", f"unknown options {sorted(bad)}")
        typ = spec.get("type", "string")
        if typ not in FIELD_TYPES:
            raise _fail(
                path, f"field {name}", f"unknown type {typ!r}; known: {', '.join(sorted(FIELD_TYPES))}"
            )
        if typ == "choice" and not spec.get("choices"):
            raise _fail(path, f"field {name}", "a choice field needs 'choices'")
        if spec.get("order", "ymd") not in ("ymd", "mdy", "dmy"):
            raise _fail(path, f"field {name}", "order must be ymd, mdy or dmy")
        headers = (*_as_tuple(spec.get("headers")), name)
        fields[name] = Field(
            name,
            tuple(dict.fromkeys(headers)),
            typ,
            bool(spec.get("required", False)),
            _as_tuple(spec.get("choices")),
            spec.get("order", "ymd"),
            spec.get("separator", ";"),
        )

    from loaders.derive import DERIVATIONS  # the registry of derivation functions

    derived: dict[str, Derived] = {}
    for name, spec in (doc.get("derived") or {}).items():
        if name in fields:
            raise _fail(path, f"derived {name}", "has the same name as a field")
        if spec.get("function") not in DERIVATIONS:
            raise _fail(
                path,
                f"derived {name}",
                f"unknown function {spec.get('function')!r}; known: {', '.join(sorted(DERIVATIONS))}",
            )
        derived[name] = Derived(name, spec["function"], _as_tuple(spec.get("args")))
        for arg in derived[name].args:
            _check_reference(path, f"derived {name}", arg, fields, derived)

    entities: dict[str, Entity] = {}
    for name, spec in (doc.get("entities") or {}).items():
        where = f"entity {name}"
        label = spec.get("label")
        kind = model.nodes.get(label)
        if kind is None:
            raise _fail(path, where, f"unknown label {label!r}; known: {', '.join(sorted(model.nodes))}")
        ids = []
        for rule in spec.get("id") or []:
            ids.append(IdRule(rule["scheme"], _as_tuple(rule["fields"]), bool(rule.get("hash", False))))
            for ref in ids[-1].fields:
                _check_reference(path, where + " id", ref, fields, derived)
        if not ids:
            raise _fail(path, where, "needs at least one id rule")
        props = {str(k): str(v) for k, v in (spec.get("properties") or {}).items()}
        for prop, ref in props.items():
            if prop not in kind.properties:
                raise _fail(path, where, f"{label} has no property {prop!r}")
            _check_reference(path, f"{where}.{prop}", ref, fields, derived)
        when = tuple((f, _as_tuple(v)) for f, v in (spec.get("when") or {}).items())
        for f, _ in when:
            _check_reference(path, where + " when", f, fields, derived)
        entities[name] = Entity(name, label, tuple(ids), props, bool(spec.get("primary", False)), when)

    relationships = []
    for i, spec in enumerate(doc.get("relationships") or [], start=1):
        where = f"relationship {i} ({spec.get('type')})"
        kind = model.relationships.get(spec.get("type"))
        if kind is None:
            raise _fail(path, where, f"unknown type; known: {', '.join(sorted(model.relationships))}")
        for end, allowed in (("from", kind.sources), ("to", kind.targets)):
            ent = entities.get(spec.get(end))
            if ent is None:
                raise _fail(path, where, f"'{end}' names unknown entity {spec.get(end)!r}")
            if ent.label not in allowed:
                raise _fail(
                    path, where, f"'{end}' is a {ent.label}, {kind.type} needs one of {list(allowed)}"
                )
        props = {str(k): str(v) for k, v in (spec.get("properties") or {}).items()}
        for prop, ref in props.items():
            if prop not in kind.properties:
                raise _fail(path, where, f"{kind.type} has no property {prop!r}")
            _check_reference(path, f"{where}.{prop}", ref, fields, derived)
        qualifier = _as_tuple(spec.get("qualifier"))
        for ref in qualifier:
            _check_reference(path, where + " qualifier", ref, fields, derived)
        relationships.append(
            Relationship(
                kind.type, spec["from"], spec["to"], props, qualifier, bool(spec.get("primary", False))
            )
        )

    tables = []
    for name, spec in (doc.get("tables") or {}).items():
        if name not in model.tables:
            raise _fail(path, f"table {name}", f"unknown table; known: {', '.join(sorted(model.tables))}")
        props = {str(k): str(v) for k, v in (spec.get("properties") or {}).items()}
        for prop, ref in props.items():
            if prop not in model.tables[name].properties:
                raise _fail(path, f"table {name}", f"no property {prop!r}")
            _check_reference(path, f"table {name}.{prop}", ref, fields, derived)
        tables.append(TableFill(name, _as_tuple(spec.get("key")), props))

    primaries = [e.name for e in entities.values() if e.primary] + [
        r.type for r in relationships if r.primary
    ]
    if not primaries and not tables:
        raise _fail(
            path, "top level", "mark the entity or relationship each row is about with 'primary: true'"
        )
    if len({e.name for e in entities.values() if e.primary}) > 1:
        raise _fail(path, "top level", "only one entity can be primary")
    return Mapping(
        doc.get("name", Path(path).stem),
        doc.get("description", ""),
        path,
        fields,
        derived,
        entities,
        tuple(relationships),
        tuple(tables),
    )


def read_mapping(path: Path) -> Mapping:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"mapping {path}: cannot read: {exc}") from exc
    return parse_mapping(doc, str(path))


def builtin_mappings() -> dict[str, Mapping]:
    """The mappings shipped in ``loaders/mappings``, by name."""
    found = {}
    for entry in sorted(resources.files("loaders.mappings").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yml"):
            doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
            if "fields" in doc:
                mapping = parse_mapping(doc, f"loaders/mappings/{entry.name}")
                found[mapping.name] = mapping
    return found
