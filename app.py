"""graphtool's Streamlit front end (first version: what is loaded, search, quarantine).

Run with ``streamlit run app.py``; the workspace comes from GRAPHTOOL_WORKSPACE. The full
investigator's app (entity, network, paths, ownership, flows, alerts) is built on these pages.
Every value from data is shown through Streamlit's table and text widgets, which escape it.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from graphtool.errors import GraphtoolError
from graphtool.search import search
from graphtool.status import quarantine, status
from graphtool.workspace import Workspace

WORKSPACE = os.environ.get("GRAPHTOOL_WORKSPACE", "graphtool.duckdb")

st.set_page_config(page_title="graphtool", layout="wide")
st.title("graphtool")

try:
    with Workspace.open(WORKSPACE, read_only=True) as ws:  # short-lived: loads elsewhere stay possible
        info = status(ws)
        st.caption(f"Workspace {info['workspace']} · version {info['data_version']}")
        rows = info["rows"]
        cols = st.columns(4)
        for col, key in zip(cols, ("read", "loaded", "quarantined", "duplicates"), strict=True):
            col.metric(f"rows {key}", f"{rows[key]:,}")
        query = st.text_input("Search by name (either script), id or registration number")
        if query:
            st.dataframe(pd.DataFrame(search(ws, query, limit=50)), hide_index=True, use_container_width=True)
        with st.expander("Loaded files"):
            st.dataframe(pd.DataFrame(info["files"]), hide_index=True, use_container_width=True)
        with st.expander("Nodes and relationships"):
            st.dataframe(
                pd.DataFrame({"count": {**info["nodes"], **info["edges"]}}), use_container_width=True
            )
        with st.expander("Quarantine (rejected rows and reasons)"):
            flat = [
                {
                    "file": q["file"],
                    "row": q["row"],
                    "field": r["field"],
                    "value": r["value"],
                    "reason": r["message"],
                    "rule": r["rule"],
                }
                for q in quarantine(ws, limit=500)
                for r in q["reasons"]
            ]
            st.dataframe(pd.DataFrame(flat), hide_index=True, use_container_width=True)
except GraphtoolError as exc:
    st.error(str(exc))
