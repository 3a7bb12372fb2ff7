"""FollowTheMoney JSON lines (OpenSanctions / Aleph exports): what an investigator gets in the graph."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from graphtool.workspace import Workspace
from loaders import bods, ftm, load_file, ofac_sdn, us_lists

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "ftm_sample.jsonl"
XINGHE = "Company:uscc:91430100MA4L0XH279"
STARRIVER = "Company:reg:HK:2765432"
ZHANG = "Person:ftm:person-zhang-wei-1971"


@pytest.fixture(scope="module")
def staged():
    return ftm.parse(SAMPLE)


def nodes(staged, label):
    return {n["id"]: n for n in staged.nodes[label].to_pylist()} if label in staged.nodes else {}


def edges(staged, rel_type):
    return [e for e in staged.edges.to_pylist() if e["type"] == rel_type]


def reasons(staged):
    return {q["row_no"]: json.loads(q["reasons"]) for q in staged.quarantine.to_pylist()}


def write_lines(path: Path, *objects) -> Path:
    path.write_text(
        "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objects) + "\n", encoding="utf-8"
    )
    return path


def test_the_sample_is_valid_followthemoney():
    import followthemoney

    schemas = set()
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue  # the deliberately broken line
        proxy = followthemoney.model.get_proxy(data, cleaned=False)
        assert proxy.id == data["id"]
        schemas.add(proxy.schema.name)
    assert {
        "Company",
        "Person",
        "Address",
        "Ownership",
        "Directorship",
        "Sanction",
        "EconomicActivity",
    } <= schemas


def test_an_ftm_export_is_recognised_by_its_structure(tmp_path):
    head = SAMPLE.read_bytes()[:65536]
    assert ftm.sniff(SAMPLE, head)
    renamed = tmp_path / "export.txt"
    renamed.write_bytes(SAMPLE.read_bytes())
    assert ftm.sniff(renamed, head)
    for other in (
        FIXTURES / "bods/examples/bods-package.json",
        FIXTURES / "us_lists/fixture_el_el.csv",
        FIXTURES / "ofac_sdn/sdn_20240503_NPWMD.csv",
    ):
        assert not ftm.sniff(other, other.read_bytes()[:65536])
    for parser in (bods, us_lists, ofac_sdn):
        assert not parser.sniff(SAMPLE, head)


def test_every_line_is_loaded_or_quarantined_with_a_reason(staged):
    assert staged.rows_read == 20
    assert staged.raw.column("row_no").to_pylist() == list(range(1, 21))
    ids = staged.primaries.column("item_id").to_pylist()
    duplicates = len(ids) - len(set(ids))
    assert duplicates == 0
    assert staged.rows_read == len(staged.primaries) + len(staged.quarantine) + duplicates
    assert sorted(reasons(staged)) == [8, 18, 19, 20]
    for found in reasons(staged).values():
        assert found and all(r["message"] and r["rule"] for r in found)


def test_the_workspace_accounts_for_every_line(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        report = load_file(ws, SAMPLE)
    assert report.loader == "ftm"
    assert (report.rows_read, report.loaded, report.quarantined, report.duplicates) == (20, 16, 4, 0)


def test_a_chinese_company_is_keyed_by_its_uscc_and_keeps_its_names(staged):
    company = nodes(staged, "Company")[XINGHE]
    assert company["name"] == "湖南星河锑业贸易有限公司"
    assert company["name_norm"] == "湖南星河锑业贸易有限公司"
    assert company["aliases"] == ["Hunan Xinghe Antimony Trading Co., Ltd."]
    assert company["country"] == "CN"
    assert company["uscc"] == "91430100MA4L0XH279" and company["uscc_valid"] is True
    assert company["incorporation_date"] == dt.date(2012, 5, 14)
    assert company["topics"] == ["export.control"]
    assert company["website"] == "http://www.xinghe-sb.example.cn"


def test_an_address_string_and_the_address_entity_meet_on_one_address_node(staged):
    address_line = staged.primaries.to_pylist()[2]
    assert address_line["row_no"] == 3
    located = [e for e in edges(staged, "LOCATED_AT") if e["src"] == XINGHE]
    assert [e["dst"] for e in located] == [address_line["item_id"]]
    address = nodes(staged, "Address")[address_line["item_id"]]
    assert address["full"] == "湖南省长沙市雨花区万家丽中路二段88号"
    assert address["city"] == "长沙" and address["country"] == "CN"


def test_phone_and_email_become_shared_nodes(staged):
    assert nodes(staged, "Phone") == {
        "Phone:no:+8673184561234": {
            "id": "Phone:no:+8673184561234",
            "row_no": 2,
            "number": "+86 731 8456 1234",
            "number_norm": "+8673184561234",
        }
    }
    assert [(e["src"], e["dst"]) for e in edges(staged, "HAS_EMAIL")] == [
        (XINGHE, "Email:addr:sales@xinghe-sb.example.cn")
    ]


def test_the_hong_kong_holding_owns_51_percent_even_though_it_is_defined_later(staged):
    (owns,) = [e for e in edges(staged, "OWNS")]
    assert owns["row_no"] == 1  # the Ownership line comes before both companies
    assert (owns["src"], owns["dst"]) == (STARRIVER, XINGHE)
    assert owns["percent"] == 51.0 and owns["percent_min"] is None and owns["percent_max"] is None
    assert owns["start_date"] == dt.date(2019, 8, 1)
    assert owns["id"].endswith("#own-starriver-xinghe")


def test_an_unparseable_percentage_is_quarantined_never_guessed(staged):
    (reason,) = reasons(staged)[8]
    assert (reason["field"], reason["value"], reason["rule"]) == ("percentage", "majority", "invalid_percent")
    assert "own-zhang-starriver" in reason["message"] and "majority" in reason["message"]
    assert not [e for e in edges(staged, "OWNS") if e["src"] == ZHANG]


def test_a_year_alone_does_not_become_a_made_up_incorporation_date(staged):
    holding = nodes(staged, "Company")[STARRIVER]
    assert holding["incorporation_date"] is None
    assert holding["aliases"] == ["星河控股(香港)有限公司"] and holding["country"] == "HK"


def test_an_ownership_of_a_missing_entity_names_what_is_missing(staged):
    (reason,) = reasons(staged)[20]
    assert reason["rule"] == "missing_reference"
    assert reason["message"] == "Ownership 'own-ghost-holding': owner 'ru-unknown-holding' is not in the file"


def test_a_broken_json_line_and_an_unsupported_schema_stay_visible(staged):
    found = reasons(staged)
    assert found[19][0]["rule"] == "invalid_json" and "line 19" in found[19][0]["message"]
    assert found[18][0]["rule"] == "unsupported_schema" and "Family" in found[18][0]["message"]


def test_directorship_control_representation_and_succession(staged):
    (officer,) = edges(staged, "OFFICER_OF")
    assert (officer["src"], officer["dst"], officer["role"]) == (ZHANG, XINGHE, "Legal representative")
    assert officer["start_date"] == dt.date(2012, 5, 14)
    (control,) = edges(staged, "CONTROLS")
    assert (control["src"], control["dst"], control["role"]) == (ZHANG, STARRIVER, "nominee")
    (agent,) = edges(staged, "REPRESENTS")
    assert (agent["src"], agent["dst"], agent["role"]) == (
        "Company:ftm:th-lcb-swift-logistics",
        "Company:ftm:th-siam-metals",
        "freight forwarder",
    )
    (successor,) = edges(staged, "SUCCEEDED_BY")
    assert (successor["src"], successor["dst"]) == (XINGHE, "Company:uscc:91430100MA4L1AB35G")
    assert successor["start_date"] == dt.date(2024, 11, 20)
    person = nodes(staged, "Person")[ZHANG]
    assert (
        person["birth_date"] == "1971-03" and person["nationality"] == "CN" and person["aliases"] == ["张伟"]
    )


def test_a_sanction_becomes_a_list_entry_the_company_is_listed_as(staged):
    (entry,) = nodes(staged, "ListEntry").values()
    assert entry["id"] == "ListEntry:ftm:san-xinghe-bis"
    assert entry["list_name"] == "Entity List" and entry["authority"] == "Bureau of Industry and Security"
    assert entry["name"] == "湖南星河锑业贸易有限公司" and entry["entity_type"] == "company"
    assert entry["country"] == "CN" and entry["identifiers"] == ["USCC 91430100MA4L0XH279"]
    assert entry["start_date"] == dt.date(2024, 5, 9)
    assert entry["remarks"].startswith("Acting contrary")
    assert [(e["src"], e["dst"]) for e in edges(staged, "LISTED_AS")] == [(XINGHE, entry["id"])]


def test_an_economic_activity_becomes_a_declaration_with_exporter_and_consignee(staged):
    (decl,) = nodes(staged, "Declaration").values()
    assert decl["declaration_no"] == "430120240000932001"
    assert decl["declaration_date"] == dt.date(2024, 10, 8)
    assert decl["hs_code"] == "8110101000" and decl["description"] == "Antimony ingots, Sb 99.65%"
    assert (decl["origin_country"], decl["destination_country"], decl["trading_country"]) == (
        "CN",
        "TH",
        "TH",
    )
    assert decl["total_value"] == 500000.0 and decl["currency"] is None
    assert "customsAmount: 3580000" in decl["remarks"]
    assert [e["src"] for e in edges(staged, "EXPORTED")] == [XINGHE]
    assert [e["dst"] for e in edges(staged, "CONSIGNED_TO")] == ["Company:ftm:th-siam-metals"]
    assert [e["dst"] for e in edges(staged, "DECLARED_BY")] == [XINGHE]


def test_a_reference_to_a_quarantined_entity_is_rejected_and_ranges_are_kept(tmp_path):
    path = write_lines(
        tmp_path / "x.jsonl",
        {
            "id": "c1",
            "schema": "Company",
            "properties": {"name": ["Atlantis Metals"], "country": ["Atlantis"]},
        },
        {"id": "c2", "schema": "Company", "properties": {"name": ["Bravo Ltd"], "country": ["gb"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["A. Person"]}},
        {
            "id": "o1",
            "schema": "Ownership",
            "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["10"]},
        },
        {
            "id": "o2",
            "schema": "Ownership",
            "properties": {"owner": ["p1"], "asset": ["c2"], "percentage": ["25-50%"]},
        },
        {"id": "o3", "schema": "Ownership", "properties": {"owner": ["c2"], "asset": ["p1"]}},
        "",
    )
    staged = ftm.parse(path)
    found = reasons(staged)
    assert found[1][0]["rule"] == "unknown_country" and "Atlantis" in found[1][0]["message"]
    assert (
        found[4][0]["rule"] == "quarantined_reference"
        and "(line 1) was quarantined" in found[4][0]["message"]
    )
    assert found[6][0]["rule"] == "wrong_reference" and "is a Person" in found[6][0]["message"]
    assert found[7][0]["rule"] == "empty_row"
    (owns,) = edges(staged, "OWNS")
    assert (owns["percent"], owns["percent_min"], owns["percent_max"]) == (None, 25.0, 50.0)
    assert staged.rows_read == len(staged.primaries) + len(staged.quarantine) == 7


def test_parsing_twice_gives_the_same_ids(staged):
    again = ftm.parse(SAMPLE)
    assert again.primaries.equals(staged.primaries)
    assert again.edges.column("id").equals(staged.edges.column("id"))
