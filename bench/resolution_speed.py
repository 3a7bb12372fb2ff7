"""Speed of entity resolution and list screening at the sizes of the issue.

Resolve 200,000 company records; screen 200,000 parties against a 20,000-entry list (the
benchmark's look-alike records, bench/resolution_data.py). Wall and CPU seconds (CPU seconds, worker
processes included, show what the run cost when other work shares the machine). Results to bench/out/resolution_speed.json.

    python bench/resolution_speed.py [--records 200000] [--entries 20000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, save
from resolution_data import OUT, build, demo_dir, write_workspace

from graphtool.resolution import resolve
from graphtool.screening import screen


def _cpu() -> float:
    """CPU seconds of this process and of its finished worker processes (name forms run in workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn, *args, **kwargs) -> tuple[dict, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    result = fn(*args, **kwargs)
    return result, round(time.perf_counter() - wall, 1), round(_cpu() - cpu, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    path = demo_dir()
    world = 7_207  # entities of the default demo world: each listed once, the rest look-alike entries
    bench = build(
        path, args.records, min(world, args.entries), seed=12, extra_entries=max(0, args.entries - world)
    )
    ws = write_workspace(bench, OUT / "resolution_speed.duckdb")
    before = machine()
    summary, resolve_wall, resolve_cpu = timed(resolve, ws, labels=("Company",))
    screened, screen_wall, screen_cpu = timed(screen, ws)
    result = {
        "machine": before,
        "load_average_after": machine()["load_average"],
        "records": len(bench.records),
        "list_entries": len(bench.entries),
        "resolve": {"wall_seconds": resolve_wall, "cpu_seconds": resolve_cpu, **summary["labels"]["Company"]},
        "screen": {"wall_seconds": screen_wall, "cpu_seconds": screen_cpu,
                   **{k: v for k, v in screened.items() if k != "top"}},
    }  # fmt: skip
    ws.close()
    print(save("resolution_speed", result).read_text())


if __name__ == "__main__":
    main()
