"""Precision and recall of every detector on the demo's planted schemes (decoys counted), beside a
naive rule set measured in the same run.

    python bench/alerts_quality.py                      # generates and loads a 20k-line demo
    python bench/alerts_quality.py --workspace W --truth DIR/ground_truth.json

Results: bench/out/alerts_quality.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, machine, save
from graphtool.alerts import engine
from graphtool.alerts.evaluation import TARGETS, Truth, quality
from graphtool.alerts.model import (
    Alert,
    Finding,
    to_alert,
)
from graphtool.alerts.rules import licensable_codes
from graphtool.workspace import Workspace

# The naive rule set an analyst might start from: one alert per matching declaration line.
NAIVE = {
    "naive_controlled_hs": (
        "code starts with a controlled reference code (any date, licence or not)",
        """SELECT d.id, d.link_exported, d.link_consigned_to FROM node_declaration d
           WHERE EXISTS (SELECT 1 FROM (SELECT unnest($codes) AS code) k WHERE starts_with(d.hs_code, k.code))""",
        TARGETS["misdeclaration"] + TARGETS["unlicensed_export"],
    ),
    "naive_listed_name": (
        "consignee name equals a list entry's name exactly",
        """SELECT d.id, d.link_exported, d.link_consigned_to FROM node_declaration d
           JOIN node_company c ON c.id = d.link_consigned_to JOIN node_listentry l ON l.name = c.name""",
        TARGETS["network_risk"],
    ),
    "naive_postal": (
        "postal or e-commerce parcel (transport mode 6 or trade mode 9610)",
        """SELECT d.id, d.link_exported, d.link_consigned_to FROM node_declaration d
           WHERE d.transport_mode = '6' OR d.trade_mode = '9610'""",
        TARGETS["structuring"],
    ),
}


def naive_alerts(ws: Workspace) -> list[Alert]:
    out = []
    for rule, (_, sql, _) in NAIVE.items():
        params = {"codes": licensable_codes()} if "$codes" in sql else {}
        for decl, exporter, consignee in ws.con.execute(sql, params).fetchall():
            finding = Finding(
                key=decl,
                sentence="",
                indicators=["naive"],
                entities=[exporter, consignee],
                declarations=[decl],
            )
            out.append(to_alert(rule, finding, {"naive": 1.0}))
    return out


def build_demo(declarations: int, seed: int) -> tuple[Path, Path]:
    from graphtool.cli import DEMO_LOAD_ORDER
    from graphtool.demo import generate
    from loaders import load_file

    folder = OUT / f"alerts-demo-{declarations}"
    shutil.rmtree(folder, ignore_errors=True)
    summary = generate(folder / "data", declarations=declarations, seed=seed)
    workspace = folder / "demo.duckdb"
    with Workspace.open(workspace) as ws:
        for name in DEMO_LOAD_ORDER:
            load_file(ws, summary.files[name])
    return workspace, folder / "data" / "ground_truth.json"


def evaluate(workspace: Path, truth_file: Path) -> dict:
    truth = Truth.from_json(json.loads(truth_file.read_text(encoding="utf-8")))
    with Workspace.open(workspace, read_only=True) as ws:
        started = time.perf_counter()
        alerts = engine.run(ws)
        seconds = time.perf_counter() - started
        naive = naive_alerts(ws)
    rules = list(engine.rule_specs())
    detectors = quality(truth, alerts, rules)
    naive_quality = quality(truth, naive, list(NAIVE))
    for q in naive_quality:  # recall of a naive rule: on the typologies it stands in for
        targets = [r["id"] for r in truth.records if r["typology"] in NAIVE[q.rule][2]]
        hit = {rid for a in naive if a.rule == q.rule for rid in truth.matches(a)}
        q.targets, q.found = len(targets), sum(1 for t in targets if t in hit)
        q.recall = round(q.found / len(targets), 3) if targets else None
        q.missed = [t for t in targets if t not in hit]
    return {
        "workspace": str(workspace),
        "truth": str(truth_file),
        "sweep_seconds": round(seconds, 2),
        "machine": machine(),
        "detectors": [q.as_dict() for q in detectors],
        "naive": [q.as_dict() | {"what": NAIVE[q.rule][0]} for q in naive_quality],
    }


def table(result: dict) -> str:
    lines = ["| rule | alerts | precision | recall | decoys hit | missed |", "|---|---|---|---|---|---|"]
    for q in result["detectors"] + result["naive"]:
        lines.append(
            f"| {q['rule']} | {q['alerts']} | {q['precision'] if q['precision'] is not None else '-'} | "
            f"{q['recall'] if q['recall'] is not None else '-'} | {len(q['decoy_hits'])} | {len(q['missed'])} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--declarations", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.workspace:
        workspace, truth = args.workspace, args.truth or args.workspace.parent / "ground_truth.json"
    else:
        workspace, truth = build_demo(args.declarations, args.seed)
    result = evaluate(workspace, truth)
    path = save("alerts_quality", result)
    print(table(result))
    print(f"sweep {result['sweep_seconds']} s; written to {path}")


if __name__ == "__main__":
    main()
