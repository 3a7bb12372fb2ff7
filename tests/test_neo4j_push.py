"""Pushing the workspace into a real Neo4j: same graph, idempotent, resumable, provenance kept, in the
lean layout (file id on each item, SourceFile nodes, a relationship id kept only when not derived)."""

from __future__ import annotations

import pytest

from graphtool.config import Neo4jSettings
from graphtool.embedded_store import EmbeddedStore
from graphtool.errors import BackendError
from graphtool.neo4j_push import Push, edge_groups, push
from graphtool.neo4j_store import Neo4jStore
from graphtool.status import status
from graphtool.workspace import Workspace
from loaders import load_file
from tests.graphs import company, owns, person, write_graph
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
            "MATCH (n) WHERE NOT n:SourceFile RETURN labels(n)[0] AS label, count(*) AS n", database_="neo4j"
        ).records
    }
    rels = {
        r["type"]: r["n"]
        for r in driver.execute_query(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n", database_="neo4j"
        ).records
    }
    return nodes, rels


@pytest.fixture
def neo4j_settings(neo4j_target) -> Neo4jSettings:
    return Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))


def test_the_pushed_graph_equals_the_workspace_and_keeps_provenance(workspace, clean_neo4j, neo4j_target):
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    report = push(workspace, settings, clean_neo4j, batch_rows=3)
    s = status(workspace)
    assert counts(clean_neo4j) == (s["nodes"], s["edges"])
    assert report.nodes == s["nodes"]
    record = clean_neo4j.execute_query(
        "MATCH (c:Company {uscc: $uscc})-[r:EXPORTED]->(d:Declaration) "
        "MATCH (f:SourceFile {file_id: d.source_file_id}) RETURN c.name AS name, f.name AS file, "
        "d.source_row AS row, f.sha256 AS sha, d.declaration_date AS day, r.source_row AS rel_row "
        "ORDER BY row LIMIT 1",
        uscc=EXPORTER_USCC,
        database_="neo4j",
    ).records[0]
    assert (record["name"], record["file"], record["row"], record["rel_row"]) == (EXPORTER, "d.csv", 1, 1)
    assert len(record["sha"]) == 64 and str(record["day"]) == "2024-10-08"
    files = workspace.con.execute("SELECT file_id, name, sha256, loader, size FROM source_files").fetchall()
    on_server = clean_neo4j.execute_query(
        "MATCH (f:SourceFile) RETURN f.id AS id, f.file_id AS file_id, f.name AS name, f.sha256 AS sha256, "
        "f.loader AS loader, f.size AS size ORDER BY file_id",
        database_="neo4j",
    ).records
    assert [tuple(r.values())[1:] for r in on_server] == [tuple(f) for f in files]
    assert [r["id"] for r in on_server] == [f"SourceFile:{f[0]}" for f in files]


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


TWO_OWNERSHIPS = (
    [company("T", country="CN"), company("H", country="HK"), person("P", nationality="US")],
    [
        owns("Company:t:H", "Company:t:T", 80.0),
        owns("Company:t:H", "Company:t:T", 20.0, qualifier="2019"),  # a second period: same pair and type
        owns("Person:t:P", "Company:t:H", 50.0),
    ],
)
DERIVED = "OWNS:Company:t:H>Company:t:T"
QUALIFIED = DERIVED + "#2019"


@pytest.fixture
def owners(tmp_path):
    return write_graph(tmp_path / "owners.duckdb", *TWO_OWNERSHIPS)


def server_ownerships(driver) -> dict[str, tuple]:
    """OWNS relationships by their id (kept or derived): (the id property, percent, row)."""
    return {
        r["id"]: (r["kept"], r["percent"], r["row"])
        for r in driver.execute_query(
            "MATCH (a)-[r:OWNS]->(b) RETURN coalesce(r.id, 'OWNS:' + a.id + '>' + b.id) AS id, "
            "r.id AS kept, r.percent AS percent, r.source_row AS row",
            database_="neo4j",
        ).records
    }


