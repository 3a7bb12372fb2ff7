"""The embedded workspace: one DuckDB file holding sources, raw records, the graph and its history.

Why DuckDB (see docs/architecture.md): a single file, ACID transactions (a load killed at any
point leaves the file as it was before that load), columnar storage and vectorised SQL that
aggregate millions of declarations in seconds, and zero-copy exchange with Arrow, which the
loaders produce. Node tables are generated from the model (one table per label), relationships
share one table; every row carries its provenance (file, row, batch).

Writing a staged batch is one transaction. Each accepted source row asserts one *primary* item
(a declaration line, a list entry, an ownership edge). A row whose primary item was already
asserted with the identical original record is a duplicate; with a different record it is a
conflict and goes to quarantine, so nothing is silently overwritten. Other items a row mentions
(the exporter of a declaration) are merged: missing properties are filled in, differing ones are
kept as they were and recorded in ``conflicts``.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from graphtool import __version__
from graphtool.errors import GraphtoolError, WorkspaceError
from graphtool.model import Model, NodeKind, is_derived, load_model
from loaders.reading import sniff_delimiter
from loaders.staging import Staged, block_records

SCHEMA_VERSION = "1"
MEMORY_LIMIT = "2GB"  # DuckDB's share of memory (it spills beyond); a 1M-line load peaks under 4 GiB
# How long opening waits while someone else holds the file (the app reading it, another load).
BUSY_WAIT_S = 30.0
SQL_TYPES = {
    "string": "VARCHAR",
    "string[]": "VARCHAR[]",
    "date": "DATE",
    "float": "DOUBLE",
    "int": "BIGINT",
    "bool": "BOOLEAN",
}
PROVENANCE_COLUMNS = "file_id BIGINT, row_no BIGINT, batch_id BIGINT"


def raw_table(file_id: int) -> str:
    """Each source file keeps its rows, as read, in a table of its own."""
    return f"raw_{int(file_id)}"


def node_table(label: str) -> str:
    """Table name of a label; labels come from the model only, never from input."""
    load_model().node(label)
    return f"node_{label.lower()}"


def q(name: str) -> str:
    """Quote an identifier taken from the model (some property names, like ``full``, are SQL words)."""
    return '"' + name.replace('"', '""') + '"'


def _columns(props: dict[str, str]) -> str:
    return ", ".join(f"{q(name)} {SQL_TYPES[typ]}" for name, typ in props.items())


def ddl(model: Model) -> list[str]:
    statements = [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE IF NOT EXISTS load_batches (batch_id BIGINT PRIMARY KEY, started_at TIMESTAMP,
           finished_at TIMESTAMP, user_name VARCHAR, tool_version VARCHAR, files INTEGER, rows_read BIGINT,
           loaded BIGINT, quarantined BIGINT, duplicates BIGINT, conflicts BIGINT)""",
        """CREATE TABLE IF NOT EXISTS source_files (file_id BIGINT PRIMARY KEY, batch_id BIGINT, name VARCHAR,
           path VARCHAR, size BIGINT, sha256 VARCHAR, loader VARCHAR, mapping VARCHAR, encoding VARCHAR,
           loaded_at TIMESTAMP, rows_read BIGINT, loaded BIGINT, quarantined BIGINT, duplicates BIGINT,
           raw_table VARCHAR, raw_columns VARCHAR[])""",
        "CREATE TABLE IF NOT EXISTS quarantine (file_id BIGINT, batch_id BIGINT, row_no BIGINT, reasons VARCHAR)",
        "CREATE TABLE IF NOT EXISTS primary_items (item_id VARCHAR, file_id BIGINT, row_no BIGINT, record_hash UBIGINT)",
        """CREATE TABLE IF NOT EXISTS mentions (item_id VARCHAR, file_id BIGINT, batch_id BIGINT,
           first_row BIGINT, n_rows BIGINT)""",
        """CREATE TABLE IF NOT EXISTS conflicts (item_id VARCHAR, property VARCHAR, kept_value VARCHAR,
           other_value VARCHAR, file_id BIGINT, row_no BIGINT, batch_id BIGINT)""",
        f"""CREATE TABLE IF NOT EXISTS edges (id VARCHAR, type VARCHAR, src VARCHAR, dst VARCHAR,
            {_columns(model.edge_properties())}, {PROVENANCE_COLUMNS})""",
        """CREATE TABLE IF NOT EXISTS judgements (left_id VARCHAR, right_id VARCHAR, decision VARCHAR,
           score DOUBLE, user_name VARCHAR, decided_at TIMESTAMP, reason VARCHAR)""",
        "CREATE TABLE IF NOT EXISTS push_checkpoints (target VARCHAR, data_version BIGINT, part VARCHAR)",
        """CREATE TABLE IF NOT EXISTS resolution_runs (run_id BIGINT PRIMARY KEY, kind VARCHAR, started_at TIMESTAMP,
           finished_at TIMESTAMP, user_name VARCHAR, settings JSON, summary JSON)""",
        "CREATE TABLE IF NOT EXISTS clusters (member_id VARCHAR, canonical_id VARCHAR, run_id BIGINT)",
        """CREATE TABLE IF NOT EXISTS matches (left_id VARCHAR, right_id VARCHAR, score DOUBLE, decision VARCHAR,
           decided_by VARCHAR, features VARCHAR, run_id BIGINT)""",
        """CREATE TABLE IF NOT EXISTS list_hits (party_id VARCHAR, entry_id VARCHAR, score DOUBLE, kind VARCHAR,
           reasons VARCHAR, run_id BIGINT)""",
        """CREATE TABLE IF NOT EXISTS cases (case_id VARCHAR PRIMARY KEY, name VARCHAR, created_at TIMESTAMP,
           created_by VARCHAR, data JSON)""",
        """CREATE TABLE IF NOT EXISTS audit_log (seq BIGINT PRIMARY KEY, logged_at TIMESTAMP, user_name VARCHAR,
           action VARCHAR, target VARCHAR, details JSON, prev_hash VARCHAR, hash VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS alerts (alert_id VARCHAR PRIMARY KEY, rule VARCHAR, score DOUBLE,
           sentence VARCHAR, entities VARCHAR[], declarations VARCHAR[], hs_codes VARCHAR[], first_date DATE,
           last_date DATE, data JSON, backend VARCHAR, run_at TIMESTAMP, data_version BIGINT)""",
        """CREATE TABLE IF NOT EXISTS alert_reviews (alert_id VARCHAR, status VARCHAR, user_name VARCHAR,
           reason VARCHAR, reviewed_at TIMESTAMP)""",
    ]
    for label, kind in model.nodes.items():
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {node_table(label)} (id VARCHAR, {_columns(kind.properties)}, "
            + "".join(f"{q(c)} VARCHAR, " for c in kind.link_columns)
            + f"{PROVENANCE_COLUMNS})"
        )
    statements.append(graph_edges_view(model))
    for name, kind in model.tables.items():
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {name} ({_columns(kind.properties)}, {PROVENANCE_COLUMNS})"
        )
    return statements


