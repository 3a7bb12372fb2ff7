"""Screening firms and people against restricted lists: hits, their kind and reasons, and dates in force."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphtool.cli import cli
from graphtool.normalise.uscc import make_uscc
from graphtool.screening import screen
from graphtool.workspace import Workspace
from loaders import load_file

HIDDEN_USCC = make_uscc("91330206MA2XY3W4P")
LIST = [
    # list_name, entry_id, entity_type, name, aliases, country, address, identifiers, start, end
    ["MOFCOM control list", "MCL-1", "company", "APEX ALLOY TRADING COMPANY LIMITED", "", "HK",
     "", "", "2024-01-01", ""],
    ["MOFCOM control list", "MCL-2", "company", "NINGBO HENGDA RARE METALS CO., LTD.", "", "CN",
     "", "", "2025-05-01", ""],
    ["Demo list", "D-3", "company", "DALIAN SUNNY INDUSTRIES", "LIMMT", "CN", "", "", "2015-08-28", ""],
    ["Demo list", "D-4", "company", "ORION PRECISION MATERIALS LLC", "", "US", "", f"USCC {HIDDEN_USCC}",
     "2020-01-01", ""],
    ["Demo list", "D-5", "company", "NORTHSTAR STRATEGIC MATERIALS FZE", "", "AE",
     "218 Al Quoz Industrial Area, Sharjah, United Arab Emirates", "", "2020-01-01", ""],
    ["Demo list", "D-6", "company", "DELISTED METALS LIMITED", "", "HK", "", "", "2019-01-01", "2024-12-31"],
    ["Demo list", "D-7", "person", "APEX TRADING", "", "HK", "", "", "2019-01-01", ""],
    ["Demo list", "D-8", "person", "LI, Fangwei", "", "CN", "", "", "2014-12-19", ""],
]  # fmt: skip
PARTIES = [
    # name, uscc, country, address
    ["Apex Alloys Trading Co., Ltd", "", "HK", ""],
    ["宁波恒达稀有金属有限公司", "", "CN", ""],
    ["LIMMT Economic and Trade Company, Ltd.", "", "CN", ""],
    ["浙江华锐新材料有限公司", HIDDEN_USCC, "CN", ""],
    [
        "Desert Falcon General Trading LLC",
        "",
        "AE",
        "218 Al Quoz Industrial Area, Sharjah, United Arab Emirates",
    ],
    ["Delisted Metals Ltd", "", "HK", ""],
    ["Apexa Metals S.A.", "", "CL", ""],  # a look-alike, not listed
]


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screening")
    header = ["list_name", "entry_id", "entity_type", "name", "alternative_names", "country", "address",
              "identifiers", "start_date", "end_date"]  # fmt: skip
    with Workspace.open(folder / "ws.duckdb") as ws:
        load_file(ws, _csv(folder / "list.csv", header, LIST))
        load_file(ws, _csv(folder / "companies.csv", ["name", "uscc", "country", "address"], PARTIES))
        load_file(ws, _csv(folder / "people.csv", ["person_name", "nationality"], [["Fangwei Li", "CN"]]))
    return folder / "ws.duckdb"


@pytest.fixture(scope="module")
def hits(ws_path):
    with Workspace.open(ws_path) as ws:
        screen(ws, as_of=dt.date(2025, 6, 1))
        rows = ws.con.execute(
            """SELECT c.name, e.list_ref, h.score, h.kind, h.reasons FROM list_hits h
               JOIN node_company c ON c.id = h.party_id JOIN node_listentry e ON e.id = h.entry_id"""
        ).fetchall()
    return {(name, ref): (score, kind, reasons) for name, ref, score, kind, reasons in rows}


def test_a_listed_end_user_behind_another_spelling_is_hit_and_says_why(hits):
    score, kind, reasons = hits[("Apex Alloys Trading Co., Ltd", "MCL-1")]
    assert kind == "name" and score >= 0.9
    assert "after legal-form removal" in reasons and "same country HK" in reasons


def test_a_chinese_registration_meets_a_romanised_list_name(hits):
    score, kind, reasons = hits[("宁波恒达稀有金属有限公司", "MCL-2")]
    assert kind == "name" and score == 1.0 and "romanised Chinese" in reasons


def test_a_short_alias_meets_the_full_name(hits):
    score, kind, reasons = hits[("LIMMT Economic and Trade Company, Ltd.", "D-3")]
    assert kind == "alias" and score >= 0.9 and "generic words" in reasons


def test_an_identifier_decides_whatever_the_name(hits):
    score, kind, reasons = hits[("浙江华锐新材料有限公司", "D-4")]
    assert (score, kind) == (1.0, "identifier") and HIDDEN_USCC in reasons


def test_a_party_at_a_listed_address_is_a_hit_of_its_own_kind(hits):
    score, kind, reasons = hits[("Desert Falcon General Trading LLC", "D-5")]
    assert kind == "address" and score >= 0.8 and "same address" in reasons


def test_a_person_is_found_whatever_the_order_of_the_names(ws_path):
    with Workspace.open(ws_path) as ws:
        screen(ws, as_of=dt.date(2025, 6, 1))
        rows = ws.con.execute(
            """SELECT p.name, e.list_ref, h.kind FROM list_hits h JOIN node_person p ON p.id = h.party_id
               JOIN node_listentry e ON e.id = h.entry_id"""
        ).fetchall()
    assert rows == [("Fangwei Li", "D-8", "name")]


def test_look_alikes_ended_designations_and_people_entries_do_not_hit(hits):
    assert not [k for k in hits if k[0] == "Apexa Metals S.A."]
    assert ("Delisted Metals Ltd", "D-6") not in hits  # ended on 2024-12-31
    assert ("Apex Alloys Trading Co., Ltd", "D-7") not in hits  # a person's entry, a firm


def test_a_designation_applies_from_its_start_date_to_its_end_date(ws_path):
    def refs(day: dt.date) -> set[str]:
        with Workspace.open(ws_path) as ws:
            screen(ws, as_of=day)
            return {r[0] for r in ws.con.execute(
                "SELECT e.list_ref FROM list_hits h JOIN node_listentry e ON e.id = h.entry_id").fetchall()}  # fmt: skip

    assert "MCL-2" not in refs(dt.date(2025, 4, 30)) and "MCL-2" in refs(dt.date(2025, 5, 1))
    assert "D-6" in refs(dt.date(2024, 12, 30)) and "D-6" not in refs(dt.date(2024, 12, 31))


def test_the_cli_screens_with_json_output_and_keeps_the_run(ws_path):
    result = CliRunner().invoke(cli, ["-w", str(ws_path), "--json", "screen", "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2025-06-01" and data["hits"] >= 6 and data["by_kind"]["identifier"] == 1
    text = CliRunner().invoke(cli, ["-w", str(ws_path), "screen", "--list", "Demo list"])
    assert text.exit_code == 0 and "identifier" in text.output and "MCL-" not in text.output
    with Workspace.open(ws_path) as ws:
        runs = ws.con.execute("SELECT count(*) FROM resolution_runs WHERE kind = 'screen'").fetchall()[0][0]
        assert runs >= 2
        assert ws.con.execute("SELECT count(DISTINCT run_id) FROM list_hits").fetchall()[0][0] == 1
