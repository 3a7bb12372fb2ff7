"""Benchmark of the named investigations on the 1,000,000-declaration demo, embedded and Neo4j side by side.

Two steps, because loading Neo4j takes a while and the server must outlive one measuring run::

    python bench/investigations.py serve --workspace COPY.duckdb   # start a local Neo4j, push, keep serving
    python bench/investigations.py serve --workspace COPY.duckdb --data DB  # or serve an imported database
    python bench/investigations.py run --workspace COPY.duckdb --neo4j-uri bolt://127.0.0.1:PORT

``serve`` writes the server's URI to ``bench/out/neo4j-1m.json`` once the push is done and keeps the
server up until it gets SIGTERM or SIGINT. ``run`` measures, over 100 random starts each: the 2-hop
neighbourhood of a busy company, the shortest path between two companies (<= 6 hops) and the UBO walk;
plus the embedded index's build time and memory. The workspace must be a writable copy (``push``
records its checkpoints in it); ``run`` opens it read-only.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, machine, save

SAMPLES = 100


def serve(workspace: Path, data: Path | None = None) -> None:
    """Start a local Neo4j with room for the 1M graph, push the workspace, keep it up. With ``data``
    (a database folder made by ``bench/push_neo4j.py --keep``: the same graph, imported), serve that
    folder instead of pushing: the push takes an hour or more on this machine."""
    import neo4j

    from graphtool import neo4j_server
    from graphtool.config import Neo4jSettings
    from graphtool.neo4j_push import push
    from graphtool.workspace import Workspace

    settings = {"server.memory.pagecache.size": "2g"}
    if data:
        settings["server.directories.data"] = str(data)
    server = neo4j_server.LocalNeo4j(settings=settings, heap="3g", startup_timeout=300)
    server.start()
    info: dict[str, Any] = {"uri": server.uri, "home": str(server.home)}
    if data:
        info["data"] = str(data)
    else:
        started = time.perf_counter()
        with Workspace.open(workspace) as ws, neo4j.GraphDatabase.driver(server.uri, auth=None) as driver:
            report = push(ws, Neo4jSettings(uri=server.uri), driver)
        info |= {"push_seconds": time.perf_counter() - started, **report.as_dict()}
    save("neo4j-1m", info)
    print(json.dumps(info), flush=True)
    stop = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    signal.sigwait(stop)
    server.stop()


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _median_ms(fn, args_list: list[tuple]) -> dict[str, Any]:
    """Median, 90th percentile and maximum milliseconds; a call that fails (a Neo4j time limit) is
    counted and timed as it failed."""
    from graphtool.errors import GraphtoolError

    times, failed = [], 0
    for args in args_list:
        started = time.perf_counter()
        try:
            fn(*args)
        except GraphtoolError:
            failed += 1
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p90_ms": round(times[max(int(len(times) * 0.9) - 1, 0)], 2),
        "max_ms": round(times[-1], 2),
        "n": len(times),
        "failed": failed,
    }


def _starts(workspace: Path, seed: int, samples: int = SAMPLES) -> dict[str, list[Any]]:
    """Random starts drawn from the data: busy companies, company pairs, owned companies."""
    from graphtool.workspace import Workspace

    rng = random.Random(seed)
    with Workspace.open(workspace, read_only=True) as ws:
        busy = [
            r[0]
            for r in ws.con.execute(
                """SELECT src FROM graph_edges WHERE type = 'EXPORTED' GROUP BY src
                   ORDER BY count(*) DESC, src LIMIT 300"""
            ).fetchall()
        ]
        companies = [r[0] for r in ws.con.execute("SELECT id FROM node_company ORDER BY id").fetchall()]
        owned = [
            r[0]
            for r in ws.con.execute(
                "SELECT DISTINCT dst FROM edges WHERE type = 'OWNS' ORDER BY dst"
            ).fetchall()
        ]
    return {
        "neighbourhood": [(c,) for c in rng.sample(busy, min(samples, len(busy)))],
        "paths": [tuple(rng.sample(companies, 2)) for _ in range(samples)],
        "ubo": [(c,) for c in rng.sample(owned, min(samples, len(owned)))],
    }


def measure(store, starts: dict[str, list[Any]], progress=None) -> dict[str, Any]:
    """Each investigation over its starts; ``progress(partial result)`` after each one."""
    runs = {
        "ubo": (lambda c: store.ubo(c), starts["ubo"]),
        "neighbourhood_2hop": (lambda c: store.neighbourhood([c], hops=2), starts["neighbourhood"]),
        "shortest_path_6": (lambda a, b: store.paths(a, b, max_hops=6), starts["paths"]),
    }
    out: dict[str, Any] = {}
    for name, (fn, args) in runs.items():
        out[name] = _median_ms(fn, args)
        if progress:
            progress(out)
    return out


def run(
    workspace: Path, neo4j_uri: str | None, seed: int, embedded: bool = True, samples: int = SAMPLES
) -> dict[str, Any]:
    from graphtool.embedded_store import EmbeddedStore

    starts = _starts(workspace, seed, samples)
    result: dict[str, Any] = {"machine": machine(), "workspace": str(workspace), "samples": samples}

    if not embedded:
        return result | {"neo4j": _measure_neo4j(workspace, neo4j_uri, starts)}
    rss = _rss_mib()
    started = time.perf_counter()
    store = EmbeddedStore(workspace)
    store.index()  # built once per process and data version
    built = time.perf_counter() - started
    arrays = store.index().nbytes
    store.warm()  # every label's properties read into memory
    result["embedded_index"] = {
        "build_seconds": round(built, 2),
        "arrays_mib": round(arrays / 2**20, 1),
        "warm_seconds": round(time.perf_counter() - started - built, 2),
        "with_properties_mib": round(store.index().nbytes / 2**20, 1),
        "process_rss_growth_mib": round(_rss_mib() - rss, 1),
    }
    result["embedded"] = measure(store, starts)
    if neo4j_uri:
        result["neo4j"] = _measure_neo4j(workspace, neo4j_uri, starts)
    return result


def _measure_neo4j(workspace: Path, uri: str, starts: dict[str, list[Any]]) -> dict[str, Any]:
    from graphtool.config import load_settings
    from graphtool.store import open_store

    with open_store(load_settings(workspace=workspace, neo4j_uri=uri, env={})) as neo:
        measure(neo, {k: v[:5] for k, v in starts.items()})  # warm the page cache and query plans
        return measure(neo, starts, lambda partial: save("investigations-neo4j-partial", partial))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("serve", "run"))
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--data", type=Path, help="serve: an imported database folder instead of a push.")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-embedded", action="store_true", help="Measure Neo4j only.")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="Random starts per investigation.")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.workspace, args.data)
        return 0
    result = run(args.workspace, args.neo4j_uri, args.seed, not args.no_embedded, args.samples)
    path = save("investigations-neo4j" if args.no_embedded else "investigations", result)
    print(json.dumps(result, indent=2))
    print(f"written to {path.relative_to(OUT.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
