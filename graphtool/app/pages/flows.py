"""Flows: controlled goods by route (exporter → consignee → onward), a Sankey of countries, a map of
the routes between countries, the route graph, and the country-level pattern after a control date
(trade statistics)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from graphtool.app import nav, state, ui
from graphtool.app.graph import draw
from graphtool.app.i18n import t
from graphtool.app.safe import md, plain
from graphtool.app.world_map import route_map
from graphtool.controls import control_rules
from graphtool.subgraph import Subgraph

st.header(t("page.flows"))
start = ui.entity_picker("flow_start", t("flow.start")) or nav.focus()
if start and start.split(":", 1)[0] in ("Company", "Declaration"):
    st.caption(md(state.captions([start])[start]))
    report = state.cached("goods_flow", start)
    if not report.legs:
        st.info(t("flow.none"))
    else:
        names = state.captions(list({i for leg in report.legs for i in (leg.via_id, leg.to_id) if i}))
        st.subheader(t("flow.routes"))
        ui.table(
            [
                {
                    "from": leg.from_id,
                    "via": names.get(leg.via_id, leg.via_id),
                    "via_country": leg.via_country,
                    "to": names.get(leg.to_id, leg.to_id) if leg.to_id else "",
                    "to_country": leg.to_country,
                    "days": leg.lag_days,
                    "kg in/out": f"{leg.weight_in:,.0f} / {leg.weight_out:,.0f}",
                    "HS": f"{leg.hs_in} → {leg.hs_out}",
                    "listed": "●" if leg.to_listed else "",
                }
                for leg in report.legs
            ]
        )
        st.subheader(t("flow.sankey"))
        pairs = (
            pd.DataFrame(
                [("CN", leg.via_country or "?", leg.weight_out) for leg in report.legs if leg.depth == 1]
                + [(leg.via_country or "?", leg.to_country or "?", leg.weight_out) for leg in report.legs],
                columns=["src", "dst", "kg"],
            )
            .groupby(["src", "dst"], as_index=False)["kg"]
            .sum()
        )
        labels = sorted(set(pairs["src"]) | set(pairs["dst"]))
        where = {c: i for i, c in enumerate(labels)}
        st.plotly_chart(
            go.Figure(
                go.Sankey(
                    node={"label": [plain(c) for c in labels], "pad": 20},
                    link={
                        "source": [where[s] for s in pairs["src"]],
                        "target": [where[d] for d in pairs["dst"]],
                        "value": pairs["kg"].tolist(),
                    },
                )
            ),
            width="stretch",
            config={"displaylogo": False},
        )
        st.subheader(t("flow.map"))
        figure, unplaced = route_map(list(pairs.itertuples(index=False, name=None)))
        st.plotly_chart(figure, width="stretch", config={"displaylogo": False, "scrollZoom": True})
        if unplaced:
            st.caption(t("flow.unplaced", codes=md(", ".join(unplaced))))
        st.subheader(t("flow.graph"))
        draw(report.subgraph if report.subgraph.nodes else Subgraph(), "flow_view")
else:
    st.info(t("app.pick_entity"))

st.subheader(t("flow.surge"))
stats = state.cached_sql(
    "SELECT reporter, month, hs6, sum(kg) AS kg FROM trade_stats WHERE flow = 'import' AND partner = 'CN' "
    "GROUP BY ALL ORDER BY month"
)
if stats.empty:
    st.caption(t("entity.none"))
else:
    hs6 = st.selectbox("HS6", sorted(stats["hs6"].unique()), key="flow_hs6")
    chosen = stats[stats["hs6"] == hs6]
    top = chosen.groupby("reporter")["kg"].sum().nlargest(8).index
    chart = chosen[chosen["reporter"].isin(top)].pivot_table(index="month", columns="reporter", values="kg")
    rules = [
        r
        for r in control_rules().rules
        if any(c.startswith(hs6) or hs6.startswith(c[:6]) for c in r.reference_codes)
    ]
    if rules:
        first = min(rules, key=lambda r: r.effective_from)
        st.caption(
            f"{first.announcement}: {first.effective_from} · {md(first.items_en)} / {md(first.items_zh)}"
        )
    st.line_chart(chart)
