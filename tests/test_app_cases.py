"""The Cases page (Streamlit AppTest on the demo workspace): list, open, add a note, export by role."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graphtool.app.safe import md
from graphtool.audit import entries
from graphtool.cases import add_to_case, create_case, get_case
from graphtool.subgraph import Node, Subgraph
from graphtool.workspace import Workspace
from tests.e2e.demo_workspace import HOVER_NAME, SCRIPT_NAME, shared
from tests.support import use_app, users_config
from tests.test_app_access import sign_in

CASE_NAME = SCRIPT_NAME + " **bold** [link](http://evil.example)"
NOTE = "Seen at <b>Ningbo</b> port"
CASES_PAGE = "graphtool/app/pages/cases.py"
NETWORK_PAGE = "graphtool/app/pages/network.py"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return shared(tmp_path_factory)


@pytest.fixture(scope="module")
def case(workspace) -> dict[str, str]:
    """A case made with graphtool.cases: two hostile-named companies, a note, a tag."""
    with Workspace.open(workspace) as ws:
        ids = {
            name: ws.con.execute("SELECT id FROM node_company WHERE name = ?", [name]).fetchall()[0][0]
            for name in (SCRIPT_NAME, HOVER_NAME)
        }
        graph = Subgraph()
        for name, node_id in ids.items():
            graph.add_node(Node(node_id, "Company", {"name": name}))
        alert_id, sentence = ws.con.execute(
            "SELECT alert_id, sentence FROM alerts ORDER BY score DESC, alert_id LIMIT 1"
        ).fetchall()[0]
        case_id = create_case(ws, CASE_NAME, "olga", tags=["gallium"]).case_id
        add_to_case(
            ws,
            case_id,
            "olga",
            subgraph=graph,
            notes=[NOTE],
            positions={ids[SCRIPT_NAME]: (-500.0, 40.0)},
            alerts=[alert_id],
        )
    return {"case_id": case_id, "script": ids[SCRIPT_NAME], "alert": sentence}


@pytest.fixture
def users(workspace, tmp_path, monkeypatch) -> Path:
    """The demo workspace with a viewer, an investigator and an analyst."""
    roles = {"vic": "viewer", "ivy": "investigator", "ana": "analyst"}
    config = users_config(tmp_path / "graphtool.toml", {n: (r, f"{n}-pass") for n, r in roles.items()})
    use_app(monkeypatch, workspace, config)
    return workspace


def cases_page(name: str, case_id: str) -> AppTest:
    at = sign_in(name, f"{name}-pass")
    at.switch_page(CASES_PAGE).run()
    at.selectbox(key="cases_pick").select(case_id).run()
    assert not at.exception, at.exception
    return at


def column(at: AppTest, index: int, name: str) -> list[str]:
    return at.dataframe[index].value[name].astype(str).tolist()


def test_the_page_lists_the_case_and_shows_its_entities_notes_and_history(users, case):
    at = cases_page("vic", case["case_id"])
    assert CASE_NAME in column(at, 0, "name")
    assert "gallium" in column(at, 0, "tags")
    assert {SCRIPT_NAME, HOVER_NAME} <= set(column(at, 1, "name"))  # entities, names as recorded
    assert case["alert"] in column(at, 2, "summary")
    assert NOTE in column(at, 3, "text") and "olga" in column(at, 3, "by")
    assert column(at, 4, "action")[:2] == ["created", "added"]
    assert at.session_state[f"case_{case['case_id']}_view_pos"][case["script"]] == (-500.0, 40.0)
    assert at.subheader[0].value == md(CASE_NAME)  # hostile name: escaped, shown as text
    assert "<script>" not in at.subheader[0].value


def test_the_page_runs_in_chinese(users, case):
    at = cases_page("vic", case["case_id"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert at.header[0].value == "案件"


def test_an_entity_of_the_case_opens_on_the_entity_page(users, case):
    at = cases_page("vic", case["case_id"])
    at.selectbox(key="cases_entity").select(case["script"])
    at.button(key="cases_open_entity").click().run()
    assert not at.exception, at.exception
    assert at.session_state["focus"] == case["script"]
    assert at.header[0].value == "Entity"


def test_an_investigator_adds_a_note_and_a_tag_which_appear_in_the_history(users, case):
    at = cases_page("ivy", case["case_id"])
    at.text_area(key="case_note").input("Same director as **Hover**")
    at.text_input(key="case_tags").input("priority, germanium")
    next(b for b in at.button if b.label == "Add to the case").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Same director as **Hover**" in column(at, 3, "text")
    history = at.dataframe[4].value
    assert ("ivy", "added") in zip(history["by"], history["action"], strict=True)
    with Workspace.open(users, read_only=True) as ws:
        stored = get_case(ws, case["case_id"])
        audit = [(e["user"], e["action"], e["target"]) for e in entries(ws)]
    assert {"priority", "germanium"} <= set(stored.tags)
    assert ("ivy", "edit_case", f"case:{case['case_id']}") in audit


def test_a_viewer_may_neither_edit_nor_export_on_the_cases_and_network_pages(users, case):
    at = cases_page("vic", case["case_id"])
    labels = [b.label for b in at.button]
    assert "Add to the case" not in labels and "Download" not in labels
    assert not at.text_area
    at.session_state["focus"] = case["script"]
    at.switch_page(NETWORK_PAGE).run()
    assert not at.exception, at.exception
    assert any("nodes" in c.value for c in at.caption)  # the picture is there
    labels = [b.label for b in at.button]
    assert "Download" not in labels and "Add this picture to the case" not in labels
    with Workspace.open(users, read_only=True) as ws:
        audit = [(e["user"], e["action"]) for e in entries(ws)]
    assert ("vic", "view") in audit and ("vic", "export") not in audit


def test_an_analyst_exports_the_case_subgraph_and_the_export_is_audited(users, case):
    key = f"case-{case['case_id']}"
    at = cases_page("ana", case["case_id"])
    at.selectbox(key=f"{key}_fmt").select("graphml")
    at.button(key=f"{key}_export").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with Workspace.open(users, read_only=True) as ws:
        audit = [(e["user"], e["action"], e["target"]) for e in entries(ws)]
    assert ("ana", "export", f"case:{case['case_id']}") in audit
