"""The named investigations on the embedded workspace, as an investigator meets them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphtool.cli import cli
from graphtool.config import load_settings
from graphtool.embedded_store import EmbeddedStore
from graphtool.errors import GraphtoolError, NotFound
from graphtool.store import open_store
from graphtool.workspace import Workspace
from loaders import load_file
from tests.graphs import company, owns, person, write_graph

BODS = Path(__file__).parent / "fixtures" / "bods"
D = dt.date


def _id(kind: str, key: str) -> str:
    return f"{kind}:t:{key}"


C, P = (lambda k: _id("Company", k)), (lambda k: _id("Person", k))


# ---------------------------------------------------------------------------------------------- UBO


@pytest.fixture(scope="module")
def bods_store(tmp_path_factory) -> EmbeddedStore:
    path = tmp_path_factory.mktemp("bods") / "ws.duckdb"
    with Workspace.open(path) as ws:
        for name in (
            "examples/multiple-indirect-ownership.json",
            "examples/mutilple-indirect-ownership-2.json",
            "examples/mixed-direct-and-indirect-ownership.json",
            "edge_cases/10-circular-ownership.json",
        ):
            load_file(ws, BODS / name)
    return EmbeddedStore(path)


def test_bods_multiple_indirect_owner_is_unknown_computed_and_60_percent_declared(bods_store):
    report = bods_store.ubo("Company:bods:63e3a8a8946f")  # Company B, held 50/50 by C and D
    owners = {o.name: o for o in report.owners}
    assert owners["Company C"].effective == owners["Company D"].effective == 50.0
    person_1 = owners["Person 1"]
    assert person_1.effective is None  # C and D are owned by Person 1 with no share stated
    assert person_1.effective_max == 100.0 and person_1.effective_min is None
    assert person_1.declared == 60.0
    assert "beneficial owner" in person_1.flags and "share unknown" in person_1.flags
    assert [o.name for o in report.beneficial_owners] == ["Person 1"]


def test_bods_second_multiple_indirect_package_declares_60_percent_too(bods_store):
    owners = {o.name: o for o in bods_store.ubo("Company:bods:1e049760d6c7", as_of="2024-01-01").owners}
    assert (owners["Company B"].effective, owners["Company C"].effective) == (40.0, 20.0)
    assert owners["Person 1"].effective is None and owners["Person 1"].declared == 60.0


def test_bods_direct_plus_unknown_indirect_share_is_bounded_below_by_the_direct_one(bods_store):
    person_1 = next(o for o in bods_store.ubo("Company:bods:9bfe59b6a869").owners if o.name == "Person 1")
    assert (person_1.effective, person_1.effective_min, person_1.effective_max) == (None, 50.0, 100.0)
    assert (person_1.direct, person_1.declared) == (50.0, 50.0)  # 50 % held directly, 50 % declared indirect


@pytest.mark.parametrize("start", ["Company:bods:rec-alpha-corp", "Company:bods:rec-beta-corp"])
def test_bods_circular_ownership_has_no_natural_person_and_never_200_percent(bods_store, start):
    report = bods_store.ubo(start)
    assert report.beneficial_owners == []
    assert all(o.kind == "company" and o.effective == 100.0 for o in report.owners)
    assert all(o.id != start for o in report.owners)  # never its own owner
    assert len(report.cycles) == 1 and set(report.cycles[0]) == {
        "Company:bods:rec-alpha-corp",
        "Company:bods:rec-beta-corp",
    }


@pytest.fixture(scope="module")
def ownership_store(tmp_path_factory) -> EmbeddedStore:
    """T is held by A (40 %) and B (20 %); P holds half of A and all of B; a Dutch person holds votes
    in T; an old shareholder sold out in 2020; a state fund and a holder of unknown size hold X."""
    nodes = [
        company("T", country="CN"),
        company("A", country="HK"),
        company("B", country="HK"),
        company("X", country="CN"),
        company("Fund", country="CN", sector="state"),
        company("Shell", country="VG"),
        person("P", nationality="US"),
        person("Q", nationality="NL"),
        person("Old", nationality="CN"),
        person("Boss", nationality="CN"),
    ]
    edges = [
        owns(C("A"), C("T"), 40.0, interest="shareholding"),
        owns(C("B"), C("T"), 20.0),
        owns(P("P"), C("A"), 50.0),
        owns(P("P"), C("B"), 100.0),
        owns(P("Q"), C("T"), 30.0, interest="votingRights"),
        owns(P("Old"), C("T"), 40.0, start_date=D(2010, 1, 1), end_date=D(2020, 6, 30)),
        owns(C("Fund"), C("X"), 60.0),
        owns(C("Shell"), C("X"), None, percent_min=25.0, percent_max=50.0),
        ("OFFICER_OF", P("Boss"), C("T"), {"role": "legal representative"}, ""),
        ("CONTROLS", P("Q"), C("T"), {"role": "nominee agreement"}, ""),
    ]
    return EmbeddedStore(write_graph(tmp_path_factory.mktemp("own") / "ws.duckdb", nodes, edges))


def test_effective_shares_multiply_along_chains_and_add_over_parallel_chains(ownership_store):
    report = ownership_store.ubo(C("T"), as_of=D(2024, 1, 1))
    owners = {o.id: o for o in report.owners}
    assert owners[P("P")].effective == pytest.approx(40.0)  # 50 % x 40 % + 100 % x 20 %
    assert len(owners[P("P")].chains) == 2
    assert owners[P("P")].flags == ["beneficial owner", "foreign"]
    assert owners[P("P")].ultimate and not owners[C("A")].ultimate
    assert P("Q") not in owners  # votes are a different interest: never added to shares
    assert P("Old") not in owners  # sold out before the date asked about
    assert {(c.id, c.via) for c in report.controllers} == {(P("Boss"), "OFFICER_OF"), (P("Q"), "CONTROLS")}
    assert set(report.tree.nodes) >= {C("T"), C("A"), C("B"), P("P"), P("Boss")}


def test_ownership_as_of_an_earlier_date_and_by_another_interest(ownership_store):
    before = {o.id: o.effective for o in ownership_store.ubo(C("T"), as_of="2015-03-01").owners}
    assert before[P("Old")] == 40.0
    votes = ownership_store.ubo(C("T"), interest="votingRights")
    assert [(o.id, o.effective, o.flags) for o in votes.owners] == [
        (P("Q"), 30.0, ["beneficial owner", "foreign"])
    ]


def test_unknown_share_stays_unknown_with_bounds_and_states_are_flagged(ownership_store):
    report = ownership_store.ubo(C("X"))
    owners = {o.id: o for o in report.owners}
    shell = owners[C("Shell")]
    assert shell.effective is None and (shell.effective_min, shell.effective_max) == (25.0, 50.0)
    assert owners[C("Fund")].kind == "state" and "state" in owners[C("Fund")].flags


def test_ubo_refuses_what_is_not_a_company(ownership_store):
    with pytest.raises(GraphtoolError, match="Person"):
        ownership_store.ubo(P("P"))
    with pytest.raises(NotFound):
        ownership_store.ubo("Company:t:nobody")


# ------------------------------------------------------------------ neighbourhood, paths, flows, search


@pytest.fixture(scope="module")
def trade_store(tmp_path_factory) -> EmbeddedStore:
    """An exporter ships antimony to a Thai trader, who ships the same weight on to a US firm on a
    list; a decoy shipment has the wrong weight, another is too late; firms share an address."""
    decl = "Declaration:t:D1"
    nodes = [
        company(
            "Exp",
            country="CN",
            name="贵阳大成锑品有限公司",
            aliases=["Guiyang Dacheng Antimony Products Co., Ltd."],
            uscc="915201002311216781",
            phone="+86 851 8888 1234",
        ),
        company("TH", country="TH", name="Orbit Trading Company Limited"),
        company("US", country="US", name="Granite Technologies Inc."),
        company("Other", country="CN", name="Hunan Other Metals"),
        ("Address", "Address:t:1", {"full": "8 Industrial Road, Guiyang", "country": "CN"}),
        ("ListEntry", "ListEntry:t:L1", {"name": "Granite Technologies", "list_name": "Demo list"}),
        (
            "Declaration",
            decl,
            {
                "declaration_no": "720020250112738106",
                "hs_code": "2825800010",
                "export_date": D(2025, 2, 4),
                "declaration_date": D(2025, 2, 2),
                "gross_kg": 7582.0,
                "destination_country": "TH",
            },
        ),
        (
            "Declaration",
            "Declaration:t:D2",
            {
                "declaration_no": "720020250112738107",
                "hs_code": "8112921000",
                "declaration_date": D(2023, 5, 1),
                "destination_country": "DE",
            },
        ),
        (
            "Shipment",
            "Shipment:t:S1",
            {
                "bl_no": "COSU1",
                "date": D(2025, 3, 30),
                "hs_code": "282580",
                "weight_kg": 7965.0,
                "discharge_country": "US",
            },
        ),
        (
            "Shipment",
            "Shipment:t:S2",
            {
                "bl_no": "COSU2",
                "date": D(2025, 3, 1),
                "hs_code": "282580",
                "weight_kg": 2000.0,
                "discharge_country": "US",
            },
        ),
        (
            "Shipment",
            "Shipment:t:S3",
            {
                "bl_no": "COSU3",
                "date": D(2025, 8, 1),
                "hs_code": "282580",
                "weight_kg": 7582.0,
                "discharge_country": "US",
            },
        ),
        ("Port", "Port:t:LCB", {"name": "Laem Chabang", "country": "TH"}),
    ]
    edges = [
        ("EXPORTED", C("Exp"), decl, {}, ""),
        ("CONSIGNED_TO", decl, C("TH"), {}, ""),
        ("EXPORTED", C("Exp"), "Declaration:t:D2", {}, ""),
        ("CONSIGNED_TO", "Declaration:t:D2", C("Other"), {}, ""),
        *[("SHIPPED", C("TH"), f"Shipment:t:{s}", {}, "") for s in ("S1", "S2", "S3")],
        *[("CONSIGNED_TO", f"Shipment:t:{s}", C("US"), {}, "") for s in ("S1", "S2", "S3")],
        ("LOADED_AT", "Shipment:t:S1", "Port:t:LCB", {}, ""),
        ("LOADED_AT", "Shipment:t:S2", "Port:t:LCB", {}, ""),
        ("LISTED_AS", C("US"), "ListEntry:t:L1", {}, ""),
        ("LOCATED_AT", C("Exp"), "Address:t:1", {}, ""),
        ("LOCATED_AT", C("Other"), "Address:t:1", {}, ""),
        (
            "OFFICER_OF",
            P("Boss"),
            C("Exp"),
            {"role": "director", "start_date": D(2019, 1, 1), "end_date": D(2021, 1, 1)},
            "",
        ),
    ]
    nodes.append(person("Boss", nationality="CN"))
    return EmbeddedStore(write_graph(tmp_path_factory.mktemp("trade") / "ws.duckdb", nodes, edges))


def test_neighbourhood_grows_by_hops_nearest_first_and_says_what_is_not_shown(trade_store):
    one = trade_store.neighbourhood(C("Exp"), hops=1)
    assert set(one.nodes) == {C("Exp"), "Declaration:t:D1", "Declaration:t:D2", "Address:t:1", P("Boss")}
    assert all(e.src in one.nodes and e.dst in one.nodes for e in one.edges.values())
    two = trade_store.neighbourhood([C("Exp")], hops=2)
    assert {C("TH"), C("Other")} <= set(two.nodes)
    capped = trade_store.neighbourhood(C("Exp"), hops=2, limit=3)
    assert list(capped.nodes) == [C("Exp"), "Address:t:1", "Declaration:t:D1"]
    assert capped.more == len(two.nodes) - 3
    assert capped.nodes["Declaration:t:D1"].provenance.source_file == "graph.json"


def test_neighbourhood_filters_by_type_goods_country_and_date(trade_store):
    def reach(**filters):
        return set(trade_store.neighbourhood(C("Exp"), hops=2, **filters).nodes)

    assert reach(rel_types=["LOCATED_AT"]) == {C("Exp"), "Address:t:1", C("Other")}
    assert "Declaration:t:D2" not in reach(hs_codes=["2825"])
    assert reach(hs_codes=["8112"]) >= {"Declaration:t:D2", C("Other")}
    assert "Declaration:t:D2" not in reach(countries=["TH"]) and "Declaration:t:D1" in reach(
        countries=["泰国"]
    )
    dated = reach(since="2024-01-01", until="2025-12-31")
    assert "Declaration:t:D1" in dated and "Declaration:t:D2" not in dated and P("Boss") not in dated


def test_neighbourhood_refuses_bad_requests_clearly(trade_store):
    with pytest.raises(NotFound, match="Company:t:ghost"):
        trade_store.neighbourhood("Company:t:ghost")
    with pytest.raises(GraphtoolError, match="hops"):
        trade_store.neighbourhood(C("Exp"), hops=5)
    with pytest.raises(GraphtoolError, match="KNOWS"):
        trade_store.neighbourhood(C("Exp"), rel_types=["KNOWS"])
    with pytest.raises(GraphtoolError, match="not a date"):
        trade_store.neighbourhood(C("Exp"), since="last week")


def test_shortest_and_all_paths_between_two_firms(trade_store):
    shortest = trade_store.paths(C("Exp"), C("Other"))
    assert [p.node_ids for p in shortest] == [
        [C("Exp"), "Address:t:1", C("Other")],
        [C("Exp"), "Declaration:t:D2", C("Other")],
    ]
    assert shortest[0].edge_ids == [
        f"LOCATED_AT:{C('Exp')}>Address:t:1",
        f"LOCATED_AT:{C('Other')}>Address:t:1",
    ]
    assert set(shortest[0].subgraph.edges) == set(shortest[0].edge_ids)
    every = trade_store.paths(C("Exp"), C("US"), max_hops=6, all_paths=True)
    assert [p.hops for p in every] == [4, 4, 4] and len({tuple(p.node_ids) for p in every}) == 3
    assert trade_store.paths(C("Exp"), C("US"), max_hops=3) == []


def test_paths_to_any_listed_party_and_ports_only_when_asked(trade_store):
    listed = trade_store.paths(C("Exp"), max_hops=6)
    assert {p.node_ids[-1] for p in listed} == {C("US"), "ListEntry:t:L1"}
    assert listed[0].node_ids == [C("Exp"), "Declaration:t:D1", C("TH"), "Shipment:t:S1", C("US")]
    via_port = trade_store.paths("Shipment:t:S1", "Shipment:t:S2", rel_types=["LOADED_AT"])
    assert via_port[0].node_ids == ["Shipment:t:S1", "Port:t:LCB", "Shipment:t:S2"]
    assert all("Port:t:LCB" not in p.node_ids for p in trade_store.paths("Shipment:t:S1", "Shipment:t:S2"))
    with pytest.raises(GraphtoolError, match="max_hops"):
        trade_store.paths(C("Exp"), C("US"), max_hops=9)


def test_goods_flow_follows_the_matching_onward_shipment_only(trade_store):
    report = trade_store.goods_flow("Declaration:t:D1")
    assert [(leg.shipment_id, leg.lag_days, leg.third_country, leg.to_listed) for leg in report.legs] == [
        ("Shipment:t:S1", 54, True, True)
    ]  # S2: wrong weight; S3: beyond 90 days
    assert {C("Exp"), C("TH"), "Shipment:t:S1", C("US")} - {C("Exp")} <= set(report.subgraph.nodes)
    assert len(report.subgraph.edges) == 3
    wider = trade_store.goods_flow(C("Exp"), window_days=200)
    assert [leg.shipment_id for leg in wider.legs] == ["Shipment:t:S1", "Shipment:t:S3"]
    assert trade_store.goods_flow(C("Exp"), weight_tolerance=0.01).legs == []


def test_search_finds_names_across_scripts_identifiers_phones_and_numbers(trade_store):
    def top(query):
        hits = trade_store.search(query)
        return hits[0]["id"], hits[0]["reasons"]

    assert top("Guiyang Dacheng")[0] == C("Exp")
    assert top("贵阳大成锑品有限公司") == (
        C("Exp"),
        [
            "name 贵阳大成锑品有限公司",
            "alias Guiyang Dacheng Antimony Products Co., Ltd.",
            "similar name (1.00): 贵阳大成锑品有限公司",
            "similar alias (1.00): Guiyang Dacheng Antimony Products Co., Ltd.",
        ],
    )
    assert top("915201002311216781") == (C("Exp"), ["uscc 915201002311216781"])
    assert top("Orbit Tradng")[0] == C("TH")
    assert top("0851 8888 1234")[0] == C("Exp")
    assert top("720020250112738106") == ("Declaration:t:D1", ["declaration_no 720020250112738106"])
    assert top("Industrial Road")[0] == "Address:t:1"
    assert trade_store.search("zzzz qqqq") == []


def test_cypher_needs_neo4j(trade_store):
    with pytest.raises(GraphtoolError, match="needs Neo4j"):
        trade_store.cypher("MATCH (n) RETURN n")


def test_store_follows_new_data_and_never_blocks_a_load(tmp_path):
    path = write_graph(tmp_path / "ws.duckdb", [company("A")], [])
    store = open_store(load_settings(workspace=path, env={}))
    first = store.version
    assert store.neighbourhood(C("A")).nodes.keys() == {C("A")}
    write_graph(path, [company("B")], [owns(C("B"), C("A"), 100.0)], name="more.json")  # a load while open
    assert store.version != first
    assert store.ubo(C("A")).owners[0].id == C("B")


def test_cli_answers_as_the_api_does(trade_store):
    runner = CliRunner()

    def same(data):  # as --json writes it: dates as text
        return json.loads(json.dumps(data, default=str))

    def run(*args):
        result = runner.invoke(cli, ["-w", str(trade_store.path), "--json", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert run("neighbourhood", C("Exp"), "--hops", "2") == same(
        trade_store.neighbourhood(C("Exp"), hops=2).to_dict()
    )
    assert run("paths", C("Exp"), C("Other")) == same(
        [p.to_dict() for p in trade_store.paths(C("Exp"), C("Other"))]
    )
    assert run("flow", "Declaration:t:D1")["legs"][0]["shipment_id"] == "Shipment:t:S1"
    assert run("search", "Orbit")[0]["id"] == C("TH")
    text = runner.invoke(cli, ["-w", str(trade_store.path), "ubo", C("TH")])
    assert "no natural person" in text.output
    refused = runner.invoke(cli, ["-w", str(trade_store.path), "cypher", "MATCH (n) RETURN n"])
    assert refused.exit_code == 2 and "needs Neo4j" in refused.output
