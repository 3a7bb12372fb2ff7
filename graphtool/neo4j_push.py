"""``graphtool push``: write the workspace's graph into Neo4j, idempotently and resumably.

Uniqueness constraints on ``id`` come first (so every MERGE and every endpoint MATCH uses an
index), then nodes label by label, then relationships grouped by (type, source label, target
label), so both endpoint lookups go through their label's constraint index. Each batch is one
``UNWIND $rows AS row MERGE ...`` transaction. Rows travel as lists, not maps (no property names
repeated per row), and every property is SET explicitly, so a value the workspace no longer holds
is removed on a re-push. Labels, types and property names come from the model only; values
travel as parameters.

The layout is lean, because the server's cost per relationship grows with what it stores
(docs/neo4j.md): every node and relationship carries its provenance as the workspace's file id, row
and batch, and the files themselves (name, sha256, loader, size...) are ``SourceFile`` nodes, one per
workspace source file, written first. A relationship keeps an ``id`` property only when its id is not
the derived ``TYPE:source id>target id`` (a qualified id such as a second ownership period); readers
compute the derived one. A push into a server whose source files are another workspace's is refused
before anything is written.

A push records each finished batch in the workspace, keyed by server and data version, so a push
that was interrupted continues where it stopped; MERGE makes replaying a batch harmless. A group of
relationships the server holds none of (a first load) is written with CREATE instead, which skips
MERGE's look-up; a group with anything on the server, as after an interruption, is MERGEd. A
relationship whose endpoint is missing on the server is an error naming it, never a silent gap.
The next batch is read from DuckDB in a thread while the server writes the current one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import neo4j

from graphtool.config import Neo4jSettings
from graphtool.errors import BackendError
from graphtool.model import Model, load_model
from graphtool.workspace import Workspace, node_table, q

#: Rows per transaction, chosen by measurement (bench/push_neo4j.py, docs/performance.md).
BATCH_ROWS = 20_000

PROVENANCE = ("source_file_id", "source_row", "load_batch")
PROVENANCE_SQL = "t.file_id AS source_file_id, t.row_no AS source_row, t.batch_id AS load_batch"
#: A relationship's id as the server keeps it: null (no property) when it is the derived form.
EDGE_ID_SQL = "CASE WHEN t.id = t.type || ':' || t.src || '>' || t.dst THEN NULL ELSE t.id END AS id"
#: The label of the source-file nodes (not an investigation label: no relationship reaches them).
SOURCE_FILE = "SourceFile"
#: The columns of ``source_files`` a SourceFile node carries: what a court asks about a file.
SOURCE_FILE_COLUMNS = (
    "file_id", "batch_id", "name", "path", "size", "sha256", "loader", "mapping", "encoding", "loaded_at",
    "rows_read", "loaded", "quarantined", "duplicates",
)  # fmt: skip
SOURCE_FILE_ID_SQL = f"'{SOURCE_FILE}:' || file_id"
SOURCE_FILE_SQL = (
    f"SELECT {SOURCE_FILE_ID_SQL}, {', '.join(SOURCE_FILE_COLUMNS)} FROM source_files ORDER BY file_id"
)
EDGE_GROUP_WHERE = "t.type = ? AND split_part(t.src, ':', 1) = ? AND split_part(t.dst, ':', 1) = ?"


@dataclass
class PushReport:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    skipped_batches: int = 0  # already pushed by an interrupted earlier run

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "relationships": self.relationships,
            "skipped_batches": self.skipped_batches,
        }


def constraint_statements(model: Model) -> list[str]:
    return [
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in (SOURCE_FILE, *model.nodes)
    ]


def _sets(var: str, names: list[str], first: int) -> str:
    return ", ".join(f"{var}.`{name}` = row[{i}]" for i, name in enumerate(names, start=first))


def node_statement(label: str, provenance: tuple[str, ...] = PROVENANCE) -> str:
    """Rows are ``[id, *model properties, *provenance]``."""
    names = [*load_model().node(label).properties, *provenance]  # the model is the allow-list
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row[0]}}) SET {_sets('n', names, 1)} RETURN count(*)"


def source_file_statement() -> str:
    """Rows are ``[id, *SOURCE_FILE_COLUMNS]``."""
    sets = _sets("f", list(SOURCE_FILE_COLUMNS), 1)
    return f"UNWIND $rows AS row MERGE (f:{SOURCE_FILE} {{id: row[0]}}) SET {sets} RETURN count(*)"


def relationship_statement(
    rel_type: str, source: str, target: str, create: bool = False, provenance: tuple[str, ...] = PROVENANCE
) -> str:
    """Rows are ``[id or null (derived), source id, target id, *properties of the type, *provenance]``;
    ``SET r.id = null`` writes no property. ``create``: a plain CREATE, for a group the server holds
    none of (see :meth:`Push.first_load`). Otherwise the relationship of the pair whose id (kept or
    derived) is the row's is found and updated, or created: idempotent, and a derived and a qualified
    relationship of one type between the same pair stay two."""
    model = load_model()
    model.node(source), model.node(target)  # allow-list
    sets = f"r.id = row[0], {_sets('r', [*model.relationship(rel_type).properties, *provenance], 3)}"
    rows = f"UNWIND $rows AS row {_ends(source, target)}"
    if create:
        return f"{rows} CREATE (a)-[r:{rel_type}]->(b) SET {sets} RETURN count(*)"
    derived = _derived_id(rel_type)
    return (
        f"{rows} OPTIONAL MATCH (a)-[old:{rel_type}]->(b) "
        f"WHERE coalesce(old.id, {derived}) = coalesce(row[0], {derived}) "
        f"CALL (a, b, old) {{ WITH a, b, old WHERE old IS NULL CREATE (a)-[r:{rel_type}]->(b) RETURN r "
        "UNION WITH old WHERE old IS NOT NULL RETURN old AS r } "
        f"SET {sets} RETURN count(*)"
    )


def _derived_id(rel_type: str) -> str:
    """A row's derived relationship id, in Cypher (graphtool.ids.edge_id without a qualifier)."""
    return f"'{rel_type}:' + row[1] + '>' + row[2]"


