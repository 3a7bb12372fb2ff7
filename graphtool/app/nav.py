"""The pages, in menu order, and moving between them with an entity in hand."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).parent / "pages"
PAGES = ["search", "entity", "network", "paths", "ownership", "flows", "alerts", "cases", "data", "query"]
# No icons: Streamlit fetches Material icons from fonts.gstatic.com, and the app must stay offline.
FOCUS = "focus"  # session key: the entity the person is looking at, shared by every page


def page_file(name: str) -> Path:
    return PAGES_DIR / f"{name}.py"


def focus() -> str | None:
    """The entity in hand: from the address (``?id=…``, so links can be shared) or this session."""
    from_url = st.query_params.get("id")
    if from_url:
        st.session_state[FOCUS] = from_url
    return st.session_state.get(FOCUS)


def go(page: str, entity_id: str | None = None) -> None:
    """Open ``page`` about ``entity_id`` (kept in the session and in the address)."""
    if entity_id is not None:
        st.session_state[FOCUS] = entity_id
    st.switch_page(str(page_file(page)), query_params={"id": entity_id} if entity_id else None)
