"""Sign-in and roles in the app, and the analysts' Cypher page on a real Neo4j (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graphtool.audit import entries
from graphtool.config import Neo4jSettings
from graphtool.neo4j_push import push
from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import EXPORTER, declaration_file, use_app, users_config

APP = str(Path(__file__).resolve().parents[1] / "app.py")
QUERY_PAGE = "graphtool/app/pages/query.py"


@pytest.fixture
def users(tmp_path, monkeypatch) -> Path:
    """A workspace with three declaration lines, and two accounts: a viewer and an analyst."""
    workspace = tmp_path / "ws.duckdb"
    with Workspace.open(workspace) as ws:
        load_file(ws, declaration_file(tmp_path / "d.csv"))
    users = {"vic": ("viewer", "v-pass"), "ana": ("analyst", "a-pass")}
    use_app(monkeypatch, workspace, users_config(tmp_path / "graphtool.toml", users))
    return workspace


def sign_in(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def test_the_app_asks_for_a_login_and_refuses_a_wrong_password(users):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    at = sign_in("vic", "wrong")
    assert any("Wrong user name or password" in e.value for e in at.error)
    assert not at.header  # no page is shown


def test_a_viewer_cannot_run_queries_and_the_refusal_is_audited(users, neo4j_uri, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    at = sign_in("vic", "v-pass")
    at.switch_page(QUERY_PAGE).run()
    assert not at.exception
    assert any("may not query" in e.value for e in at.error)
    assert not at.text_area
    with Workspace.open(users, read_only=True) as ws:
        assert ("vic", "denied:query") in [(e["user"], e["action"]) for e in entries(ws)]


def test_an_analyst_queries_neo4j_and_sees_rows_and_a_graph(users, neo4j_uri, clean_neo4j, monkeypatch):
    with Workspace.open(users) as ws:
        push(ws, Neo4jSettings(uri=neo4j_uri), clean_neo4j)
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    at = sign_in("ana", "a-pass")
    at.switch_page(QUERY_PAGE).run()
    at.text_area[0].input(
        "MATCH (c:Company {name: $n})-[r:EXPORTED]->(d) RETURN c, r, d".replace("$n", f"'{EXPORTER}'")
    )
    at.button(key="query_run").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "3 rows" in [c.value for c in at.caption]
    assert EXPORTER in at.dataframe[0].value.iloc[0, 0]


def test_on_neo4j_the_app_shows_and_adds_to_the_cases_the_team_shares(
    users, neo4j_uri, clean_neo4j, monkeypatch
):
    from graphtool.cases import create_case, get_case, open_book
    from graphtool.config import load_settings

    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    book = open_book(load_settings(), driver=clean_neo4j)
    case = create_case(book, "Shared antimony case", "colleague", tags=["antimony"])
    at = sign_in("ana", "a-pass")
    at.switch_page("graphtool/app/pages/cases.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Shared antimony case" in [h.value for h in at.subheader]
    at.text_area(key="case_note").input("seen from the app")
    at.button[-1].click().run()
    assert not at.exception
    assert [n["text"] for n in get_case(book, case.case_id).notes] == ["seen from the app"]


def test_a_load_from_elsewhere_shows_on_the_next_run_without_a_restart(users, tmp_path):
    from tests.support import write_csv

    at = sign_in("ana", "a-pass")
    at.text_input(key="search_query").input("Nova Magnetics").run()
    assert any("Nothing found" in i.value for i in at.info)
    with Workspace.open(users) as ws:  # what `graphtool load` does from another process
        load_file(
            ws, write_csv(tmp_path / "companies.csv", [{"name": "Nova Magnetics LLC", "country": "US"}])
        )
    at.run()
    assert not at.info
    assert "Nova Magnetics LLC" in at.dataframe[0].value.iloc[:, 0].tolist()
