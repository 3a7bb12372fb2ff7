"""The workspace keeps every fact with its source, never loses or silently overwrites one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphtool.errors import WorkspaceError
from graphtool.status import status
from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import CN_HEADERS, EXPORTER_USCC, cn_row, declaration_file, write_csv

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as workspace:
        yield workspace


def snapshot(ws: Workspace) -> dict:
    s = status(ws)
    s.pop("files")
    return s | {"companies": ws.con.execute("SELECT * FROM node_company ORDER BY id").fetchall()}


def test_loading_the_same_file_twice_changes_nothing(ws, tmp_path):
    path = declaration_file(tmp_path / "d.csv")
    load_file(ws, path)
    before = snapshot(ws)
    again = load_file(ws, path)
    assert again.already_loaded and again.duplicates == again.rows_read and again.loaded == 0
    assert snapshot(ws) == before


def test_the_same_records_in_another_file_are_counted_as_duplicates(ws, tmp_path):
    load_file(ws, declaration_file(tmp_path / "a.csv", encoding="utf-8"))
    before = snapshot(ws)
    report = load_file(ws, declaration_file(tmp_path / "b.csv", n=4, encoding="gb18030"))
    assert (report.loaded, report.duplicates, report.quarantined) == (1, 3, 0)
    after = snapshot(ws)
    assert after["nodes"]["Declaration"] == before["nodes"]["Declaration"] + 1


def test_a_record_contradicting_an_earlier_file_is_quarantined_not_overwritten(ws, tmp_path):
    load_file(ws, write_csv(tmp_path / "a.csv", [cn_row()], CN_HEADERS))
    report = load_file(ws, write_csv(tmp_path / "b.csv", [cn_row(**{"净重(千克)": "19000"})], CN_HEADERS))
    assert (report.loaded, report.quarantined) == (0, 1)
    assert ws.con.execute("SELECT net_kg FROM node_declaration").fetchall() == [(20000.0,)]
    ((reasons,),) = ws.con.execute("SELECT reasons FROM quarantine").fetchall()
    assert "a.csv" in reasons and "already loaded" in reasons


def test_two_lines_with_one_id_and_different_values_in_one_file_keep_the_first(ws, tmp_path):
    rows = [cn_row(), cn_row(**{"总价": "1"})]
    report = load_file(ws, write_csv(tmp_path / "a.csv", rows, CN_HEADERS))
    assert (report.loaded, report.quarantined, report.duplicates) == (1, 1, 0)
    assert ws.con.execute("SELECT total_value FROM node_declaration").fetchall() == [(500000.0,)]


def test_a_firm_named_differently_under_one_credit_code_is_flagged(ws, tmp_path):
    rows = [cn_row(), cn_row(**{"项号": "2", "境内发货人": "宁波恒达稀有金属股份有限公司"})]
    report = load_file(ws, write_csv(tmp_path / "a.csv", rows, CN_HEADERS))
    assert report.loaded == 2 and report.conflicts == 1
    kept, other = ws.con.execute(
        "SELECT kept_value, other_value FROM conflicts WHERE property = 'name'"
    ).fetchall()[0]
    assert (kept, other) == ("宁波恒达稀有金属有限公司", "宁波恒达稀有金属股份有限公司")
    assert ws.con.execute("SELECT name FROM node_company WHERE uscc = ?", [EXPORTER_USCC]).fetchall() == [
        ("宁波恒达稀有金属有限公司",)
    ]


def test_every_fact_traces_to_its_source_file_row_and_batch(ws, tmp_path):
    path = declaration_file(tmp_path / "d.csv", n=2)
    report = load_file(ws, path)
    rows = ws.con.execute("""
        SELECT d.declaration_no, f.name, f.sha256, d.row_no, d.batch_id, d.file_id
        FROM node_declaration d JOIN source_files f USING (file_id) ORDER BY d.row_no""").fetchall()
    import hashlib

    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("d.csv", sha, 1, report.batch_id),
        ("d.csv", sha, 2, report.batch_id),
    ]
    assert all(
        r[0] == ws.raw_record(r[5], r[3])["报关单号"] for r in rows
    )  # the raw record says what the node says
    edge_sources = ws.con.execute("SELECT DISTINCT file_id, batch_id FROM graph_edges").fetchall()
    assert edge_sources == [(report.file_id, report.batch_id)]
    # a firm mentioned on many lines keeps where it was mentioned
    mentions = ws.con.execute(
        "SELECT first_row, n_rows FROM mentions WHERE item_id = ?", [f"Company:uscc:{EXPORTER_USCC}"]
    ).fetchall()
    assert mentions == [(1, 2)]


KILLER = """
import sys, time
from graphtool.workspace import Workspace
from loaders import load_file
import graphtool.workspace as w

