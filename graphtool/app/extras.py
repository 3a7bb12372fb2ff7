"""Per-entity facts pages show beside investigation answers: alert counts, list hits, roles.

Read from the workspace tables other parts fill (alerts, list_hits); cached by workspace version
like every other query, so a new alert sweep or screening run shows on the next page run.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import streamlit as st

from graphtool.app import state
from graphtool.workspace import Workspace


@st.cache_data(show_spinner=False, max_entries=32)
def _alerts(version: Any, filters: tuple) -> list[Any]:
    from graphtool.alerts import list_alerts

    return state.with_workspace(lambda ws: list_alerts(ws, **dict(filters)))


def alerts(**filters: Any) -> list[Any]:
    """Stored alerts, ranked, filtered as ``graphtool.alerts.list_alerts`` filters them."""
    return _alerts(state.version(), tuple(sorted((k, v) for k, v in filters.items() if v not in (None, ""))))


def alert_counts() -> Counter:
    """Alerts per entity id."""
    return Counter(e for a in alerts() for e in a.entities)


def _hits(ws: Workspace, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    if not ws.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'list_hits'"
    ).fetchall()[0][0]:
        return []
    rows = ws.con.execute(
        "SELECT party_id, entry_id, score, kind, reasons FROM list_hits WHERE list_contains($ids, party_id) "
        "ORDER BY score DESC",
        {"ids": list(ids)},
    ).fetchall()
    found = [dict(zip(("party_id", "entry_id", "score", "kind", "reasons"), r, strict=True)) for r in rows]
    for hit in found:  # stored as text (JSON list or one sentence): shown as one line
        reasons = hit["reasons"]
        if isinstance(reasons, str) and reasons.startswith("["):
            reasons = "; ".join(json.loads(reasons))
        hit["reasons"] = reasons or ""
    return found


@st.cache_data(show_spinner=False, max_entries=64)
def _list_hits(version: Any, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    return state.with_workspace(lambda ws: _hits(ws, ids))


def list_hits(ids: list[str]) -> list[dict[str, Any]]:
    """Restricted-list hits of these parties (screening results), best first."""
    return _list_hits(state.version(), tuple(sorted(ids))) if ids else []


@st.cache_data(show_spinner=False, max_entries=32)
def _alert(version: Any, alert_id: str) -> Any:
    from graphtool.alerts import alert as load

    return state.with_workspace(lambda ws: load(ws, alert_id))


def alert(alert_id: str) -> Any:
    """One alert with its evidence subgraph and facts."""
    return _alert(state.version(), alert_id)


def review(alert_id: str, status: str, user: str, reason: str) -> None:
    """Record a review; reviews do not change the data version, so the alert caches are cleared."""
    from graphtool.alerts import review as save

    with state.writable() as ws:
        save(ws, alert_id, status, user, reason)
    _alerts.clear()
    _alert.clear()