def group_exists_statement(rel_type: str, source: str, target: str) -> str:
    model = load_model()
    model.relationship(rel_type), model.node(source), model.node(target)  # allow-list
    return f"RETURN EXISTS {{ MATCH (:{source})-[:{rel_type}]->(:{target}) }} AS found"


def _ends(source: str, target: str, match: str = "MATCH") -> str:
    return f"{match} (a:{source} {{id: row[1]}}) {match} (b:{target} {{id: row[2]}})"


def edge_groups(ws: Workspace) -> list[tuple[str, str, str]]:
    """(type, source label, target label) of every relationship in the workspace, sorted."""
    return ws.con.execute("""SELECT DISTINCT type, split_part(src, ':', 1), split_part(dst, ':', 1)
                             FROM graph_edges ORDER BY ALL""").fetchall()


def node_sql(model: Model, label: str) -> str:
    columns = ", ".join(f"t.{q(p)}" for p in model.node(label).properties)
    return f"SELECT t.id, {columns}, {PROVENANCE_SQL} FROM {node_table(label)} t ORDER BY t.id"


def edge_sql(model: Model, rel_type: str) -> str:
    """Select one edge group (parameters: type, source label, target label); the id is null where the
    server derives it."""
    columns = "".join(f"t.{q(p)}, " for p in model.relationship(rel_type).properties)
    return f"""SELECT {EDGE_ID_SQL}, t.src, t.dst, {columns}{PROVENANCE_SQL}
               FROM graph_edges t WHERE {EDGE_GROUP_WHERE} ORDER BY t.id"""


def _batches(
    ws: Workspace, sql: str, params: list[Any], batch_rows: int
) -> Generator[list[tuple], None, None]:
    """Rows as tuples, column by column from Arrow (no per-row dict)."""
    cursor = ws.con.cursor()  # its own result stream: the checkpoints are written on the main connection
    try:
        for batch in cursor.sql(sql, params=params).to_arrow_reader(batch_rows):
            yield list(zip(*(column.to_pylist() for column in batch.columns), strict=True))
    finally:
        cursor.close()


