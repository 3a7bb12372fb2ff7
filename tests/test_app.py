"""The first app page renders from a workspace, searches, and shows errors as messages."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import EXPORTER, declaration_file

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_page_shows_counts_and_finds_a_company(tmp_path, monkeypatch):
    db = tmp_path / "ws.duckdb"
    with Workspace.open(db) as ws:
        load_file(ws, declaration_file(tmp_path / "d.csv"))
    monkeypatch.setenv("GRAPHTOOL_WORKSPACE", str(db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["3", "3"]
    at.text_input[0].input("恒达").run()
    assert not at.exception
    assert EXPORTER in at.dataframe[0].value["name"].tolist()


def test_a_missing_workspace_is_a_message_not_a_stack_trace(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHTOOL_WORKSPACE", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "load data first" in at.error[0].value
