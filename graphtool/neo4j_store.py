"""The named investigations over Neo4j, with the Cypher files in ``queries/``.

Each query is read from its file, filled from the model's allow-list (graphtool.cypher), and run in a
managed READ transaction with a timeout and a LIMIT. Where an answer needs computing (ownership,
goods flows) the server returns the facts and the same pure functions as the embedded store compute
it. The data gets here with ``graphtool push``.

Provenance is stored lean (graphtool.neo4j_push): each node and relationship holds its file id, row
and batch, and the ``SourceFile`` nodes name each file and its sha256; the query that finds nodes or
relationships also returns the files they name (no second round trip), and every Provenance is
filled from them, as the embedded store does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphtool import cypher, search
from graphtool.config import Neo4jSettings
from graphtool.investigations import parameters
from graphtool.investigations.filters import Filters
from graphtool.investigations.flow import declaration_fact, shipment_fact
from graphtool.neo4j_backend import connect
from graphtool.neo4j_push import PROVENANCE
from graphtool.store import GraphStore
from graphtool.subgraph import Edge, Node, Provenance, Subgraph

ROWS = 1_000_000  # the bound on rows of a facts query; answers are capped far below it

Files = dict[int, tuple[str, str]]  # file id -> (file name, sha256)


def _files(rows: list[list[Any]]) -> Files:
    """The ``files`` column of nodes.cypher and subgraph.cypher: [file_id, name, sha256] each."""
    return {file_id: (name, sha256) for file_id, name, sha256 in rows}


def _props(props: dict[str, Any]) -> dict[str, Any]:
    """Properties without the id and the provenance keys that ``graphtool push`` adds."""
    return {k: v for k, v in props.items() if k not in PROVENANCE and k != "id" and v is not None}


def _provenance(props: dict[str, Any], files: Files) -> Provenance:
    file_id = props.get("source_file_id")
    name, sha256 = files.get(file_id, (None, None))
    return Provenance(file_id, props.get("source_row"), props.get("load_batch"), name, sha256)


def _node(row: dict[str, Any], files: Files) -> Node:
    """A node from its id and properties; its label is the id's prefix (the branch that found it)."""
    props = row["props"]
    return Node(row["id"], row["id"].split(":", 1)[0], _props(props), _provenance(props, files))


def _edge(row: dict[str, Any], files: Files) -> Edge:
    props = row["props"]
    return Edge(row["id"], row["type"], row["src"], row["dst"], _props(props), _provenance(props, files))


