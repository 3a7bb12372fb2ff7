"""Benchmark of the exports and the evidence pack on the 1,000,000-declaration demo workspace.

    python bench/exports.py --workspace demo-1m.duckdb [--declarations 100000] [--evidence-workspace WS]

Takes the first N declaration lines (by id) with every node they link to and those relationships
(an analyst's bulk export), exports it in every format and times each; then builds the evidence
pack of a case holding the 1-hop neighbourhood (at most 200 nodes) of the firms of the top three
alerts, with those alerts (``--evidence-workspace``: a workspace where the detectors ran). The
workspaces are only read; the case goes to a copy under bench/out/.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, machine, save

from graphtool.exports import FORMATS, export_subgraph
from graphtool.subgraph import Edge, Node, Provenance, Subgraph
from graphtool.workspace import Workspace, node_table, q


def bulk_subgraph(ws: Workspace, declarations: int) -> Subgraph:
    """The first ``declarations`` declaration lines, their relationships and the nodes at their other ends."""
    ws.con.execute(
        f"CREATE TEMP TABLE b_decl AS SELECT id FROM {node_table('Declaration')} ORDER BY id LIMIT {int(declarations)}"
    )
    props = list(ws.model.edge_properties())
    cols = ", ".join(q(p) for p in props)
    graph = Subgraph()
    edges = ws.con.execute(
        f"""SELECT id, type, src, dst, {cols}, file_id, row_no, batch_id FROM graph_edges
            WHERE src IN (SELECT id FROM b_decl) OR dst IN (SELECT id FROM b_decl)"""
    ).fetchall()
    ids: dict[str, set[str]] = {}
    for row in edges:
        data = {k: v for k, v in zip(props, row[4:-3], strict=True) if v is not None}
        graph.add_edge(Edge(row[0], row[1], row[2], row[3], data, Provenance(*row[-3:])))
        for end in row[2:4]:
            ids.setdefault(end.split(":", 1)[0], set()).add(end)
    for label, wanted in ids.items():
        names = list(ws.model.node(label).properties)
        rows = ws.con.execute(
            f"SELECT id, {', '.join(q(p) for p in names)}, file_id, row_no, batch_id FROM {node_table(label)} "
            "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(wanted)],
        ).fetchall()
        for row in rows:
            data = {k: v for k, v in zip(names, row[1:-3], strict=True) if v is not None}
            graph.add_node(Node(row[0], label, data, Provenance(*row[-3:])))
    return graph


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--declarations", type=int, default=100_000)
    parser.add_argument(
        "--evidence-workspace", type=Path, help="A workspace with alerts (default: --workspace)."
    )
    args = parser.parse_args()
    result: dict = {"machine": machine(), "declarations": args.declarations, "formats": {}}
    with Workspace.open(args.workspace, read_only=True) as ws:
        started = time.perf_counter()
        graph = bulk_subgraph(ws, args.declarations)
        result["subgraph"] = {
            "nodes": len(graph.nodes),
            "relationships": len(graph.edges),
            "seconds_to_read": round(time.perf_counter() - started, 2),
        }
    print(result["subgraph"], flush=True)
    for fmt in FORMATS:
        started, cpu = time.perf_counter(), time.process_time()
        data = export_subgraph(graph, fmt)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        result["formats"][fmt] = {
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "mb": round(len(data) / 2**20, 1),
            "rows_per_cpu_s": round((len(graph.nodes) + len(graph.edges)) / cpu),
        }
        print(fmt, result["formats"][fmt], flush=True)
    result["evidence"] = evidence(args.evidence_workspace or args.workspace)
    print(result["evidence"])
    print(save("exports", result))


def evidence(source: Path) -> dict:
    from graphtool import cases
    from graphtool.alerts import list_alerts
    from graphtool.config import Settings
    from graphtool.evidence import build_pack
    from graphtool.store import open_store

    OUT.mkdir(exist_ok=True)
    copy = OUT / "exports-ws.duckdb"
    shutil.copy(source, copy)
    with Workspace.open(copy, read_only=True) as ws:
        alerts = list_alerts(ws)[:3]
    seeds = sorted({e for a in alerts for e in a.entities})[:3]
    if not seeds:  # a workspace where the detectors have not run: the first firms
        with Workspace.open(copy, read_only=True) as ws:
            seeds = [
                r[0] for r in ws.con.execute("SELECT id FROM node_company ORDER BY id LIMIT 3").fetchall()
            ]
    with open_store(Settings(copy)) as store:
        neighbourhood = store.neighbourhood(seeds, hops=1, limit=200)
    with Workspace.open(copy) as ws:
        case = cases.create_case(ws, "bench", "bench")
        cases.add_to_case(ws, case.case_id, "bench", subgraph=neighbourhood, alerts=[a.id for a in alerts])
        started, cpu = time.perf_counter(), time.process_time()
        pack = build_pack(ws, cases.get_case(ws, case.case_id), OUT / "packs")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    copy.unlink()
    shutil.rmtree(OUT / "packs")
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "nodes": len(neighbourhood.nodes),
        "alerts": len(alerts),
        "sources": pack.sources,
    }


if __name__ == "__main__":
    main()
