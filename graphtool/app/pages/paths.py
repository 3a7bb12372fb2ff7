"""Paths: between two entities, or from one entity to any listed party; each path drawn and listed."""

import streamlit as st

from graphtool.app import nav, state, ui
from graphtool.app.graph import draw
from graphtool.app.i18n import t
from graphtool.app.safe import md
from graphtool.subgraph import Subgraph

st.header(t("page.paths"))
focus = nav.focus()
left, right = st.columns(2)
with left:
    src = ui.entity_picker("paths_from", t("paths.from")) or focus
    if src:
        st.caption(md(state.captions([src])[src]))
with right:
    to_listed = st.checkbox(t("paths.to_listed"), value=True, key="paths_listed")
    dst = None if to_listed else ui.entity_picker("paths_to", t("paths.to"))
max_hops = st.slider(t("paths.max_hops"), 1, 8, 4, key="paths_hops")
all_paths = st.checkbox(t("paths.all"), key="paths_all")
if not src:
    st.info(t("app.pick_entity"))
    st.stop()
if not st.button(t("paths.find"), key="paths_find", type="primary") and not st.session_state.get(
    "paths_shown"
):
    st.stop()
st.session_state["paths_shown"] = True
found = state.cached("paths", src, dst, max_hops=max_hops, all_paths=all_paths, limit=25)
if not found:
    st.info(t("paths.none", hops=max_hops))
    st.stop()
st.caption(t("paths.found", n=len(found)))
picture = Subgraph()
for path in found:
    picture.merge(path.subgraph)
draw(picture, "paths_view")
for number, path in enumerate(found, 1):
    steps = []
    for i, node_id in enumerate(path.node_ids):
        steps.append(path.subgraph.nodes[node_id].caption if node_id in path.subgraph.nodes else node_id)
        if i < len(path.edge_ids):
            steps.append(f"—{path.subgraph.edges[path.edge_ids[i]].type}→")
    st.markdown(f"**{number}** · " + " ".join(md(s) for s in steps))
