"""Tabular sources (CSV, TSV, XLSX) read through a declarative mapping into staged batches.

Reading (``loaders.reading``) gives slices of rows as text cells; staging normalises every field
column-wise, sends rows with any problem to quarantine with every reason, and turns the entities
and relationships of the remaining rows into Arrow tables for the workspace.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from graphtool.errors import MappingError
from graphtool.ids import key_hash
from graphtool.model import Model, load_model
from loaders import fields as F
from loaders.derive import DERIVATIONS
from loaders.mapping import Entity, Field, Mapping, Relationship
from loaders.reading import DelimitedSource, SourceSlice, TableSource, header_key, raw_cells
from loaders.staging import (
    PRIMARY_SCHEMA,
    QUARANTINE_SCHEMA,
    Reason,
    Staged,
    edge_schema,
    node_schema,
    record_hashes,
    table_schema,
)


def resolve_columns(mapping: Mapping, headers: list[str], path: Path) -> dict[str, str]:
    """Field -> source header. A missing required field fails the whole file, naming what was found."""
    by_key = {header_key(h): h for h in headers}
    found: dict[str, str] = {}
    for f in mapping.fields.values():
        for alias in f.headers:
            if header_key(alias) in by_key:
                found[f.name] = by_key[header_key(alias)]
                break
    missing = [f for f in mapping.fields.values() if f.required and f.name not in found]
    if missing:
        wanted = "; ".join(f"{f.name} (one of: {', '.join(f.headers)})" for f in missing)
        raise MappingError(
            f"{path}: mapping {mapping.name}: missing required columns: {wanted}. "
            f"Columns found: {', '.join(headers)}"
        )
    return found


def matched_fields(mapping: Mapping, headers: list[str]) -> tuple[int, bool]:
    """How many of the mapping's fields the headers supply, and whether all required ones are there."""
    keys = {header_key(h) for h in headers}
    hits = {f.name for f in mapping.fields.values() if any(header_key(a) in keys for a in f.headers)}
    required = all(f.name in hits for f in mapping.fields.values() if f.required)
    return len(hits), required


def _field_column(f: Field, cells: pa.ChunkedArray) -> F.Column:
    """A source column trimmed (blank cells are null) and normalised once per distinct cell."""
    cells = cells.combine_chunks()
    encoded = cells if pa.types.is_dictionary(cells.type) else pc.dictionary_encode(cells)
    raw = pc.utf8_trim_whitespace(encoded.dictionary)
    raw = pc.if_else(pc.equal(raw, ""), pa.scalar(None, pa.string()), raw)
    column = F.normalise(f, raw)
    column.indices = encoded.indices
    return column


class _Rows:
    """Per-row reasons for rejection, gathered column by column."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.reasons: dict[int, list[Reason]] = {}

    def add_errors(self, errors: pa.Array, header: str, source: pa.Array | None, rule: str) -> None:
        bad = pc.indices_nonzero(pc.is_valid(errors)).to_pylist()
        if not bad:
            return
        messages = errors.take(pa.array(bad)).to_pylist()
        values = source.take(pa.array(bad)).to_pylist() if source is not None else [None] * len(bad)
        for i, message, value in zip(bad, messages, values, strict=True):
            self.reasons.setdefault(i, []).append(Reason(header, value, rule, message))

    def add(self, i: int, reason: Reason) -> None:
        self.reasons.setdefault(i, []).append(reason)

    def good_mask(self) -> pa.Array:
        mask = [True] * self.n
        for i in self.reasons:
            mask[i] = False
        return pa.array(mask, pa.bool_())


class _Resolver:
    """Looks up field references (``field``, ``field.accessor``, ``=literal``) as Arrow columns."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.columns: dict[str, F.Column] = {}

    def get(self, ref: str) -> pa.Array:
        if ref.startswith("="):
            return pa.repeat(pa.scalar(ref[1:]), self.n) if self.n else pa.array([], pa.string())
        base, _, accessor = ref.partition(".")
        column = self.columns.get(base)
        if column is None:  # an optional field whose column is absent from this file
            return pa.nulls(self.n, pa.string())
        return column.accessor(accessor) if accessor else column.row_values


def _entity_ids(entity: Entity, resolve: _Resolver, n: int) -> pa.Array:
    """The first id rule whose fields are all present gives the row's id; otherwise null."""
    ids = pa.nulls(n, pa.string())
    for rule in entity.ids:
        missing = pc.is_null(ids)
        if not pc.any(missing).as_py():
            break  # later rules are fallbacks: nothing left for them to identify
        parts = [pc.cast(resolve.get(ref), pa.string()) for ref in rule.fields]
        present = missing
        for p in parts:
            present = pc.and_(present, pc.is_valid(p))
        where = pc.indices_nonzero(present)
        if len(where) == 0:
            continue
        parts = [p.take(where) for p in parts]
        joined = pc.binary_join_element_wise(*parts, "\x1f") if len(parts) > 1 else parts[0]
        if rule.hashed:
            encoded = pc.dictionary_encode(joined)
            hashed = [key_hash(k.split("\x1f")) for k in encoded.dictionary.to_pylist()]
            key = pa.array(hashed, pa.string()).take(encoded.indices)
        else:
            key = pc.replace_substring(joined, "\x1f", ":")
        found = pc.binary_join_element_wise(pa.scalar(f"{entity.label}:{rule.scheme}"), key, ":")
        ids = pc.replace_with_mask(ids, present, found)
    for field_name, allowed in entity.when:
        ok = pc.is_in(resolve.get(field_name), value_set=pa.array(list(allowed), pa.string()))
        ids = pc.if_else(pc.fill_null(ok, False), ids, pa.scalar(None, pa.string()))
    return ids


