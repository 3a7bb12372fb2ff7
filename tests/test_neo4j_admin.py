"""``neo4j-admin database import full`` files: imported for real, they give the graph ``push`` gives."""

from __future__ import annotations

import neo4j
import pytest

from graphtool.config import Neo4jSettings
from graphtool.errors import WorkspaceError
from graphtool.ids import edge_id
from graphtool.neo4j_admin import import_with_local_jars, write_import_files
from graphtool.neo4j_push import push
from graphtool.neo4j_server import LocalNeo4j
from graphtool.status import status
from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import EXPORTER, EXPORTER_USCC, declaration_file, write_csv

AWKWARD_NAME = 'Apex "Alloys", Trading Co. 北方 Ltd'
SCOPE = '锑、锗的冶炼, "出口"\n第二行'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Chinese declarations (GB18030) plus a register whose text has commas, quotes and a line break."""
    tmp = tmp_path_factory.mktemp("admin")
    with Workspace.open(tmp / "ws.duckdb") as ws:
        load_file(ws, declaration_file(tmp / "d.csv", n=6, encoding="gb18030"))
        register = [
            {
                "name": EXPORTER,
                "uscc": EXPORTER_USCC,
                "country": "CN",
                "aliases": "恒达稀有金属;Hengda Rare Metals",
                "incorporation_date": "2009-03-17",
            },
            {"name": AWKWARD_NAME, "country": "TH", "phone": "+66 2 123 4567"},
        ]
        load_file(ws, write_csv(tmp / "companies.csv", register))
        # The tabular loader folds line breaks into spaces; structured sources (FtM, BODS) can keep them.
        ws.con.execute("UPDATE node_company SET business_scope = ? WHERE uscc = ?", [SCOPE, EXPORTER_USCC])
        # Two ownership periods of one pair (as a BODS source gives them): a derived and a qualified id.
        ids = dict(ws.con.execute("SELECT name, id FROM node_company").fetchall())
        file_id, batch_id = ws.con.execute(
            "SELECT file_id, batch_id FROM source_files WHERE name = 'companies.csv'"
        ).fetchall()[0]
        for qualifier, percent in (("", 60.0), ("2019", 40.0)):
            ws.con.execute(
                "INSERT INTO edges (id, type, src, dst, percent, file_id, row_no, batch_id) "
                "VALUES (?, 'OWNS', ?, ?, ?, ?, 2, ?)",
                [edge_id("OWNS", ids[AWKWARD_NAME], ids[EXPORTER], qualifier), ids[AWKWARD_NAME], ids[EXPORTER],
                 percent, file_id, batch_id],
            )  # fmt: skip
        yield ws


def graph(driver: neo4j.Driver) -> tuple[dict, dict]:
    """Every node and relationship with its labels/type, ends and properties, keyed by id (a
    relationship's kept id, or the derived one)."""
    nodes = {
        r["p"]["id"]: (tuple(r["labels"]), r["p"])
        for r in driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS p").records
    }
    rels = {
        r["id"]: (r["type"], r["a"], r["b"], r["p"])
        for r in driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN coalesce(r.id, type(r) + ':' + a.id + '>' + b.id) AS id, "
            "type(r) AS type, a.id AS a, b.id AS b, properties(r) AS p"
        ).records
    }
    return nodes, rels


@pytest.fixture(scope="module")
def imported(workspace, tmp_path_factory):
    """The workspace written as importer files, imported by the real neo4j-admin into a fresh data
    directory, and a server started on it: (plan, graph as the server returns it)."""
    tmp = tmp_path_factory.mktemp("import")
    plan = write_import_files(workspace, tmp / "files")
    import_with_local_jars(plan, tmp / "data")
    settings = {"server.directories.data": str(tmp / "data")}
    with LocalNeo4j(settings=settings) as server, neo4j.GraphDatabase.driver(server.uri, auth=None) as driver:
        yield plan, graph(driver)