class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(self, settings: Neo4jSettings) -> None:
        self.settings = settings
        self.driver = connect(settings)

    def close(self) -> None:
        self.driver.close()

    def _read(self, text: str, **params: Any) -> list[dict[str, Any]]:
        return cypher.read(self.driver, self.settings, text, **params)

    @property
    def version(self) -> str:
        nodes = self._read("MATCH (n) RETURN count(n) AS n")[0]["n"]
        rels = self._read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        return f"neo4j:{self.settings.uri}/{self.settings.database}:{nodes}:{rels}"

    def cypher(self, query, params=None, limit=1000, timeout_s=10):
        return cypher.run_adhoc(self.driver, self.settings, query, params, limit, timeout_s)

    # ------------------------------------------------------------------ nodes and relationships

    def nodes(self, ids: list[str]) -> dict[str, Node]:
        return self._nodes(ids)[0]

    def _nodes(self, ids: list[str], more_files: list[int] | None = None) -> tuple[dict[str, Node], Files]:
        """The nodes, and the source files they (and ``more_files``) name, in one query."""
        text, by_label = cypher.over_nodes(ids, cypher.render("nodes"))
        if not by_label:
            return {}, {}
        found = self._read(text, ids=by_label, files=more_files or [])[0]
        files = _files(found["files"])
        return {r["id"]: _node(r, files) for r in found["nodes"]}, files

    def _subgraph(self, node_ids: list[str], edge_ids: list[str]) -> Subgraph:
        """The nodes found and the relationships among them with these ids, in one query."""
        text, by_label = cypher.over_nodes(
            node_ids, "WITH collect(n) AS nodes", "WITH nodes, size(nodes) AS total",
            cypher.render("subgraph", types=None),
        )  # fmt: skip
        if not by_label:
            return Subgraph()
        found = self._read(text, ids=by_label, **_subgraph_parameters(edge_ids=list(edge_ids)))[0]
        return _graph(found)

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        return search.search(self.version, self._search_rows, self._search_keys, text, limit)

    def _search_rows(self) -> list[tuple[str, str, dict[str, Any]]]:
        out = []
        for label in search.SEARCHABLE:
            rows = self._read(cypher.render("search_rows", label=label), limit=ROWS)
            out += [(r["id"], label, _props(r["props"])) for r in rows]
        return out

    def _search_keys(self, value: str) -> list[tuple[str, str, dict[str, Any]]]:
        out = []
        for label, keys in search.KEYS.items():
            text = cypher.render("search_keys", label=label, fields=(label, keys))
            out += [(r["id"], label, _props(r["props"])) for r in self._read(text, value=value, limit=100)]
        return out

    # ------------------------------------------------------------------ neighbourhood

    def _neighbourhood(self, seeds: list[str], hops: int, filters: Filters, limit: int) -> Subgraph:
        """One query walks every hop, counts on the server and returns the shown nodes and their
        relationships."""
        text, by_label = _walk(seeds, hops, filters)
        params = filters.cypher_parameters() | _subgraph_parameters(since=filters.since, until=filters.until)
        return _graph(self._read(text, ids=by_label, limit=limit, **params)[0])

    # ------------------------------------------------------------------ paths

    def _listed(self) -> list[str]:
        topics = parameters()["paths"]["listed_topics"]
        rows = self._read(cypher.render("listed_parties"), topics=topics, limit=ROWS)
        return sorted({r["id"] for r in rows})

    def _paths(self, src, dst, max_hops, all_paths, types, limit):
        targets = [dst] if dst else [t for t in self._listed() if t != src]
        by_label: dict[str, list[str]] = {}
        for t in targets:
            by_label.setdefault(t.split(":", 1)[0], []).append(t)
        name = "all_paths" if all_paths else "shortest_paths"
        found = []
        for label, ids in sorted(by_label.items()):
            text = cypher.render(
                name, src_label=src.split(":", 1)[0], dst_label=label, types=types, max_hops=max_hops
            )
            rows = self._read(text, src=src, targets=ids, limit=limit)
            found += [(r["node_ids"], r["edge_ids"]) for r in rows]
        return found

    # ------------------------------------------------------------------ ownership and flows

    def _ownership_facts(self, company_id: str, depth: int) -> tuple[list[Edge], dict[str, Node]]:
        rows = self._read(cypher.render("ownership", depth=depth), company=company_id, limit=ROWS)
        ends = sorted({r["src"] for r in rows} | {r["dst"] for r in rows})
        named = sorted({r["props"].get("source_file_id") for r in rows} - {None})
        nodes, files = self._nodes(ends, named)  # the ends, and the files they and the relationships name
        return sorted((_edge(r, files) for r in rows), key=lambda e: e.id), nodes

    def _flow_facts(self, start_id: str, window_days: int, limit: int, max_legs: int) -> dict[str, Any]:
        rows = self._read(cypher.render("flow_declarations"), start=start_id, limit=limit)
        declarations = [
            declaration_fact(
                r["id"], _props(r["props"]), r["consignee_id"], r["consignee_country"], r["consigned_edge"]
            )
            for r in rows
        ]
        shipments: dict[str, dict[str, Any]] = {}
        holders = {d["consignee_id"] for d in declarations if d["consignee_id"]}
        done: set[str] = set()
        for _ in range(max_legs):
            holders -= done
            if not holders:
                break
            done |= holders
            found = self._read(cypher.render("flow_shipments"), shippers=sorted(holders), limit=ROWS)
            holders = set()
            for r in found:
                if r["id"] not in shipments:
                    shipments[r["id"]] = shipment_fact(
                        r["id"], _props(r["props"]), r["shipper_id"], r["shipped_edge"],
                        r["consignee_id"], r["consignee_country"], r["consigned_edge"],
                    )  # fmt: skip
                    if r["consignee_id"]:
                        holders.add(r["consignee_id"])
        listed = set(self._listed())
        consignees = {s["consignee_id"] for s in shipments.values() if s["consignee_id"]}
        return {
            "declarations": declarations,
            "shipments": list(shipments.values()),
            "listed": sorted(consignees & listed),
            "max_legs": max_legs,
        }


def _subgraph_parameters(
    edge_ids: list[str] | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, Any]:
    """The parameters of ``queries/subgraph.cypher``."""
    return {
        "edge_ids": edge_ids, "since": since, "until": until, "max_relationships": ROWS,
        "dense_degree": parameters()["subgraph"]["dense_degree"],
    }  # fmt: skip


def _graph(row: dict[str, Any]) -> Subgraph:
    """The answer of ``queries/subgraph.cypher`` (nodes in answer order) as a Subgraph."""
    files = _files(row["files"])
    graph = Subgraph(more=row["total"] - len(row["nodes"]))
    for node in row["nodes"]:
        graph.add_node(_node(node, files))
    for edge in row["relationships"]:
        graph.add_edge(_edge(edge, files))
    return graph


def _walk(seeds: list[str], hops: int, filters: Filters) -> tuple[str, dict[str, list[str]]]:
    """The neighbourhood query: the seeds (node_set), one hop block per hop, the count, then the shown
    nodes' subgraph; the text comes from the checked templates only. Returns the text and the ``$ids``
    map."""
    hop = cypher.render("neighbourhood", types=filters.rel_types)
    return cypher.over_nodes(
        seeds,
        "WITH collect(n) AS frontier",
        "WITH [frontier] AS levels, frontier, frontier AS reached",
        *[hop] * hops,
        cypher.render("neighbourhood_count"),
        cypher.render("subgraph", types=filters.rel_types),
    )
