"""What every page shares: friendly errors, the signed-in user, audited actions, small widgets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from graphtool import access
from graphtool.app import state
from graphtool.app.i18n import t
from graphtool.app.safe import md, plain
from graphtool.errors import GraphtoolError

log = logging.getLogger("graphtool.app")
USER_KEY = "user"
SEEN_KEY = "audited_views"


@contextmanager
def guard() -> Iterator[None]:
    """Show a failure as a sentence (a GraphtoolError says what to do), never as a stack trace."""
    try:
        yield
    except GraphtoolError as exc:
        st.error(t("app.error", message=md(exc)))
    except Exception as exc:  # anything else: logged for the developers, one line for the person
        log.exception("page failed")
        st.error(t("app.unexpected", kind=type(exc).__name__))


def user() -> access.User:
    return st.session_state[USER_KEY]


def sign_in() -> access.User:
    """The session's user; shows a sign-in form (and stops the page) when users are configured."""
    if USER_KEY in st.session_state:
        return user()
    accounts = access.load_users()
    if not accounts:  # single-user mode: the local person, as admin
        st.session_state[USER_KEY] = access.authenticate(None, None, {})
        return user()
    with st.form("sign_in"):
        name = st.text_input(t("app.user"))
        password = st.text_input(t("app.password"), type="password")
        if st.form_submit_button(t("app.login")):
            try:
                st.session_state[USER_KEY] = access.authenticate(name, password, accounts)
                st.rerun()
            except access.AccessDenied:
                st.error(t("app.login_failed"))
    st.stop()


def allowed(action: str) -> bool:
    return user().may(action)


def authorize(action: str, target: str = "", details: dict[str, Any] | None = None) -> None:
    """Check the user's role for ``action`` and write the attempt to the audit log (denied ones too)."""
    with state.writable() as ws:
        access.authorize(ws, user(), action, target, details)


def audit_view(target: str) -> None:
    """Log that this user opened ``target``, once per session (a rerun is not a new view)."""
    seen = st.session_state.setdefault(SEEN_KEY, set())
    if target not in seen:
        authorize("view", target)
        seen.add(target)


def table(rows: list[dict[str, Any]] | pd.DataFrame, columns: dict[str, str] | None = None, **kw: Any) -> Any:
    """A data table; ``columns`` maps data keys to translated headers (data cells are shown as text)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    if columns:
        frame = frame[[c for c in columns if c in frame.columns]].rename(columns=columns)
    return st.dataframe(frame, hide_index=True, width="stretch", **kw)


def table_or_none(rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """``table`` when there are rows, else one quiet "none" line (an empty grid reads as an error)."""
    if rows:
        table(rows, columns)
    else:
        st.caption(t("entity.none"))


def cell(value: Any) -> Any:
    """A property value as table text (one column may hold names, numbers, dates and lists)."""
    if isinstance(value, list | tuple | set):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def properties(node: Any) -> list[dict[str, Any]]:
    """A node's non-empty properties as table rows."""
    return [{"property": k, "value": cell(v)} for k, v in node.properties.items() if v not in (None, "", [])]


def label(entity: dict[str, Any] | None, fallback: str = "") -> str:
    """How an entity is named in a widget (widgets show text, never markup)."""
    if not entity:
        return fallback
    name = entity.get("name") or entity.get("caption") or entity.get("id")
    kind = entity.get("label") or entity.get("kind") or ""
    return plain(f"{name} · {kind} · {entity.get('id', '')}")


def entity_picker(key: str, caption: str) -> str | None:
    """Type part of a name, pick one of the matches; returns the chosen entity id."""
    query = st.text_input(caption, key=f"{key}_q", placeholder=t("paths.pick"))
    if not query:
        return None
    hits = state.cached("search", query, limit=20)
    if not hits:
        st.info(t("search.none", query=md(query)))
        return None
    ids = [h["id"] for h in hits]
    names = {h["id"]: label(h) for h in hits}
    return st.selectbox(
        caption, ids, format_func=names.__getitem__, key=f"{key}_pick", label_visibility="collapsed"
    )
