"""Cases: created, added to and reviewed the same way in the workspace and on a shared Neo4j server."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from graphtool import cases
from graphtool.errors import NotFound
from graphtool.subgraph import Edge, Node, Provenance, Subgraph
from graphtool.workspace import Workspace

EXPORTER = "Company:uscc:91350100M000100Y43"
CONSIGNEE = "Company:name:apex"


def evidence() -> Subgraph:
    graph = Subgraph()
    graph.add_node(
        Node(
            EXPORTER,
            "Company",
            {"name": "宁波恒达稀有金属有限公司", "incorporation_date": dt.date(2012, 5, 14)},
            Provenance(1, 2, 1, "companies.csv", "ab" * 32),
        )
    )
    graph.add_node(Node(CONSIGNEE, "Company", {"name": "Apex Alloys Trading Co., Ltd"}))
    graph.add_edge(
        Edge(
            f"OWNS:{EXPORTER}>{CONSIGNEE}",
            "OWNS",
            EXPORTER,
            CONSIGNEE,
            {"percent": 51.0, "start_date": dt.date(2019, 8, 1)},
            Provenance(1, 3, 1),
        )
    )
    return graph


@pytest.fixture(params=["workspace", "neo4j"])
def book(request, tmp_path):
    if request.param == "workspace":
        with Workspace.open(tmp_path / "ws.duckdb") as ws:
            yield cases.WorkspaceBook(ws)
    else:
        driver = request.getfixturevalue("clean_neo4j")
        for label, node_id in (("Company", EXPORTER), ("Company", CONSIGNEE)):
            driver.execute_query(f"CREATE (:{label} {{id: $id}})", id=node_id, database_="neo4j")
        yield cases.Neo4jBook(driver)


def test_a_case_is_created_and_grows_with_its_history(book):
    case = cases.create_case(book, "Antimony via Laem Chabang", "li.wei", tags=["antimony"])
    assert case.case_id == "CASE-0001"
    assert cases.create_case(book, "Second", "li.wei").case_id == "CASE-0002"
    cases.add_to_case(
        book,
        case.case_id,
        "li.wei",
        subgraph=evidence(),
        positions={EXPORTER: (0, 1), CONSIGNEE: (2.5, -1)},
        query={"name": "neighbourhood", "parameters": {"ids": [EXPORTER], "hops": 1}},
    )
    cases.add_to_case(
        book, case.case_id, "zhang.min", alerts=["A-1234"], notes=["报关单与提单重量不符"], tags=["tungsten"]
    )
    stored = cases.get_case(book, case.case_id)
    assert stored.entities == sorted([EXPORTER, CONSIGNEE])
    assert stored.subgraph.to_dict() == evidence().to_dict()  # dates, numbers and provenance kept
    assert stored.positions[CONSIGNEE] == (2.5, -1.0)
    assert stored.alerts == ["A-1234"] and stored.tags == ["antimony", "tungsten"]
    assert stored.notes[0]["text"] == "报关单与提单重量不符" and stored.notes[0]["by"] == "zhang.min"
    assert stored.queries[0]["parameters"] == {"ids": [EXPORTER], "hops": 1}
    history = cases.case_history(book, case.case_id)
    assert [(h["by"], h["action"]) for h in history] == [
        ("li.wei", "created"),
        ("li.wei", "added"),
        ("zhang.min", "added"),
    ]
    assert history[1]["details"]["subgraph"] == {"nodes": 2, "relationships": 1}
    assert [c.case_id for c in cases.list_cases(book)] == ["CASE-0001", "CASE-0002"]


def test_adding_the_same_things_twice_changes_nothing(book):
    case = cases.create_case(book, "c", "u")
    cases.add_to_case(book, case.case_id, "u", entities=[EXPORTER], alerts=["A-1"])
    again = cases.add_to_case(book, case.case_id, "u", entities=[EXPORTER], alerts=["A-1"])
    assert again.entities == [EXPORTER] and again.alerts == ["A-1"] and len(again.history) == 2


def test_an_unknown_case_is_named(book):
    with pytest.raises(NotFound, match="CASE-0404"):
        cases.get_case(book, "CASE-0404")
    with pytest.raises(NotFound, match="CASE-0404"):
        cases.add_to_case(book, "CASE-0404", "u", notes=["x"])


def test_on_neo4j_a_case_links_its_entities_and_concurrent_notes_are_all_kept(clean_neo4j):
    for node_id in (EXPORTER, CONSIGNEE):
        clean_neo4j.execute_query("CREATE (:Company {id: $id})", id=node_id, database_="neo4j")
    book = cases.Neo4jBook(clean_neo4j)
    case = cases.create_case(book, "shared", "li.wei")
    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(
                lambda i: cases.add_to_case(
                    cases.Neo4jBook(clean_neo4j), case.case_id, f"u{i}", notes=[f"note {i}"]
                ),
                range(8),
            )
        )
    cases.add_to_case(book, case.case_id, "li.wei", entities=[EXPORTER, CONSIGNEE])
    assert sorted(n["text"] for n in cases.get_case(book, case.case_id).notes) == [
        f"note {i}" for i in range(8)
    ]
    records, _, _ = clean_neo4j.execute_query(
        "MATCH (:Case {case_id: $id})-[:INCLUDES]->(n) RETURN n.id AS id ORDER BY id",
        id=case.case_id,
        database_="neo4j",
    )
    assert [r["id"] for r in records] == sorted([EXPORTER, CONSIGNEE])
