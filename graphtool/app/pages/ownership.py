"""Ownership: beneficial owners with effective shares as of a date; foreign owners highlighted."""

import datetime as dt

import pandas as pd
import streamlit as st

from graphtool.app import nav, state, ui
from graphtool.app.graph import draw
from graphtool.app.i18n import t
from graphtool.app.safe import md

st.header(t("page.ownership"))
company = ui.entity_picker("own_company", t("own.company")) or nav.focus()
if not company:
    st.info(t("app.pick_entity"))
    st.stop()
st.caption(md(state.captions([company])[company]))
cols = st.columns(2)
as_of = cols[0].date_input(t("own.as_of"), value=dt.date.today(), key="own_as_of")
threshold = cols[1].number_input(t("own.threshold"), 0.0, 100.0, 25.0, step=5.0, key="own_threshold")
report = state.cached("ubo", company, as_of=as_of, threshold=float(threshold))


def share(value: float | None) -> str:
    return t("own.unknown") if value is None else f"{value:.2f}%"


st.markdown(f"**{t('own.owners')}**")
if report.owners:
    rows = [
        {
            "name": o.name,
            "kind": o.kind,
            "country": o.country,
            "foreign": "●" if o.foreign else "",
            "effective": share(o.effective),
            "declared": share(o.declared) if o.declared is not None else "",
            "flags": ", ".join(o.flags),
            "id": o.id,
        }
        for o in report.owners
    ]
    frame = pd.DataFrame(rows).rename(
        columns={
            "name": t("col.name"),
            "kind": t("col.kind"),
            "country": t("col.country"),
            "foreign": t("own.foreign"),
            "effective": "%",
            "declared": t("col.value"),
            "flags": t("col.reasons"),
            "id": t("col.id"),
        }
    )
    foreign = t("own.foreign")
    st.dataframe(
        frame.style.apply(lambda r: ["background-color: #fde2e1" if r[foreign] else "" for _ in r], axis=1),
        hide_index=True,
        width="stretch",
    )
else:
    st.caption(t("entity.none"))
if report.controllers:
    ui.table(
        [{"name": c.name, "relationship": c.via, "kind": c.role, "id": c.id} for c in report.controllers],
        {
            "name": t("col.name"),
            "relationship": t("col.relationship"),
            "kind": t("col.kind"),
            "id": t("col.id"),
        },
    )
for note in report.notes:
    st.caption(md(note))
st.markdown(f"**{t('own.tree')}**")
if report.tree.nodes:
    foreign_ids = frozenset(o.id for o in report.owners if o.foreign)
    draw(report.tree, "own_view", listed=foreign_ids)