def _read_ahead(batches: Generator[list[tuple], None, None]) -> Iterator[list[tuple]]:
    """Yield from ``batches`` while a thread reads the next one (DuckDB and the server overlap).
    If the consumer stops early (an error, Ctrl-C), the thread stops too and closes its cursor."""
    slot: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    end = object()

    def hand_over(item: object) -> bool:
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not hand_over(batch):
                    break
            else:
                hand_over(end)
        except BaseException as exc:  # handed to the consumer, raised there
            hand_over(exc)
        finally:
            batches.close()

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while (item := slot.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _done(ws: Workspace, target: str, version: int) -> set[str]:
    rows = ws.con.execute(
        "SELECT part FROM push_checkpoints WHERE target = ? AND data_version = ?", [target, version]
    ).fetchall()
    return {r[0] for r in rows}


class Push:
    """One push of a workspace to one server. :func:`push` runs the phases in order; the benchmark
    times them one by one."""

    def __init__(
        self,
        ws: Workspace,
        settings: Neo4jSettings,
        driver: neo4j.Driver,
        batch_rows: int = BATCH_ROWS,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.ws, self.settings, self.driver = ws, settings, driver
        self.batch_rows = batch_rows
        self.progress = progress
        self.version = ws.data_version
        self.done = _done(ws, settings.uri, self.version)
        self.report = PushReport()

    def check_sources(self) -> None:
        """Refuse a server that holds another workspace's data: a SourceFile whose file id this
        workspace gives another file (or has not), or graph nodes without any SourceFile (an older
        layout, or data from elsewhere). Writes nothing."""
        server = {
            r["file_id"]: (r["name"], r["sha256"])
            for r in self._read(
                f"MATCH (f:{SOURCE_FILE}) RETURN f.file_id AS file_id, f.name AS name, f.sha256 AS sha256"
            )
        }
        rows = self.ws.con.execute("SELECT file_id, name, sha256 FROM source_files").fetchall()
        clash = foreign_file(server, {file_id: (name, sha256) for file_id, name, sha256 in rows})
        if clash:
            raise BackendError(_other_data(self.settings, clash))
        if not server and self._holds_graph_nodes():
            raise BackendError(_other_data(self.settings, "it holds graph nodes but no SourceFile nodes"))

    def _holds_graph_nodes(self) -> bool:
        return any(
            self._read(f"MATCH (n:{label}) RETURN count(n) > 0 AS found")[0]["found"]
            for label in self.ws.model.nodes
        )

    def _read(self, statement: str) -> list[neo4j.Record]:
        """A read with the server's notifications off: a label, type or property the server has never
        held (a first push) is expected here, so the server's warning about it is not shown."""
        with self.driver.session(
            database=self.settings.database, notifications_min_severity="OFF"
        ) as session:
            return session.execute_read(lambda tx: list(tx.run(statement)))

    def constraints(self) -> None:
        """The server checked (:meth:`check_sources`), then the uniqueness constraints."""
        self.check_sources()
        for statement in constraint_statements(self.ws.model):
            self.driver.execute_query(statement, database_=self.settings.database)

    def source_files(self) -> None:
        """Every source file as a SourceFile node (few rows: rewritten on every push)."""
        rows = self.ws.con.execute(SOURCE_FILE_SQL).fetchall()
        if rows:
            self.driver.execute_query(source_file_statement(), rows=rows, database_=self.settings.database)

    def nodes(self) -> None:
        """The SourceFile nodes, then every label's nodes."""
        self.source_files()
        for label in self.ws.model.nodes:
            statement = node_statement(label)
            batches = _batches(self.ws, node_sql(self.ws.model, label), [], self.batch_rows)
            for i, rows in enumerate(_read_ahead(batches)):
                self._run(f"node:{label}:{i}", statement, rows)
                self.report.nodes[label] = self.report.nodes.get(label, 0) + len(rows)

    def relationships(self, only: list[tuple[str, str, str]] | None = None) -> None:
        """Every (type, source label, target label) group, or ``only`` these."""
        for rel_type, source, target in only or edge_groups(self.ws):
            statement = relationship_statement(
                rel_type, source, target, self.first_load(rel_type, source, target)
            )
            sql = edge_sql(self.ws.model, rel_type)
            batches = _batches(self.ws, sql, [rel_type, source, target], self.batch_rows)
            for i, rows in enumerate(_read_ahead(batches)):
                self._run(
                    f"rel:{rel_type}:{source}:{target}:{i}", statement, rows, (rel_type, source, target)
                )
                self.report.relationships[rel_type] = self.report.relationships.get(rel_type, 0) + len(rows)

    def first_load(self, rel_type: str, source: str, target: str) -> bool:
        """Whether the server holds no relationship of the group yet: then there is nothing for MERGE
        to find, and CREATE writes about a quarter faster (docs/performance.md). A resumed or repeated
        push finds the group's earlier batches on the server and MERGEs, so a batch replayed after an
        interruption never doubles a relationship."""
        return not self._read(group_exists_statement(rel_type, source, target))[0]["found"]

    def _run(
        self, part: str, statement: str, rows: list[tuple], group: tuple[str, str, str] | None = None
    ) -> None:
        if part in self.done:
            self.report.skipped_batches += 1
        else:
            database = self.settings.database
            written = self.driver.execute_query(statement, rows=rows, database_=database).records[0][0]
            if written != len(rows) and group:
                raise BackendError(f"{part}: {_missing_ends(self.driver, database, *group, rows)}")
            self.ws.con.execute(
                "INSERT INTO push_checkpoints VALUES (?, ?, ?)", [self.settings.uri, self.version, part]
            )
        if self.progress:
            self.progress(len(rows))


def push(
    ws: Workspace,
    settings: Neo4jSettings,
    driver: neo4j.Driver,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    """The server checked (no other workspace's data), constraints, source files and nodes, then
    relationships; batches pushed before (same server and data version) are skipped."""
    run = Push(ws, settings, driver, batch_rows, progress)
    run.constraints()
    run.nodes()
    run.relationships()
    return run.report


def foreign_file(server: dict[int, tuple[str, str]], ours: dict[int, tuple[str, str]]) -> str | None:
    """The first of the server's source files (file id -> name, sha256) that is not this workspace's
    file of that id, described; None when all are."""
    for file_id in sorted(server):
        name, sha256 = server[file_id]
        mine = ours.get(file_id)
        if mine is None or mine[1] != sha256:
            here = f"{mine[0]} (sha256 {mine[1]})" if mine else "not there"
            return f"its source file {file_id} is {name} (sha256 {sha256}); this workspace's file {file_id} is {here}"
    return None


def _other_data(settings: Neo4jSettings, what: str) -> str:
    return (
        f"Neo4j at {settings.uri} (database {settings.database}) holds data from another workspace: {what}. "
        "Nothing was pushed. Push into an empty database, or empty this one first if its data is not needed "
        "(MATCH (n) DETACH DELETE n), or push from the workspace that wrote it"
    )


def _missing_ends(
    driver: neo4j.Driver, database: str | None, rel_type: str, source: str, target: str, rows: list
) -> str:
    """Which relationships of a batch found no endpoint on the server (the batch's MATCH skipped them)."""
    records = driver.execute_query(
        f"UNWIND $rows AS row {_ends(source, target, 'OPTIONAL MATCH')} WITH row, a, b "
        f"WHERE a IS NULL OR b IS NULL RETURN coalesce(row[0], {_derived_id(rel_type)}) AS id LIMIT 3",
        rows=rows,
        database_=database,
    ).records
    missing = [r["id"] for r in records]
    return (
        f"relationships whose {source} or {target} node is not on the server (e.g. {', '.join(missing)}): "
        "were nodes deleted there after they were pushed? Nothing of that batch is marked as pushed; "
        "clear the push checkpoints to push the nodes again"
    )
