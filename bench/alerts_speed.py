"""Full alert sweep over the 1,000,000-declaration demo, embedded: every rule, alerts stored.

    python bench/alerts_speed.py [--source /work/bench-data/demo-1m.duckdb] [--copy DIR]

The demo workspace is copied first (the sweep writes its alerts into the copy). Per-rule times, the
total (detection and storage) and the quality on the 1M demo's ground truth go to
bench/out/alerts_speed.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, save
from graphtool.alerts import engine, store
from graphtool.alerts.evaluation import Truth, quality
from graphtool.workspace import Workspace

DEMO = Path("/work/bench-data/demo-1m.duckdb")
TRUTH = Path("/work/bench-data/demo-1m/ground_truth.json")


def sweep(path: Path) -> dict:
    timings = {}
    with Workspace.open(path) as ws:
        lines = ws.con.execute("SELECT count(*) FROM node_declaration").fetchall()[0][0]
        started, started_cpu = time.perf_counter(), time.process_time()
        alerts: list = []
        for spec in engine.select(None):
            t, c = time.perf_counter(), time.process_time()
            found = engine.detect(ws, spec, engine.Embedded(), alerts)
            alerts += found
            timings[spec.name] = _timing(t, c, len(found))
        t, c = time.perf_counter(), time.process_time()
        store.save(ws, engine.ranked(alerts), list(engine.rule_specs()), "embedded")
        timings["(storing)"] = _timing(t, c, len(alerts))
        total, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return {
        "declarations": lines,
        "total_seconds": round(total, 2),
        "cpu_seconds": round(
            cpu, 2
        ),  # all threads; with other load on the machine wall time grows, this does not
        "rules": timings,
        "alerts": alerts,
    }


def _timing(wall: float, cpu: float, alerts: int) -> dict:
    return {
        "seconds": round(time.perf_counter() - wall, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "alerts": alerts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=DEMO)
    parser.add_argument("--truth", type=Path, default=TRUTH)
    parser.add_argument("--copy", type=Path, default=Path("/work/bench-data/alerts"))
    args = parser.parse_args()
    args.copy.mkdir(parents=True, exist_ok=True)
    target = args.copy / "demo-1m-alerts.duckdb"
    shutil.copyfile(args.source, target)
    before = machine()
    result = sweep(target)
    alerts = result.pop("alerts")
    if args.truth.exists():
        truth = Truth.from_json(json.loads(args.truth.read_text(encoding="utf-8")))
        result["quality"] = [q.as_dict() for q in quality(truth, alerts, list(engine.rule_specs()))]
    result |= {"machine": before, "load_average_after": machine()["load_average"]}
    path = save("alerts_speed", result)
    for name, t in result["rules"].items():
        print(f"{name:<22} {t['seconds']:>7.2f} s  cpu {t['cpu_seconds']:>7.2f} s  {t['alerts']:>5} alerts")
    print(
        f"total {result['total_seconds']} s (cpu {result['cpu_seconds']} s) for {result['declarations']:,} "
        f"declarations; load average {before['load_average']:.1f} before, {result['load_average_after']:.1f} after; "
        f"written to {path}"
    )


if __name__ == "__main__":
    main()