def _link_column(mapping: Mapping, primary: str | None, rel: Relationship, model: Model) -> str | None:
    """The link column on the primary entity's table that can hold this relationship, if any."""
    if primary is None or rel.properties or rel.qualifier or rel.primary:
        return None
    kind = model.node(mapping.entities[primary].label)
    direction = "out" if rel.source == primary else "in" if rel.target == primary else None
    if direction is None or kind.links.get(rel.type) != direction:
        return None
    return kind.link_column(rel.type)


def _links(mapping: Mapping, primary: str | None, model: Model) -> dict[str, str]:
    """Link column -> entity whose id it holds, for the relationships of the row's primary entity
    that the model stores on the node (one exporter per declaration line, etc.)."""
    found: dict[str, str] = {}
    for rel in mapping.relationships:
        column = _link_column(mapping, primary, rel, model)
        if column and column not in found:
            found[column] = rel.target if rel.source == primary else rel.source
    return found


def _typed(values: pa.Array, target: pa.DataType, n: int) -> pa.Array:
    if values.type == target:
        return values
    if pa.types.is_null(values.type) or values.null_count == n:
        return pa.nulls(n, target)
    return pc.cast(values, target)


CHUNK_ROWS = 200_000


def stage_chunks(
    source: TableSource | DelimitedSource, mapping: Mapping, path: Path, chunk_rows: int | None = None
) -> Iterator[Staged]:
    """Stage a source in slices of rows, so memory stays bounded whatever the file size. The next
    slice is read and staged in a worker thread while the caller writes the current one (Arrow and
    DuckDB release the GIL, so the two overlap on two cores)."""
    resolve_columns(mapping, source.headers, path)  # a missing column fails before any work
    slices = source.slices(chunk_rows or CHUNK_ROWS)
    model = load_model()

    def stage_next() -> Staged | None:
        part = next(slices, None)
        return None if part is None else stage_table(part, source.headers, mapping, path, model)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(stage_next)
        while (staged := pending.result()) is not None:
            pending = pool.submit(stage_next)
            yield staged
            del staged
            pa.default_memory_pool().release_unused()  # give freed chunk memory back to the system


