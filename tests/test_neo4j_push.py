"""Pushing the workspace into a real Neo4j: same graph, idempotent, resumable, provenance kept."""

from __future__ import annotations

import pytest

from graphtool.config import Neo4jSettings
from graphtool.neo4j_push import Push, edge_groups, push
from graphtool.status import status
from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import EXPORTER, EXPORTER_USCC, declaration_file, write_csv


@pytest.fixture
def workspace(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        load_file(ws, declaration_file(tmp_path / "d.csv", n=5, encoding="gb18030"))
        load_file(
            ws,
            write_csv(
                tmp_path / "companies.csv",
                [{"name": EXPORTER, "uscc": EXPORTER_USCC, "country": "CN", "phone": "+86 574 8688 1234"}],
            ),
        )
        yield ws


def counts(driver):
    nodes = {
        r["label"]: r["n"]
        for r in driver.execute_query(
            "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n", database_="neo4j"
        ).records
    }
    rels = {
        r["type"]: r["n"]
        for r in driver.execute_query(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database_="neo4j"
        ).records
    }
    return nodes, rels


def test_the_pushed_graph_equals_the_workspace_and_keeps_provenance(workspace, clean_neo4j, neo4j_target):
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    report = push(workspace, settings, clean_neo4j, batch_rows=3)
    s = status(workspace)
    assert counts(clean_neo4j) == (s["nodes"], s["edges"])
    assert report.nodes == s["nodes"]
    record = clean_neo4j.execute_query(
        "MATCH (c:Company {uscc: $uscc})-[:EXPORTED]->(d:Declaration) RETURN c.name AS name, "
        "d.source_file AS file, d.source_row AS row, d.source_sha256 AS sha, d.declaration_date AS day "
        "ORDER BY row LIMIT 1",
        uscc=EXPORTER_USCC,
        database_="neo4j",
    ).records[0]
    assert (record["name"], record["file"], record["row"]) == (EXPORTER, "d.csv", 1)
    assert len(record["sha"]) == 64 and str(record["day"]) == "2024-10-08"


def test_pushing_twice_changes_nothing(workspace, clean_neo4j, neo4j_target):
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    push(workspace, settings, clean_neo4j)
    before = counts(clean_neo4j)
    again = push(workspace, settings, clean_neo4j)
    assert again.skipped_batches > 0 and counts(clean_neo4j) == before
    workspace.con.execute("DELETE FROM push_checkpoints")  # a full re-push MERGEs onto the same graph
    push(workspace, settings, clean_neo4j)
    assert counts(clean_neo4j) == before


def test_an_interrupted_push_resumes_where_it_stopped(workspace, clean_neo4j, neo4j_target):
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    calls = []

    def stop_after_three(rows):
        calls.append(rows)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        push(workspace, settings, clean_neo4j, batch_rows=2, progress=stop_after_three)
    resumed = push(workspace, settings, clean_neo4j, batch_rows=2)
    assert resumed.skipped_batches == 3
    s = status(workspace)
    assert counts(clean_neo4j) == (s["nodes"], s["edges"])


def test_a_push_cut_short_in_the_relationships_never_doubles_one_even_when_its_records_are_lost(
    workspace, clean_neo4j, neo4j_target
):
    """A first load CREATEs relationships; once the server holds some of a group, the rest is MERGEd,
    even when the workspace lost its record of the batches the server already has."""
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    first = Push(workspace, settings, clean_neo4j, batch_rows=2)
    first.constraints()
    first.nodes()
    group = edge_groups(workspace)[0]
    assert first.first_load(*group)

    def stop_after_one(rows):
        raise KeyboardInterrupt

    first.progress = stop_after_one
    with pytest.raises(KeyboardInterrupt):
        first.relationships([group])
    assert not first.first_load(*group)
    workspace.con.execute("DELETE FROM push_checkpoints")  # as if the records had never been written
    push(workspace, settings, clean_neo4j, batch_rows=2)
    s = status(workspace)
    assert counts(clean_neo4j) == (s["nodes"], s["edges"])


def test_the_push_command_reports_what_it_wrote(workspace, clean_neo4j, neo4j_target, monkeypatch, tmp_path):
    import json

    from click.testing import CliRunner

    from graphtool.cli import cli

    path = workspace.path
    workspace.close()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["--workspace", str(path), "--neo4j-uri", neo4j_target.uri, "--json", "push"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["nodes"]["Declaration"] == 5
    nothing = CliRunner().invoke(cli, ["--workspace", str(path), "push"], env={"NEO4J_URI": ""})
    assert nothing.exit_code == 2 and "no Neo4j configured" in nothing.output


def test_a_relationship_whose_node_is_gone_from_the_server_is_an_error_not_a_gap(
    workspace, clean_neo4j, neo4j_target
):
    from graphtool.errors import BackendError

    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    push(workspace, settings, clean_neo4j)
    clean_neo4j.execute_query("MATCH (c:Company {uscc: $uscc}) DETACH DELETE c", uscc=EXPORTER_USCC)
    workspace.con.execute("DELETE FROM push_checkpoints WHERE part LIKE 'rel:%'")  # nodes count as pushed
    with pytest.raises(
        BackendError, match=r"rel:EXPORTED:Company:Declaration:0: relationships whose Company"
    ):
        push(workspace, settings, clean_neo4j)
