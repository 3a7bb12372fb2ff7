"""``graphtool push``: write the workspace's graph into Neo4j, idempotently and resumably.

Uniqueness constraints on ``id`` come first (so every MERGE and every endpoint MATCH uses an
index), then nodes label by label, then relationships grouped by (type, source label, target
label), so both endpoint lookups go through their label's constraint index. Each batch is one
``UNWIND $rows AS row MERGE ...`` transaction. Rows travel as lists, not maps (no property names
repeated per row), and every property is SET explicitly, so a value the workspace no longer holds
is removed on a re-push. Labels, types and property names come from the model only; values
travel as parameters. Every node and relationship carries its provenance (source file sha256 and
name, row, batch).

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

PROVENANCE = ("source_sha256", "source_file", "source_row", "load_batch")
PROVENANCE_SQL = (
    "f.sha256 AS source_sha256, f.name AS source_file, t.row_no AS source_row, t.batch_id AS load_batch"
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
        for label in model.nodes
    ]


def _sets(var: str, names: list[str], first: int) -> str:
    return ", ".join(f"{var}.`{name}` = row[{i}]" for i, name in enumerate(names, start=first))


def node_statement(label: str) -> str:
    """Rows are ``[id, *model properties, *provenance]``."""
    names = [*load_model().node(label).properties, *PROVENANCE]  # the model is the allow-list
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row[0]}}) SET {_sets('n', names, 1)} RETURN count(*)"


def relationship_statement(rel_type: str, source: str, target: str, create: bool = False) -> str:
    """Rows are ``[id, source id, target id, *properties of the type, *provenance]``. ``create``:
    CREATE instead of MERGE, for a group the server holds none of (see :meth:`Push.first_load`)."""
    model = load_model()
    model.node(source), model.node(target)  # allow-list
    names = [*model.relationship(rel_type).properties, *PROVENANCE]
    return (
        f"UNWIND $rows AS row {_ends(source, target)} {'CREATE' if create else 'MERGE'} "
        f"(a)-[r:{rel_type} {{id: row[0]}}]->(b) SET {_sets('r', names, 3)} RETURN count(*)"
    )


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
    return f"""SELECT t.id, {columns}, {PROVENANCE_SQL}
               FROM {node_table(label)} t JOIN source_files f USING (file_id) ORDER BY t.id"""


def edge_sql(model: Model, rel_type: str) -> str:
    """Select one edge group (parameters: type, source label, target label)."""
    columns = "".join(f"t.{q(p)}, " for p in model.relationship(rel_type).properties)
    return f"""SELECT t.id, t.src, t.dst, {columns}{PROVENANCE_SQL}
               FROM graph_edges t JOIN source_files f USING (file_id)
               WHERE {EDGE_GROUP_WHERE} ORDER BY t.id"""


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

    def constraints(self) -> None:
        for statement in constraint_statements(self.ws.model):
            self.driver.execute_query(statement, database_=self.settings.database)

    def nodes(self) -> None:
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
                self._run(f"rel:{rel_type}:{source}:{target}:{i}", statement, rows, (source, target))
                self.report.relationships[rel_type] = self.report.relationships.get(rel_type, 0) + len(rows)

    def first_load(self, rel_type: str, source: str, target: str) -> bool:
        """Whether the server holds no relationship of the group yet: then there is nothing for MERGE
        to find, and CREATE writes about a quarter faster (docs/performance.md). A resumed or repeated
        push finds the group's earlier batches on the server and MERGEs, so a batch replayed after an
        interruption never doubles a relationship."""
        statement = group_exists_statement(rel_type, source, target)
        # the server warns about a relationship type it has never held: expected here, so not shown
        with self.driver.session(
            database=self.settings.database, notifications_min_severity="OFF"
        ) as session:
            return not session.execute_read(lambda tx: tx.run(statement).single(strict=True)["found"])

    def _run(self, part: str, statement: str, rows: list[tuple], ends: tuple[str, str] | None = None) -> None:
        if part in self.done:
            self.report.skipped_batches += 1
        else:
            database = self.settings.database
            written = self.driver.execute_query(statement, rows=rows, database_=database).records[0][0]
            if written != len(rows) and ends:
                raise BackendError(f"{part}: {_missing_ends(self.driver, database, *ends, rows)}")
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
    """Constraints, then nodes, then relationships; batches pushed before (same server and data
    version) are skipped."""
    run = Push(ws, settings, driver, batch_rows, progress)
    run.constraints()
    run.nodes()
    run.relationships()
    return run.report


def _missing_ends(driver: neo4j.Driver, database: str | None, source: str, target: str, rows: list) -> str:
    """Which relationships of a batch found no endpoint on the server (the batch's MATCH skipped them)."""
    records = driver.execute_query(
        f"UNWIND $rows AS row {_ends(source, target, 'OPTIONAL MATCH')} WITH row, a, b "
        "WHERE a IS NULL OR b IS NULL RETURN row[0] AS id LIMIT 3",
        rows=rows,
        database_=database,
    ).records
    missing = [r["id"] for r in records]
    return (
        f"relationships whose {source} or {target} node is not on the server (e.g. {', '.join(missing)}): "
        "were nodes deleted there after they were pushed? Nothing of that batch is marked as pushed; "
        "clear the push checkpoints to push the nodes again"
    )