def graph_edges_view(model: Model) -> str:
    """All relationships in one view: relationship rows plus the links stored on node tables."""
    props = model.edge_properties()
    columns = ", ".join(q(p) for p in props)
    nulls = ", ".join(f"CAST(NULL AS {SQL_TYPES[t]}) AS {q(p)}" for p, t in props.items())
    parts = [f"SELECT id, type, src, dst, {columns}, file_id, row_no, batch_id FROM edges"]
    for label, kind in model.nodes.items():
        for column, rel_type in kind.link_columns.items():
            src, dst = ("id", q(column)) if kind.links[rel_type] == "out" else (q(column), "id")
            parts.append(
                f"SELECT '{rel_type}:' || {src} || '>' || {dst}, '{rel_type}', {src}, {dst}, {nulls}, "
                f"file_id, row_no, batch_id FROM {node_table(label)} WHERE {q(column)} IS NOT NULL"
            )
    return "CREATE OR REPLACE VIEW graph_edges AS " + " UNION ALL ".join(parts)


@dataclass
class SourceInfo:
    name: str
    path: str
    size: int
    sha256: str
    loader: str
    mapping: str
    encoding: str


@dataclass
class LoadReport:
    """What one file's load did. ``rows_read == loaded + quarantined + duplicates`` always holds."""

    file: str
    loader: str
    rows_read: int
    loaded: int
    quarantined: int
    duplicates: int
    conflicts: int = 0
    already_loaded: bool = False
    batch_id: int | None = None
    file_id: int | None = None
    encoding: str = ""
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ArrowSlot:
    """A name the load's SQL reads an Arrow table under, registered once and refilled chunk by chunk.

    DuckDB keeps every object given to ``register()`` alive until the transaction ends, even after
    ``unregister()``: registering each chunk's tables would hold a whole file's staged tables in
    memory (1.5 GB more at the peak of a 1,000,000-line load). A slot is one object; DuckDB reads
    whatever table it holds when a statement runs (the Arrow stream interface)."""

    def __init__(self) -> None:
        self.table: pa.Table | None = None

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        if self.table is None:
            raise WorkspaceError("internal: a staged table was read after its chunk was written")
        return self.table.__arrow_c_stream__(requested_schema)


