"""An in-memory adjacency index of a workspace's graph, for millisecond traversals.

Why: DuckDB scans columns; a point lookup on a million-row table takes 100+ ms, so walking a
graph by SQL is far too slow for interactive hops. The index is built once per process and data
version: node ids are numbered in id order (labels sorted, so number order *is* id order), and
every relationship, in both directions, sits in CSR arrays (``indptr`` / ``nbr`` / ``adj_edge``).
Node and relationship properties stay in Arrow tables, read from DuckDB per label when first
needed, and are taken by row for the few nodes an answer shows.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphtool.model import PROVENANCE, Model
from graphtool.subgraph import Edge, Node, Provenance
from graphtool.workspace import node_table, q

EPOCH = dt.date(1970, 1, 1)


def day_number(value: dt.date | None) -> int | None:
    return None if value is None else (value - EPOCH).days


@dataclass
class GraphIndex:
    version: int
    model: Model
    labels: list[str]  # in id order ("Address:" < "Company:" < ...)
    offsets: np.ndarray  # first node number of each label; offsets[-1] = node count
    types: list[str]  # relationship type codes
    src: np.ndarray  # per relationship: node numbers and type code
    dst: np.ndarray
    etype: np.ndarray
    erow: np.ndarray  # row in ``edge_rows`` for relationship rows, -1 for links stored on nodes
    indptr: np.ndarray  # CSR over both directions
    nbr: np.ndarray
    adj_edge: np.ndarray
    edge_rows: pa.Table  # the ``edges`` table, in id order
    files: dict[int, tuple[str, str]]  # file_id -> (name, sha256)
    ids: dict[str, pa.Array]  # per label, node ids in order
    rowids: dict[str, np.ndarray]  # per label, node number - offset -> DuckDB rowid
    tables: dict[str, pa.Table] = field(default_factory=dict)  # per label, properties (lazy)
    _masks: dict[Any, np.ndarray] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    @property
    def nbytes(self) -> int:
        arrays = (self.src, self.dst, self.etype, self.erow, self.indptr, self.nbr, self.adj_edge)
        return (
            sum(a.nbytes for a in arrays)
            + self.edge_rows.nbytes
            + sum(a.nbytes for a in self.ids.values())
            + sum(t.nbytes for t in self.tables.values())
        )

    # ------------------------------------------------------------------ ids and numbers

    def label_of(self, number: int) -> str:
        return self.labels[bisect.bisect_right(self.offsets, number) - 1]

    def number(self, node_id: str) -> int | None:
        """The node number of an id, or None if the workspace has no such node."""
        label = node_id.split(":", 1)[0]
        if label not in self.ids:
            return None
        ids = _Sorted(self.ids[label])
        pos = bisect.bisect_left(ids, node_id)
        if pos >= len(ids) or ids[pos] != node_id:
            return None
        return int(self.offsets[self.labels.index(label)]) + pos

    def node_id(self, number: int) -> str:
        i = self.labels.index(self.label_of(number))
        return self.ids[self.labels[i]][number - int(self.offsets[i])].as_py()

    def node_ids(self, numbers: np.ndarray) -> list[str]:
        """Ids of many nodes at once (one take per label)."""
        numbers = np.asarray(numbers, dtype=np.int64)
        out = np.empty(len(numbers), dtype=object)
        which = np.searchsorted(self.offsets, numbers, side="right") - 1
        for i in np.unique(which):
            hit = which == i
            label = self.labels[int(i)]
            out[hit] = self.ids[label].take(numbers[hit] - int(self.offsets[i])).to_pylist()
        return out.tolist()

    # ------------------------------------------------------------------ neighbours

    def neighbours(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(from node, neighbour, relationship) for every relationship touching ``nodes``."""
        starts, ends = self.indptr[nodes], self.indptr[nodes + 1]
        counts = ends - starts
        total = int(counts.sum())
        if total == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        base = np.repeat(starts - np.cumsum(counts) + counts, counts)
        positions = base + np.arange(total)
        return np.repeat(nodes, counts), self.nbr[positions], self.adj_edge[positions]

    def type_mask(self, types: set[str] | None) -> np.ndarray:
        """Per type code: is it followed?"""
        return np.array([types is None or t in types for t in self.types], dtype=bool)

    # ------------------------------------------------------------------ properties

    def table(self, con_factory, label: str) -> pa.Table:
        """A label's properties in node-number order, read from the workspace on first use."""
        if label not in self.tables:
            kind = self.model.node(label)
            columns = ", ".join(q(c) for c in ("id", *kind.properties, *PROVENANCE))
            with con_factory() as con:
                raw = con.sql(f"SELECT rowid AS _rowid, {columns} FROM {node_table(label)}").to_arrow_table()
            by_rowid = raw["_rowid"].to_numpy()
            order = np.argsort(by_rowid)
            positions = order[np.searchsorted(by_rowid[order], self.rowids[label])]
            self.tables[label] = raw.drop_columns(["_rowid"]).take(positions).combine_chunks()  # fast takes
        return self.tables[label]

    def nodes(self, con_factory, numbers: list[int]) -> list[Node]:
        out = []
        by_label: dict[str, list[int]] = {}
        for n in numbers:
            by_label.setdefault(self.label_of(n), []).append(n)
        for label, group in by_label.items():
            base = int(self.offsets[self.labels.index(label)])
            rows = self.table(con_factory, label).take([n - base for n in group]).to_pylist()
            out += [self._node(label, row) for row in rows]
        return out

    def _node(self, label: str, row: dict[str, Any]) -> Node:
        node_id = row.pop("id")
        return Node(node_id, label, _present(row, PROVENANCE), self._provenance(row))

    def _provenance(self, row: dict[str, Any]) -> Provenance:
        name, sha = self.files.get(row.get("file_id"), (None, None))
        return Provenance(row.get("file_id"), row.get("row_no"), row.get("batch_id"), name, sha)

    def edge_id(self, e: int) -> str:
        if self.erow[e] >= 0:
            return self.edge_rows["id"][int(self.erow[e])].as_py()
        rel_type = self.types[int(self.etype[e])]
        return f"{rel_type}:{self.node_id(int(self.src[e]))}>{self.node_id(int(self.dst[e]))}"

    def edges(self, con_factory, numbers: list[int]) -> list[Edge]:
        """Relationships by number, with properties and provenance, read in one take per table."""
        numbers = sorted(set(numbers))
        rows = [int(self.erow[e]) for e in numbers if self.erow[e] >= 0]
        stored = iter(self.edge_rows.take(rows).to_pylist()) if rows else iter(())
        holders: dict[str, list[int]] = {}
        plan = []
        for e in numbers:
            rel_type = self.types[int(self.etype[e])]
            src, dst = int(self.src[e]), int(self.dst[e])
            if self.erow[e] >= 0:
                plan.append((e, rel_type, src, dst, next(stored), None))
                continue
            # a link stored on a node: it has the provenance of the node that holds it
            out = self.model.node(self.label_of(src)).links.get(rel_type) == "out"
            holder = src if out else dst
            holders.setdefault(self.label_of(holder), []).append(holder)
            plan.append((e, rel_type, src, dst, None, holder))
        provenance: dict[int, dict[str, Any]] = {}
        for label, group in holders.items():
            base = int(self.offsets[self.labels.index(label)])
            taken = self.table(con_factory, label).select(list(PROVENANCE)).take([h - base for h in group])
            provenance.update(zip(group, taken.to_pylist(), strict=True))
        ends = sorted({p[2] for p in plan} | {p[3] for p in plan})
        id_of = dict(zip(ends, self.node_ids(np.array(ends, dtype=np.int64)), strict=True))
        out = []
        for _, rel_type, src, dst, row, holder in plan:
            src_id, dst_id = id_of[src], id_of[dst]
            if row is not None:
                props = _present(row, (*PROVENANCE, "id", "type", "src", "dst"))
                out.append(Edge(row["id"], rel_type, src_id, dst_id, props, self._provenance(row)))
            else:
                prov = self._provenance(provenance[holder])
                out.append(Edge(f"{rel_type}:{src_id}>{dst_id}", rel_type, src_id, dst_id, {}, prov))
        return out

    def edge_dates(self, edges: np.ndarray) -> tuple[list[dt.date | None], list[dt.date | None]]:
        """(start_date, end_date) of relationships; links on nodes have none."""
        rows = self.erow[edges]
        starts: list[dt.date | None] = [None] * len(edges)
        ends: list[dt.date | None] = [None] * len(edges)
        has = np.nonzero(rows >= 0)[0]
        if len(has):
            taken = self.edge_rows.select(["start_date", "end_date"]).take(rows[has]).to_pylist()
            for i, row in zip(has, taken, strict=True):
                starts[i], ends[i] = row["start_date"], row["end_date"]
        return starts, ends

    def mask(self, key: Any, build) -> np.ndarray:
        """A cached per-node boolean array (filters, listed parties)."""
        if key not in self._masks:
            if len(self._masks) > 32:
                self._masks.clear()
            self._masks[key] = build()
        return self._masks[key]


