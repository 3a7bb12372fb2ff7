"""The relationships among the nodes an answer shows, on Neo4j: a node with many relationships (a busy
exporter, a port) is not expanded on its busy side, and every relationship among the shown nodes is
still found, once, whatever the threshold: the answers equal the embedded store's."""

from __future__ import annotations

import datetime as dt

import pytest

from graphtool.config import Neo4jSettings
from graphtool.embedded_store import EmbeddedStore
from graphtool.investigations import parameters
from graphtool.investigations.filters import make_filters
from graphtool.neo4j_push import push
from graphtool.neo4j_store import Neo4jStore, _subgraph_parameters, _walk
from graphtool.workspace import Workspace
from tests.graphs import company, owns, person, write_graph

HUB, OTHER = "Company:t:H", "Company:t:G"  # both busy: many declarations out, many consignments in
DECLS = [f"Declaration:t:d{i}" for i in range(5)]


def _graph() -> tuple[list, list]:
    nodes = [company("H"), company("G"), company("C"), person("P")]
    nodes += [("Declaration", d, {"declaration_no": d[-2:]}) for d in DECLS]
    nodes += [("Address", "Address:t:A", {"full": "1 Harbour Road"})]
    edges = [("EXPORTED", HUB, d, {}, "") for d in DECLS[:4]]
    edges += [("EXPORTED", OTHER, DECLS[4], {}, "")]
    edges += [("CONSIGNED_TO", d, OTHER, {}, "") for d in DECLS[:4]]
    edges += [("CONSIGNED_TO", DECLS[4], HUB, {}, "")]
    edges += [
        owns(HUB, OTHER, 60.0, "a", end_date=dt.date(2022, 12, 31)),  # busy to busy, twice
        owns(HUB, OTHER, 40.0, "b", start_date=dt.date(2023, 1, 1)),
        owns(OTHER, HUB, 5.0),  # and back
        owns(HUB, "Company:t:C", 100.0),
        owns("Person:t:P", HUB, 30.0),
        ("LOCATED_AT", HUB, "Address:t:A", {}, ""),
        ("LOCATED_AT", OTHER, "Address:t:A", {}, ""),
        ("LOCATED_AT", "Company:t:C", "Address:t:A", {}, ""),
        ("REPRESENTS", "Person:t:P", "Company:t:C", {"role": "agent"}, ""),
    ]
    return nodes, edges


@pytest.fixture(scope="module")
def stores(tmp_path_factory, neo4j_target, neo4j_driver):
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    nodes, edges = _graph()
    path = write_graph(tmp_path_factory.mktemp("dense") / "ws.duckdb", nodes, edges)
    user, password = neo4j_target.auth or (None, None)
    settings = Neo4jSettings(uri=neo4j_target.uri, user=user, password=password)
    with Workspace.open(path) as ws:
        push(ws, settings, neo4j_driver)
    with Neo4jStore(settings) as neo:
        yield EmbeddedStore(path), neo


def _answers(store) -> dict[str, object]:
    return {
        "2 hops": store.neighbourhood(HUB, hops=2).to_dict(),
        "1 hop, cut": store.neighbourhood(HUB, hops=1, limit=4).to_dict(),
        "window": store.neighbourhood(HUB, hops=1, since="2023-06-01").to_dict(),
        "types": store.neighbourhood([HUB, OTHER], hops=1, rel_types=["OWNS", "CONSIGNED_TO"]).to_dict(),
        "path": [p.to_dict() for p in store.paths("Person:t:P", OTHER, max_hops=3, all_paths=True)],
    }


def _without_file_ids(data: object) -> object:
    """The workspace numbers its files; Neo4j names a file by its sha256 instead."""
    if isinstance(data, dict):
        return {k: _without_file_ids(v) for k, v in data.items() if k != "file_id"}
    if isinstance(data, list):
        return [_without_file_ids(v) for v in data]
    return data


@pytest.mark.parametrize("dense_degree", [0, 1, 2, 4, 100])
def test_relationships_among_shown_nodes_are_all_found_once_at_any_threshold(
    stores, monkeypatch, dense_degree
):
    embedded, neo = stores
    monkeypatch.setitem(parameters()["subgraph"], "dense_degree", dense_degree)
    expected = _without_file_ids(_answers(embedded))
    assert _without_file_ids(_answers(neo)) == expected
    assert len(expected["2 hops"]["edges"]) == 19  # every relationship of the graph is among its nodes

    filters = make_filters()
    text, ids = _walk([HUB], 2, filters)
    row = neo._read(text, ids=ids, limit=300, **filters.cypher_parameters() | _subgraph_parameters())[0]
    found = [r["id"] for r in row["relationships"]]
    assert len(found) == len(set(found)) == 19  # each one once
