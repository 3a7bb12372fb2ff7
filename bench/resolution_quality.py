"""Quality of entity resolution and list screening on a labelled benchmark (bench/resolution_data.py).

Pairwise precision, recall and F1, next to a baseline of exact match on a naive normalised name
(case, width and punctuation only: ``text.name_norm``), in the same run. Results to
bench/out/resolution_quality.json; figures go to docs/performance.md.

    python bench/resolution_quality.py [--records 100000] [--listed 1500]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import machine, save
from resolution_data import OUT, build, demo_dir, write_workspace

from graphtool.normalise.text import name_norm
from graphtool.resolution import resolve
from graphtool.screening import screen


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(truth: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Pairwise precision/recall/F1 of a clustering (record -> cluster) against the truth (record -> entity)."""
    true_pairs = sum(_pairs(n) for n in Counter(truth.values()).values())
    predicted_pairs = sum(_pairs(n) for n in Counter(predicted.values()).values())
    both = sum(_pairs(n) for n in Counter((truth[r], predicted[r]) for r in truth).values())
    return _prf(both, predicted_pairs, true_pairs)


def _prf(correct: int, found: int, expected: int) -> dict[str, float]:
    precision = correct / found if found else 1.0
    recall = correct / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "correct_pairs": correct, "found_pairs": found, "expected_pairs": expected}  # fmt: skip


def hits_quality(records: list[dict], entries: list[dict], hits: set[tuple[str, str]]) -> dict[str, float]:
    listed: dict[str, list[str]] = defaultdict(list)
    for e in entries:
        if e["entity"]:
            listed[e["entity"]].append(e["id"])
    expected = {(r["id"], e) for r in records for e in listed.get(r["entity"], [])}
    return _prf(len(hits & expected), len(hits), len(expected))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--listed", type=int, default=1500)
    args = parser.parse_args()
    bench = build(demo_dir(), args.records, args.listed)
    truth = {r["id"]: r["entity"] for r in bench.records}
    ws = write_workspace(bench, OUT / "resolution_quality.duckdb")

    started = time.perf_counter()
    summary = resolve(ws, labels=("Company",))
    resolve_seconds = time.perf_counter() - started
    predicted = dict(truth.keys() and {r: r for r in truth})
    for member, head in ws.con.execute("SELECT member_id, canonical_id FROM clusters").fetchall():
        predicted[member] = head
    baseline = {r["id"]: name_norm(r["name"]) for r in bench.records}

    started = time.perf_counter()
    screened = screen(ws, as_of=None)
    screen_seconds = time.perf_counter() - started
    rows = ws.con.execute("SELECT party_id, entry_id, kind FROM list_hits").fetchall()
    identity = {(p, e) for p, e, kind in rows if kind in ("identifier", "name", "alias")}
    contact = {(p, e) for p, e, kind in rows if kind not in ("identifier", "name", "alias")}
    entry_names: dict[str, list[str]] = defaultdict(list)
    for e in bench.entries:
        for name in [e["name"], *(e["aliases"] or [])]:
            entry_names[name_norm(name)].append(e["id"])
    naive_hits = {(r["id"], e) for r in bench.records for e in entry_names.get(name_norm(r["name"]), [])}
    result = {
        "machine": machine(),
        "records": len(bench.records),
        "entities": len(set(truth.values())),
        "list_entries": len(bench.entries),
        "resolution": {
            "graphtool": pairwise(truth, predicted),
            "baseline_exact_naive_name": pairwise(truth, baseline),
            "seconds": round(resolve_seconds, 1),
            "summary": summary["labels"]["Company"],
        },
        "screening": {
            "graphtool": hits_quality(bench.records, bench.entries, identity),
            "graphtool_incl_address_phone_hits": hits_quality(
                bench.records, bench.entries, identity | contact
            ),
            "baseline_exact_naive_name": hits_quality(bench.records, bench.entries, naive_hits),
            "seconds": round(screen_seconds, 1),
            "by_kind": screened["by_kind"],
        },
    }
    ws.close()
    print(save("resolution_quality", result).read_text())


if __name__ == "__main__":
    main()
