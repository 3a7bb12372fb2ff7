"""``graphtool push``: write the workspace's graph into Neo4j, idempotently and resumably.

Uniqueness constraints on ``id`` come first (so every MERGE and every endpoint MATCH uses an
index), then nodes label by label, then relationships type by type, in batches of
``UNWIND $rows AS row MERGE ...``. Labels and relationship types are taken from the model only;
values travel as parameters. Every node and relationship carries its provenance (source file
sha256 and name, row, batch). A push records each finished batch in the workspace, keyed by
server and data version, so a push that was interrupted continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import neo4j

from graphtool.config import Neo4jSettings
from graphtool.model import Model, load_model
from graphtool.workspace import Workspace, node_table, q

BATCH_ROWS = 10_000


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


def node_statement(label: str) -> str:
    load_model().node(label)  # allow-list
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"


def relationship_statement(rel_type: str, source: str, target: str) -> str:
    model = load_model()
    model.relationship(rel_type), model.node(source), model.node(target)  # allow-list
    return (
        f"UNWIND $rows AS row MATCH (a:{source} {{id: row.src}}) MATCH (b:{target} {{id: row.dst}}) "
        f"MERGE (a)-[r:{rel_type} {{id: row.id}}]->(b) SET r += row.props"
    )


def _batches(ws: Workspace, sql: str, params: list[Any], batch_rows: int) -> Iterator[list[dict[str, Any]]]:
    cursor = ws.con.cursor()  # its own result stream: the checkpoints are written on the main connection
    try:
        for batch in cursor.sql(sql, params=params).to_arrow_reader(batch_rows):
            yield batch.to_pylist()
    finally:
        cursor.close()


PROVENANCE_SQL = (
    "f.sha256 AS source_sha256, f.name AS source_file, t.row_no AS source_row, t.batch_id AS load_batch"
)


def _done(ws: Workspace, target: str, version: int) -> set[str]:
    rows = ws.con.execute(
        "SELECT part FROM push_checkpoints WHERE target = ? AND data_version = ?", [target, version]
    ).fetchall()
    return {r[0] for r in rows}


def push(
    ws: Workspace,
    settings: Neo4jSettings,
    driver: neo4j.Driver,
    batch_rows: int = BATCH_ROWS,
    progress: Callable[[int], None] | None = None,
) -> PushReport:
    model = ws.model
    version = ws.data_version
    done = _done(ws, settings.uri, version)
    report = PushReport()

    def run(part: str, statement: str, rows: list[dict[str, Any]]) -> None:
        if part in done:
            report.skipped_batches += 1
        else:
            driver.execute_query(statement, rows=rows, database_=settings.database)
            ws.con.execute("INSERT INTO push_checkpoints VALUES (?, ?, ?)", [settings.uri, version, part])
        if progress:
            progress(len(rows))

    for statement in constraint_statements(model):
        driver.execute_query(statement, database_=settings.database)

    for label, kind in model.nodes.items():
        columns = ", ".join(f"t.{q(p)}" for p in kind.properties)
        sql = f"""SELECT t.id, {columns}, {PROVENANCE_SQL}
                  FROM {node_table(label)} t JOIN source_files f USING (file_id) ORDER BY t.id"""
        for i, rows in enumerate(_batches(ws, sql, [], batch_rows)):
            payload = [
                {"id": r.pop("id"), "props": {k: v for k, v in r.items() if v is not None}} for r in rows
            ]
            run(f"node:{label}:{i}", node_statement(label), payload)
            report.nodes[label] = report.nodes.get(label, 0) + len(rows)

    props = ", ".join(f"t.{q(p)}" for p in model.edge_properties())
    groups = ws.con.execute("""SELECT DISTINCT type, split_part(src, ':', 1), split_part(dst, ':', 1)
                               FROM graph_edges ORDER BY ALL""").fetchall()
    for rel_type, source, target in groups:
        sql = f"""SELECT t.id, t.src, t.dst, {props}, {PROVENANCE_SQL}
                  FROM graph_edges t JOIN source_files f USING (file_id)
                  WHERE t.type = ? AND split_part(t.src, ':', 1) = ? AND split_part(t.dst, ':', 1) = ?
                  ORDER BY t.id"""
        for i, rows in enumerate(_batches(ws, sql, [rel_type, source, target], batch_rows)):
            payload = [
                {
                    "id": r.pop("id"),
                    "src": r.pop("src"),
                    "dst": r.pop("dst"),
                    "props": {k: v for k, v in r.items() if v is not None},
                }
                for r in rows
            ]
            run(
                f"rel:{rel_type}:{source}:{target}:{i}",
                relationship_statement(rel_type, source, target),
                payload,
            )
            report.relationships[rel_type] = report.relationships.get(rel_type, 0) + len(rows)
    return report
