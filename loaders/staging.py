"""The staged batch: what a loader hands to the workspace, in memory, before anything is written.

Every loader (tabular mappings and the JSON/XML parsers alike) produces one ``Staged`` batch
per source file. The workspace then writes it in a single transaction, so a file is loaded
completely or not at all. Row numbers are the source's own (1-based data rows for tables,
line numbers for JSON lines, statement positions for JSON arrays).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from graphtool.errors import ModelError
from graphtool.ids import edge_id
from graphtool.model import Model, load_model

ARROW_TYPES = {
    "string": pa.string(),
    "string[]": pa.list_(pa.string()),
    "date": pa.date32(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
}


@dataclass(frozen=True)
class Reason:
    """Why a row was rejected: the field (as named in the source), the value, the rule and a sentence."""

    field: str
    value: str | None
    rule: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "rule": self.rule, "message": self.message}


@dataclass
class Staged:
    """One source file, parsed and normalised, ready to be written.

    ``raw``: the original records — compressed blocks of the file's own lines (``RAW_BLOCK_SCHEMA``,
    row 0 the header), or row_no and one text column per source header (``raw_columns``) for tables
    whose rows are not lines, or, for non-tabular sources, row_no and one ``record`` column of JSON.
    ``primaries`` of tabular sources also carry each row's ``record_hash``. ``primaries``: row_no, item_id — the
    node or edge each accepted row is *about* (a declaration line, an ownership edge); it decides
    duplicates and conflicts. ``nodes``: label -> table(id, row_no, <model properties>).
    ``edges``: table(id, type, src, dst, row_no, <edge properties>). ``quarantine``: row_no,
    reasons (JSON list). ``tables``: non-graph tables (trade statistics) with row_no.
    ``own_label``: a label whose node rows are exactly the rows' primary items (a declarations file's
    Declaration nodes), so that the workspace can write them without collapsing them.
    ``nodes``, ``edges`` and ``tables`` may also hold rows of rejected records and rows without an
    id: the workspace takes only the rows whose primary item it accepts, and only items with an id.
    """

    rows_read: int
    raw: pa.Table
    raw_columns: list[str] | None  # headers of the raw cell columns; None: one JSON ``record`` column
    primaries: pa.Table
    nodes: dict[str, pa.Table]
    edges: pa.Table
    quarantine: pa.Table
    tables: dict[str, pa.Table] = field(default_factory=dict)
    own_label: str | None = None


def node_schema(model: Model, label: str) -> pa.Schema:
    kind = model.node(label)
    fields = [pa.field("id", pa.string()), pa.field("row_no", pa.int64())]
    fields += [pa.field(name, ARROW_TYPES[typ]) for name, typ in kind.properties.items()]
    fields += [pa.field(column, pa.string()) for column in kind.link_columns]
    return pa.schema(fields)


def edge_schema(model: Model) -> pa.Schema:
    fields = [
        pa.field("id", pa.string()),
        pa.field("type", pa.string()),
        pa.field("src", pa.string()),
        pa.field("dst", pa.string()),
        pa.field("row_no", pa.int64()),
    ]
    fields += [pa.field(name, ARROW_TYPES[typ]) for name, typ in model.edge_properties().items()]
    return pa.schema(fields)


def table_schema(model: Model, name: str) -> pa.Schema:
    kind = model.tables[name]
    fields = [pa.field("row_no", pa.int64())]
    fields += [pa.field(n, ARROW_TYPES[t]) for n, t in kind.properties.items()]
    return pa.schema(fields)


RAW_SCHEMA = pa.schema([pa.field("row_no", pa.int64()), pa.field("record", pa.string())])
# Original lines of a text file, zstd-compressed in blocks: records first_row, first_row + 1, ... are
# data[starts[i]:ends[i]] of the decompressed block, in the file's own bytes (row 0 is the header).
RAW_BLOCK_SCHEMA = pa.schema(
    [
        pa.field("first_row", pa.int64()),
        pa.field("starts", pa.list_(pa.int32())),
        pa.field("ends", pa.list_(pa.int32())),
        pa.field("data", pa.binary()),
    ]
)
RAW_BLOCK_ROWS = 1000
RAW_CODEC = "zstd"


def raw_blocks(data: memoryview, starts: np.ndarray, ends: np.ndarray, first_row: int) -> pa.Table:
    """Lines ``data[starts[i]:ends[i]]`` as compressed blocks, numbered from ``first_row``."""
    codec = pa.Codec(RAW_CODEC, compression_level=1)
    rows, block_starts, block_ends, blobs = [], [], [], []
    for b in range(0, len(starts), RAW_BLOCK_ROWS):
        s, e = starts[b : b + RAW_BLOCK_ROWS], ends[b : b + RAW_BLOCK_ROWS]
        base = int(s[0])
        rows.append(first_row + b)
        block_starts.append((s - base).astype(np.int32))
        block_ends.append((e - base).astype(np.int32))
        blobs.append(codec.compress(pa.py_buffer(data[base : int(e[-1])]), asbytes=True))
    return pa.table(
        [
            pa.array(rows, pa.int64()),
            pa.array(block_starts),
            pa.array(block_ends),
            pa.array(blobs, pa.binary()),
        ],
        schema=RAW_BLOCK_SCHEMA,
    )


def block_records(block: bytes, starts: list[int], ends: list[int]) -> list[bytes]:
    """The records of one stored block, decompressed."""
    data = pa.Codec(RAW_CODEC).decompress(block, decompressed_size=ends[-1], asbytes=True)
    return [data[s:e] for s, e in zip(starts, ends, strict=True)]


def record_hashes(cells: pa.Table) -> pa.Array:
    """One 64-bit hash of each row's original values, as the workspace's DuckDB ``hash()`` computes it
    over text cells (rows stored as cells are compared with the same function)."""
    con = duckdb.connect()
    try:
        con.register("cells", cells)
        columns = ", ".join('"' + c.replace('"', '""') + '"' for c in cells.column_names)
        return (
            con.sql(f"SELECT hash({columns}) AS h FROM cells").to_arrow_table().column("h").combine_chunks()
        )
    finally:
        con.close()


PRIMARY_SCHEMA = pa.schema([pa.field("row_no", pa.int64()), pa.field("item_id", pa.string())])
QUARANTINE_SCHEMA = pa.schema([pa.field("row_no", pa.int64()), pa.field("reasons", pa.string())])


def raw_json(values: dict[str, Any]) -> str:
    """The original values of a record as compact JSON, keys in source order, never ASCII-escaped."""
    return json.dumps(values, ensure_ascii=False, default=str, separators=(",", ":"))


def _check_value(owner: str, name: str, typ: str, value: Any) -> Any:
    if value is None:
        return None
    expected = {
        "string": str,
        "string[]": list,
        "date": dt.date,
        "float": (int, float),
        "int": int,
        "bool": bool,
    }[typ]
    if not isinstance(value, expected) or (typ == "int" and isinstance(value, bool)):
        raise ModelError(f"{owner}.{name} must be {typ}, got {type(value).__name__} {value!r}")
    return value


class RecordBuilder:
    """Collects records one by one, for loaders whose sources are not plain tables (JSON, XML).

    >>> b = RecordBuilder()
    >>> record = b.row(1, {"name": "ACME"})
    >>> record.node("Company", "Company:n:1", {"name": "ACME"}, primary=True)
    'Company:n:1'
    >>> b.build().rows_read
    1
    """

    def __init__(self, model: Model | None = None) -> None:
        self.model = model or load_model()
        self._raw: list[tuple[int, str]] = []
        self._primaries: list[tuple[int, str]] = []
        self._nodes: dict[str, list[dict[str, Any]]] = {}
        self._edges: list[dict[str, Any]] = []
        self._quarantine: list[tuple[int, str]] = []
        self._tables: dict[str, list[dict[str, Any]]] = {}
        self._current: tuple[int, Record] | None = None

    def row(self, row_no: int, original: dict[str, Any], record: Record | None = None) -> Record:
        """Start the next source row, with the record prepared for it or an empty one to fill;
        the previous row is complete once this is called."""
        self._publish()
        self._raw.append((row_no, raw_json(original)))
        record = record if record is not None else Record(self.model)
        self._current = (row_no, record)
        return record

    def _publish(self) -> None:
        """Hand the current row's items over; a row with any rejection goes to quarantine whole."""
        if self._current is None:
            return
        row_no, record = self._current
        self._current = None
        if record.reasons:
            reasons = json.dumps([r.as_dict() for r in record.reasons], ensure_ascii=False)
            self._quarantine.append((row_no, reasons))
            return
        for label, item in record.nodes:
            self._nodes.setdefault(label, []).append({**item, "row_no": row_no})
        self._edges.extend({**item, "row_no": row_no} for item in record.edges)
        for table, item in record.tables:
            self._tables.setdefault(table, []).append({**item, "row_no": row_no})
        if record.primary:
            self._primaries.append((row_no, record.primary))

    def build(self) -> Staged:
        self._publish()
        model = self.model
        nodes = {
            label: pa.Table.from_pylist(rows, schema=node_schema(model, label))
            for label, rows in self._nodes.items()
        }
        tables = {
            name: pa.Table.from_pylist(rows, schema=table_schema(model, name))
            for name, rows in self._tables.items()
        }
        return Staged(
            rows_read=len(self._raw),
            raw_columns=None,
            raw=pa.Table.from_arrays(
                [
                    pa.array([r[0] for r in self._raw], pa.int64()),
                    pa.array([r[1] for r in self._raw], pa.string()),
                ],
                schema=RAW_SCHEMA,
            ),
            primaries=pa.Table.from_pylist(
                [{"row_no": r, "item_id": i} for r, i in self._primaries], schema=PRIMARY_SCHEMA
            ),
            nodes=nodes,
            edges=pa.Table.from_pylist(self._edges, schema=edge_schema(model)),
            quarantine=pa.Table.from_pylist(
                [{"row_no": r, "reasons": s} for r, s in self._quarantine], schema=QUARANTINE_SCHEMA
            ),
            tables=tables,
        )


