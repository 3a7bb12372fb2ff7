"""Pieces more than one page uses: source-file names, the export button, match judgements."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graphtool.app import state, ui
from graphtool.app.i18n import t
from graphtool.app.safe import md
from graphtool.status import status
from graphtool.subgraph import Subgraph


@st.cache_data(show_spinner=False, max_entries=4)
def _status(version: Any) -> dict[str, Any]:
    return state.with_workspace(status)


def workspace_status() -> dict[str, Any]:
    return _status(state.version())


def file_names() -> dict[int, dict[str, Any]]:
    """Loaded source files by id: name, sha256 and load time (to show where each fact came from)."""
    return {f["file_id"]: f for f in workspace_status()["files"]}


def export_button(graph: Subgraph, key: str, target: str) -> None:
    """Analysts and above: download the subgraph in a chosen format (the export is audited)."""
    if not ui.allowed("export"):
        return
    from graphtool.exports import FORMATS, export_subgraph

    fmt = st.selectbox(t("export.format"), list(FORMATS), key=f"{key}_fmt")
    if st.button(t("export.download"), key=f"{key}_export"):
        ui.authorize("export", target, {"format": fmt, "nodes": len(graph.nodes), "edges": len(graph.edges)})
        st.session_state[f"{key}_bytes"] = (fmt, export_subgraph(graph, fmt))
    ready = st.session_state.get(f"{key}_bytes")
    if ready and ready[0] == fmt:
        from graphtool.exports import FORMATS

        st.download_button(
            t("export.download"), ready[1], file_name=f"{key}{FORMATS[fmt].suffix}", key=f"{key}_dl"
        )


def _matches(ws: Any, entity_id: str) -> list[dict[str, Any]]:
    rows = ws.con.execute(
        """SELECT left_id, right_id, score, decision, features FROM matches
           WHERE run_id = (SELECT max(run_id) FROM matches) AND (left_id = $id OR right_id = $id)
             AND decision IN ('review', 'match', 'confirmed', 'rejected') ORDER BY score DESC""",
        {"id": entity_id},
    ).fetchall()
    return [dict(zip(("left_id", "right_id", "score", "decision", "features"), r, strict=True)) for r in rows]


@st.cache_data(show_spinner=False, max_entries=64)
def _pending(version: Any, entity_id: str) -> list[dict[str, Any]]:
    return state.with_workspace(lambda ws: _matches(ws, entity_id))


def judgement_form(entity_id: str) -> None:
    """Candidate matches of this entity from the last resolution run, with confirm / reject (investigator+).

    A judgement is stored with who, when and why and applies from the next ``graphtool resolve`` run.
    """
    candidates = _pending(state.version(), entity_id)
    if not candidates:
        return
    others = [c["right_id"] if c["left_id"] == entity_id else c["left_id"] for c in candidates]
    names = state.captions(others)
    ui.table(
        [
            {
                "name": names[o],
                "score": round(c["score"] or 0, 3),
                "status": c["decision"],
                "reasons": c["features"],
                "id": o,
            }
            for o, c in zip(others, candidates, strict=True)
        ],
        {
            "name": t("col.name"),
            "score": t("col.score"),
            "status": t("col.status"),
            "reasons": t("col.reasons"),
            "id": t("col.id"),
        },
    )
    if not ui.allowed("judge"):
        return
    with st.form(f"judge_{entity_id}"):
        other = st.selectbox(t("entity.members"), others, format_func=names.__getitem__)
        reason = st.text_input(t("entity.reason"))
        confirm, reject = st.columns(2)
        decision = "confirm" if confirm.form_submit_button(t("entity.confirm")) else None
        decision = "reject" if reject.form_submit_button(t("entity.reject")) else decision
    if decision:
        from graphtool.resolution.judgements import judge

        score = next(c["score"] for o, c in zip(others, candidates, strict=True) if o == other)
        ui.authorize("judge", f"{entity_id}|{other}", {"decision": decision, "reason": reason})
        with state.writable() as ws:
            judge(ws, entity_id, other, decision, ui.user().name, reason, score)
        st.success(t("entity.judged", decision=decision))


def case_form(graph: Subgraph, positions: dict[str, tuple[float, float]], entity_id: str, key: str) -> None:
    """Investigators and above: put this picture (with its positions) and the entity into a case."""
    if not ui.allowed("edit_case"):
        return
    from graphtool.cases import add_to_case, create_case, list_cases

    with st.form(f"{key}_case"):
        with state.case_book() as book:
            existing = list_cases(book)
        names = {c.case_id: f"{c.name} · {c.case_id}" for c in existing}
        chosen = st.selectbox(
            t("case.pick"), [None, *names], format_func=lambda c: names.get(c, t("case.new"))
        )
        new_name = st.text_input(t("case.name"))
        submitted = st.form_submit_button(t("case.add"))
    if submitted:
        ui.authorize("edit_case", entity_id, {"case": chosen or new_name, "nodes": len(graph.nodes)})
        user = ui.user().name
        with state.case_book(write=True) as book:
            case_id = chosen or create_case(book, new_name or entity_id, user).case_id
            add_to_case(book, case_id, user, entities=[entity_id], subgraph=graph, positions=positions)
        st.success(t("case.added", case=md(case_id)))
