"""US screening lists in their native formats, as the agencies publish them."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from graphtool.normalise.countries import country
from graphtool.workspace import Workspace
from loaders import bods, ftm, load_file, ofac_sdn, us_lists

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "us_lists"

KINDS = {
    "fixture_el_el.csv": "el",
    "fixture_uvl_uvl.csv": "uvl",
    "fixture_dpl_dpl.txt": "dpl",
    "fixture_isn_isn.csv": "isn",
    "data_isn_full.csv": "isn",
    "fixture_dtc_itar_debarred_parties.csv": "itar",
    "data_itar_debarred_party_list_01242018.csv": "itar",
    "fixture_sdn_sdn.xml": "ofac_sdn_xml",
    "fixture_treasury_consolidated_consolidated.xml": "ofac_consolidated_xml",
}


def parse(name):
    return us_lists.parse(FIXTURES / name)


def entries(staged):
    """ListEntry nodes by id (a grouped entry appears once)."""
    return {n["id"]: n for n in staged.nodes["ListEntry"].to_pylist()}


def by_name(staged, name):
    return [e for e in entries(staged).values() if e["name"] == name]


def reasons(staged):
    return {q["row_no"]: json.loads(q["reasons"]) for q in staged.quarantine.to_pylist()}


def counts(staged):
    """(entries loaded, duplicate rows, quarantined rows); their sum is the number of rows read."""
    ids = staged.primaries.column("item_id").to_pylist()
    loaded, duplicates = len(set(ids)), len(ids) - len(set(ids))
    assert staged.rows_read == len(staged.primaries) + len(staged.quarantine)
    assert staged.rows_read == loaded + duplicates + len(staged.quarantine)
    return loaded, duplicates, len(staged.quarantine)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_list_is_recognised_by_its_header_or_xml_root(name, tmp_path):
    path = FIXTURES / name
    head = path.read_bytes()[:65536]
    assert us_lists.detect(head.decode("utf-8", errors="ignore"), path) == KINDS[name]
    assert us_lists.sniff(path, head)
    assert not any(p.sniff(path, head) for p in (ftm, bods, ofac_sdn))
    renamed = tmp_path / "download.dat"
    renamed.write_bytes(path.read_bytes())
    assert us_lists.sniff(renamed, head)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_the_workspace_accounts_for_every_row(name, tmp_path):
    staged = parse(name)
    loaded, duplicates, quarantined = counts(staged)
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        report = load_file(ws, FIXTURES / name)
    assert report.loader == "us_lists"
    assert (report.rows_read, report.loaded, report.duplicates, report.quarantined) == (
        staged.rows_read,
        loaded,
        duplicates,
        quarantined,
    )
    assert report.conflicts == 0
    for found in reasons(staged).values():
        assert found and all(r["rule"] and r["message"] for r in found)


def test_an_entity_list_party_with_three_alternate_names_becomes_one_entry_with_three_aliases():
    staged = parse("fixture_el_el.csv")
    assert staged.rows_read == 18
    assert counts(staged) == (7, 11, 0)
    (farid,) = by_name(staged, "Fazal Rahim Farid")
    assert farid["aliases"] == ["Fazel Rahim Farid", "Farid", "Engineer Idris"]
    assert farid["list_name"] == "BIS Entity List" and farid["country"] == "AF"
    assert farid["start_date"] == dt.date(2011, 11, 21)
    assert "License Policy: Presumption of denial." in farid["remarks"]
    # six rows (2 addresses x 3 names): the entry sits at both addresses
    addresses = {e["dst"] for e in staged.edges.to_pylist() if e["src"] == farid["id"]}
    assert len(addresses) == 2
    # every row of the group names the entry, and carries all the group's rows as its record
    rows = [p["row_no"] for p in staged.primaries.to_pylist() if p["item_id"] == farid["id"]]
    assert rows == [1, 2, 3, 4, 5, 6]
    record = json.loads(staged.raw.to_pylist()[3]["record"])
    assert [r["row_no"] for r in record["rows"]] == [1, 2, 3, 4, 5, 6]
    assert record["rows"][3]["Address"] == "A2 Ground Floor, City Computer Plaza, Shar-e-Naw"


def test_an_entity_list_company_with_seven_offices_has_seven_addresses():
    staged = parse("fixture_el_el.csv")
    (zurmat,) = by_name(staged, "Zurmat Construction Company offices")
    assert len({e["dst"] for e in staged.edges.to_pylist() if e["src"] == zurmat["id"]}) == 7


def test_the_rows_edited_to_title_1_and_title_2_are_loaded_as_they_are():
    staged = parse("fixture_el_el.csv")
    qazi = sorted(by_name(staged, "Qazi Abdallah"), key=lambda e: e["list_ref"])
    assert [e["list_ref"] for e in qazi] == [
        "Qazi Abdallah | 76 FR 71867 | 11/21/2011",
        "Qazi Abdallah | Title 1 | 76 FR 10001 | 11/21/2011",
        "Qazi Abdallah | Title 2 | 76 FR 71867 | 11/22/2011",
    ]
    assert [e["start_date"] for e in qazi] == [
        dt.date(2011, 11, 21),
        dt.date(2011, 11, 21),
        dt.date(2011, 11, 22),
    ]
    assert all(e["aliases"] == ["Jawid, Sa\x92id Jan \x91Abd-al-Salam"] for e in qazi)


def test_an_unverified_party_with_two_addresses_has_two_located_at_edges():
    staged = parse("fixture_uvl_uvl.csv")
    assert counts(staged) == (13, 6, 0)
    (brilliance,) = by_name(staged, "Brilliance Technology Ltd")
    assert brilliance["country"] == "HK" and brilliance["list_name"] == "BIS Unverified List"
    located = {e["dst"] for e in staged.edges.to_pylist() if e["src"] == brilliance["id"]}
    assert len(located) == 2
    address_nodes = {n["id"]: n for n in staged.nodes["Address"].to_pylist()}
    assert {address_nodes[a]["full"] for a in located} == {
        "Flat A, 11/F, Adolfo Mansion, 114-116 Austin Road, Tsim Sha Tsui, Kowloon",
        "Rm 1203, 12/F, Hip Kwan Commercial Bldg, 38 Pitt Street, Yau Ma Tei",
    }


def test_two_unverified_parties_at_one_address_share_the_address_node():
    staged = parse("fixture_uvl_uvl.csv")
    (lianqi,) = by_name(staged, "Lianqi (HK) Electronics Co Ltd")
    (lion,) = by_name(staged, "Lion Chip Electronics Ltd")
    targets = {e["src"]: e["dst"] for e in staged.edges.to_pylist()}
    assert targets[lianqi["id"]] == targets[lion["id"]]


def test_aliases_written_inside_a_name_and_windows_1252_text_are_read():
    staged = parse("fixture_uvl_uvl.csv")
    (academy,) = by_name(staged, "Training 2 Business Academy")
    assert academy["aliases"] == ["T2BA", "Academy of Business Training"]
    (advent,) = by_name(staged, "Advent International Limited")
    assert "53\u201359 Wuhu Street" in advent["address"]


def test_a_blank_first_row_of_the_denied_persons_list_is_counted_as_empty():
    staged = parse("fixture_dpl_dpl.txt")
    assert counts(staged) == (9, 0, 1)
    assert reasons(staged)[1][0]["rule"] == "empty_row"
    (kal,) = by_name(staged, "KAL TEK LABS")
    assert kal["start_date"] == dt.date(1988, 8, 26) and kal["end_date"] == dt.date(2008, 8, 26)
    assert kal["country"] == "US" and kal["address"] == "250 BONITA GLEN DRIVE, #3D, CHULA VISTA, CA, US"
    assert "Action: NAME CORRECTED" in kal["remarks"]


def test_a_nonproliferation_party_gets_one_entry_per_programme():
    staged = parse("fixture_isn_isn.csv")
    assert counts(staged) == (5, 0, 2)
    assert {r[0]["rule"] for r in reasons(staged).values()} == {"empty_row"}
    khan = by_name(staged, "Abdul Qadeer Khan")
    assert sorted(e["programme"] for e in khan) == [
        "E.O. 13382",
        "Export-Import Bank Act",
        "Nuclear Proliferation Prevention Act",
    ]
    assert {e["list_ref"] for e in khan} == {f"Abdul Qadeer Khan | {e['programme']} | 1/9/2009" for e in khan}


def test_li_fangwei_in_the_isn_list_keeps_all_his_aliases():
    staged = parse("data_isn_full.csv")
    li = by_name(staged, "Li Fangwei")
    assert len(li) == 2 and all(e["aliases"] == ["Karl Lee"] and e["country"] == "CN" for e in li)
    assert sorted(e["start_date"] for e in li) == [dt.date(2015, 8, 28), dt.date(2016, 6, 28)]
    (karl,) = by_name(staged, "Karl Lee")
    assert karl["aliases"] == ["Li Fang Wei"]
    (citc,) = by_name(staged, "Center for Innovation and Technology Cooperation")
    assert "Presidency Office of Scientific and Industrial Studies (POSIS)" in citc["aliases"]


def test_isn_rows_with_a_country_nobody_knows_are_quarantined_with_the_country():
    staged = parse("data_isn_full.csv")
    with (FIXTURES / "data_isn_full.csv").open(encoding="utf-8") as f:
        unknown = []
        for n, row in enumerate(csv.DictReader(f), start=1):
            try:
                country(row["Country"])
            except ValueError:
                unknown.append(n)
    found = reasons(staged)
    assert sorted(found) == unknown
    for n in unknown:
        assert found[n][0]["rule"] == "unknown_country"
    assert counts(staged) == (213 - len(unknown), 0, len(unknown))


def test_an_itar_debarred_party_is_split_into_name_and_aliases():
    staged = parse("fixture_dtc_itar_debarred_parties.csv")
    assert counts(staged) == (4, 0, 0)
    (hukic,) = by_name(staged, "Hukic, Bajro")
    assert hukic["aliases"] == ["Bob Hukic", "Bab Hucici"]
    assert hukic["start_date"] == dt.date(1994, 8, 29) and hukic["list_name"] == "ITAR Debarred Parties"
    full = parse("data_itar_debarred_party_list_01242018.csv")
    assert counts(full) == (515, 0, 0)
    (gammoh,) = by_name(full, "Gammoh, Ziad Jamil")
    assert len(gammoh["aliases"]) == 8
    (medina,) = by_name(full, "Aguilar-Medina, Guillermo")
    assert medina["entity_type"] == "person" and "Date of Birth: November, 1981" in medina["remarks"]


def test_an_sdn_xml_entry_keeps_its_aliases_addresses_and_identity_documents():
    staged = parse("fixture_sdn_sdn.xml")
    assert counts(staged) == (4, 0, 0)
    found = entries(staged)
    person = found["ListEntry:ref:ofac sdn:6982"]
    assert person["name"] == "JIM'ALE, Ahmed Nur Ali" and person["entity_type"] == "person"
    assert len(person["aliases"]) == 8 and person["identifiers"] == ["Passport A0181988 (Somalia)"]
    assert person["country"] == "AE" and "DOB 20 May 1954" in person["remarks"]
    assert len([e for e in staged.edges.to_pylist() if e["src"] == person["id"]]) == 3
    assert found["ListEntry:ref:ofac sdn:11043"]["entity_type"] == "vessel"
    assert found["ListEntry:ref:ofac sdn:306"]["programme"] == "CUBA"


def test_the_consolidated_list_is_told_apart_from_the_sdn_list():
    staged = parse("fixture_treasury_consolidated_consolidated.xml")
    assert {e["list_name"] for e in entries(staged).values()} == {"OFAC Consolidated"}
    loaded, duplicates, quarantined = counts(staged)
    assert loaded + quarantined == 16 and duplicates == 0
    for found in reasons(staged).values():
        assert found[0]["rule"] == "unknown_country"


def test_a_row_that_contradicts_its_entry_is_rejected_not_merged(tmp_path):
    path = tmp_path / "isn.csv"
    header = "Source List,Programs,Name,Alternative Names,Country,Federal Register Notice,Effective Date,Remarks/Notes,Web Link"
    path.write_text(
        "\n".join(
            [
                header,
                'ISN,INKSNA,Acme Trading,ACM,China,"Vol. 1, No. 2",6/28/2016,first remark,',
                'ISN,INKSNA,Acme Trading,Acme Co,China,"Vol. 1, No. 2",6/28/2016,first remark,',
                'ISN,INKSNA,Acme Trading,,China,"Vol. 1, No. 2",6/28/2016,another remark,',
                'ISN,INKSNA,Atlantis Metals,,Atlantis,"Vol. 1, No. 2",6/28/2016,,',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    staged = us_lists.parse(path)
    assert counts(staged) == (1, 1, 2)
    (acme,) = by_name(staged, "Acme Trading")
    assert acme["aliases"] == ["ACM", "Acme Co"]
    found = reasons(staged)
    assert found[3][0]["rule"] == "conflicting_row" and "another remark" in found[3][0]["message"]
    assert found[4][0]["rule"] == "unknown_country" and "Atlantis" in found[4][0]["message"]


def test_a_company_table_with_name_country_and_address_columns_is_not_taken_for_a_list(tmp_path):
    path = tmp_path / "companies.csv"
    path.write_text("name,country,address\nAcme Trading,CN,1 Road\n", encoding="utf-8")
    assert not us_lists.sniff(path, path.read_bytes())
    path.write_text("COUNTRY,NAME,ADDRESS,REMARKS\nChina,Acme,1 Road,\n", encoding="utf-8")
    assert not us_lists.sniff(path, path.read_bytes())