class Workspace:
    """A workspace file. Open with ``Workspace.open(path)``; use as a context manager."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.path = path
        self.con = con
        self.read_only = read_only
        self.model = load_model()
        self.slots: dict[str, ArrowSlot] = {}

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False, wait_s: float = BUSY_WAIT_S) -> Workspace:
        """Open the file; while another connection holds it in a way that excludes this one (the
        app reading it, a load writing it), wait up to ``wait_s`` seconds before giving up."""
        path = Path(path)
        if read_only and not path.exists():
            raise WorkspaceError(f"workspace {path} does not exist; load data first (graphtool load ...)")
        deadline = time.monotonic() + wait_s
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                break
            except duckdb.Error as exc:
                if not _busy(exc) or time.monotonic() > deadline:
                    hint = " (another process is using it; try again when it is done)" if _busy(exc) else ""
                    raise WorkspaceError(f"cannot open workspace {path}: {exc}{hint}") from exc
                time.sleep(0.2)
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")  # beyond it DuckDB spills to disk
        con.execute("SET enable_progress_bar = false")  # DuckDB would draw its own bars on stdout
        con.execute(
            "SET preserve_insertion_order = false"
        )  # rows carry their own row_no: lets inserts run in parallel
        ws = cls(path, con, read_only)
        if not read_only:
            ws._create()
        return ws

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _create(self) -> None:
        with self.transaction():
            for statement in ddl(self.model):
                self.con.execute(statement)
            self.con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", [SCHEMA_VERSION]
            )
            self.con.execute("INSERT INTO meta VALUES ('data_version', '0') ON CONFLICT DO NOTHING")
        found = self.meta("schema_version")
        if found != SCHEMA_VERSION:
            raise WorkspaceError(
                f"workspace {self.path} has schema version {found}, this graphtool needs {SCHEMA_VERSION}"
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        rows = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    @property
    def data_version(self) -> int:
        """Grows with every committed change; caches key their results on it."""
        return int(self.meta("data_version") or 0)

    # ---------------------------------------------------------------- loading

    def file_loaded(self, sha256: str) -> tuple[int, int, int] | None:
        """(file_id, batch_id, rows_read) of an earlier load of identical bytes, if any."""
        rows = self.con.execute(
            "SELECT file_id, batch_id, rows_read FROM source_files WHERE sha256 = ? ORDER BY file_id LIMIT 1",
            [sha256],
        ).fetchall()
        return tuple(rows[0]) if rows else None

    def ingest(self, chunks: Staged | Iterable[Staged], source: SourceInfo) -> LoadReport:
        """Write one source file (staged whole or in chunks of rows) in one transaction.

        Every row is accounted for: ``rows_read == loaded + quarantined + duplicates``, or
        nothing is written at all.
        """
        if isinstance(chunks, Staged):
            chunks = [chunks]
        earlier = self.file_loaded(source.sha256)
        if earlier:
            return LoadReport(
                source.name,
                source.loader,
                earlier[2],
                0,
                0,
                earlier[2],
                already_loaded=True,
                batch_id=earlier[1],
                file_id=earlier[0],
                encoding=source.encoding,
            )
        try:
            with self.transaction():
                return self._ingest(chunks, source)
        except duckdb.Error as exc:
            raise WorkspaceError(f"loading {source.path} failed and was rolled back: {exc}") from exc

    def _ingest(self, chunks: Iterable[Staged], source: SourceInfo) -> LoadReport:
        con = self.con
        batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM load_batches").fetchall()[0][0]
        file_id = con.execute("SELECT coalesce(max(file_id), 0) + 1 FROM source_files").fetchall()[0][0]
        started = dt.datetime.now()
        con.execute(
            "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, NULL)",
            [
                file_id,
                batch_id,
                source.name,
                source.path,
                source.size,
                source.sha256,
                source.loader,
                source.mapping,
                source.encoding,
                started,
                raw_table(file_id),
            ],
        )
        report = LoadReport(
            source.name,
            source.loader,
            0,
            0,
            0,
            0,
            batch_id=batch_id,
            file_id=file_id,
            encoding=source.encoding,
        )
        for staged in chunks:
            self._ingest_chunk(staged, file_id, batch_id, report)
        report.conflicts = con.execute(
            "SELECT count(*) FROM conflicts WHERE batch_id = ?", [batch_id]
        ).fetchall()[0][0]
        if report.rows_read != report.loaded + report.quarantined + report.duplicates:
            raise GraphtoolError(
                f"{source.path}: row accounting failed ({report.rows_read} read != {report.loaded} loaded + "
                f"{report.quarantined} quarantined + {report.duplicates} duplicates); nothing was loaded"
            )
        con.execute(
            "UPDATE source_files SET rows_read = ?, loaded = ?, quarantined = ?, duplicates = ? WHERE file_id = ?",
            [report.rows_read, report.loaded, report.quarantined, report.duplicates, file_id],
        )
        con.execute(
            "INSERT INTO load_batches VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
            [
                batch_id,
                started,
                dt.datetime.now(),
                _user(),
                __version__,
                report.rows_read,
                report.loaded,
                report.quarantined,
                report.duplicates,
                report.conflicts,
            ],
        )
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
        )
        return report

    def _ingest_chunk(self, staged: Staged, file_id: int, batch_id: int, report: LoadReport) -> None:
        con = self.con
        ids = [file_id, batch_id]
        raw = raw_table(file_id)
        self._store_raw(staged, file_id)

        # Settle each accepted row's primary item: first in file wins; a repeat is a duplicate
        # (identical original record) or a conflict (different record), also across files.
        self._stage("s_primary", staged.primaries)
        if "record_hash" in staged.primaries.column_names:
            con.execute("""CREATE OR REPLACE TEMP TABLE t_primary AS
                           SELECT row_no, item_id, record_hash AS h FROM s_primary""")
        else:
            con.execute(f"""CREATE OR REPLACE TEMP TABLE t_primary AS
                            SELECT p.row_no, p.item_id, r.record_hash AS h FROM s_primary p JOIN {raw} r USING (row_no)""")
        repeats = con.execute("SELECT count(*) - count(DISTINCT item_id) FROM t_primary").fetchall()[0][0]
        if repeats:
            con.execute("""CREATE OR REPLACE TEMP TABLE t_primary AS
                           SELECT *, h = first_h AS same_as_first
                           FROM (SELECT *, row_number() OVER w AS k, first(row_no) OVER w AS first_row,
                                        first(h) OVER w AS first_h
                                 FROM t_primary WINDOW w AS (PARTITION BY item_id ORDER BY row_no))""")
            pairs = con.execute(
                "SELECT row_no, first_row FROM t_primary WHERE k > 1 AND same_as_first"
            ).fetchall()
            self._unless_same("t_primary", "same_as_first", [(file_id, r, file_id, e) for r, e in pairs])
        else:
            con.execute("""CREATE OR REPLACE TEMP TABLE t_primary AS
                           SELECT *, 1 AS k, row_no AS first_row, h AS first_h, true AS same_as_first
                           FROM t_primary""")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE t_earlier AS
            SELECT t.row_no, e.file_id AS e_file, e.row_no AS e_row, e.record_hash = t.h AS e_same, f.name AS e_name
            FROM t_primary t
            JOIN primary_items e ON e.item_id = t.item_id
            JOIN source_files f ON f.file_id = e.file_id""")
        pairs = con.execute("SELECT row_no, e_file, e_row FROM t_earlier WHERE e_same").fetchall()
        self._unless_same("t_earlier", "e_same", [(file_id, r, f, e) for r, f, e in pairs])
        con.execute(
            """CREATE OR REPLACE TEMP TABLE t_settle AS
               SELECT t.row_no, t.item_id, t.h,
                 CASE WHEN e.row_no IS NOT NULL AND e.e_same THEN 'duplicate'
                      WHEN e.row_no IS NOT NULL AND e.e_file = ? THEN 'conflict_file'
                      WHEN e.row_no IS NOT NULL THEN 'conflict_earlier'
                      WHEN t.k > 1 AND t.same_as_first THEN 'duplicate'
                      WHEN t.k > 1 THEN 'conflict_file'
                      ELSE 'accepted' END AS outcome,
                 coalesce(CASE WHEN e.e_file = ? THEN e.e_row END, t.first_row) AS first_row,
                 e.e_file, e.e_row, e.e_name
               FROM t_primary t LEFT JOIN t_earlier e USING (row_no)""",
            [file_id, file_id],
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE t_ok AS SELECT row_no FROM t_settle WHERE outcome = 'accepted'"
        )
        con.execute(
            "INSERT INTO primary_items SELECT item_id, ?, row_no, h FROM t_settle WHERE outcome = 'accepted'",
            [file_id],
        )
        self._stage("s_quarantine", staged.quarantine)
        con.execute("INSERT INTO quarantine SELECT ?, ?, row_no, reasons FROM s_quarantine", ids)
        con.execute(
            """INSERT INTO quarantine
               SELECT ?, ?, row_no, json_array(json_object(
                   'field', '(row)', 'value', item_id, 'rule', 'conflict',
                   'message', CASE outcome
                     WHEN 'conflict_file' THEN 'same item as row ' || first_row || ' of this file, with different values'
                     ELSE 'same item as row ' || e_row || ' of ' || e_name || ', already loaded, with different values'
                   END))::VARCHAR
               FROM t_settle WHERE outcome LIKE 'conflict%'""",
            ids,
        )

        for label, table in staged.nodes.items():
            own = label == staged.own_label and not repeats
            new = self._merge_nodes(label, table, file_id, batch_id, report.edges, own)
            report.nodes[label] = report.nodes.get(label, 0) + new
        for rel_type, count in self._merge_edges(staged.edges, file_id, batch_id).items():
            report.edges[rel_type] = report.edges.get(rel_type, 0) + count
        for name, table in staged.tables.items():
            self._stage("s_table", table)
            columns = ", ".join(map(q, self.model.tables[name].properties))
            con.execute(
                f"""INSERT INTO {name} SELECT {columns}, ?, row_no, ? FROM s_table
                    WHERE row_no IN (SELECT row_no FROM t_ok)""",
                ids,
            )
        outcomes = dict(con.execute("SELECT outcome, count(*) FROM t_settle GROUP BY outcome").fetchall())
        report.rows_read += staged.rows_read
        report.loaded += outcomes.get("accepted", 0)
        report.duplicates += outcomes.get("duplicate", 0)
        report.quarantined += (
            staged.quarantine.num_rows
            + outcomes.get("conflict_file", 0)
            + outcomes.get("conflict_earlier", 0)
        )
        for slot in self.slots.values():
            slot.table = None  # the chunk's memory is freed now, not at the end of the file

    def _stage(self, name: str, table: pa.Table) -> None:
        """Make ``table`` readable as ``name`` in SQL until the chunk is written (see ArrowSlot)."""
        new = name not in self.slots
        slot = self.slots.setdefault(name, ArrowSlot())
        slot.table = table
        if new:
            self.con.register(name, slot)  # DuckDB reads the schema here, so the table comes first

    def _store_raw(self, staged: Staged, file_id: int) -> None:
        """Every row read, as it was read, in the file's own raw table: a text file's lines in
        compressed blocks, or one text column per source header, or a JSON record per row."""
        con = self.con
        raw = raw_table(file_id)
        self._stage("s_raw", staged.raw)
        if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [raw]).fetchall()[0][0]:
            con.execute(
                f"INSERT INTO {raw} SELECT * FROM s_raw"
                if "data" in staged.raw.column_names
                else f"INSERT INTO {raw} SELECT row_no, hash({self._values(staged)}), {self._values(staged)} FROM s_raw"
            )
            return
        con.execute(
            "UPDATE source_files SET raw_columns = ? WHERE file_id = ?", [staged.raw_columns, file_id]
        )
        if "data" in staged.raw.column_names:
            con.execute(f"CREATE TABLE {raw} AS SELECT * FROM s_raw")
        else:
            con.execute(
                f"CREATE TABLE {raw} AS SELECT row_no, hash({self._values(staged)}) AS record_hash, "
                f"{self._values(staged)} FROM s_raw"
            )

    @staticmethod
    def _values(staged: Staged) -> str:
        return ", ".join(q(c) for c in staged.raw.column_names if c != "row_no")

    def _raw_columns(self, file_id: int) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND column_name NOT IN "
            "('row_no', 'record_hash') ORDER BY column_index",
            [raw_table(file_id)],
        ).fetchall()
        return [r[0] for r in rows]

    def _unless_same(self, table: str, flag: str, pairs: list[tuple[int, int, int, int]]) -> None:
        """Equal 64-bit hashes are confirmed value by value: ``flag`` is cleared in ``table`` for each
        row (file, row) whose record differs from its (other file, other row), or whose source has
        other headers."""
        if not pairs:
            return
        wanted: dict[int, set[int]] = {}
        for fa, ra, fb, rb in pairs:
            wanted.setdefault(fa, set()).add(ra)
            wanted.setdefault(fb, set()).add(rb)
        records = {f: self.raw_records(f, sorted(rows)) for f, rows in wanted.items()}
        headers = {
            f: self.con.execute("SELECT raw_columns FROM source_files WHERE file_id = ?", [f]).fetchall()[0][
                0
            ]
            for f in wanted
        }

        def same(fa: int, ra: int, fb: int, rb: int) -> bool:
            a, b = records[fa].get(ra), records[fb].get(rb)
            return (
                headers[fa] == headers[fb]
                and a is not None
                and b is not None
                and list(a.items()) == list(b.items())
            )

        differ = [ra for fa, ra, fb, rb in pairs if not same(fa, ra, fb, rb)]
        if differ:
            self.con.execute(
                f"UPDATE {table} SET {flag} = false WHERE row_no IN (SELECT unnest(?::BIGINT[]))", [differ]
            )

    def raw_record(self, file_id: int, row_no: int) -> dict[str, Any] | None:
        """The original values of one source row, keyed by the source's own headers."""
        return self.raw_records(file_id, [row_no]).get(row_no)

    def raw_records(self, file_id: int, row_nos: list[int]) -> dict[int, dict[str, Any]]:
        """Several rows of one file at once (one query), by row number."""
        columns = self._raw_columns(file_id)
        if not columns or not row_nos:
            return {}
        headers, encoding = self.con.execute(
            "SELECT raw_columns, encoding FROM source_files WHERE file_id = ?", [file_id]
        ).fetchall()[0]
        headers = headers or []
        if "data" in columns:
            return _lines_as_records(self._raw_lines(file_id, row_nos), headers, encoding)
        rows = self.con.execute(
            f"SELECT row_no, {', '.join(q(c) for c in columns)} FROM {raw_table(file_id)} WHERE row_no IN "
            "(SELECT unnest(?::BIGINT[]))",
            [row_nos],
        ).fetchall()
        return {row[0]: _original(dict(zip(columns, row[1:], strict=True)), headers) for row in rows}

    def _raw_lines(self, file_id: int, row_nos: list[int]) -> dict[int, bytes]:
        """Original lines (row 0: the header) of a text file stored in compressed blocks."""
        blocks = self.con.execute(
            f"""SELECT first_row, starts, ends, data FROM {raw_table(file_id)} b WHERE first_row = 0 OR EXISTS
                (SELECT 1 FROM (SELECT unnest(?::BIGINT[]) AS r) WHERE r >= b.first_row AND r < b.first_row + len(b.starts))""",
            [row_nos],
        ).fetchall()
        wanted = {0, *row_nos}
        lines: dict[int, bytes] = {}
        for first_row, starts, ends, data in blocks:
            for i, line in enumerate(block_records(data, starts, ends)):
                if first_row + i in wanted:
                    lines[first_row + i] = line
        return lines

    def _merge_nodes(
        self, label: str, table: pa.Table, file_id: int, batch_id: int, links: dict[str, int], own: bool
    ) -> int:
        """Insert new nodes, fill gaps in known ones, record differing values; returns the new node count
        and adds the relationships stored as link columns to ``links``. ``own``: each accepted row is
        the node of its own primary item, once in the chunk."""
        con = self.con
        kind = self.model.node(label)
        every = [*kind.properties, *kind.link_columns]
        target = node_table(label)
        if own:
            self._stage("s_nodes", table)
            con.execute(
                "CREATE OR REPLACE TEMP VIEW t_own AS SELECT * FROM s_nodes SEMI JOIN t_ok USING (row_no)"
            )
            if not con.execute(f"SELECT count(*) FROM {target} SEMI JOIN t_own USING (id)").fetchall()[0][0]:
                return self._insert_own_nodes(kind, target, file_id, batch_id, links)
        # a value is compared through its normal form where one exists: "ACME Co., Ltd" and
        # "ACME CO LTD" are spellings of one name (kept as aliases), not a conflict
        # only properties some row states are moved and compared (a customs file names a firm, its
        # code and country, not its address): the others stay as they are, or null on a new node
        stated = [p for p in every if table.column(p).null_count < len(table)]
        through = {p: f"{p}_norm" if f"{p}_norm" in every else p for p in stated if not is_derived(p)}
        compared = [(q(p), q(c)) for p, c in through.items()]
        names = [p for p in every if p in stated or p in through.values()]
        props = [q(p) for p in names]
        # ``first`` orders statements by row, then by their place in the batch (on one row, the
        # mapping's exporter before its agent), so that "the first value wins" is deterministic
        # (one number, row * 2^32 + place: cheaper to compare than a pair).
        self._stage("s_nodes", table.append_column("pos", pa.array(np.arange(len(table)))))
        # The accepted rows of the chunk, once per distinct (id, values): the first row stating it, how
        # many rows do, and how many of those are the row the node itself is about (its provenance,
        # not a mention). A firm named on 100,000 lines becomes one row here, not 100,000.
        unique = con.execute("SELECT count(id) = count(DISTINCT id) FROM s_nodes").fetchall()[0][0]
        accepted = """FROM s_nodes r JOIN t_settle s ON s.row_no = r.row_no AND s.outcome = 'accepted'
                      WHERE r.id IS NOT NULL"""
        if unique:
            con.execute(f"""CREATE OR REPLACE TEMP VIEW t_rows AS
                            SELECT r.*, r.row_no * 4294967296 + r.pos AS first, 1 AS n_rows,
                                   CAST(s.item_id = r.id AS BIGINT) AS n_own,
                                   CASE WHEN s.item_id <> r.id THEN r.row_no END AS first_mention {accepted}""")
        else:
            con.execute(f"""CREATE OR REPLACE TEMP TABLE t_collapsed AS
                            SELECT r.id, {", ".join(f"r.{p}" for p in props)}, min(r.row_no) AS row_no,
                                   min(r.row_no * 4294967296 + r.pos) AS first, count(*) AS n_rows, count(*) FILTER (WHERE s.item_id = r.id) AS n_own,
                                   min(r.row_no) FILTER (WHERE s.item_id <> r.id) AS first_mention
                            {accepted} GROUP BY ALL""")
            con.execute("CREATE OR REPLACE TEMP VIEW t_rows AS SELECT * FROM t_collapsed")
            unique = con.execute("SELECT count(*) = count(DISTINCT id) FROM t_rows").fetchall()[0][0]
        if unique:
            con.execute("CREATE OR REPLACE TEMP VIEW t_nodes AS SELECT * FROM t_rows")
        else:
            firsts = ", ".join(f"arg_min({p}, first) FILTER (WHERE {p} IS NOT NULL) AS {p}" for p in props)
            con.execute(f"""CREATE OR REPLACE TEMP TABLE t_grouped AS
                            SELECT id, min(row_no) AS row_no, {firsts} FROM t_rows GROUP BY id""")
            con.execute("CREATE OR REPLACE TEMP VIEW t_nodes AS SELECT * FROM t_grouped")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE t_known AS SELECT o.* FROM {target} o SEMI JOIN t_nodes n USING (id)"
        )
        known = con.execute("SELECT count(*) FROM t_known").fetchall()[0][0]
        if known or not unique:
            # every row that disagrees with the value the node keeps (an earlier source's, else this
            # file's first) is a conflict; rows alike in all compared values are skipped by hash first
            kept = ", ".join(f"coalesce(o.{p}, n.{p}) AS {p}" for p in props)
            con.execute(f"""CREATE OR REPLACE TEMP TABLE t_kept AS
                            SELECT n.id, {kept} FROM t_nodes n LEFT JOIN t_known o USING (id)""")
            con.execute(f"""CREATE OR REPLACE TEMP TABLE t_varied AS
                            SELECT r.* FROM t_rows r JOIN t_kept k USING (id)
                            WHERE hash({", ".join(f"r.{c}" for _, c in compared)})
                               <> hash({", ".join(f"k.{c}" for _, c in compared)})""")
            for p, c in compared:
                con.execute(
                    f"""INSERT INTO conflicts
                        SELECT r.id, ?, CAST(k.{p} AS VARCHAR), CAST(r.{p} AS VARCHAR), ?, min(r.row_no), ?
                        FROM t_varied r JOIN t_kept k USING (id)
                        WHERE r.{c} IS NOT NULL AND k.{c} IS NOT NULL AND r.{c} IS DISTINCT FROM k.{c}
                        GROUP BY r.id, k.{p}, r.{p}""",
                    [p.strip('"'), file_id, batch_id],
                )
        if known:
            fills = ", ".join(f"{p} = coalesce({target}.{p}, n.{p})" for p in props)
            con.execute(f"UPDATE {target} SET {fills} FROM t_nodes n WHERE {target}.id = n.id")
            # a node first seen as a mention takes the provenance of the record that is about it
            con.execute(
                f"""UPDATE {target} SET file_id = ?, row_no = s.row_no, batch_id = ?
                    FROM t_settle s WHERE s.outcome = 'accepted' AND {target}.id = s.item_id""",
                [file_id, batch_id],
            )
        columns = "".join(f"{p}, " for p in props)
        new = con.execute(
            f"""INSERT INTO {target} (id, {columns}file_id, row_no, batch_id)
                SELECT id, {columns}?, row_no, ? FROM t_nodes ANTI JOIN t_known USING (id)""",
            [file_id, batch_id],
        ).fetchall()[0][0]
        if {"name", "name_norm"} <= set(names) and "aliases" in every:
            con.execute(  # other spellings of the same normalised name become aliases
                f"""UPDATE {target} SET aliases = list_sort(list_distinct(coalesce({target}.aliases, []) || v.names))
                    FROM (SELECT r.id, list(DISTINCT r.name) AS names FROM t_rows r JOIN {target} o USING (id)
                          WHERE r.name <> o.name AND r.name_norm = o.name_norm GROUP BY r.id) v
                    WHERE {target}.id = v.id AND NOT list_has_all(coalesce({target}.aliases, []), v.names)"""
            )
        # mentions beyond the node's own provenance row (a node created by its only mention needs none)
        con.execute(
            """INSERT INTO mentions
               SELECT id, ?, ?, min(first_mention), sum(n_rows - n_own) FROM t_rows GROUP BY id
               HAVING sum(n_rows - n_own) > 1 OR (sum(n_rows - n_own) > 0 AND id IN (SELECT id FROM t_known))""",
            [file_id, batch_id],
        )
        linked = {c: t for c, t in kind.link_columns.items() if c in names}
        self._count_links(linked, "coalesce(sum(n_own) FILTER (WHERE {} IS NOT NULL), 0)", "t_rows", links)
        return new

    def _count_links(self, columns: dict[str, str], aggregate: str, rows: str, links: dict[str, int]) -> None:
        """Relationships stored on nodes as link columns (column -> type) count as relationships in the
        report: ``aggregate`` (a SQL template for one column) over ``rows``, added to ``links``."""
        if not columns:
            return
        counts = ", ".join(aggregate.format(q(c)) for c in columns)
        values = self.con.execute(f"SELECT {counts} FROM {rows}").fetchall()[0]
        for rel_type, value in zip(columns.values(), values, strict=True):
            if value:
                links[rel_type] = links.get(rel_type, 0) + value

    def _insert_own_nodes(
        self, kind: NodeKind, target: str, file_id: int, batch_id: int, links: dict[str, int]
    ) -> int:
        """New nodes that are their rows' own items (``t_own``): nothing to collapse, compare or count
        as a mention, so they are written as they are."""
        con = self.con
        columns = ", ".join(q(p) for p in [*kind.properties, *kind.link_columns])
        new = con.execute(
            f"INSERT INTO {target} SELECT id, {columns}, ?, row_no, ? FROM t_own", [file_id, batch_id]
        ).fetchall()[0][0]
        self._count_links(kind.link_columns, "count({})", "t_own", links)
        return new

    def _merge_edges(self, table: pa.Table, file_id: int, batch_id: int) -> dict[str, int]:
        """Relationship rows: new ones inserted, known ones remembered as mentions, differing values flagged."""
        con = self.con
        if table.num_rows == 0:
            return {}
        props = [q(p) for p in self.model.edge_properties()]
        self._stage("s_edges", table)
        con.execute(
            "CREATE OR REPLACE TEMP VIEW t_erows AS SELECT * FROM s_edges SEMI JOIN t_ok USING (row_no) "
            "WHERE id IS NOT NULL"
        )
        if con.execute("SELECT count(*) = count(DISTINCT id) FROM t_erows").fetchall()[0][0]:
            con.execute("CREATE OR REPLACE TEMP VIEW t_edges AS SELECT * FROM t_erows")
        else:
            firsts = ", ".join(f"arg_min({p}, first) FILTER (WHERE {p} IS NOT NULL) AS {p}" for p in props)
            con.execute(f"""CREATE OR REPLACE TEMP TABLE t_egrouped AS
                            SELECT id, any_value(type) AS type, any_value(src) AS src, any_value(dst) AS dst,
                                   min(row_no) AS row_no, {firsts}
                            FROM t_erows GROUP BY id""")
            con.execute("CREATE OR REPLACE TEMP VIEW t_edges AS SELECT * FROM t_egrouped")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE t_eknown AS SELECT o.* FROM edges o SEMI JOIN t_edges n USING (id)"
        )
        for p in props:
            con.execute(
                f"""INSERT INTO conflicts
                    SELECT n.id, ?, CAST(o.{p} AS VARCHAR), CAST(n.{p} AS VARCHAR), ?, n.row_no, ?
                    FROM t_edges n JOIN t_eknown o USING (id)
                    WHERE n.{p} IS NOT NULL AND o.{p} IS NOT NULL AND n.{p} IS DISTINCT FROM o.{p}""",
                [p.strip('"'), file_id, batch_id],
            )
        columns = ", ".join(props)
        con.execute(
            f"""INSERT INTO edges SELECT id, type, src, dst, {columns}, ?, row_no, ? FROM t_edges
                ANTI JOIN t_eknown USING (id)""",
            [file_id, batch_id],
        )
        con.execute(
            """INSERT INTO mentions
               SELECT r.id, ?, ?, min(r.row_no), count(*) FROM t_erows r SEMI JOIN t_eknown k USING (id)
               GROUP BY r.id""",
            [file_id, batch_id],
        )
        return dict(con.execute("SELECT type, count(*) FROM t_erows GROUP BY type ORDER BY type").fetchall())


