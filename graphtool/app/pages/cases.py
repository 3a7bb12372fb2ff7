"""Cases: every case with its counts; open one for its entities, saved picture, alerts, notes, tags
and history; add a note or tags (investigator+); export its subgraph (analyst+).

Cases live where the CLI keeps them: on Neo4j when it is the backend (shared by the team), else in
the workspace (``state.case_book``).
"""

import json

import streamlit as st

from graphtool.app import extras, nav, state, ui
from graphtool.app.graph import draw
from graphtool.app.i18n import t
from graphtool.app.pages_common import export_button
from graphtool.app.safe import md, plain
from graphtool.cases import add_to_case, list_cases


def add_form(case_id: str) -> None:
    """A note and/or comma-separated tags, stored with who and when (the change is audited)."""
    with st.form(f"case_edit_{case_id}", clear_on_submit=True):
        note = st.text_area(t("cases.note"), key="case_note")
        tag_text = st.text_input(t("cases.tags_new"), key="case_tags")
        submitted = st.form_submit_button(t("cases.save"))
    tags = [x.strip() for x in tag_text.split(",") if x.strip()]
    if submitted and (note.strip() or tags):
        ui.authorize("edit_case", f"case:{case_id}", {"note": note.strip(), "tags": tags})
        with state.case_book(write=True) as book:
            add_to_case(book, case_id, ui.user().name, notes=[note], tags=tags)
        st.rerun()


st.header(t("page.cases"))
with state.case_book() as book:
    cases = {c.case_id: c for c in list_cases(book)}
if not cases:
    st.info(t("cases.none"))
    st.stop()
ui.table(
    [
        {
            "name": c.name,
            "tags": ", ".join(c.tags),
            "by": c.created_by,
            "at": c.created_at,
            "entities": len(c.entities),
            "notes": len(c.notes),
            "alerts": len(c.alerts),
            "id": c.case_id,
        }
        for c in cases.values()
    ],
    {k: t(f"cases.col.{k}") for k in ("name", "tags", "by", "at", "entities", "notes", "alerts", "id")},
)
chosen = st.selectbox(
    t("cases.open"), list(cases), format_func=lambda c: plain(f"{cases[c].name} · {c}"), key="cases_pick"
)
case = cases[chosen]
ui.audit_view(f"case:{chosen}")
st.subheader(md(case.name))
st.caption(t("cases.created", by=md(case.created_by), at=md(case.created_at), id=md(case.case_id)))
if case.tags:
    st.markdown(f"**{t('cases.col.tags')}:** " + ", ".join(md(tag) for tag in case.tags))

st.markdown(f"**{t('cases.entities')}**")
if case.entities:
    names = state.captions(case.entities)
    ui.table(
        [{"name": names[e], "kind": e.split(":", 1)[0], "id": e} for e in case.entities],
        {k: t(f"col.{k}") for k in ("name", "kind", "id")},
    )
    picked = st.selectbox(
        t("search.open"), case.entities, format_func=lambda e: plain(f"{names[e]} · {e}"), key="cases_entity"
    )
    if st.button(t("search.open"), key="cases_open_entity"):
        nav.go("entity", picked)

if case.subgraph.nodes:
    st.markdown(f"**{t('cases.picture')}**")
    view = f"case_{chosen}_view"
    st.session_state.setdefault(f"{view}_pos", dict(case.positions))  # the layout saved with the case
    event = draw(case.subgraph, view)
    if event.select:
        nav.go("entity", event.select)
    export_button(case.subgraph, f"case-{chosen}", f"case:{chosen}")

if case.alerts:
    st.markdown(f"**{t('cases.alerts')}**")
    known = {a.id: a for a in extras.alerts()}
    ui.table(
        [
            {
                "score": round(known[a].score, 3) if a in known else None,
                "rule": known[a].rule if a in known else "",
                "summary": known[a].sentence if a in known else "",
                "id": a,
            }
            for a in case.alerts
        ],
        {k: t(f"col.{k}") for k in ("score", "rule", "summary", "id")},
    )

st.markdown(f"**{t('cases.notes')}**")
ui.table(
    [{"text": n["text"], "by": n["by"], "at": n["at"]} for n in case.notes],
    {k: t(f"cases.col.{k}") for k in ("text", "by", "at")},
)
st.markdown(f"**{t('cases.history')}**")
ui.table(
    [
        {
            "at": h["at"],
            "by": h["by"],
            "action": h["action"],
            "text": json.dumps(h.get("details", {}), ensure_ascii=False, default=str),
        }
        for h in case.history
    ],
    {k: t(f"cases.col.{k}") for k in ("at", "by", "action", "text")},
)
if ui.allowed("edit_case"):
    add_form(chosen)
