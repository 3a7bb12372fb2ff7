"""The Neo4j store on a real server: read-only ad-hoc Cypher, time limits, clear connection errors,
the allow-list, and the CLI on Neo4j."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphtool import cypher
from graphtool.cli import cli
from graphtool.config import Neo4jSettings, load_settings
from graphtool.errors import BackendError, GraphtoolError, ModelError
from graphtool.neo4j_push import push
from graphtool.neo4j_server import free_port
from graphtool.neo4j_store import Neo4jStore
from graphtool.store import open_store
from graphtool.workspace import Workspace
from tests.graphs import company, owns, person, write_graph


@pytest.fixture(scope="module")
def pushed(tmp_path_factory, neo4j_target, neo4j_driver):
    """A small ownership graph, pushed into the session's Neo4j (emptied first)."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    path = write_graph(
        tmp_path_factory.mktemp("neo") / "ws.duckdb",
        [company("T", country="CN"), company("H", country="HK"), person("P", nationality="US")],
        [owns("Company:t:H", "Company:t:T", 80.0), owns("Person:t:P", "Company:t:H", 50.0)],
    )
    user, password = neo4j_target.auth or (None, None)
    settings = Neo4jSettings(uri=neo4j_target.uri, user=user, password=password)
    with Workspace.open(path) as ws:
        push(ws, settings, neo4j_driver)
    return path, settings


def test_adhoc_cypher_reads_with_a_row_limit(pushed):
    _, settings = pushed
    with Neo4jStore(settings) as store:
        columns, rows = store.cypher(
            "MATCH (c:Company) RETURN c.id AS id, c.country AS country ORDER BY id", limit=1
        )
        assert columns == ["id", "country"] and rows == [["Company:t:H", "HK"]]
        _, rows = store.cypher("MATCH (c:Company {id: $id}) RETURN c", {"id": "Company:t:T"})
        assert rows[0][0]["labels"] == ["Company"] and rows[0][0]["properties"]["country"] == "CN"


def test_adhoc_cypher_shows_a_relationship_with_its_workspace_id(pushed):
    """The server keeps no id on a relationship whose id is TYPE:source>target; a result that holds
    the relationship with its ends still shows that id."""
    _, settings = pushed
    with Neo4jStore(settings) as store:
        _, rows = store.cypher("MATCH (a)-[r:OWNS]->(b:Company {id: 'Company:t:T'}) RETURN a, r, b")
    assert rows[0][1]["id"] == "OWNS:Company:t:H>Company:t:T" and rows[0][1]["properties"]["percent"] == 80.0


@pytest.mark.parametrize(
    "write",
    [
        "CREATE (:Company {id: 'Company:t:new'})",
        "MATCH (c:Company) SET c.name = 'changed'",
        "MATCH (n) DETACH DELETE n",
    ],
)
def test_adhoc_cypher_refuses_writes_and_changes_nothing(pushed, write):
    _, settings = pushed
    with Neo4jStore(settings) as store:
        before = store.cypher("MATCH (n) RETURN n.id AS id, n.name AS name ORDER BY id")
        with pytest.raises(GraphtoolError, match="read-only, so nothing was changed"):
            store.cypher(write)
        assert store.cypher("MATCH (n) RETURN n.id AS id, n.name AS name ORDER BY id") == before


def test_adhoc_cypher_is_stopped_at_its_time_limit_and_bad_cypher_is_explained(pushed):
    _, settings = pushed
    with Neo4jStore(settings) as store:
        with pytest.raises(GraphtoolError, match="time limit"):
            store.cypher(
                "UNWIND range(1, 100000000) AS a WITH a WHERE a % 7 = 99 RETURN count(a)", timeout_s=0.5
            )
        with pytest.raises(GraphtoolError, match="Cypher error"):
            store.cypher("MATCH (n RETURN n")


def test_investigations_run_on_neo4j_through_open_store(pushed):
    path, settings = pushed
    store = open_store(load_settings(workspace=path, neo4j_uri=settings.uri, env={}))
    try:
        report = store.ubo("Company:t:T")
        assert [(o.id, o.effective, o.flags) for o in report.owners] == [
            ("Company:t:H", 80.0, []),
            ("Person:t:P", 40.0, ["beneficial owner", "foreign"]),
        ]
        node = store.node("Company:t:T")
        assert node.provenance.source_file == "graph.json" and node.provenance.row_no == 1
        assert store.version.startswith("neo4j:")
    finally:
        store.close()


def test_a_server_that_is_down_is_named_without_the_password():
    settings = Neo4jSettings(uri=f"bolt://127.0.0.1:{free_port()}", user="neo4j", password="hunter2")
    with pytest.raises(BackendError) as err:
        Neo4jStore(settings)
    assert settings.uri in str(err.value) and "hunter2" not in str(err.value)


def test_only_model_labels_and_types_reach_the_query_text():
    with pytest.raises(ModelError):
        cypher.render("nodes", label="Company) DETACH DELETE (n")
    with pytest.raises(ModelError):
        cypher.render("neighbourhood", label="Company", types=["OWNS]->() DELETE n //"])
    with pytest.raises(GraphtoolError, match="max_hops"):
        cypher.render(
            "shortest_paths", src_label="Company", dst_label="Company", types=None, max_hops="6; DROP"
        )
    assert cypher.template("ownership").header["columns"] == "id, type, src, dst, props"


def test_cli_runs_investigations_and_cypher_on_neo4j(pushed):
    path, settings = pushed
    runner = CliRunner()
    base = ["-w", str(path), "--neo4j-uri", settings.uri, "--json"]
    ubo = json.loads(runner.invoke(cli, [*base, "ubo", "Company:t:T"], catch_exceptions=False).output)
    assert ubo["beneficial_owners"] == ["Person:t:P"]
    rows = json.loads(runner.invoke(cli, [*base, "cypher", "MATCH (n:Person) RETURN n.name AS name"]).output)
    assert rows == {"columns": ["name"], "rows": [["Person P"]]}
    refused = runner.invoke(cli, [*base, "cypher", "CREATE (n:Person {id: 'x'})"])
    assert refused.exit_code == 2 and "nothing was changed" in refused.output