def test_the_plan_prints_the_exact_import_command_with_typed_headers(workspace, tmp_path):
    plan = write_import_files(workspace, tmp_path)
    command = plan.command()
    assert command[:6] == ["neo4j-admin", "database", "import", "full", "neo4j", "--id-type=string"]
    assert "--multiline-fields=true" in command  # the business scope has a line break
    company = next(f for f in plan.files if f.name == "Company")
    assert f"--nodes={company.header},{company.data}" in command
    header = company.header.read_text(encoding="utf-8").strip().split(",")
    assert header[:3] == ["id:ID(Company)", ":LABEL", "name"]
    assert {"incorporation_date:date", "aliases:string[]", "uscc_valid:boolean", "source_row:long"} <= set(
        header
    )
    sources = plan.files[0]  # the SourceFile nodes come first
    assert sources.name == "SourceFile" and f"--nodes={sources.header},{sources.data}" in command
    assert sources.header.read_text(encoding="utf-8").startswith("id:ID(SourceFile),:LABEL,file_id:long,")
    assert "CREATE CONSTRAINT sourcefile_id" in plan.constraints.read_text(encoding="utf-8")
    exported = next(f for f in plan.files if f.name == "EXPORTED Company->Declaration")
    assert exported.header.read_text(encoding="utf-8").startswith(
        ":START_ID(Company),:END_ID(Declaration),:TYPE,id,"
    )
    assert plan.command_line().startswith("neo4j-admin database import full ")
    assert "CREATE CONSTRAINT company_id" in plan.constraints.read_text(encoding="utf-8")


def test_the_imported_database_holds_the_workspace_graph(workspace, imported):
    _, (nodes, rels) = imported
    s = status(workspace)
    files = {p["file_id"]: p for (label,), p in nodes.values() if label == "SourceFile"}
    sources = workspace.con.execute("SELECT file_id, name, sha256, loaded_at FROM source_files").fetchall()
    assert {i: (f["name"], f["sha256"], f["loaded_at"].to_native()) for i, f in files.items()} == {
        r[0]: r[1:] for r in sources
    }
    labels = {}
    for node_labels, _ in nodes.values():
        if node_labels != ("SourceFile",):
            labels[node_labels[0]] = labels.get(node_labels[0], 0) + 1
    types = {}
    for rel_type, *_ in rels.values():
        types[rel_type] = types.get(rel_type, 0) + 1
    assert (labels, types) == (s["nodes"], s["edges"])
    exporter = next(
        p for (label,), p in nodes.values() if label == "Company" and p.get("uscc") == EXPORTER_USCC
    )
    assert exporter["name"] == EXPORTER
    assert sorted(exporter["aliases"]) == sorted(["恒达稀有金属", "Hengda Rare Metals"])
    assert str(exporter["incorporation_date"]) == "2009-03-17"
    assert isinstance(exporter["incorporation_date"], neo4j.time.Date)
    assert exporter["business_scope"] == SCOPE
    assert any(p.get("name") == AWKWARD_NAME for _, p in nodes.values())
    declaration = next(p for (label,), p in nodes.values() if label == "Declaration")
    assert str(declaration["declaration_date"]) == "2024-10-08"
    assert files[declaration["source_file_id"]]["name"] == "d.csv"
    # a derived relationship id is an empty cell: the importer writes no property
    assert all("id" not in p for rel_type, _, _, p in rels.values() if rel_type == "EXPORTED")
    owns = {rel_id: p.get("id") for rel_id, (rel_type, _, _, p) in rels.items() if rel_type == "OWNS"}
    qualified = next(rel_id for rel_id in owns if rel_id.endswith("#2019"))
    assert owns == {qualified.removesuffix("#2019"): None, qualified: qualified}
    assert isinstance(declaration["line_no"], int) and isinstance(declaration["net_kg"], float)


def test_import_and_push_give_the_same_graph(workspace, imported, clean_neo4j, neo4j_target):
    _, from_import = imported
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    workspace.con.execute("DELETE FROM push_checkpoints")
    push(workspace, settings, clean_neo4j)
    assert graph(clean_neo4j) == from_import


def test_a_list_value_holding_the_array_delimiter_is_refused_by_node(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        load_file(
            ws,
            write_csv(
                tmp_path / "c.csv",
                [{"name": EXPORTER, "uscc": EXPORTER_USCC, "country": "CN", "aliases": "恒达"}],
            ),
        )
        ws.con.execute("UPDATE node_company SET aliases = ['De\x1flta']")
        company = ws.con.execute("SELECT id FROM node_company").fetchall()[0][0]
        with pytest.raises(WorkspaceError, match=f"{company}: property aliases holds the character U\\+001F"):
            write_import_files(ws, tmp_path / "out")
