"""Search: one box; each hit with its name as recorded, country, roles, list hits and alert count."""

import streamlit as st

from graphtool.app import extras, nav, state, ui
from graphtool.app.i18n import t
from graphtool.app.safe import md

st.header(t("page.search"))
query = st.text_input(t("search.box"), key="search_query")
if query:
    hits = state.cached("search", query, limit=50)
    if not hits:
        st.info(t("search.none", query=md(query)))
    else:
        counts = extras.alert_counts()
        listed = {h["party_id"] for h in extras.list_hits([h["id"] for h in hits])}
        rows = [
            {
                "id": h["id"],
                "kind": h["label"],
                "name": h["name"],
                "country": h.get("country"),
                "roles": ", ".join(h.get("roles") or []),
                "list_hits": "●" if h["id"] in listed or h["label"] == "ListEntry" else "",
                "alerts": counts.get(h["id"], 0),
                "score": round(float(h.get("score") or 0), 2),
                "reasons": "; ".join(h.get("reasons") or []),
            }
            for h in hits
        ]
        st.caption(t("search.results", n=len(rows)))
        ui.table(
            rows,
            {
                k: t(f"col.{k}")
                for k in ("name", "kind", "country", "roles", "list_hits", "alerts", "score", "reasons", "id")
            },
        )
        names = {r["id"]: ui.label(r) for r in rows}
        entity_id = st.selectbox(
            t("search.open"), list(names), format_func=names.__getitem__, key="search_pick"
        )
        left, right, _ = st.columns([1, 1, 6])
        if left.button(t("search.open"), key="search_open", type="primary"):
            nav.go("entity", entity_id)
        if right.button(t("search.network"), key="search_network"):
            nav.go("network", entity_id)
