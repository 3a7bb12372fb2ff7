"""Every page of the app runs on a demo workspace (Streamlit AppTest): content, language, safety, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graphtool.app.i18n import strings
from tests.e2e.demo_workspace import HOVER_NAME, SCRIPT_NAME, shared
from tests.support import use_app

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return shared(tmp_path_factory)


@pytest.fixture
def app(workspace, monkeypatch, tmp_path):
    use_app(monkeypatch, workspace, tmp_path / "none.toml")  # no config file: single-user mode
    return AppTest.from_file(APP, default_timeout=60)


def page(at: AppTest, name: str, **state) -> AppTest:
    at.run()
    for key, value in state.items():
        at.session_state[key] = value
    return at.switch_page(f"graphtool/app/pages/{name}.py").run()


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "header", "subheader", "info", "error", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(map(str, parts))


def test_every_ui_string_exists_in_both_languages():
    assert all(set(v) == {"en", "zh"} and all(v.values()) for v in strings().values())


def test_search_finds_names_as_recorded_and_offers_to_open_them(app):
    at = app.run()
    assert not at.exception
    at.text_input(key="search_query").input("script").run()
    assert not at.exception
    assert SCRIPT_NAME in at.dataframe[0].value.iloc[:, 0].tolist()


def test_the_interface_switches_to_chinese(app):
    at = app.run()
    at.session_state["lang"] = "zh"
    at.run()
    assert at.header[0].value == "搜索"


def test_entity_page_shows_properties_with_their_source_file(app):
    at = page(app, "entity", focus=_id_of(app, "Hover"))
    assert not at.exception, at.exception
    props = at.dataframe[0].value
    assert HOVER_NAME in props.iloc[:, 1].tolist()
    assert "companies.csv" in props.iloc[:, 2].tolist()
    assert "&lt;b onmouseover" in at.subheader[0].value  # escaped for Markdown, shown literally


def test_network_page_draws_the_neighbourhood(app):
    at = page(app, "network", focus=_id_of(app, "script"))
    assert not at.exception, at.exception
    assert any("nodes" in c.value for c in at.caption)


def test_paths_alerts_ownership_flows_data_pages_run(app):
    for name in ("paths", "ownership", "flows", "alerts", "data", "query"):
        at = page(app, name, focus=_id_of(app, "script"))
        assert not at.exception, (name, at.exception)


def test_the_flows_page_draws_a_transshipment_on_a_map_of_countries(app, workspace):
    import json

    from graphtool.config import load_settings
    from graphtool.store import open_store
    from graphtool.workspace import Workspace

    with Workspace.open(workspace, read_only=True) as ws:
        entities = ws.con.execute("SELECT entities FROM alerts WHERE rule = 'transshipment'").fetchall()
    with open_store(load_settings(workspace=workspace, env={})) as store:
        exporter = next(
            e for row in entities for e in row[0] if e.startswith("Company:") and store.goods_flow(e).legs
        )
    at = page(app, "flows", focus=exporter)
    assert not at.exception, at.exception
    assert "Map of routes between countries" in [s.value for s in at.subheader]
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    arrows = [a for spec in specs for a in spec["layout"].get("annotations", []) if a.get("showarrow")]
    assert arrows  # exporter's country -> consignee's country -> the onward buyer's


def test_a_missing_workspace_is_a_message_not_a_stack_trace(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHTOOL_WORKSPACE", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("GRAPHTOOL_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("GRAPHTOOL_LANG", "en")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert any("load data first" in e.value for e in at.error)


def _id_of(at: AppTest, name_part: str) -> str:
    """The id of the company whose name contains ``name_part`` (straight from the workspace)."""
    import os

    from graphtool.workspace import Workspace

    with Workspace.open(os.environ["GRAPHTOOL_WORKSPACE"], read_only=True) as ws:
        return ws.con.execute(
            "SELECT id FROM node_company WHERE contains(name, ?) ORDER BY id LIMIT 1", [name_part]
        ).fetchall()[0][0]


def test_the_network_picture_goes_into_a_new_case_and_exports(app, workspace):
    from graphtool.cases import list_cases
    from graphtool.workspace import Workspace

    at = page(app, "network", focus=_id_of(app, "script"))
    next(w for w in at.text_input if w.label == "Name of a new case").input("hostile names")
    next(b for b in at.button if b.label == "Add this picture to the case").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Workspace.open(workspace, read_only=True) as ws:
        case = next(c for c in list_cases(ws) if c.name == "hostile names")
    assert SCRIPT_NAME in {n.properties.get("name") for n in case.subgraph.nodes.values()}
    at.selectbox(key="network_fmt").select("graphml")
    at.button(key="network_export").click().run()
    assert not at.exception and not at.error
    assert at.get("download_button")