class _Sorted:
    """An Arrow string array seen as a sorted Python sequence, for ``bisect``."""

    def __init__(self, array: pa.Array) -> None:
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i: int) -> str:
        return self.array[i].as_py()


def _present(row: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    """Properties that have a value: an absent property and a null one are the same fact."""
    return {k: v for k, v in row.items() if v is not None and k not in drop}


def build_index(con: duckdb.DuckDBPyConnection, model: Model, version: int) -> GraphIndex:
    """Read the workspace's graph into the index: one scan per node table and of ``edges``, with the
    id-to-number lookup done by one Arrow hash lookup (no sorting or joining in SQL)."""
    labels = sorted(model.nodes, key=lambda label: label + ":")
    types = sorted(model.relationships)
    ids: dict[str, pa.Array] = {}
    rowids: dict[str, np.ndarray] = {}
    holders, others, link_types = [], [], []
    offset = 0
    offsets = [0]
    for label in labels:
        kind = model.node(label)
        links = "".join(f", {q(c)}" for c in kind.link_columns)
        raw = con.sql(f"SELECT rowid AS _rowid, id{links} FROM {node_table(label)}").to_arrow_table()
        order = pc.sort_indices(raw["id"]).to_numpy()
        ids[label] = raw["id"].take(order).combine_chunks() if raw.num_rows else pa.array([], pa.string())
        rowids[label] = raw["_rowid"].to_numpy()[order]
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        for column, rel_type in kind.link_columns.items():
            values = raw[column].combine_chunks()
            present = np.nonzero(values.is_valid().to_numpy(zero_copy_only=False))[0]
            holders.append((offset + rank[present], kind.links[rel_type] == "out"))
            others.append(values.take(present))
            link_types.append(np.full(len(present), types.index(rel_type), dtype=np.int8))
        offset += raw.num_rows
        offsets.append(offset)

    edge_rows = con.sql("SELECT * FROM edges").to_arrow_table()
    every_id = pa.concat_arrays([ids[label] for label in labels]) if offset else pa.array([], pa.string())
    lookup = pc.index_in(
        pa.concat_arrays([*(o.cast(pa.string()) for o in others),
                          edge_rows["src"].combine_chunks(), edge_rows["dst"].combine_chunks()]),
        value_set=every_id,
    )  # fmt: skip
    lookup = pc.fill_null(lookup, -1).to_numpy().astype(np.int64)

    src_parts, dst_parts, at = [], [], 0
    for (holder, out), other in zip(holders, others, strict=True):
        found = lookup[at : at + len(other)]
        at += len(other)
        src_parts.append(holder if out else found)
        dst_parts.append(found if out else holder)
    n_rows = edge_rows.num_rows
    src_parts.append(lookup[at : at + n_rows])
    dst_parts.append(lookup[at + n_rows :])
    src = np.concatenate(src_parts) if src_parts else np.empty(0, np.int64)
    dst = np.concatenate(dst_parts) if dst_parts else np.empty(0, np.int64)
    etype = np.concatenate(
        [*link_types, np.array([types.index(t) for t in edge_rows["type"].to_pylist()], dtype=np.int8)]
    )
    erow = np.concatenate([np.full(len(src) - n_rows, -1, dtype=np.int32), np.arange(n_rows, dtype=np.int32)])
    keep = (src >= 0) & (dst >= 0)  # a relationship to an id no node has is not part of the graph
    src, dst, etype, erow = src[keep].astype(np.int32), dst[keep].astype(np.int32), etype[keep], erow[keep]

    size = offset
    both = np.concatenate([src, dst])
    order = np.argsort(both)  # order within one node's list does not matter
    edge_numbers = np.arange(len(src), dtype=np.int32)
    nbr = np.concatenate([dst, src])[order]
    adj_edge = np.concatenate([edge_numbers, edge_numbers])[order]
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(both, minlength=size), out=indptr[1:])
    files = {
        r[0]: (r[1], r[2]) for r in con.execute("SELECT file_id, name, sha256 FROM source_files").fetchall()
    }
    return GraphIndex(
        version, model, labels, np.array(offsets, dtype=np.int64), types, src, dst, etype, erow,
        indptr, nbr, adj_edge, edge_rows, files, ids, rowids,
    )  # fmt: skip
