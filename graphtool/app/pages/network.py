"""Network: the neighbourhood of the entity in hand; click to select, double-click or a button to expand,
hide, pin, filter by relationship type, date window, HS codes and countries."""

import datetime as dt

import streamlit as st

from graphtool.app import nav, state, ui
from graphtool.app.graph import graph_view, kind_names, layout, payload
from graphtool.app.i18n import t
from graphtool.app.pages_common import case_form, export_button
from graphtool.app.safe import md
from graphtool.model import load_model
from graphtool.subgraph import Subgraph

VIEW = "net_view"  # the component's key
S = st.session_state


def reset(seed: str | None) -> None:
    S["net_seed"], S["net_expanded"], S["net_hidden"], S["net_pinned"], S["net_pos"] = (
        seed,
        [],
        set(),
        set(),
        {},
    )
    S["net_selected"] = seed


def on_click() -> None:
    """Runs before the page when the person clicks or double-clicks a node in the browser."""
    event = S.get(VIEW) or {}
    if event.get("select"):
        S["net_selected"] = event["select"]
    if event.get("expand") and event["expand"] not in S["net_expanded"]:
        S["net_expanded"].append(event["expand"])
        S["net_selected"] = event["expand"]


st.header(t("page.network"))
seed = nav.focus()
if S.get("net_seed") != seed or "net_pos" not in S:
    reset(seed)
if not seed:
    st.info(t("net.empty"))
    st.stop()

with st.sidebar.expander(t("page.network"), expanded=True):
    hops = st.slider(t("net.hops"), 1, 4, 1, key="net_hops")
    rel_types = st.multiselect(t("net.rel_types"), sorted(load_model().relationships), key="net_types")
    since = st.date_input(t("net.since"), value=None, min_value=dt.date(1990, 1, 1), key="net_since")
    until = st.date_input(t("net.until"), value=None, min_value=dt.date(1990, 1, 1), key="net_until")
    hs_text = st.text_input(t("net.hs"), key="net_hs")
    country_text = st.text_input(t("net.countries"), key="net_countries")
    limit = st.number_input(t("net.limit"), 20, 2000, 300, step=50, key="net_limit")

filters = {
    "rel_types": tuple(rel_types) or None,
    "since": since,
    "until": until,
    "hs_codes": tuple(c.strip() for c in hs_text.split(",") if c.strip()) or None,
    "countries": tuple(c.strip().upper() for c in country_text.split(",") if c.strip()) or None,
    "limit": int(limit),
}
graph: Subgraph = state.cached("neighbourhood", (seed,), hops=hops, **filters)
for node_id in S["net_expanded"]:
    graph.merge(state.cached("neighbourhood", (node_id,), hops=1, **filters))
graph = graph.without(S["net_hidden"])
S["net_pos"] = layout(graph, {n: p for n, p in S["net_pos"].items() if n in graph.nodes}, [seed])
st.caption(t("net.counts", nodes=len(graph.nodes), edges=len(graph.edges)))
data = payload(
    graph,
    S["net_pos"],
    key=f"{seed}",
    selected=S["net_selected"],
    pinned=frozenset(S["net_pinned"]),
    kind_names=kind_names(),
    more_text=t("net.more", n=graph.more) if graph.more else "",
    hint=t("net.hint"),
    height=620,
)
graph_view(data, VIEW, on_event=on_click)

chosen = S["net_selected"] if S["net_selected"] in graph.nodes else None
if chosen:
    node = graph.nodes[chosen]
    st.markdown(f"**{t('net.selected')}:** {md(node.caption)} · {md(node.label)}")
    pinned = chosen in S["net_pinned"]
    cols = st.columns(5)
    if cols[0].button(t("net.expand"), key="net_expand"):
        if chosen not in S["net_expanded"]:
            S["net_expanded"].append(chosen)
        st.rerun()
    if cols[1].button(t("net.hide"), key="net_hide", disabled=chosen == seed):
        S["net_hidden"].add(chosen)
        st.rerun()
    if cols[2].button(t("net.unpin") if pinned else t("net.pin"), key="net_pin"):
        S["net_pinned"].symmetric_difference_update({chosen})
        st.rerun()
    if cols[3].button(t("net.open"), key="net_open"):
        nav.go("entity", chosen)
    ui.table(
        ui.properties(node),
        {"property": t("col.property"), "value": t("col.value")},
    )
with st.expander(t("case.title")):
    export_button(graph, "network", seed)
    case_form(graph, S["net_pos"], seed, "network")
bottom = st.columns(4)
if S["net_hidden"] and bottom[0].button(t("net.unhide"), key="net_unhide"):
    S["net_hidden"] = set()
    st.rerun()
if bottom[1].button(t("net.reset"), key="net_reset"):
    reset(seed)
    st.rerun()
