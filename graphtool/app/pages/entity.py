"""Entity: every property with its source, roles, resolved records, list hits, ownership, trade, alerts."""

import pandas as pd
import streamlit as st

from graphtool.app import extras, facts, nav, state, ui
from graphtool.app.i18n import t
from graphtool.app.pages_common import file_names, judgement_form
from graphtool.app.safe import md
from graphtool.errors import NotFound

st.header(t("page.entity"))
entity_id = nav.focus()
if not entity_id:
    st.info(t("app.pick_entity"))
    st.stop()
node = state.cached("node", entity_id)
if node is None:
    raise NotFound(t("app.not_found", id=entity_id))
ui.audit_view(entity_id)
st.subheader(md(node.caption))
st.caption(md(f"{node.label} · {node.id}"))
left, right, _ = st.columns([1, 1, 5])
if left.button(t("entity.show_network"), key="entity_network", type="primary"):
    nav.go("network", entity_id)
if right.button(t("page.paths"), key="entity_paths"):
    nav.go("paths", entity_id)

known = file_names()
source = known.get(node.provenance.file_id, {})
st.markdown(f"**{t('entity.properties')}**")
ui.table(
    [
        {
            "property": key,
            "value": ui.cell(value),
            "file": node.provenance.source_file or source.get("name"),
            "row": node.provenance.row_no,
            "loaded_at": source.get("loaded_at"),
        }
        for key, value in node.properties.items()
        if value not in (None, "", [])
    ],
    {k: t(f"col.{k}") for k in ("property", "value", "file", "row", "loaded_at")},
)

about = facts.entity_facts(entity_id)
names = state.captions([r["other"] for key in ("ownership", "partners", "same_as") for r in about[key]])


def named(rows: list[dict], columns: list[str]) -> list[dict]:
    return [{**r, "name": names.get(r["other"], r["other"])} for r in rows] if rows else []


tabs = st.tabs(
    [
        t("entity.roles"),
        t("entity.members"),
        t("entity.list_hits"),
        t("page.ownership"),
        t("entity.timeline"),
        t("entity.partners"),
        t("entity.alerts"),
    ]
)
with tabs[0]:
    ui.table_or_none(about["roles"], {k: t(f"col.{k}") for k in ("relationship", "direction", "count")})
with tabs[1]:
    ui.table_or_none(
        named(about["same_as"], []),
        {"name": t("col.name"), "other": t("col.id"), "score": t("col.score"), "features": t("col.reasons")},
    )
    judgement_form(entity_id)
with tabs[2]:
    hits = extras.list_hits([entity_id])
    if hits:
        entry_names = state.captions([h["entry_id"] for h in hits])
        ui.table(
            [{**h, "name": entry_names[h["entry_id"]]} for h in hits],
            {
                "name": t("col.name"),
                "score": t("col.score"),
                "kind": t("col.kind"),
                "reasons": t("col.reasons"),
                "entry_id": t("col.id"),
            },
        )
    else:
        st.caption(t("entity.none"))
with tabs[3]:
    for direction, title in (("up", "entity.ownership_up"), ("down", "entity.ownership_down")):
        rows = [r for r in named(about["ownership"], []) if r["direction"] == direction]
        st.markdown(f"**{t(title)}**")
        ui.table_or_none(
            rows, {"name": t("col.name"), "percent": "%", "start_date": t("col.date"), "other": t("col.id")}
        )
with tabs[4]:
    if about["timeline"]:
        frame = pd.DataFrame(about["timeline"]).pivot_table(
            index="month", columns="role", values="lines", aggfunc="sum"
        )
        st.bar_chart(frame)
    else:
        st.caption(t("entity.none"))
with tabs[5]:
    ui.table_or_none(
        named(about["partners"], []),
        {
            "name": t("col.name"),
            "value_usd": t("col.value_usd"),
            "lines": t("col.count"),
            "goods": t("col.goods"),
            "other": t("col.id"),
        },
    )
with tabs[6]:
    mine = [a for a in extras.alerts() if entity_id in a.entities]
    if mine:
        ui.table(
            [
                {
                    "id": a.id,
                    "rule": a.rule,
                    "score": round(a.score, 2),
                    "summary": a.sentence,
                    "status": a.status,
                }
                for a in mine
            ],
            {
                "score": t("col.score"),
                "rule": t("col.rule"),
                "summary": t("col.summary"),
                "status": t("col.status"),
                "id": t("col.id"),
            },
        )
    else:
        st.caption(t("entity.none"))
