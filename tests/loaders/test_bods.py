"""Beneficial Ownership Data Standard 0.4 packages: the published examples and edge cases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from graphtool.normalise.countries import country
from graphtool.workspace import Workspace
from loaders import bods, ftm, load_file, ofac_sdn, us_lists

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bods"
PACKAGES = sorted(FIXTURES.glob("*/*.json"))


def nodes(staged, label):
    return {n["id"]: n for n in staged.nodes[label].to_pylist()} if label in staged.nodes else {}


def edges(staged, *types):
    return [e for e in staged.edges.to_pylist() if e["type"] in types]


def reasons(staged):
    return {q["row_no"]: json.loads(q["reasons"]) for q in staged.quarantine.to_pylist()}


def parse(name):
    return bods.parse(next(p for p in PACKAGES if p.name == name))


def test_all_published_packages_are_here():
    assert len(PACKAGES) == 20


@pytest.mark.parametrize("path", PACKAGES, ids=lambda p: p.name)
def test_every_statement_is_loaded_or_rejected_with_a_reason(path):
    head = path.read_bytes()[:65536]
    assert bods.sniff(path, head)
    assert not any(p.sniff(path, head) for p in (ftm, us_lists, ofac_sdn))
    staged = bods.parse(path)
    statements = json.loads(path.read_text(encoding="utf-8"))
    assert staged.rows_read == len(statements)
    assert staged.raw.column("row_no").to_pylist() == list(range(1, len(statements) + 1))
    ids = staged.primaries.column("item_id").to_pylist()
    duplicates = len(ids) - len(set(ids))
    assert staged.rows_read == len(staged.primaries) + len(staged.quarantine)
    assert staged.rows_read == len(set(ids)) + duplicates + len(staged.quarantine)
    for found in reasons(staged).values():
        assert found and all(r["rule"] and r["message"] for r in found)


@pytest.mark.parametrize("path", PACKAGES, ids=lambda p: p.name)
def test_the_workspace_accepts_every_package(tmp_path, path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        report = load_file(ws, path)
    assert report.loader == "bods"
    assert report.rows_read == report.loaded + report.quarantined + report.duplicates
    assert report.conflicts == 0


def test_direct_ownership_keeps_shares_and_votes_as_two_interests():
    # 01-direct-ownership.expected.md: one entity, one person, one relationship; both interest
    # types preserved with their 75 % quantum; record ids stable across runs.
    staged = parse("01-direct-ownership.json")
    assert list(nodes(staged, "Company")) == ["Company:bods:rec-acme-holdings-ltd"]
    (jane,) = nodes(staged, "Person").values()
    assert jane["id"] == "Person:bods:rec-jane-smith-1975" and jane["name"] == "Jane Smith"
    assert jane["nationality"] == "GB" and jane["birth_date"] == "1975-06-20"
    owns = edges(staged, "OWNS")
    assert len(owns) == 2 and len({e["id"] for e in owns}) == 2
    for e in owns:
        assert (e["src"], e["dst"]) == (jane["id"], "Company:bods:rec-acme-holdings-ltd")
        assert e["percent"] == 75.0 and e["declared_indirect"] is False
        assert e["start_date"] == dt.date(2010, 1, 1)
    assert staged.primaries.equals(parse("01-direct-ownership.json").primaries)


def test_circular_ownership_loads_both_edges():
    # 10-circular-ownership.expected.md: adapters must not drop one side of the cycle.
    staged = parse("10-circular-ownership.json")
    owns = {(e["src"], e["dst"]): e["percent"] for e in edges(staged, "OWNS")}
    assert owns == {
        ("Company:bods:rec-alpha-corp", "Company:bods:rec-beta-corp"): 100.0,
        ("Company:bods:rec-beta-corp", "Company:bods:rec-alpha-corp"): 100.0,
    }
    assert "Person" not in staged.nodes


def test_a_declared_unknown_owner_stays_visible_with_its_reason_code():
    # 11-anonymous-person.expected.md: the relationship is kept and the reason code preserved
    # verbatim. The graph needs an owner node, so it gets one that is plainly a placeholder: its
    # own id scheme, no normalised name (never matched to anyone), no invented details.
    staged = parse("11-anonymous-person.json")
    assert len(staged.quarantine) == 0
    owner = nodes(staged, "Person")["Person:bods-unspecified:rec-rel-opaque-no-ubo"]
    assert owner["name"] == "Unknown owner (subjectUnableToConfirmOrIdentifyBeneficialOwner)"
    assert owner["name_norm"] is None
    assert all(owner[k] is None for k in ("nationality", "birth_date", "id_number", "aliases"))
    (owns,) = edges(staged, "OWNS")
    assert (owns["src"], owns["dst"]) == (owner["id"], "Company:bods:rec-opaque-holdings-sa")
    assert (owns["percent"], owns["percent_min"], owns["percent_max"]) == (None, None, None)


@pytest.mark.parametrize("name", ["multiple-indirect-ownership.json", "mutilple-indirect-ownership-2.json"])
def test_multiple_indirect_examples_load_their_declared_indirect_60_percent(name):
    staged = parse(name)
    declared = [e for e in edges(staged, "OWNS") if e["declared_indirect"]]
    assert [e["percent"] for e in declared] == [60.0]
    assert declared[0]["src"].startswith("Person:bods:")
    # the links of the chain whose share nobody stated stay unknown, never 0 or 100
    unknown = [
        e for e in edges(staged, "OWNS") if e["src"] == declared[0]["src"] and not e["declared_indirect"]
    ]
    assert len(unknown) == 2 and all(e["percent"] is None and e["declared_indirect"] is None for e in unknown)


def test_share_ranges_become_minimum_and_maximum():
    (owns,) = edges(parse("bods-package-entity-owning-entity.json"), "OWNS")
    assert (owns["percent"], owns["percent_min"], owns["percent_max"]) == (None, 75.0, 100.0)
    for e in edges(parse("simple-pep-declaration.json"), "OWNS"):
        assert (e["percent"], e["percent_min"], e["percent_max"]) == (None, 25.0, 50.0)


def test_mixed_direct_and_indirect_interests_are_two_edges():
    staged = parse("mixed-direct-and-indirect-ownership.json")
    person = next(iter(nodes(staged, "Person")))
    pairs = sorted(
        (e["declared_indirect"], e["start_date"])
        for e in edges(staged, "OWNS")
        if e["src"] == person and e["percent"] == 50.0
    )
    assert pairs == [(False, dt.date(2019, 5, 1)), (True, dt.date(2017, 11, 1))]


def test_control_interests_become_controls_and_officer_edges():
    staged = parse("nomination.json")
    roles = {(e["type"], e["role"]) for e in edges(staged, "CONTROLS", "OFFICER_OF")}
    assert roles == {
        ("CONTROLS", "nominator"),
        ("CONTROLS", "nominee"),
        ("OFFICER_OF", "boardMember"),
        ("CONTROLS", "otherInfluenceOrControl (indirect)"),
    }
    assert not edges(staged, "OWNS")


def test_a_trust_keeps_its_anonymous_beneficiary():
    staged = parse("levent.json")
    persons = nodes(staged, "Person")
    anonymous = persons["Person:bods:81337a6e"]
    assert anonymous["name"] == "Anonymous person (interestedPartyExemptFromDisclosure)"
    assert anonymous["name_norm"] is None
    roles = sorted(e["role"] for e in edges(staged, "CONTROLS"))
    assert roles == ["beneficiaryOfLegalArrangement", "settlor", "trustee", "trustee"]


def test_an_lei_identifies_the_company_and_other_identifiers_are_registration_numbers():
    (company,) = nodes(parse("plc-entity-statement.json"), "Company").values()
    assert company["id"] == "Company:lei:PY6ZZQWO2IZFZC3IOL08"
    assert company["registration_no"] == "02723534" and company["country"] == "GB"


def test_a_listed_company_exempt_from_disclosure_keeps_the_reason():
    staged = parse("listed-company-exempt-from-disclosure.json")
    (owner,) = nodes(staged, "Person").values()
    assert owner["name"] == "Unknown owner (subjectExemptFromDisclosure)"
    assert len(edges(staged, "OWNS")) == 1


def test_fermcat_as_published_loads_only_the_latest_statement_of_each_record():
    staged = parse("fermcat.json")
    found = reasons(staged)
    superseded = [r for r, rs in found.items() if rs[0]["rule"] == "superseded_statement"]
    assert len(superseded) == 16
    assert "superseded by statement 13" in found[4][0]["message"]
    others = [rs[0] for r, rs in found.items() if r not in superseded]
    for reason in others:  # the address country is written only as "Republic of Ireland"
        assert reason["rule"] in ("unknown_country", "quarantined_reference")
    try:
        country("Republic of Ireland")
    except ValueError:
        assert len(others) == 4


def test_fermcat_updates_end_and_change_the_stakes(tmp_path):
    # The same package with the ISO code the publisher left out of the address country.
    data = json.loads((FIXTURES / "examples/fermcat.json").read_text(encoding="utf-8"))
    for statement in data:
        for address in statement["recordDetails"].get("addresses", []):
            address["country"]["code"] = "IE"
    path = tmp_path / "fermcat-with-codes.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    staged = bods.parse(path)
    assert len(staged.quarantine) == 16 and len(staged.primaries) == 7
    owns = {e["src"].rsplit(":", 1)[1]: e for e in edges(staged, "OWNS")}
    riyadh, patrick, declan = (
        owns["per-5faa4103dee78621"],
        owns["per-41c0bb0cef246f7c"],
        owns["per-e334cc6258e56467"],
    )
    assert (riyadh["percent"], riyadh["end_date"]) == (50.0, dt.date(2021, 4, 3))
    assert (patrick["percent"], patrick["end_date"]) == (100.0, None)
    assert (declan["start_date"], declan["end_date"]) == (dt.date(2021, 4, 3), dt.date(2022, 1, 21))
    assert len(edges(staged, "OFFICER_OF")) == 2


def test_a_relationship_to_a_missing_record_is_rejected(tmp_path):
    statements = [
        {
            "statementId": "s1",
            "recordId": "e1",
            "recordType": "entity",
            "recordDetails": {"entityType": {"type": "registeredEntity"}, "name": "Alpha Ltd"},
        },
        {
            "statementId": "s2",
            "recordId": "r1",
            "recordType": "relationship",
            "recordDetails": {
                "subject": "e1",
                "interestedParty": "p9",
                "interests": [{"type": "shareholding", "share": {"exact": 120}}],
            },
        },
        {
            "statementId": "s3",
            "recordId": "r2",
            "recordType": "relationship",
            "recordDetails": {"subject": "e1", "interestedParty": "e1", "interests": [{"type": "madeUp"}]},
        },
        {"statementID": "old", "statementType": "ownershipOrControlStatement"},
    ]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(statements), encoding="utf-8")
    found = reasons(bods.parse(path))
    assert {r["rule"] for r in found[2]} == {"missing_reference", "invalid_percent"}
    assert any(r["message"] == "Relationship 'r1': interestedParty 'p9' is not in the file" for r in found[2])
    assert found[3][0]["rule"] == "unknown_interest_type"
    assert found[4][0]["rule"] == "unsupported_version"