class Record:
    """The items one source record asserts: nodes, relationships, table rows and, if it cannot be
    used, the reasons. It can be filled before its row is opened (parsers that read a file in two
    passes prepare records first); an item stated twice by one record is kept once."""

    def __init__(self, model: Model | None = None) -> None:
        self.model = model or load_model()
        self.nodes: list[tuple[str, dict[str, Any]]] = []
        self.edges: list[dict[str, Any]] = []
        self.tables: list[tuple[str, dict[str, Any]]] = []
        self.reasons: list[Reason] = []
        self.primary: str | None = None

    @property
    def ok(self) -> bool:
        return not self.reasons

    def node(self, label: str, node_id: str, props: dict[str, Any], primary: bool = False) -> str:
        kind = self.model.node(label)
        for name, value in props.items():
            if name not in kind.properties:
                raise ModelError(f"{label} has no property {name!r}")
            _check_value(label, name, kind.properties[name], value)
        item = (label, {"id": node_id, **props})
        if item not in self.nodes:
            self.nodes.append(item)
        if primary:
            self.primary = node_id
        return node_id

    def edge(
        self,
        rel_type: str,
        src: str,
        dst: str,
        props: dict[str, Any] | None = None,
        qualifier: str = "",
        primary: bool = False,
    ) -> str:
        kind = self.model.relationship(rel_type)
        props = props or {}
        for name, value in props.items():
            if name not in kind.properties:
                raise ModelError(f"{rel_type} has no property {name!r}")
            _check_value(rel_type, name, kind.properties[name], value)
        eid = edge_id(rel_type, src, dst, qualifier)
        item = {"id": eid, "type": rel_type, "src": src, "dst": dst, **props}
        if item not in self.edges:
            self.edges.append(item)
        if primary:
            self.primary = eid
        return eid

    def table_row(self, table: str, values: dict[str, Any], primary_key: str) -> None:
        self.tables.append((table, dict(values)))
        self.primary = f"{table}:{primary_key}"

    def reject(self, field_name: str, value: Any, rule: str, message: str) -> None:
        self.reasons.append(Reason(field_name, None if value is None else str(value), rule, message))
