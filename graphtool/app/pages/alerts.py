"""Alerts: ranked and filterable; open one for its evidence subgraph and facts; review or dismiss."""

import datetime as dt

import streamlit as st

from graphtool.app import extras, nav, ui
from graphtool.app.graph import draw
from graphtool.app.i18n import t
from graphtool.app.pages_common import export_button
from graphtool.app.safe import md

STATUSES = ["reviewed", "dismissed", "open"]

st.header(t("page.alerts"))
everything = extras.alerts()
cols = st.columns(4)
rule = cols[0].selectbox(t("alert.rule"), [None, *sorted({a.rule for a in everything})], key="alert_rule")
min_score = cols[1].slider(t("alert.min_score"), 0.0, 1.0, 0.0, 0.05, key="alert_min")
since = cols[2].date_input(t("alert.since"), value=None, min_value=dt.date(1990, 1, 1), key="alert_since")
until = cols[3].date_input(t("alert.until"), value=None, min_value=dt.date(1990, 1, 1), key="alert_until")
hs = st.text_input(t("alert.hs"), key="alert_hs")
shown = extras.alerts(rule=rule, min_score=min_score or None, since=since, until=until, hs=hs.strip() or None)
if not shown:
    st.info(t("alert.none"))
    st.stop()
st.caption(t("alert.count", n=len(shown)))
rows = [
    {
        "id": a.id,
        "score": round(a.score, 3),
        "rule": a.rule,
        "summary": a.sentence,
        "date": f"{a.first_date or ''} – {a.last_date or ''}",
        "goods": ", ".join(a.hs_codes[:5]),
        "status": t(f"alert.{a.status}") if a.status in ("reviewed", "dismissed") else a.status,
    }
    for a in shown
]
ui.table(rows, {k: t(f"col.{k}") for k in ("score", "rule", "summary", "date", "goods", "status", "id")})
by_id = {a.id: a for a in shown}
chosen = st.selectbox(
    t("alert.open"),
    list(by_id),
    format_func=lambda i: f"{by_id[i].score:.2f} · {by_id[i].rule} · {i}",
    key="alert_pick",
)
opened = extras.alert(chosen)
ui.audit_view(f"alert:{chosen}")
st.subheader(md(opened.sentence))
st.caption(md(f"{opened.rule} · {opened.score:.3f} · {opened.id}"))
st.markdown(f"**{t('alert.evidence')}**")
if opened.evidence is not None and opened.evidence.nodes:
    event = draw(opened.evidence, "alert_view")
    if event.select:
        nav.go("entity", event.select)
    export_button(opened.evidence, f"alert-{chosen}", f"alert:{chosen}")
st.markdown(f"**{t('alert.facts')}**")
ui.table(
    [{"summary": f.text, "kind": f.label, "file": f.file, "row": f.row_no, "id": f.id} for f in opened.facts],
    {k: t(f"col.{k}") for k in ("summary", "kind", "file", "row", "id")},
)
if ui.allowed("judge"):
    with st.form("alert_review"):
        status = st.radio(
            t("alert.review"),
            STATUSES,
            format_func=lambda s: t(f"alert.{s}") if s != "open" else s,
            horizontal=True,
        )
        reason = st.text_input(t("entity.reason"))
        if st.form_submit_button(t("alert.save")):
            ui.authorize("judge", f"alert:{chosen}", {"status": status, "reason": reason})
            extras.review(chosen, status, ui.user().name, reason)
            st.success(t("alert.saved", status=status))
