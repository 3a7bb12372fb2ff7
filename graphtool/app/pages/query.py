"""Query (analysts and above): read-only Cypher on Neo4j, results as a table and, when they hold nodes, a graph."""

import streamlit as st

from graphtool.app import state, ui
from graphtool.app.graph import draw
from graphtool.app.i18n import t
from graphtool.subgraph import Subgraph

st.header(t("page.query"))
if not state.settings().neo4j:
    st.info(t("query.neo4j_only"))
    st.stop()
ui.authorize("query", "page")  # stops here (as a message) for roles below analyst
text = st.text_area(t("query.text"), "MATCH (c:Company)-[r]-(x) RETURN c, r, x LIMIT 25", key="query_text")
if st.button(t("query.run"), key="query_run", type="primary"):
    ui.authorize("query", "cypher", {"query": text})
    st.session_state["query_result"] = state.store().cypher(text, {}, limit=1000, timeout_s=30)
result = st.session_state.get("query_result")
if result is not None:
    rows = result.get("rows", []) if isinstance(result, dict) else getattr(result, "rows", [])
    st.caption(t("query.rows", n=len(rows)))
    ui.table([{k: str(v) for k, v in r.items()} for r in rows])
    graph = result.get("subgraph") if isinstance(result, dict) else getattr(result, "subgraph", None)
    if isinstance(graph, Subgraph) and graph.nodes:
        draw(graph, "query_view")