def test_a_relationship_keeps_an_id_property_only_when_its_id_is_not_the_derived_one(
    owners, clean_neo4j, neo4j_settings
):
    with Workspace.open(owners) as ws:
        push(ws, neo4j_settings, clean_neo4j)
    assert server_ownerships(clean_neo4j) == {
        DERIVED: (None, 80.0, 4),
        QUALIFIED: (QUALIFIED, 20.0, 5),
        "OWNS:Person:t:P>Company:t:H": (None, 50.0, 6),
    }
    with Neo4jStore(neo4j_settings) as neo:
        remote = neo.neighbourhood("Company:t:T", hops=2)
    local = EmbeddedStore(owners).neighbourhood("Company:t:T", hops=2)
    assert (
        sorted(remote.edges)
        == sorted(local.edges)
        == sorted([DERIVED, QUALIFIED, "OWNS:Person:t:P>Company:t:H"])
    )
    assert remote.to_dict() == local.to_dict()  # provenance too: file id, row, batch, file name, sha256
    assert remote.edges[QUALIFIED].provenance.file_id == 1 and remote.edges[QUALIFIED].provenance.sha256


def test_a_repeated_push_finds_each_of_a_derived_and_a_qualified_relationship_of_one_pair(
    owners, clean_neo4j, neo4j_settings
):
    with Workspace.open(owners) as ws:
        push(ws, neo4j_settings, clean_neo4j)
        pushed = server_ownerships(clean_neo4j)
        # the server lost one of the pair's two relationships and had the other one changed
        clean_neo4j.execute_query("MATCH ()-[r:OWNS {id: $id}]->() DELETE r", id=QUALIFIED, database_="neo4j")
        clean_neo4j.execute_query(
            "MATCH (:Company {id: 'Company:t:H'})-[r:OWNS]->() WHERE r.id IS NULL SET r.percent = 1.0",
            database_="neo4j",
        )
        ws.con.execute("DELETE FROM push_checkpoints")
        again = Push(ws, neo4j_settings, clean_neo4j)
        assert not again.first_load("OWNS", "Company", "Company")  # so the MERGE path runs
        push(ws, neo4j_settings, clean_neo4j)
        assert server_ownerships(clean_neo4j) == pushed
        ws.con.execute("DELETE FROM push_checkpoints")
        push(ws, neo4j_settings, clean_neo4j)  # and once more: nothing doubles
        assert server_ownerships(clean_neo4j) == pushed
        assert counts(clean_neo4j) == (status(ws)["nodes"], status(ws)["edges"])


def test_a_push_into_a_server_holding_another_workspaces_data_is_refused_before_writing(
    owners, workspace, clean_neo4j, neo4j_settings
):
    push(workspace, neo4j_settings, clean_neo4j)
    before = counts(clean_neo4j)
    with Workspace.open(owners) as other, pytest.raises(BackendError) as refused:
        push(other, neo4j_settings, clean_neo4j)
    message = str(refused.value)
    assert "holds data from another workspace" in message and "d.csv" in message and "graph.json" in message
    assert "empty" in message and counts(clean_neo4j) == before


def test_a_push_into_a_server_with_graph_nodes_but_no_source_files_is_refused(
    owners, clean_neo4j, neo4j_settings
):
    clean_neo4j.execute_query(
        "CREATE (:Company {id: 'Company:t:T', name: 'from elsewhere'})", database_="neo4j"
    )
    with Workspace.open(owners) as ws, pytest.raises(BackendError, match="no SourceFile nodes"):
        push(ws, neo4j_settings, clean_neo4j)
    assert counts(clean_neo4j) == ({"Company": 1}, {})


def test_a_relationship_without_a_source_file_is_pushed_too(workspace, clean_neo4j, neo4j_settings):
    """Entity resolution writes SAME_AS relationships with no source file (only its run as batch):
    they are pushed like the others, never dropped, and read back with the same provenance."""
    a, b = (r[0] for r in workspace.con.execute("SELECT id FROM node_company ORDER BY id LIMIT 2").fetchall())
    workspace.con.execute(
        "INSERT INTO edges (id, type, src, dst, score, file_id, row_no, batch_id) "
        "VALUES (?, 'SAME_AS', ?, ?, 0.9, NULL, NULL, 7)",
        [f"SAME_AS:{a}>{b}", a, b],
    )
    push(workspace, neo4j_settings, clean_neo4j)
    assert counts(clean_neo4j) == (status(workspace)["nodes"], status(workspace)["edges"])
    path = workspace.path
    workspace.close()
    with Neo4jStore(neo4j_settings) as neo:
        remote = neo.neighbourhood(a, hops=1, rel_types=["SAME_AS"])
    local = EmbeddedStore(path).neighbourhood(a, hops=1, rel_types=["SAME_AS"])
    assert remote.to_dict() == local.to_dict()
    assert remote.edges[f"SAME_AS:{a}>{b}"].provenance.batch_id == 7
