"""Benchmark: the 1,000,000-declaration demo into a local Neo4j, by ``graphtool push`` and by neo4j-admin.

In one run, on a fresh server (data directory under --scratch):

1. constraints, then every node with ``Push.nodes`` (nodes/s);
2. the naive baseline: one auto-commit ``MERGE`` per relationship, on a 10,000-row slice;
3. the batch-size sweep: the same batched statement ``push`` uses for a first load (CREATE), on fresh
   slices of one group, at each size; the fastest size is used for
4. every relationship with ``Push.relationships`` (relationships/s); counts checked against the
   workspace. The naive and sweep slices are deleted first, so this is a first load of every group,
   as into a new server (``push`` CREATEs the relationships of a group the server holds none of).

and, unless --skip-admin: ``write_import_files`` + the real ``neo4j-admin database import full`` into
another fresh data directory, a server started on it, constraints created, counts checked.

With --keep, the imported database is moved there as soon as it is checked, then replaced by the
pushed one when the push finishes (a server can be started on it later, see docs/neo4j.md).

    python bench/push_neo4j.py --workspace /work/bench-data/demo-1m.duckdb --keep /work/bench-data/neo4j-1m
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import neo4j
from common import machine, save

from graphtool.config import Neo4jSettings
from graphtool.ids import edge_id
from graphtool.neo4j_admin import import_with_local_jars, write_import_files
from graphtool.neo4j_push import (
    BATCH_ROWS,
    PROVENANCE,
    SOURCE_FILE,
    Push,
    constraint_statements,
    edge_sql,
    relationship_statement,
)
from graphtool.neo4j_server import LocalNeo4j
from graphtool.status import status
from graphtool.workspace import Workspace

GROUP = ("CONSIGNED_TO", "Declaration", "Company")  # a million rows: slices for the baseline and sweep
NAIVE = (
    "MATCH (a:Declaration {id: $src}) MATCH (b:Company {id: $dst}) "
    "MERGE (a)-[r:CONSIGNED_TO {id: $id}]->(b) SET r += $props"
)


def load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def log(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} load {load():.1f}  {text}", flush=True)


class Progress:
    """Rows done, and a line every 30 s (so a run stopped early still tells its rate)."""

    def __init__(self, what: str) -> None:
        self.what, self.rows, self.started, self.last = what, 0, time.perf_counter(), 0.0

    def __call__(self, rows: int) -> None:
        self.rows += rows
        now = time.perf_counter() - self.started
        if now - self.last > 30:
            self.last = now
            log(f"{self.what}: {self.rows:,} rows in {now:.0f} s = {self.rows / now:,.0f}/s")


def slice_rows(ws: Workspace, offset: int, limit: int) -> list[tuple]:
    sql = edge_sql(ws.model, GROUP[0]) + f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return ws.con.execute(sql, list(GROUP)).fetchall()


def naive(driver: neo4j.Driver, rows: list[tuple]) -> float:
    started = time.perf_counter()
    for r in rows:
        props = dict(zip(PROVENANCE, r[3:], strict=True))
        rel_id = r[0] or edge_id(
            GROUP[0], r[1], r[2]
        )  # push leaves derived ids out; the naive loop keeps them
        driver.execute_query(NAIVE, id=rel_id, src=r[1], dst=r[2], props=props)
    return time.perf_counter() - started


def sweep(driver: neo4j.Driver, ws: Workspace, sizes: list[int], rows_each: int, offset: int) -> dict:
    statement = relationship_statement(*GROUP, create=True)  # fresh slices: what a first load runs
    rates = {}
    for k, size in enumerate(sizes):
        rows = slice_rows(ws, offset + k * rows_each, rows_each)
        started = time.perf_counter()
        for i in range(0, len(rows), size):
            driver.execute_query(statement, rows=rows[i : i + size])
        rates[size] = len(rows) / (time.perf_counter() - started)
        log(f"sweep batch {size:,}: {rates[size]:,.0f} rels/s")
    return rates


def graph_counts(driver: neo4j.Driver) -> tuple[int, int]:
    """Graph nodes (the SourceFile nodes left out, as the workspace's status counts) and relationships."""
    nodes = driver.execute_query("MATCH (n) RETURN count(n)").records[0][0]
    nodes -= driver.execute_query(f"MATCH (f:{SOURCE_FILE}) RETURN count(f)").records[0][0]
    rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r)").records[0][0]
    return nodes, rels


def delete_group(driver: neo4j.Driver) -> None:
    """Remove GROUP's relationships (the naive loop's and the sweep's slices)."""
    with driver.session() as session:
        session.run(
            f"MATCH (:{GROUP[1]})-[r:{GROUP[0]}]->(:{GROUP[2]}) CALL (r) {{ DELETE r }} IN TRANSACTIONS OF 50000 ROWS"
        ).consume()


