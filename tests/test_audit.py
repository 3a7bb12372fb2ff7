"""The audit log: an investigator's actions are recorded in order, and any tampering is found."""

from __future__ import annotations

import pytest

from graphtool import audit
from graphtool.workspace import Workspace


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        for i in range(5):
            audit.record(ws, "li.wei", "view", f"Company:uscc:{i}", {"page": "entity", "名称": "恒达"})
        yield ws


def test_entries_are_numbered_and_chained(ws):
    result = audit.verify(ws)
    assert result.ok and result.entries == 5 and not result.problems
    newest = audit.entries(ws, limit=1)[0]
    assert newest["seq"] == 5 and newest["user"] == "li.wei" and newest["details"]["名称"] == "恒达"
    assert audit.head(ws).hash == result.head.hash


def test_an_edited_entry_is_detected(ws):
    ws.con.execute("UPDATE audit_log SET target = 'Company:uscc:other' WHERE seq = 3")
    result = audit.verify(ws)
    assert not result.ok
    assert result.problems == ["entry 3 was altered after it was written (its hash does not match)"]


def test_an_edited_detail_is_detected(ws):
    ws.con.execute("""UPDATE audit_log SET details = '{"page":"search"}' WHERE seq = 2""")
    assert "entry 2 was altered" in audit.verify(ws).problems[0]


def test_a_deleted_entry_is_detected(ws):
    ws.con.execute("DELETE FROM audit_log WHERE seq = 2")
    problems = audit.verify(ws).problems
    assert "entries 2-2 are missing (deleted)" in problems
    assert any("entry 3 does not link" in p for p in problems)


def test_a_rewritten_chain_is_caught_by_its_anchor(ws):
    anchor = audit.head(ws)
    ws.con.execute("DELETE FROM audit_log WHERE seq = 5")
    assert audit.verify(ws).ok  # deleting the newest entry leaves a valid, shorter chain...
    result = audit.verify(ws, anchor)
    assert not result.ok and "the newest were deleted" in result.problems[0]  # ...that the anchor exposes


def test_appending_after_verification_keeps_the_chain_valid(ws):
    audit.record(ws, "zhang.min", "export", "case:CASE-0001", {"format": "gexf"})
    assert audit.verify(ws).ok and audit.verify(ws).entries == 6
