"""The detectors on Neo4j: after `graphtool push`, the Cypher rules give the same alerts as the
embedded workspace, and `graphtool alerts run` uses Neo4j when it is the configured backend.
One push for the whole check: pushing is the slow part."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphtool.alerts import Neo4jSource, list_alerts, run_alerts
from graphtool.alerts.engine import rule_specs, run
from graphtool.cli import DEMO_LOAD_ORDER, cli
from graphtool.config import Neo4jSettings
from graphtool.demo import generate
from graphtool.neo4j_push import push
from graphtool.workspace import Workspace
from loaders import load_file


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alerts-neo4j")
    summary = generate(folder / "data", declarations=2_000, seed=7)
    path = folder / "demo.duckdb"
    with Workspace.open(path) as ws:
        for name in DEMO_LOAD_ORDER:
            load_file(ws, summary.files[name])
    return path


def _facts(alert):
    return (
        alert.id,
        alert.rule,
        alert.score,
        alert.sentence,
        alert.declarations,
        alert.entities,
        alert.facts,
    )


def test_neo4j_gives_the_same_alerts_as_the_workspace(small_demo, clean_neo4j, neo4j_target):
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    with Workspace.open(small_demo) as ws:
        push(ws, settings, clean_neo4j)
        embedded = run(ws)
        on_neo4j = run(ws, source=Neo4jSource(clean_neo4j))
        graph_rules = {s.name for s in rule_specs().values() if s.source == "graph"}
        assert graph_rules - {"brokers"} <= {a.rule for a in embedded}  # every graph rule fires on the demo
        assert [_facts(a) for a in on_neo4j] == [_facts(a) for a in embedded]
        # provenance from Neo4j (source file hash and row) resolves to the same file and row
        fact = next(f for a in on_neo4j for f in a.facts if f.label == "Declaration")
        assert fact.file == "declarations.csv" and fact.file_id and fact.row_no

        stored = run_alerts(ws, ["transshipment"], Neo4jSource(clean_neo4j))
        assert [a.id for a in stored] == [a.id for a in list_alerts(ws, rule="transshipment")]

    # the command line runs them on Neo4j when Neo4j is the configured backend
    result = CliRunner().invoke(
        cli,
        [
            "-w",
            str(small_demo),
            "--neo4j-uri",
            neo4j_target.uri,
            "--json",
            "alerts",
            "run",
            "--rule",
            "phoenix",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["backend"] == "neo4j" and data["alerts"]