def baseline_and_sweep(
    args: argparse.Namespace, driver: neo4j.Driver, ws: Workspace
) -> tuple[list, float, dict[int, float], int]:
    """The naive per-row loop and the batch-size sweep on slices of GROUP, whose relationships are then
    deleted again, so that the push measured next is a first load of every group, as on a new server.
    Returns the naive rows, its seconds, the rate per batch size and the fastest size."""
    rows = slice_rows(ws, 0, args.naive_rows)
    naive_s = naive(driver, rows)
    log(f"naive per-row MERGE: {len(rows):,} in {naive_s:.0f} s = {len(rows) / naive_s:,.1f}/s")
    rates = sweep(driver, ws, [int(s) for s in args.sizes.split(",")], args.sweep_rows, args.naive_rows)
    delete_group(driver)
    return rows, naive_s, rates, max(rates, key=rates.get)


def run_push(args: argparse.Namespace, ws: Workspace, data: Path, expected: tuple[int, int]) -> dict:
    settings = {"server.memory.pagecache.size": args.pagecache, "server.directories.data": str(data)}
    with LocalNeo4j(settings=settings, heap=args.heap) as server:
        log(f"push server ready in {server.startup_seconds:.0f} s")
        with neo4j.GraphDatabase.driver(server.uri, auth=None) as driver:
            push = Push(ws, Neo4jSettings(server.uri), driver, BATCH_ROWS, Progress("nodes"))
            started = time.perf_counter()
            push.constraints()
            push.nodes()
            nodes_s = time.perf_counter() - started
            n_nodes = sum(push.report.nodes.values())
            log(f"nodes: {n_nodes:,} in {nodes_s:.0f} s = {n_nodes / nodes_s:,.0f}/s")

            rows, naive_s, rates, best = baseline_and_sweep(args, driver, ws)

            push.batch_rows, push.progress = best, Progress("relationships")
            started = time.perf_counter()
            push.relationships()
            rels_s = time.perf_counter() - started
            n_rels = sum(push.report.relationships.values())
            log(f"relationships: {n_rels:,} in {rels_s:.0f} s = {n_rels / rels_s:,.0f}/s (batch {best:,})")
            counts = graph_counts(driver)
    assert counts == expected, f"server holds {counts}, workspace {expected}"
    return {
        "nodes": n_nodes,
        "node_seconds": round(nodes_s, 1),
        "nodes_per_s": round(n_nodes / nodes_s),
        "relationships": n_rels,
        "relationship_seconds": round(rels_s, 1),
        "relationships_per_s": round(n_rels / rels_s),
        "total_seconds": round(nodes_s + rels_s, 1),
        "batch_sweep_rels_per_s": {str(k): round(v) for k, v in rates.items()},
        "chosen_batch_rows": best,
        "naive_rows": len(rows),
        "naive_seconds": round(naive_s, 1),
        "naive_rels_per_s": round(len(rows) / naive_s, 1),
        "batched_over_naive": round((n_rels / rels_s) / (len(rows) / naive_s), 1),
        "server_startup_seconds": round(server.startup_seconds or 0, 1),
    }


