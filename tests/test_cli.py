"""The command line, as an investigator or a script uses it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphtool.cli import cli
from tests.support import CN_HEADERS, EXPORTER, cn_row, declaration_file, write_csv

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    workspace = str(tmp_path / "ws.duckdb")

    def invoke(*args: str):
        return runner.invoke(cli, ["--workspace", workspace, *args], catch_exceptions=False)

    return invoke


def test_load_then_status_quarantine_and_search(run, tmp_path):
    rows = [cn_row(), cn_row(**{"项号": "2", "净重(千克)": "n/a"})]
    result = run("--json", "load", str(write_csv(tmp_path / "d.csv", rows, CN_HEADERS)))
    assert result.exit_code == 0
    (report,) = json.loads(result.output)
    assert (report["rows_read"], report["loaded"], report["quarantined"], report["duplicates"]) == (
        2,
        1,
        1,
        0,
    )

    text = run("status").output
    assert "rows read 2 = loaded 1 + quarantined 1 + duplicates 0" in text

    (rejected,) = json.loads(run("--json", "quarantine").output)
    assert rejected["row"] == 2 and rejected["reasons"][0]["field"] == "净重(千克)"
    assert "d.csv row 2: 净重(千克) = 'n/a'" in run("quarantine").output

    hits = json.loads(run("--json", "search", "恒达稀有").output)
    assert hits[0]["name"] == EXPORTER and hits[0]["label"] == "Company"


def test_a_plain_load_report_states_the_row_accounting(run, tmp_path):
    output = run("load", str(declaration_file(tmp_path / "d.csv"))).output
    assert "rows read 3 = loaded 3 + quarantined 0 + duplicates 0" in output


def test_errors_are_one_clear_line_not_a_stack_trace(run, tmp_path):
    path = write_csv(tmp_path / "odd.csv", [{"colour": "blue", "size": "9"}])
    result = run("load", str(path))
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "Traceback" not in result.output
    assert "colour" in result.output and "--mapping" in result.output


def test_status_of_a_missing_workspace_says_what_to_do(run):
    result = run("status")
    assert result.exit_code == 2 and "load data first" in result.output


def test_every_command_has_help_and_is_documented():
    docs = DOCS.read_text(encoding="utf-8")
    runner = CliRunner()
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert re.search(rf"^## `graphtool {name}", docs, re.M), f"docs/cli.md lacks a section for {name}"


def test_backend_reports_the_embedded_default_and_a_neo4j_server_that_is_down(tmp_path, monkeypatch):
    from graphtool.neo4j_server import free_port

    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert json.loads(runner.invoke(cli, ["--json", "backend"]).output)["backend"] == "embedded"
    down = runner.invoke(cli, ["--neo4j-uri", f"bolt://neo4j:hunter2@127.0.0.1:{free_port()}", "backend"])
    assert down.exit_code == 2 and "cannot reach Neo4j at bolt://127.0.0.1:" in down.output
    assert "hunter2" not in down.output


def test_backend_reaches_the_real_server(neo4j_target, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--neo4j-uri", neo4j_target.uri, "--json", "backend"])
    data = json.loads(result.output)
    assert data["backend"] == "neo4j" and data["server"].startswith("Neo4j/5.26")
