"""The OFAC SDN list as its legacy CSV (sdn.csv): entries, aliases and "Linked To:" links."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from graphtool.workspace import Workspace
from loaders import bods, ftm, load_file, ofac_sdn, us_lists

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SDN = FIXTURES / "ofac_sdn" / "sdn_20240503_NPWMD.csv"
LINKS_IN_FILE = 633  # "Linked To:" mentions in the remarks column (shared/data/README.md)


@pytest.fixture(scope="module")
def staged():
    return ofac_sdn.parse(SDN)


def entries(staged):
    return {n["list_ref"]: n for n in staged.nodes["ListEntry"].to_pylist()}


def links(staged):
    return [e for e in staged.edges.to_pylist() if e["type"] == "LINKED_TO"]


def test_the_sdn_csv_is_recognised_without_a_header_row(tmp_path):
    head = SDN.read_bytes()[:65536]
    assert ofac_sdn.sniff(SDN, head)
    renamed = tmp_path / "sdn.txt"
    renamed.write_bytes(SDN.read_bytes())
    assert ofac_sdn.sniff(renamed, head)
    assert not any(p.sniff(SDN, head) for p in (ftm, bods, us_lists))
    for other in [*sorted((FIXTURES / "us_lists").glob("*.*")), FIXTURES / "ftm_sample.jsonl"]:
        assert not ofac_sdn.sniff(other, other.read_bytes()[:65536]), other.name


def test_every_row_becomes_one_list_entry(staged, tmp_path):
    assert staged.rows_read == 943
    ids = staged.primaries.column("item_id").to_pylist()
    duplicates = len(ids) - len(set(ids))
    assert duplicates == 0 and len(staged.quarantine) == 0
    assert staged.rows_read == len(staged.primaries) + len(staged.quarantine) + duplicates
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        report = load_file(ws, SDN)
    assert (report.loader, report.rows_read, report.loaded, report.quarantined) == ("ofac_sdn", 943, 943, 0)


def test_an_entry_has_its_programmes_aliases_and_untouched_remarks(staged):
    komid = entries(staged)["9345"]
    assert komid["id"] == "ListEntry:ref:ofac sdn:9345"  # the id the OFAC XML gives uid 9345 too
    assert komid["name"] == "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    assert komid["programme"] == "NPWMD; DPRK2"
    assert komid["aliases"] == ["KOMID"] and komid["entity_type"] == "company"
    with SDN.open(encoding="utf-8") as f:
        first = next(csv.reader(f))
    assert komid["remarks"] == first[11]
    shig = entries(staged)["9349"]
    assert shig["aliases"] == ["SHIG", "SAPICO", "ARMACO"]
    assert shig["programme"] == "NPWMD; IFSR"


def test_entity_types_follow_sdn_type(staged):
    types, found = {}, entries(staged)
    with SDN.open(encoding="utf-8") as f:
        for row in csv.reader(f):
            types.setdefault(row[2].strip(), set()).add(found[row[0]]["entity_type"])
    assert types == {
        "-0-": {"company"},
        "individual": {"person"},
        "vessel": {"vessel"},
        "aircraft": {"unknown"},
    }


def test_identity_documents_in_the_remarks_become_identifiers(staged):
    raybeam = entries(staged)["22685"]
    assert "Unified Social Credit Code (USCC) 9113100033607322XK (China)" in raybeam["identifiers"]


def test_all_633_linked_to_mentions_are_accounted_for(staged):
    resolved = links(staged)
    unresolved = ofac_sdn.unresolved_links(SDN)
    assert len(resolved) + len(unresolved) == LINKS_IN_FILE
    listed = {e["id"] for e in staged.nodes["ListEntry"].to_pylist()}
    assert all(e["src"] in listed and e["dst"] in listed and e["role"] == "Linked To" for e in resolved)
    names = {n["name"].casefold() for n in staged.nodes["ListEntry"].to_pylist()}
    assert unresolved and all(name.casefold() not in names for name in unresolved)
    # an unresolved link stays in the entry's remarks, as written
    assert any(
        f"Linked To: {unresolved[0]}" in (n["remarks"] or "") for n in staged.nodes["ListEntry"].to_pylist()
    )


def test_a_link_to_a_name_ending_in_a_period_resolves(staged):
    company = next(
        e for e in entries(staged).values() if e["name"] == "PERSIAN GULF PETROCHEMICAL INDUSTRY CO."
    )
    assert sum(1 for e in links(staged) if e["dst"] == company["id"]) == 33


def test_broken_rows_are_rejected_with_a_reason(tmp_path):
    path = tmp_path / "sdn.csv"
    path.write_text(
        '1,"ALPHA TRADING",-0- ,"NPWMD",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Linked To: BETA LTD."\n'
        "\n"
        '3,"BETA LTD",-0- ,"NPWMD",-0- ,-0- ,-0- ,-0- ,-0- \n'
        '4,"GAMMA",spaceship,"NPWMD",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
        encoding="utf-8",
    )
    staged = ofac_sdn.parse(path)
    found = {q["row_no"]: json.loads(q["reasons"])[0]["rule"] for q in staged.quarantine.to_pylist()}
    assert found == {2: "empty_row", 3: "wrong_column_count", 4: "unknown_entity_type"}
    assert links(staged) == []  # BETA LTD's row is broken, so the link resolves to nothing
    assert ofac_sdn.unresolved_links(path) == ["BETA LTD"]
    assert staged.rows_read == len(staged.primaries) + len(staged.quarantine) == 4