def _busy(exc: duckdb.Error) -> bool:
    """A lock held by another process, or another connection of this process opened differently."""
    text = str(exc).lower()
    return "lock" in text or "different configuration" in text


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _lines_as_records(
    lines: dict[int, bytes], headers: list[str], encoding: str
) -> dict[int, dict[str, Any]]:
    """Original lines split into cells as the reader did (empty cells are null), keyed by header."""
    encoding = "utf-8" if encoding == "xlsx" else encoding
    header = lines.pop(0).decode(encoding).lstrip("\ufeff")
    delimiter = sniff_delimiter(header)
    records = {}
    for row_no, line in lines.items():
        cells = next(csv.reader([line.decode(encoding)], delimiter=delimiter), [])
        if len(cells) == len(headers):
            records[row_no] = {h: c if c != "" else None for h, c in zip(headers, cells, strict=True)}
        else:
            records[row_no] = {f"column {i + 1}": c for i, c in enumerate(cells)}
    return records


def _original(values: dict[str, Any], headers: list[str]) -> dict[str, Any]:
    """A raw row back in its source's shape: JSON records as parsed, cells keyed by their headers."""
    if "record" in values:
        return json.loads(values["record"])
    if values.get("malformed"):
        return json.loads(values["malformed"])
    return {header: values[f"c{i}"] for i, header in enumerate(headers)}
