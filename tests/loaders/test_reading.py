"""Delimited files are read a slice of rows at a time: rows keep their numbers and their original
bytes across slices, whatever a cell holds (line breaks, quotes, misfit rows)."""

from __future__ import annotations

import csv
import io

import pytest

from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import CN_HEADERS, cn_row


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as workspace:
        yield workspace


@pytest.fixture(autouse=True)
def small_slices(monkeypatch):
    import loaders.tabular

    monkeypatch.setattr(loaders.tabular, "CHUNK_ROWS", 2)


def write(path, rows, encoding="gb18030"):
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CN_HEADERS, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def lines(n, **cells):
    return [cn_row(**{"项号": str(i), **cells}) for i in range(1, n + 1)]


def loaded_rows(ws):
    return ws.con.execute("SELECT line_no, row_no FROM node_declaration ORDER BY row_no").fetchall()


def test_a_cell_with_a_line_break_stays_one_row_with_its_original_text(ws, tmp_path):
    rows = lines(5)
    rows[2]["规格型号"] = "第一行\n第二行"  # row 3, at the start of the second slice
    report = load_file(ws, write(tmp_path / "d.csv", rows))
    assert (report.rows_read, report.loaded, report.quarantined) == (5, 5, 0)
    assert loaded_rows(ws) == [(i, i) for i in range(1, 6)]
    assert ws.raw_record(1, 3)["规格型号"] == "第一行\n第二行"
    assert ws.con.execute("SELECT specs FROM node_declaration WHERE row_no = 3").fetchall() == [
        ("第一行 第二行",)  # normalised; the original keeps its line break
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("bad", [2, 5])  # in the first slice, in the last one
def test_a_misfit_row_is_quarantined_and_the_rest_keep_their_numbers(ws, tmp_path, bad, encoding):
    path = write(tmp_path / "d.csv", lines(6), encoding=encoding)
    text = path.read_bytes().split(b"\r\n")
    text[bad] += b',"surplus"'
    path.write_bytes(b"\r\n".join(text))
    report = load_file(ws, path)
    assert (report.rows_read, report.loaded, report.quarantined) == (6, 5, 1)
    assert ws.con.execute("SELECT row_no FROM quarantine").fetchall() == [(bad,)]
    assert [r for _, r in loaded_rows(ws)] == [r for r in range(1, 7) if r != bad]
    assert ws.raw_record(1, bad)[f"column {len(CN_HEADERS) + 1}"] == "surplus"
    assert [ws.raw_record(1, r)["项号"] for r in range(1, 7) if r != bad] == [
        str(r) for r in range(1, 7) if r != bad
    ]
    assert ws.raw_record(1, bad)["column 4"] == "宁波恒达稀有金属有限公司"  # the exporter, never garbled


def test_an_inch_mark_inside_a_cell_does_not_merge_rows(ws, tmp_path):
    path = write(tmp_path / "d.csv", lines(5), encoding="utf-8")
    spec = '"用途:工业用|成分:Sb 99.65%"'
    text = path.read_text(encoding="utf-8").replace(spec, '12" wafer', 1)  # an unquoted cell with one quote
    path.write_text(text, encoding="utf-8")
    report = load_file(ws, path)
    assert (report.rows_read, report.loaded) == (5, 5)
    assert loaded_rows(ws) == [(i, i) for i in range(1, 6)]
    assert ws.raw_record(1, 1)["规格型号"] == '12" wafer'


def test_empty_lines_are_not_rows(ws, tmp_path):
    path = write(tmp_path / "d.csv", lines(4), encoding="utf-8")
    text = path.read_bytes().split(b"\r\n")
    text.insert(3, b"")  # between data rows 2 and 3
    path.write_bytes(b"\r\n".join(text))
    report = load_file(ws, path)
    assert (report.rows_read, report.loaded, report.quarantined) == (4, 4, 0)
    assert [ws.raw_record(1, r)["项号"] for r in range(1, 5)] == ["1", "2", "3", "4"]


def test_a_file_of_headers_alone_loads_nothing_and_keeps_its_header(ws, tmp_path):
    report = load_file(ws, write(tmp_path / "d.csv", []))
    assert (report.rows_read, report.loaded) == (0, 0)
    assert ws.raw_records(1, []) == {}
