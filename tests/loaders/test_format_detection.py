"""Files are recognised by their structure, whatever their name, and every row is accounted for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graphtool.workspace import Workspace
from loaders import load_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

CASES = [
    ("ftm_sample.jsonl", "ftm"),
    ("bods/examples/multiple-indirect-ownership.json", "bods"),
    ("bods/edge_cases/10-circular-ownership.json", "bods"),
    ("us_lists/fixture_el_el.csv", "us_lists"),
    ("us_lists/fixture_uvl_uvl.csv", "us_lists"),
    ("us_lists/fixture_dpl_dpl.txt", "us_lists"),
    ("us_lists/data_isn_full.csv", "us_lists"),
    ("us_lists/data_itar_debarred_party_list_01242018.csv", "us_lists"),
    ("us_lists/fixture_sdn_sdn.xml", "us_lists"),
    ("ofac_sdn/sdn_20240503_NPWMD.csv", "ofac_sdn"),
]


@pytest.mark.parametrize(("name", "loader"), CASES)
def test_each_source_format_is_recognised_without_its_file_name(tmp_path, name, loader):
    anonymous = tmp_path / ("upload" + Path(name).suffix)
    shutil.copy(FIXTURES / name, anonymous)
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        report = load_file(ws, anonymous)
        assert report.loader == loader
        assert report.rows_read == report.loaded + report.quarantined + report.duplicates
        assert report.loaded > 0


def test_all_real_lists_load_into_one_workspace(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        for name, _ in CASES:
            load_file(ws, FIXTURES / name)
        entries = ws.con.execute("SELECT count(*) FROM node_listentry").fetchall()[0][0]
        linked = ws.con.execute("SELECT count(*) FROM graph_edges WHERE type = 'LINKED_TO'").fetchall()[0][0]
        assert entries > 1500 and linked == 624
