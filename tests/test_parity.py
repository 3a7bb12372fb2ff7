"""Parity: the embedded workspace and Neo4j give the same answer to every named investigation.

Hypothesis generates small graphs (ownership chains with cycles, unknown shares, other interests and
dates; shared addresses and phones; declarations with consignees and onward bills of lading; a
listed party). Each graph is written into a fresh workspace and pushed into the test session's real
Neo4j; every investigation must then answer alike, once ordered (answers are ordered by design).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphtool.config import Neo4jSettings
from graphtool.embedded_store import EmbeddedStore
from graphtool.neo4j_push import push
from graphtool.neo4j_store import Neo4jStore
from graphtool.workspace import Workspace
from tests.graphs import write_graph

DATES = [dt.date(2023, 1, 10), dt.date(2023, 3, 1), dt.date(2023, 4, 20), dt.date(2024, 6, 1)]
AS_OF = dt.date(2023, 6, 1)
HS = ["2825800010", "8112921000", "2825800090"]
_counter = itertools.count()


@st.composite
def graphs(draw) -> tuple[list, list]:
    n_firms = draw(st.integers(3, 6))
    firms = [f"Company:t:f{i}" for i in range(n_firms)]
    people = [f"Person:t:p{i}" for i in range(draw(st.integers(1, 3)))]
    countries = st.sampled_from(["CN", "TH", "HK", "US", None])
    nodes: list = [
        (
            "Company",
            f,
            {
                k: v
                for k, v in {
                    "name": f"Firm {f[-1]} Trading",
                    "country": draw(countries),
                    "sector": draw(st.sampled_from([None, "state"])),
                }.items()
                if v
            },
        )
        for f in firms
    ]
    nodes += [
        ("Person", p, {"name": f"Person {p[-1]}", "nationality": draw(countries) or "CN"}) for p in people
    ]
    nodes += [
        ("Address", f"Address:t:a{i}", {"full": f"{i} Harbour Road", "country": "HK"}) for i in range(2)
    ]
    nodes += [
        ("Phone", "Phone:t:1", {"number": "+852 5555 0101"}),
        ("ListEntry", "ListEntry:t:L", {"name": "Listed"}),
    ]
    edges: list = []
    for k in range(draw(st.integers(2, 9))):  # ownership, cycles allowed
        owner = draw(st.sampled_from(firms + people))
        owned = draw(st.sampled_from([f for f in firms if f != owner]))
        props = {
            "percent": draw(st.sampled_from([None, 10.0, 25.0, 50.0, 60.0, 100.0])),
            "interest": draw(st.sampled_from([None, "shareholding", "votingRights"])),
            "start_date": draw(st.sampled_from([None, DATES[0], DATES[3]])),
            "end_date": draw(st.sampled_from([None, None, DATES[2]])),
            "declared_indirect": draw(st.sampled_from([None, None, True])),
        }
        edges.append(("OWNS", owner, owned, {k: v for k, v in props.items() if v is not None}, str(k)))
    for who in draw(st.lists(st.sampled_from(firms + people), max_size=3, unique=True)):
        edges.append(
            ("OFFICER_OF", who, draw(st.sampled_from(firms)), {"role": "director"}, "")
            if who not in firms
            else ("LOCATED_AT", who, draw(st.sampled_from(["Address:t:a0", "Address:t:a1"])), {}, "")
        )
    for f in draw(st.lists(st.sampled_from(firms), max_size=2, unique=True)):
        edges.append(("HAS_PHONE", f, "Phone:t:1", {}, ""))
    edges.append(("LISTED_AS", draw(st.sampled_from(firms)), "ListEntry:t:L", {}, ""))
    for i in range(draw(st.integers(1, 4))):  # declarations and onward bills
        d = f"Declaration:t:d{i}"
        exporter, consignee = draw(st.sampled_from(firms)), draw(st.sampled_from(firms))
        nodes.append(
            (
                "Declaration",
                d,
                {
                    "declaration_no": f"D{i}",
                    "hs_code": draw(st.sampled_from(HS)),
                    "export_date": draw(st.sampled_from(DATES[:3])),
                    "gross_kg": 1000.0,
                    "destination_country": draw(countries) or "TH",
                },
            )
        )
        edges += [("EXPORTED", exporter, d, {}, ""), ("CONSIGNED_TO", d, consignee, {}, "")]
        s = f"Shipment:t:s{i}"
        nodes.append(
            (
                "Shipment",
                s,
                {
                    "bl_no": f"B{i}",
                    "hs_code": draw(st.sampled_from(HS))[:6],
                    "date": draw(st.sampled_from(DATES)),
                    "weight_kg": draw(st.sampled_from([1000.0, 1050.0, 2000.0])),
                    "discharge_country": "US",
                },
            )
        )
        edges += [
            ("SHIPPED", draw(st.sampled_from(firms)), s, {}, ""),
            ("CONSIGNED_TO", s, draw(st.sampled_from(firms)), {}, ""),
        ]
    return nodes, edges


def _plain(data: Any) -> Any:
    """Order-normalised, JSON-shaped; provenance included whole (file id, row, batch, file name,
    sha256: Neo4j keeps the workspace's file ids and its SourceFile nodes)."""
    return json.loads(json.dumps(data, default=str, sort_keys=True))


def answers(store, nodes: list) -> dict[str, Any]:
    firms = sorted(n[1] for n in nodes if n[0] == "Company")
    decls = sorted(n[1] for n in nodes if n[0] == "Declaration")
    out: dict[str, Any] = {}
    for f in firms[:3]:
        out[f"ubo {f}"] = store.ubo(f, as_of=AS_OF).to_dict()
        out[f"votes {f}"] = store.ubo(f, as_of=AS_OF, interest="votingRights", threshold=10).to_dict()
        out[f"n2 {f}"] = store.neighbourhood(f, hops=2, limit=12).to_dict()
        out[f"paths-listed {f}"] = [p.to_dict() for p in store.paths(f, max_hops=4, limit=5)]
    out["n3 filtered"] = store.neighbourhood(
        firms[:2], hops=3, since="2023-02-01", hs_codes=["2825"], countries=["TH", "HK"]
    ).to_dict()
    out["n2 types"] = store.neighbourhood(firms[0], hops=2, rel_types=["OWNS", "LOCATED_AT"]).to_dict()
    out["shortest"] = [p.to_dict() for p in store.paths(firms[0], firms[-1], max_hops=5)]
    out["all"] = [p.to_dict() for p in store.paths(firms[0], firms[1], max_hops=4, all_paths=True, limit=6)]
    out["flows"] = [store.goods_flow(d, window_days=60, weight_tolerance=0.06).to_dict() for d in decls]
    out["flow firm"] = store.goods_flow(firms[0]).to_dict()
    out["search name"] = store.search("Firm 1 Trading")
    out["search phone"] = store.search("5555 0101")
    out["search key"] = store.search("D0")
    return _plain(out)


@pytest.fixture
def neo4j_settings(neo4j_target) -> Neo4jSettings:
    user, password = neo4j_target.auth or (None, None)
    return Neo4jSettings(uri=neo4j_target.uri, user=user, password=password)


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=graphs())
def test_both_backends_answer_every_investigation_alike(graph, tmp_path, clean_neo4j, neo4j_settings):
    nodes, edges = graph
    path = write_graph(tmp_path / f"g{next(_counter)}.duckdb", nodes, edges)
    clean_neo4j.execute_query("MATCH (n) DETACH DELETE n")  # each example starts from an empty graph
    with Workspace.open(path) as ws:
        push(ws, neo4j_settings, clean_neo4j)
    embedded = answers(EmbeddedStore(path), nodes)
    with Neo4jStore(neo4j_settings) as neo:
        remote = answers(neo, nodes)
    for key in embedded:
        assert remote[key] == embedded[key], key
