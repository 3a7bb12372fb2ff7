"""The demo case: generated, loaded and accounted for, with its deliberately bad rows quarantined."""

from __future__ import annotations

import json

from click.testing import CliRunner

from graphtool.cli import cli
from graphtool.status import quarantine, status
from graphtool.workspace import Workspace


def test_the_demo_command_generates_loads_and_quarantines_exactly_the_planted_bad_rows(tmp_path):
    workspace = tmp_path / "demo.duckdb"
    out = tmp_path / "demo-data"
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(workspace), "--json", "demo", "--out", str(out), "--declarations", "3000"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    loads = json.loads(result.output)["loads"]
    assert {load["file"] for load in loads} >= {
        "declarations.csv",
        "companies.csv",
        "ownership.csv",
        "bills_of_lading.csv",
        "restricted_list.csv",
        "trade_stats.csv",
    }
    for load in loads:
        assert load["rows_read"] == load["loaded"] + load["quarantined"] + load["duplicates"], load["file"]

    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    planted = {(b["file"], b["row"]) for b in truth["bad_rows"]}
    with Workspace.open(workspace, read_only=True) as ws:
        rejected = {
            (q["file"], q["row"]) for q in quarantine(ws, limit=10_000) if q["file"] == "declarations.csv"
        }
        assert rejected == planted
        s = status(ws)
        assert s["nodes"]["Declaration"] == 3000 - len(planted)
        assert s["edges"]["EXPORTED"] == s["nodes"]["Declaration"]

    again = CliRunner().invoke(
        cli,
        ["--workspace", str(workspace), "--json", "demo", "--out", str(out), "--declarations", "3000"],
        catch_exceptions=False,
    )
    assert all(load["already_loaded"] for load in json.loads(again.output)["loads"])
