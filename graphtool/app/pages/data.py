"""Data: what is loaded (files, counts), quarantine with reasons, load history; load a file with a mapping."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from graphtool.app import state, ui
from graphtool.app.i18n import t
from graphtool.app.pages_common import workspace_status
from graphtool.app.safe import md
from graphtool.status import quarantine

st.header(t("page.data"))
info = workspace_status()
rows = info["rows"]
for col, key, word in zip(
    st.columns(4),
    ("read", "loaded", "quarantined", "duplicates"),
    ("data.read", "data.loaded_rows", "data.quarantined", "data.duplicates"),
    strict=True,
):
    col.metric(t("data.rows", kind=t(word)), f"{rows[key]:,}")

st.subheader(t("data.sources"))
ui.table(
    info["files"],
    {
        "name": t("col.file"),
        "loader": t("col.kind"),
        "rows_read": t("data.read"),
        "loaded": t("data.loaded_rows"),
        "quarantined": t("data.quarantined"),
        "duplicates": t("data.duplicates"),
        "loaded_at": t("col.loaded_at"),
        "sha256": "sha256",
    },
)
st.subheader(t("data.counts"))
counts = {**info["nodes"], **info["edges"]}
ui.table(
    pd.DataFrame({"kind": list(counts), "count": list(counts.values())}),
    {"kind": t("col.kind"), "count": t("col.count")},
)

st.subheader(t("data.quarantine"))
reasons = [
    {
        "file": q["file"],
        "row": q["row"],
        "field": r["field"],
        "value": r["value"],
        "reason": r["message"],
        "rule": r["rule"],
    }
    for q in state.with_workspace(lambda ws: quarantine(ws, limit=500))
    for r in q["reasons"]
]
ui.table(reasons, {k: t(f"col.{k}") for k in ("file", "row", "field", "value", "reason", "rule")})

st.subheader(t("data.history"))
ui.table(
    sorted(info["files"], key=lambda f: f["loaded_at"] or "", reverse=True),
    {
        "loaded_at": t("col.loaded_at"),
        "name": t("col.file"),
        "loaded": t("data.loaded_rows"),
        "quarantined": t("data.quarantined"),
    },
)

if ui.allowed("edit_case") and not state.settings().neo4j:
    st.subheader(t("data.upload"))
    with st.form("upload", clear_on_submit=True):
        upload = st.file_uploader(t("data.upload"), key="data_file")
        mapping = st.file_uploader(t("data.mapping"), type=["yml", "yaml"], key="data_mapping")
        submitted = st.form_submit_button(t("data.load"))
    if submitted and upload is not None:
        from loaders import load_file

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            mapping_path = None
            if mapping is not None:
                mapping_path = Path(tmp) / Path(mapping.name).name
                mapping_path.write_bytes(mapping.getvalue())
            with state.writable() as ws:
                report = load_file(ws, path, mapping_path)
            ui.authorize("edit_case", f"file:{upload.name}", {"sha256": report.as_dict().get("sha256")})
        done = report.as_dict()
        if done.get("already_loaded"):
            st.info(t("data.already", name=md(upload.name)))
        else:
            st.success(
                t(
                    "data.loaded",
                    name=md(upload.name),
                    loaded=done.get("loaded"),
                    quarantined=done.get("quarantined"),
                    duplicates=done.get("duplicates"),
                )
            )
