"""Real lists (tests/fixtures, copied from the shared data folder): the State Department's
nonproliferation (ISN) list and the OFAC SDN list name the same parties in different forms, and
the BIS Unverified List places several Hong Kong firms at one address."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphtool.resolution import resolve
from graphtool.screening import screen
from graphtool.workspace import Workspace
from loaders import load_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ISN = FIXTURES / "us_lists" / "data_isn_full.csv"
SDN = FIXTURES / "ofac_sdn" / "sdn_20240503_NPWMD.csv"
UVL = FIXTURES / "us_lists" / "fixture_uvl_uvl.csv"
COMPANIES = Path(__file__).resolve().parents[1] / "loaders" / "mappings" / "companies.yml"
HOPEWELL = "Unit N, 3/F, Hopewell House, 175 Hip Wo Street, KwunTong, Kowloon"


@pytest.fixture(scope="module")
def isn_vs_sdn(tmp_path_factory) -> dict[str, set[str]]:
    """ISN entry name -> names of the SDN entries it hits."""
    path = tmp_path_factory.mktemp("lists") / "ws.duckdb"
    with Workspace.open(path) as ws:
        load_file(ws, ISN)
        load_file(ws, SDN)
        summary = screen(ws, party_lists=["State Nonproliferation Sanctions"], lists=["OFAC SDN"])
        assert summary["entries_in_force"] > 900
        rows = ws.con.execute(
            """SELECT p.name, e.name, h.reasons FROM list_hits h
               JOIN node_listentry p ON p.id = h.party_id JOIN node_listentry e ON e.id = h.entry_id"""
        ).fetchall()
    found: dict[str, set[str]] = {}
    for party, entry, _ in rows:
        found.setdefault(party, set()).add(entry)
    return found


def test_li_fangwei_alias_karl_lee_pairs_with_the_sdn_individual(isn_vs_sdn):
    assert "LI, Fangwei" in isn_vs_sdn["Li Fangwei"]
    assert "LI, Fangwei" in isn_vs_sdn["Karl Lee"]  # listed by ISN as Karl Lee, also known as Li Fang Wei


def test_limmt_pairs_with_its_sdn_trading_company(isn_vs_sdn):
    # ISN: "Dalian Sunny Industries", alias LIMMT; SDN: "LIMMT ECONOMIC AND TRADE COMPANY, LTD."
    assert "LIMMT ECONOMIC AND TRADE COMPANY, LTD." in isn_vs_sdn["Dalian Sunny Industries"]


def test_sinotech_dalian_carbon_and_graphite_pairs_despite_the_glued_word_and_acronym(isn_vs_sdn):
    isn_name = "Sinotech (Dalian) Carbon and GraphiteCorporation (SCGC)"
    assert "SINOTECH DALIAN CARBON AND GRAPHITE MANUFACTURING CORPORATION" in isn_vs_sdn[isn_name]


def test_unverified_list_firms_at_one_address_are_linked_by_it(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        load_file(ws, UVL)
        resolve(ws)
        rows = ws.con.execute(
            """SELECT a.name, b.name, m.decision, m.features FROM matches m
               JOIN node_listentry a ON a.id = m.left_id JOIN node_listentry b ON b.id = m.right_id
               WHERE m.decision = 'linked'"""
        ).fetchall()
        pairs = {frozenset((a, b)): json.loads(features) for a, b, _, features in rows}
        linked = pairs[frozenset(("Lianqi (HK) Electronics Co Ltd", "Lion Chip Electronics Ltd"))]
        assert linked["shared"] == ["address"]
        # the two list entries are never merged into one
        assert (
            ws.con.execute("SELECT count(*) FROM clusters WHERE member_id LIKE 'ListEntry:%'").fetchall()[0][
                0
            ]
            == 0
        )

        # a consignee at that address is a hit on both listed firms, by address
        csv_path = tmp_path / "consignees.csv"
        csv_path.write_text(
            f'name,country,address\nBright Harbour Trading Ltd,HK,"{HOPEWELL}"\n', encoding="utf-8"
        )
        load_file(ws, csv_path, mapping=COMPANIES)
        screen(ws)
        hits = ws.con.execute(
            """SELECT e.name, h.kind FROM list_hits h JOIN node_listentry e ON e.id = h.entry_id
               JOIN node_company c ON c.id = h.party_id WHERE c.name = 'Bright Harbour Trading Ltd'"""
        ).fetchall()
    assert set(hits) == {
        ("Lianqi (HK) Electronics Co Ltd", "address"),
        ("Lion Chip Electronics Ltd", "address"),
    }