def stage_table(
    source: SourceSlice, headers: list[str], mapping: Mapping, path: Path, model: Model | None = None
) -> Staged:
    """Normalise, validate and turn a slice of a source into a staged batch; nothing is written."""
    model = model or load_model()
    columns = resolve_columns(mapping, headers, path)
    table, row_no, bad_rows = source.table, source.row_no, source.bad_rows
    n = table.num_rows
    rows = _Rows(n)
    resolve = _Resolver(n)

    for name, header in columns.items():
        f = mapping.fields[name]
        column = _field_column(f, table.column(header))
        resolve.columns[name] = column
        if column.errors.null_count < len(column.errors):
            rows.add_errors(column.rows(column.errors), header, column.rows(column.source), f.type)
        if f.required:
            missing = pc.fill_null(column.rows(pc.is_null(column.source)), True)
            for i in pc.indices_nonzero(missing).to_pylist():
                rows.add(i, Reason(header, None, "required", "required value is missing"))

    for name, d in mapping.derived.items():
        values, errors = DERIVATIONS[d.function](*[resolve.get(a) for a in d.args])
        resolve.columns[name] = F.Column(values, errors if errors is not None else pa.nulls(n, pa.string()))
        if errors is not None:
            rows.add_errors(errors, name, None, d.function)

    entity_ids = {name: _entity_ids(e, resolve, n) for name, e in mapping.entities.items()}
    for name, e in mapping.entities.items():
        if e.primary:
            missing = pc.indices_nonzero(pc.is_null(entity_ids[name])).to_pylist()
            need = " or ".join("+".join(r.fields) for r in e.ids)
            for i in missing:
                rows.add(i, Reason(name, None, "id", f"cannot identify the {e.label}: needs {need}"))

    primary_entity = next((name for name, e in mapping.entities.items() if e.primary), None)
    links = _links(mapping, primary_entity, model)

    nodes: dict[str, list[pa.Table]] = {}
    for name, e in mapping.entities.items():
        schema = node_schema(model, e.label)
        cols = {"id": entity_ids[name], "row_no": row_no}
        for prop in schema.names[2:]:
            ref = e.properties.get(prop)
            if name == primary_entity and prop in links:
                values = entity_ids[links[prop]]
            else:
                values = resolve.get(ref) if ref else pa.nulls(n, schema.field(prop).type)
            cols[prop] = _typed(values, schema.field(prop).type, n)
        nodes.setdefault(e.label, []).append(pa.table(cols, schema=schema))

    edge_tables = []
    eschema = edge_schema(model)
    primary_edges = pa.nulls(n, pa.string())
    for rel in mapping.relationships:
        other = rel.target if rel.source == primary_entity else rel.source
        column = _link_column(mapping, primary_entity, rel, model)
        if column and links.get(column) == other:
            continue  # stored on the primary node's link column
        src, dst = entity_ids[rel.source], entity_ids[rel.target]
        ids = pc.binary_join_element_wise(pa.scalar(f"{rel.type}:"), src, ">", dst, "")
        if rel.qualifier:
            qual = pc.binary_join_element_wise(
                *[pc.fill_null(pc.cast(resolve.get(q), pa.string()), "") for q in rel.qualifier], "|"
            )
            ids = pc.binary_join_element_wise(ids, qual, "#")
        if rel.primary:
            primary_edges = pc.coalesce(primary_edges, ids)
        cols = {
            "id": ids,
            "type": pa.repeat(pa.scalar(rel.type), n),
            "src": src,
            "dst": dst,
            "row_no": row_no,
        }
        for prop in eschema.names[5:]:
            ref = rel.properties.get(prop)
            values = resolve.get(ref) if ref else pa.nulls(n, eschema.field(prop).type)
            cols[prop] = _typed(values, eschema.field(prop).type, n)
        edge_tables.append(pa.table(cols, schema=eschema))

    tables: dict[str, pa.Table] = {}
    primary_tables = pa.nulls(n, pa.string())
    for fill in mapping.tables:
        schema = table_schema(model, fill.table)
        cols = {"row_no": row_no}
        for prop in schema.names[1:]:
            ref = fill.properties.get(prop)
            values = resolve.get(ref) if ref else pa.nulls(n, schema.field(prop).type)
            cols[prop] = _typed(values, schema.field(prop).type, n)
        tables[fill.table] = pa.table(cols, schema=schema)
        key = pc.binary_join_element_wise(*[pc.cast(resolve.get(k), pa.string()) for k in fill.key], "|")
        primary_tables = pc.coalesce(primary_tables, pc.binary_join_element_wise(f"{fill.table}:", key, ""))

    if primary_entity:
        primary = entity_ids[primary_entity]
        need = " or ".join("+".join(r.fields) for r in mapping.entities[primary_entity].ids)
        why = f"cannot identify the {mapping.entities[primary_entity].label}: needs {need}"
    else:
        primary = pc.coalesce(primary_edges, primary_tables)
        why = "the row does not give both ends of its relationship (or the table key)"
    for i in pc.indices_nonzero(pc.is_null(primary)).to_pylist():
        if i not in rows.reasons:
            rows.add(i, Reason("(row)", None, "id", why))

    # Only the primaries are filtered here: node, relationship and table rows are taken by the
    # workspace for the accepted rows alone (filtering dozens of columns here would copy them all).
    good = rows.good_mask()
    primaries = pa.table({"row_no": row_no, "item_id": primary}, schema=PRIMARY_SCHEMA)
    primaries = primaries.filter(pc.and_(good, pc.is_valid(primary)))
    nodes_out = {label: pa.concat_tables(parts) for label, parts in nodes.items()}
    edges_out = pa.concat_tables(edge_tables) if edge_tables else eschema.empty_table()

    quarantine_rows = [(row_no[i].as_py(), reasons) for i, reasons in sorted(rows.reasons.items())] + [
        (r, [Reason("(row)", None, "structure", why)]) for r, _, why in bad_rows
    ]
    quarantine = pa.table(
        {
            "row_no": pa.array([r for r, _ in quarantine_rows], pa.int64()),
            "reasons": pa.array(
                [json.dumps([x.as_dict() for x in rs], ensure_ascii=False) for _, rs in quarantine_rows],
                pa.string(),
            ),
        },
        schema=QUARANTINE_SCHEMA,
    )
    cells = raw_cells(table, headers, row_no).drop_columns(["row_no"])  # hashed as cells are stored
    primaries = primaries.append_column(
        "record_hash", record_hashes(cells).filter(pc.and_(good, pc.is_valid(primary)))
    )
    return Staged(
        rows_read=source.rows_read,
        raw=source.raw,
        raw_columns=headers,
        primaries=primaries,
        nodes=nodes_out,
        edges=edges_out,
        quarantine=quarantine,
        tables=tables,
        own_label=_own_label(mapping, primary_entity),
    )


def _own_label(mapping: Mapping, primary: str | None) -> str | None:
    """The primary entity's label when no other entity of the mapping has it: its node rows are then
    the rows' primary items themselves."""
    if primary is None:
        return None
    label = mapping.entities[primary].label
    return label if sum(e.label == label for e in mapping.entities.values()) == 1 else None
