"""Benchmark: load the demo's Chinese-layout declarations into the embedded workspace.

Measures end-to-end rows/s (read, detect encoding, parse, normalise, validate, stage, write with
provenance and raw records) and peak memory of the loading process, beside a naive baseline in
the same run: pandas ``iterrows`` with the same per-value normalisers and one INSERT per row into
the same workspace table (run on a slice, since it is slow; its rate is per row either way).

    python bench/load_declarations.py --declarations 1000000
    python bench/load_declarations.py --steps      # where the time goes: each step on its own
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from common import OUT, machine, save, timed_child

LOAD = """
import json, sys, time
from graphtool.workspace import Workspace
from loaders import load_file
started = time.perf_counter()
with Workspace.open(sys.argv[1]) as ws:
    report = load_file(ws, sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - started, **report.as_dict()}))
"""

STEPS = """
import hashlib, json, sys, time
from pathlib import Path
from graphtool.workspace import SourceInfo, Workspace
from loaders import choose_mapping
from loaders.reading import read_source
from loaders.tabular import CHUNK_ROWS, stage_table
path, steps = Path(sys.argv[2]), {}
def step(name, work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    steps[name] = [round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)]
    return result
data = step("read the file", path.read_bytes)
sha256 = step("sha256", lambda: hashlib.sha256(data).hexdigest())
source = step("encoding check, header, record bounds", lambda: read_source(path, data))
mapping = choose_mapping(source.headers, path)
slices = step("Arrow parse and decoding, every slice", lambda: list(source.slices(CHUNK_ROWS)))
staged = step("staging every slice", lambda: [stage_table(s, source.headers, mapping, path) for s in slices])
info = SourceInfo(path.name, str(path), len(data), sha256, "tabular", mapping.name, source.encoding)
def write():
    with Workspace.open(sys.argv[1]) as ws:
        ws.ingest(staged, info)
step("DuckDB: every write, commit and close", write)
print(json.dumps(steps))
"""

NAIVE = """
import json, sys, time
import pandas as pd
from graphtool.workspace import Workspace, node_table
from loaders.fields import scalar_function
from loaders.mapping import builtin_mappings
from loaders.reading import header_key

mapping = builtin_mappings()["cn_customs_export"]
frame = pd.read_csv(sys.argv[2], encoding="gb18030", dtype=str, keep_default_na=False, nrows=int(sys.argv[3]))
started = time.perf_counter()
by_key = {header_key(h): h for h in frame.columns}
columns = {f.name: next(by_key[header_key(a)] for a in f.headers if header_key(a) in by_key)
           for f in mapping.fields.values() if any(header_key(a) in by_key for a in f.headers)}
functions = {name: scalar_function(mapping.fields[name]) for name in columns}
props = mapping.entities["declaration"].properties
with Workspace.open(sys.argv[1]) as ws:
    target = node_table("Declaration")
    ws.con.execute("BEGIN")
    loaded = 0
    for i, row in frame.iterrows():
        values = {}
        try:
            for name, header in columns.items():
                cell = row[header].strip()
                values[name] = functions[name](cell) if cell else None
        except ValueError:
            continue
        record = {p: values.get(ref) for p, ref in props.items() if ref in values}
        names = ", ".join(['"id"', *[f'"{p}"' for p in record], "file_id", "row_no", "batch_id"])
        marks = ", ".join(["?"] * (len(record) + 4))
        ws.con.execute(f"INSERT INTO {target} ({names}) VALUES ({marks})",
                       [f"Declaration:line:{values['declaration_no']}:{values.get('line_no')}", *record.values(),
                        1, i + 1, 1])
        loaded += 1
    ws.con.execute("COMMIT")
print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(frame), "loaded": loaded}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=10_000, help="0 skips the naive baseline")
    parser.add_argument("--data", type=Path, default=OUT / "demo", help="demo folder (generated if missing)")
    parser.add_argument("--steps", action="store_true", help="time each step on its own, one after another")
    args = parser.parse_args()

    from graphtool.demo import generate

    data = args.data / str(args.declarations)
    csv = data / "declarations.csv"
    if not csv.exists():
        t = time.perf_counter()
        generate(data, declarations=args.declarations)
        print(f"generated {args.declarations:,} lines in {time.perf_counter() - t:.1f} s")
    if args.steps:
        with tempfile.TemporaryDirectory() as tmp:
            _, peak_gib, out, _ = timed_child(STEPS, str(Path(tmp) / "ws.duckdb"), str(csv))
        steps = {
            name: {"wall_s": w, "cpu_s": c}
            for name, (w, c) in json.loads(out.strip().splitlines()[-1]).items()
        }
        result = {"benchmark": "load_declarations_steps", "machine": machine(), "steps": steps}
        print(json.dumps(result, indent=2, ensure_ascii=False))
        print(f"saved {save('load_declarations_steps', result)}")
        return

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        seconds, peak_gib, out, cpu = timed_child(LOAD, str(Path(tmp) / "ws.duckdb"), str(csv))
        report = json.loads(out.strip().splitlines()[-1])
    load_after = os.getloadavg()[0]
    naive = {"rows": 0, "seconds": 0.0}
    if args.baseline_rows:
        with tempfile.TemporaryDirectory() as tmp:
            _, _, out, _ = timed_child(NAIVE, str(Path(tmp) / "ws.duckdb"), str(csv), str(args.baseline_rows))
            naive = json.loads(out.strip().splitlines()[-1])

    rate = report["rows_read"] / report["seconds"]
    process_rate = report["rows_read"] / seconds
    naive_rate = naive["rows"] / naive["seconds"] if naive["seconds"] else None
    result = {
        "benchmark": "load_declarations",
        "machine": machine(),
        "file": {"path": str(csv), "bytes": csv.stat().st_size, "rows": report["rows_read"]},
        "graphtool": {
            "seconds_in_load": round(report["seconds"], 2),
            "process_seconds": round(seconds, 2),
            "rows_per_second": round(rate),
            "rows_per_second_with_start_up": round(process_rate),
            "process_cpu_seconds": round(cpu, 2),
            "load_average_before_after": [load_before, load_after],
            "peak_memory_gib": round(peak_gib, 2),
            "loaded": report["loaded"],
            "quarantined": report["quarantined"],
            "duplicates": report["duplicates"],
        },
        "naive_iterrows": {
            "rows": naive["rows"],
            "seconds": round(naive["seconds"], 2),
            "rows_per_second": round(naive_rate) if naive_rate else None,
        },
        "ratio": round(rate / naive_rate, 1) if naive_rate else None,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"saved {save('load_declarations', result)}")


if __name__ == "__main__":
    main()