def run_admin(args: argparse.Namespace, ws: Workspace, scratch: Path, expected: tuple[int, int]) -> dict:
    started = time.perf_counter()
    plan = write_import_files(ws, scratch / "import")
    write_s = time.perf_counter() - started
    size = sum(f.data.stat().st_size for f in plan.files)
    log(f"import files: {size / 2**30:.2f} GiB in {write_s:.0f} s")
    import_s = import_with_local_jars(plan, scratch / "admin-data", heap=args.heap)
    log(f"neo4j-admin import: {import_s:.0f} s")
    data = str(scratch / "admin-data")
    settings = {"server.memory.pagecache.size": args.pagecache, "server.directories.data": data}
    with (
        LocalNeo4j(settings=settings, heap=args.heap) as server,
        neo4j.GraphDatabase.driver(server.uri, auth=None) as driver,
    ):
        started = time.perf_counter()
        for statement in constraint_statements(ws.model):
            driver.execute_query(statement)
        driver.execute_query("CALL db.awaitIndexes(3600)")
        constraints_s = time.perf_counter() - started
        counts = graph_counts(driver)
    assert counts == expected, f"imported database holds {counts}, workspace {expected}"
    shutil.rmtree(scratch / "import")
    if args.keep:  # usable at once; replaced by the pushed database if the push finishes
        keep(scratch / "admin-data", args.keep)
    else:
        shutil.rmtree(scratch / "admin-data")
    entities = sum(expected)
    return {
        "command": plan.command_line(),
        "csv_gib": round(size / 2**30, 2),
        "write_files_seconds": round(write_s, 1),
        "import_seconds": round(import_s, 1),
        "constraints_seconds": round(constraints_s, 1),
        "entities_per_s_import": round(entities / import_s),
        "entities_per_s_end_to_end": round(entities / (write_s + import_s + constraints_s)),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_onto(args: argparse.Namespace, ws: Workspace, scratch: Path) -> dict:
    """Relationships only, on a copy of an imported 1M database from which GROUP's relationships are
    deleted first: the same first load of a million relationships into the full graph, without waiting
    for 1.6 M nodes to be pushed (when the machine is too busy for the whole run)."""
    data = scratch / "onto-data"
    shutil.copytree(args.onto, data)
    settings = {"server.memory.pagecache.size": args.pagecache, "server.directories.data": str(data)}
    with LocalNeo4j(settings=settings, heap=args.heap) as server:
        log(f"server on a copy of {args.onto} ready in {server.startup_seconds:.0f} s")
        with neo4j.GraphDatabase.driver(server.uri, auth=None) as driver:
            delete_group(driver)
            log(f"{GROUP} relationships deleted")
            rows, naive_s, rates, best = baseline_and_sweep(args, driver, ws)
            push = Push(ws, Neo4jSettings(server.uri), driver, best, Progress("relationships"))
            pid = server._process.pid  # the server's JVM: its CPU use, apart from the machine's load
            cpu_server, cpu_client = cpu_seconds(pid), time.process_time()
            started = time.perf_counter()
            push.relationships(only=[GROUP])
            rels_s = time.perf_counter() - started
            cpu_server, cpu_client = cpu_seconds(pid) - cpu_server, time.process_time() - cpu_client
            n_rels = sum(push.report.relationships.values())
            log(f"relationships: {n_rels:,} in {rels_s:.0f} s = {n_rels / rels_s:,.0f}/s (batch {best:,})")
            count = driver.execute_query(
                f"MATCH (:{GROUP[1]})-[r:{GROUP[0]}]->(:{GROUP[2]}) RETURN count(r)"
            ).records[0][0]
    assert count == n_rels, f"server holds {count} {GROUP} relationships, workspace {n_rels}"
    shutil.rmtree(data)
    return {
        "group": list(GROUP),
        "relationships": n_rels,
        "relationship_seconds": round(rels_s, 1),
        "relationships_per_s": round(n_rels / rels_s),
        "server_cpu_seconds": round(cpu_server, 1),
        "client_cpu_seconds": round(cpu_client, 1),
        "relationships_per_server_cpu_s": round(n_rels / cpu_server),
        "batch_sweep_rels_per_s": {str(k): round(v) for k, v in rates.items()},
        "chosen_batch_rows": best,
        "naive_rows": len(rows),
        "naive_seconds": round(naive_s, 1),
        "naive_rels_per_s": round(len(rows) / naive_s, 1),
        "batched_over_naive": round((n_rels / rels_s) / (len(rows) / naive_s), 1),
    }


def keep(data: Path, where: Path) -> None:
    """Move a server data directory to ``where/data`` (replacing what was there)."""
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    shutil.move(data, where / "data")
    log(f"database kept in {where / 'data'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", type=Path, default=Path("/work/bench-data/demo-1m.duckdb"))
    parser.add_argument("--scratch", type=Path, default=Path("/work/bench-data/f"))
    parser.add_argument("--keep", type=Path, help="move the pushed data directory here afterwards")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--sizes", default="5000,10000,20000,50000", help="batch sizes to sweep")
    parser.add_argument("--sweep-rows", type=int, default=50_000, help="rows per sweep size")
    parser.add_argument("--naive-rows", type=int, default=10_000)
    parser.add_argument("--skip-admin", action="store_true")
    parser.add_argument("--skip-push", action="store_true")
    parser.add_argument(
        "--onto",
        type=Path,
        help="instead: relationships of one group only, on a copy of this imported database",
    )
    args = parser.parse_args()

    scratch = args.scratch / f"push-{time.strftime('%Y%m%d-%H%M%S')}"
    scratch.mkdir(parents=True)
    copy = scratch / "ws.duckdb"  # push records its checkpoints in the workspace: never in the original
    shutil.copyfile(args.workspace, copy)
    result: dict = {"machine": machine(), "load_average_start": load(), "started": time.strftime("%H:%M:%S")}
    with Workspace.open(copy) as ws:
        s = status(ws)
        expected = (sum(s["nodes"].values()), sum(s["edges"].values()))
        log(f"workspace: {expected[0]:,} nodes, {expected[1]:,} relationships")
        if args.onto:
            result["relationships_onto_imported"] = run_onto(args, ws, scratch)
            args.skip_admin = args.skip_push = True
        if not args.skip_admin:
            result["neo4j_admin"] = run_admin(args, ws, scratch, expected)
        if not args.skip_push:
            result["push"] = run_push(args, ws, scratch / "push-data", expected)
    result["load_average_end"] = load()
    if args.keep and not args.skip_push:
        keep(scratch / "push-data", args.keep)
    result["kept"] = str(args.keep / "data") if args.keep else None
    copy.unlink()
    path = save("push_neo4j", result)
    print(json.dumps(result, indent=2), file=sys.stderr)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
