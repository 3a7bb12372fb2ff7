"""Query (analysts and above): read-only Cypher on Neo4j, results as a table and, when they hold nodes, a graph."""

import json
from typing import Any

import streamlit as st

from graphtool.app import state, ui
from graphtool.app.graph import draw
from graphtool.app.i18n import t
from graphtool.subgraph import Edge, Node, Subgraph


def collect(value: Any, graph: Subgraph) -> None:
    """Nodes and relationships found anywhere in a result value (as ``cypher.plain`` returns them)."""
    if isinstance(value, list):
        for item in value:
            collect(item, graph)
    elif isinstance(value, dict) and "labels" in value and value.get("id"):
        graph.add_node(Node(value["id"], (value["labels"] or ["?"])[0], dict(value.get("properties") or {})))
    elif isinstance(value, dict) and "type" in value and value.get("src") and value.get("dst"):
        edge_id = value.get("id") or f"{value['src']}|{value['type']}|{value['dst']}"
        graph.add_edge(
            Edge(edge_id, value["type"], value["src"], value["dst"], dict(value.get("properties") or {}))
        )
    elif isinstance(value, dict) and "nodes" in value:
        collect(value["nodes"], graph)
        collect(value.get("relationships", []), graph)


def cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


st.header(t("page.query"))
if not state.settings().neo4j:
    st.info(t("query.neo4j_only"))
    st.stop()
if not ui.allowed("query"):
    ui.authorize("query", "page")  # records the refusal and shows why (a role below analyst)
text = st.text_area(t("query.text"), "MATCH (c:Company)-[r]-(x) RETURN c, r, x LIMIT 25", key="query_text")
if st.button(t("query.run"), key="query_run", type="primary"):
    ui.authorize("query", "cypher", {"query": text})
    st.session_state["query_result"] = state.store().cypher(text, {}, limit=1000, timeout_s=30)
if "query_result" in st.session_state:
    columns, rows = st.session_state["query_result"]
    st.caption(t("query.rows", n=len(rows)))
    ui.table([{c: cell(v) for c, v in zip(columns, row, strict=True)} for row in rows])
    graph = Subgraph()
    collect(rows, graph)
    graph = graph.without({e.src for e in graph.edges.values()} - set(graph.nodes))
    graph = graph.without({e.dst for e in graph.edges.values()} - set(graph.nodes))
    if graph.nodes:
        draw(graph, "query_view")
