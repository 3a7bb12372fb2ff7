"""The hidden foreign owner rule on small source files (a register, shareholdings, declarations): who
is flagged, who is not, and the same alerts from Neo4j. Exporters (all CN, all shipping controlled
gallium to Sunrise Supply in Singapore unless said otherwise):

- E1: 100 % by HK holding H1, 80 % by BVI holding V1, 60 % by US person P1 (48 %); P1 also owns the
  consignee's register record; JP person P6 holds an unknown share of H1.
- E2: a US person at 20 % through an HK holding.       E6: a CN person through an HK holding.
- E3: circular HK pair (H3 owns 30 % of H4, H4 20 % of H3); GB person P3 50 % of BVI V3 (80 % of H3): 40 %.
- E4: a cycle that would add 5.76 % if walked twice: US person P4 owns 24 % of E4 through A4 (HK).
- E5: the HK holding's share of E5 is unknown.          E7: a foreign state body holds 30 % directly.
- E8: the US owner's HK holding sold E8 in mid-2024: only the line before counts.
- E9: a BVI chain to a US person at 100 %, but only uncontrolled goods.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from graphtool.alerts import AlertError, Neo4jSource, alert, run_alerts
from graphtool.alerts.engine import Embedded, detect, rule_specs, run
from graphtool.config import Neo4jSettings
from graphtool.neo4j_push import push
from graphtool.normalise.uscc import make_uscc
from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import CN_HEADERS, cn_row, write_csv

COUNTRY = {"H": "HK", "A": "HK", "B": "HK", "V": "VG", "S": "US"}
NATIONALITY = {"P1": "US", "P2": "US", "P3": "GB", "P4": "US", "P5": "US", "P6": "JP", "P8": "US", "P9": "US"}
CONSIGNEE = "Sunrise Supply Pte. Ltd."
STATE = "US Department of Energy"
NAMES = {
    "P1": "David Johnson",
    "H1": "Cardinal Holdings Limited",
    "V1": "Island Vertex Ltd.",
    "K": CONSIGNEE,
    "S7": STATE,
}


def uscc(exporter: str) -> str:
    return make_uscc(f"91350100M0001{int(exporter[1:]):02d}Y4")


def name(key: str) -> str:
    """E* are exporters, P* people, other keys foreign firms."""
    if key.startswith("E"):
        return f"宁波{key}稀有金属有限公司"
    return NAMES.get(key, f"Person {key}" if key.startswith("P") else f"{key} Holdings Limited")


def holding(owner: str, owned: str, percent: float | None, end: str = "") -> dict[str, str]:
    """One row of ownership.csv; exporters are identified by USCC, the others by name and country."""
    row = {"owner_name": name(owner), "owned_name": name(owned), "percent": "" if percent is None else f"{percent:g}",
           "start_date": "2015-01-01", "end_date": end}  # fmt: skip
    if owner.startswith("P"):
        row |= {"owner_type": "person", "owner_nationality": NATIONALITY.get(owner, "CN")}
        row["owner_country"] = row["owner_nationality"]
    else:
        row |= {"owner_type": "company", "owner_country": COUNTRY[owner[0]]}
    if owned.startswith("E"):
        row |= {"owned_uscc": uscc(owned), "owned_country": "CN"}
    else:
        row["owned_country"] = COUNTRY.get(owned[0], "SG")
    return row


SHAREHOLDINGS = [
    ("H1", "E1", 100), ("V1", "H1", 80), ("P1", "V1", 60), ("P6", "H1", None), ("P1", "K", 100),
    ("H2", "E2", 100), ("P2", "H2", 20), ("Pcn", "H2", 80),
    ("H3", "E3", 100), ("V3", "H3", 80), ("H4", "H3", 20), ("H3", "H4", 30), ("P3", "V3", 50),
    ("A4", "E4", 24), ("B4", "A4", 40), ("A4", "B4", 60), ("P4", "A4", 100),
    ("H5", "E5", None), ("P5", "H5", 100),
    ("H6", "E6", 100), ("Pcn6", "H6", 100),
    ("S7", "E7", 30),
    ("P8", "H8", 100),
    ("V9", "E9", 100), ("P9", "V9", 100),
]  # fmt: skip


def _line(exporter: str, day: str, no: int, hs: str = "8112929010", goods: str = "金属镓") -> dict[str, str]:
    return cn_row(**{
        "报关单号": f"31042024{no:010d}", "申报日期": day, "境内发货人": name(exporter),
        "境内发货人统一社会信用代码": uscc(exporter), "境外收货人": CONSIGNEE, "贸易国(地区)": "新加坡",
        "运抵国(地区)": "新加坡", "最终目的国(地区)": "新加坡", "商品编号": hs, "商品名称": goods,
        "规格型号": "成分:Ga 99.99%", "许可证号": "",
    })  # fmt: skip


def declaration(exporter: str, n: int) -> str:
    return f"Declaration:line:31042024{int(exporter[1:]) * 10 + n:010d}:1"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hidden-owner")
    lines = [
        _line(f"E{i}", day, i * 10 + n)
        for i in range(1, 9)
        for n, day in enumerate(("2024-03-01", "2025-01-15"))
    ]
    lines.append(_line("E9", "2025-01-15", 90, "6909110000", "陶瓷制品"))
    rows = [holding(*h) for h in SHAREHOLDINGS] + [holding("H8", "E8", 100, end="2024-06-01")]
    files = [
        write_csv(
            folder / "companies.csv",
            [
                {"name": STATE, "country": "US", "sector": "government"},
                {"name": CONSIGNEE, "country": "SG", "sector": "distributor"},
            ],
        ),
        write_csv(folder / "ownership.csv", rows),
        write_csv(folder / "declarations.csv", lines, CN_HEADERS),
    ]
    path = folder / "ws.duckdb"
    with Workspace.open(path) as ws:
        for file in files:
            load_file(ws, file)
    return path


def C(key: str) -> str:
    return f"Company:uscc:{uscc(key)}"


@pytest.fixture(scope="module")
def alerts(workspace):
    with Workspace.open(workspace) as ws:
        return {a.key: a for a in run(ws, ["hidden_foreign_owner"])}


def test_a_chain_through_an_offshore_and_a_bvi_holding_to_a_foreign_person_is_flagged(alerts):
    found = alerts[C("E1")]
    assert found.indicators == ["B7", "UBO", "offshore", "secrecy"] and found.score == 0.853
    assert (
        "48 % of it is owned by David Johnson (US national) via Cardinal Holdings Limited (HK) and "
        "Island Vertex Ltd. (VG, secrecy jurisdiction); David Johnson owns 100 % of the consignee "
        "Sunrise Supply Pte. Ltd."
    ) in found.sentence
    assert found.sentence.startswith(
        "宁波E1稀有金属有限公司 exports gallium (2 controlled line(s), 2024-03-01 to"
    )
    assert found.declarations == [declaration("E1", 0), declaration("E1", 1)]
    assert [o["name"] for o in found.values["owners"]] == ["David Johnson"]
    assert found.values["owners"][0]["percent"] == 48.0 and found.values["owners"][0]["country"] == "US"
    assert {f.text for f in found.facts if f.label == "OWNS"} == {
        "Cardinal Holdings Limited owns 100 % of 宁波E1稀有金属有限公司 since 2015-01-01",
        "Island Vertex Ltd. owns 80 % of Cardinal Holdings Limited since 2015-01-01",
        "David Johnson owns 60 % of Island Vertex Ltd. since 2015-01-01",
        "David Johnson owns 100 % of the consignee Sunrise Supply Pte. Ltd.",
    }
    sources = {f.label: f.file for f in found.facts}
    assert sources == {"OWNS": "ownership.csv", "Person": "ownership.csv", "Declaration": "declarations.csv"}
    assert all(f.row_no and f.file_id for f in found.facts)


def test_the_stored_alert_shows_the_ownership_chain_as_evidence(workspace):
    with Workspace.open(workspace) as ws:
        stored = run_alerts(ws, ["hidden_foreign_owner"])
        shown = alert(ws, next(a.id for a in stored if a.key == C("E1")))
    graph = shown.evidence
    owners = {graph.nodes[e.src].caption for e in graph.edges.values() if e.type == "OWNS"}
    assert owners == {"Cardinal Holdings Limited", "Island Vertex Ltd.", "David Johnson"}
    assert set(shown.declarations) <= set(graph.nodes)
    assert all(e.provenance.file_id and e.provenance.row_no for e in graph.edges.values())


def test_owners_under_the_threshold_domestic_owners_and_uncontrolled_goods_raise_nothing(alerts):
    assert C("E2") not in alerts  # a US person at 20 %
    assert C("E6") not in alerts  # a CN person behind an HK holding
    assert C("E9") not in alerts  # a BVI chain, but no controlled goods


def test_circular_holdings_are_counted_once(alerts):
    assert alerts[C("E3")].values["owners"][0]["percent"] == 40.0
    assert C("E4") not in alerts  # 24 %; walking the A4-B4 cycle again would make it 29.76 %


def test_an_unknown_share_is_reported_as_unknown_never_as_reaching_the_threshold(alerts):
    assert C("E5") not in alerts
    assert alerts[C("E1")].sentence.endswith("; share unknown for Person P6 (JP).")
    assert len(alerts[C("E1")].values["share_unknown"]) == 1


def test_a_foreign_state_counts_and_a_direct_holding_scores_lower(alerts):
    state = alerts[C("E7")]
    assert state.indicators == ["UBO"] and state.score == 0.5
    assert "30 % of it is owned by the state body US Department of Energy (US)" in state.sentence


def test_only_the_lines_exported_while_the_foreign_owner_held_the_share_count(alerts):
    assert alerts[C("E8")].declarations == [declaration("E8", 0)]


def test_alerts_are_ranked_and_deterministic(workspace, alerts):
    with Workspace.open(workspace) as ws:
        first, again = run(ws, ["hidden_foreign_owner"]), run(ws, ["hidden_foreign_owner"])
    assert [(a.id, a.score, a.sentence, a.facts) for a in again] == [
        (a.id, a.score, a.sentence, a.facts) for a in first
    ]
    assert [a.score for a in again] == sorted((a.score for a in again), reverse=True)
    assert len(alerts) == len({a.key for a in again}) == 4  # one alert per exporter: E1, E3, E7, E8


def test_a_chain_depth_beyond_the_cypher_bound_is_refused_by_name(workspace):
    spec = rule_specs()["hidden_foreign_owner"]
    deeper = replace(spec, params={**spec.params, "max_depth": 11})
    with Workspace.open(workspace) as ws, pytest.raises(AlertError, match="hidden_foreign_owner: max_depth"):
        detect(ws, deeper, Embedded())


def test_neo4j_gives_the_same_alerts(workspace, clean_neo4j, neo4j_target):
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    with Workspace.open(workspace) as ws:
        push(ws, settings, clean_neo4j)
        embedded = run(ws, ["hidden_foreign_owner"])
        on_neo4j = run(ws, ["hidden_foreign_owner"], Neo4jSource(clean_neo4j))
    assert [(a.id, a.score, a.sentence, a.declarations, a.entities, a.facts) for a in on_neo4j] == [
        (a.id, a.score, a.sentence, a.declarations, a.entities, a.facts) for a in embedded
    ]