original = w.Workspace._merge_edges
def slow(self, *a, **k):
    result = original(self, *a, **k)
    print("ready", flush=True)
    time.sleep(60)   # killed here: nodes and edges written, transaction not committed
    return result
w.Workspace._merge_edges = slow
ws = Workspace.open(sys.argv[1])
load_file(ws, sys.argv[2])
"""


def test_a_load_killed_midway_leaves_the_workspace_as_it_was(tmp_path):
    db = tmp_path / "ws.duckdb"
    with Workspace.open(db) as ws:
        load_file(ws, declaration_file(tmp_path / "first.csv", n=2))
        before = snapshot(ws)
    second = write_csv(
        tmp_path / "second.csv",
        [cn_row(**{"报关单号": f"31042025000000{i:04d}"}) for i in range(50)],
        CN_HEADERS,
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(db), str(second)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.2)
    with Workspace.open(db) as ws:
        assert snapshot(ws) == before
        assert ws.con.execute("SELECT count(*) FROM source_files").fetchall() == [(1,)]


def test_spellings_of_one_normalised_name_become_aliases_not_conflicts(ws, tmp_path):
    rows = [
        cn_row(**{"项号": str(i), "境外收货人": name})
        for i, name in enumerate(
            ["Apex Alloys Trading Co., Ltd", "APEX ALLOYS TRADING CO LTD", "Apex Alloys Trading Co Ltd."], 1
        )
    ]
    report = load_file(ws, write_csv(tmp_path / "d.csv", rows, CN_HEADERS))
    assert report.conflicts == 0
    name, aliases = ws.con.execute("SELECT name, aliases FROM node_company WHERE country = 'TH'").fetchall()[
        0
    ]
    assert name == "Apex Alloys Trading Co., Ltd"
    assert aliases == ["APEX ALLOYS TRADING CO LTD", "Apex Alloys Trading Co Ltd."]


def test_rows_written_in_several_chunks_settle_as_one_file(ws, tmp_path, monkeypatch):
    import loaders.tabular

    monkeypatch.setattr(loaders.tabular, "CHUNK_ROWS", 2)
    rows = [cn_row(**{"项号": str(i)}) for i in range(1, 6)]
    rows[3]["境内发货人"] = "宁波恒达稀有金属有眼公司"  # a typo four rows down, in the second chunk
    rows.append(dict(rows[0]))  # an exact repeat of row 1, in the third chunk
    rows.append(cn_row(**{"项号": "1", "总价": "1"}))  # row 1's line again, different value
    report = load_file(ws, write_csv(tmp_path / "d.csv", rows, CN_HEADERS))
    assert (report.rows_read, report.loaded, report.duplicates, report.quarantined) == (7, 5, 1, 1)
    conflicts = ws.con.execute("SELECT kept_value, other_value, row_no FROM conflicts").fetchall()
    assert conflicts == [("宁波恒达稀有金属有限公司", "宁波恒达稀有金属有眼公司", 4)]


def test_a_writer_waits_while_the_app_reads_then_opens(tmp_path):
    import threading

    path = tmp_path / "ws.duckdb"
    Workspace.open(path).close()
    reader = Workspace.open(path, read_only=True)  # the app building its graph index
    threading.Timer(0.5, reader.close).start()
    with Workspace.open(path, wait_s=20) as ws:  # a load started meanwhile
        assert not ws.read_only


def test_a_writer_gives_up_with_a_clear_message_when_the_file_stays_busy(tmp_path):
    path = tmp_path / "ws.duckdb"
    Workspace.open(path).close()
    with (
        Workspace.open(path, read_only=True),
        pytest.raises(WorkspaceError, match="another process is using it"),
    ):
        Workspace.open(path, wait_s=0.3)


def test_a_file_written_in_chunks_holds_one_chunk_in_memory_not_all_of_them(ws, tmp_path, monkeypatch):
    # DuckDB kept every registered chunk alive until the file's transaction ended (1.5 GB at 1M lines)
    import pyarrow as pa

    import loaders.tabular

    monkeypatch.setattr(loaders.tabular, "CHUNK_ROWS", 300)
    held: list[int] = []
    write_chunk = Workspace._ingest_chunk

    def measured(self, staged, *args):
        write_chunk(self, staged, *args)
        held.append(pa.total_allocated_bytes())

    monkeypatch.setattr(Workspace, "_ingest_chunk", measured)
    rows = [cn_row(**{"报关单号": f"3104202400{i:08d}", "项号": "1"}) for i in range(3000)]
    report = load_file(ws, write_csv(tmp_path / "d.csv", rows, CN_HEADERS))
    assert report.loaded == 3000 and len(held) == 10
    assert max(held[5:]) < 2 * max(held[:3])  # it grew with every chunk before
