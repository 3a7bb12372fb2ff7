"""Alerts and their reviews in the workspace (tables ``alerts`` and ``alert_reviews``).

A run replaces the alerts of the rules it ran; reviews are kept apart and keyed by the alert's
deterministic id, so an alert dismissed once stays dismissed when the same scheme is found again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

import pyarrow as pa

from graphtool.alerts.model import STATUSES, Alert, Fact, ranked
from graphtool.errors import WorkspaceError
from graphtool.workspace import Workspace, _user


def save(ws: Workspace, alerts: list[Alert], rules: list[str], backend: str) -> None:
    """Replace the stored alerts of ``rules`` by ``alerts`` (one transaction)."""
    _writable(ws)
    now = dt.datetime.now()
    table = pa.table(
        {
            "alert_id": [a.id for a in alerts],
            "rule": [a.rule for a in alerts],
            "score": pa.array([a.score for a in alerts], pa.float64()),
            "sentence": [a.sentence for a in alerts],
            "entities": pa.array([a.entities for a in alerts], pa.list_(pa.string())),
            "declarations": pa.array([a.declarations for a in alerts], pa.list_(pa.string())),
            "hs_codes": pa.array([a.hs_codes for a in alerts], pa.list_(pa.string())),
            "first_date": pa.array([a.first_date for a in alerts], pa.date32()),
            "last_date": pa.array([a.last_date for a in alerts], pa.date32()),
            "data": [_data(a) for a in alerts],
        }
    )
    with ws.transaction():
        ws.con.execute("DELETE FROM alerts WHERE rule IN (SELECT unnest(?::VARCHAR[]))", [rules])
        ws.con.register("s_alerts", table)
        ws.con.execute(
            "INSERT INTO alerts SELECT alert_id, rule, score, sentence, entities, declarations, hs_codes, first_date, "
            "last_date, data::JSON, ?, ?, ? FROM s_alerts",
            [backend, now, ws.data_version],
        )
        ws.con.unregister("s_alerts")


def _data(a: Alert) -> str:
    """What the table has no column for, as JSON."""
    data = {
        "indicators": a.indicators,
        "facts": [asdict(f) for f in a.facts],
        "key": a.key,
        "values": a.values,
    }
    return json.dumps(data, ensure_ascii=False, default=str)


def _writable(ws: Workspace) -> None:
    if ws.read_only:
        raise WorkspaceError(f"workspace {ws.path} is open read-only; alerts and reviews need it writable")


def _has_tables(ws: Workspace) -> bool:
    """Workspaces created before alerts existed have no alert tables until opened writable."""
    found = ws.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('alerts', 'alert_reviews')"
    ).fetchall()
    return found[0][0] == 2


_SELECT = """SELECT a.alert_id, a.rule, a.score, a.sentence, a.entities, a.declarations, a.hs_codes,
                    a.first_date, a.last_date, a.data, coalesce(r.status, 'open') AS status
             FROM alerts a LEFT JOIN (SELECT alert_id, arg_max(status, reviewed_at) AS status
                                      FROM alert_reviews GROUP BY alert_id) r USING (alert_id)"""


def _alert(row: tuple) -> Alert:
    data = json.loads(row[9])
    return Alert(
        id=row[0],
        rule=row[1],
        score=row[2],
        sentence=row[3],
        entities=list(row[4] or []),
        declarations=list(row[5] or []),
        hs_codes=list(row[6] or []),
        first_date=row[7],
        last_date=row[8],
        indicators=data["indicators"],
        facts=[Fact(**f) for f in data["facts"]],
        key=data["key"],
        values=data.get("values", {}),
        status=row[10],
    )


def query(
    ws: Workspace,
    rule: str | None = None,
    min_score: float | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    hs: str | None = None,
    status: str | None = None,
) -> list[Alert]:
    """Stored alerts, ranked; dates select alerts whose evidence overlaps [since, until]; ``hs`` is a prefix."""
    if not _has_tables(ws):
        return []
    where, params = [], []
    for clause, value in (
        ("a.rule = ?", rule),
        ("a.score >= ?", min_score),
        ("a.last_date >= ?", since),
        ("a.first_date <= ?", until),
        ("list_any_value(list_filter(a.hs_codes, lambda h: starts_with(h, ?))) IS NOT NULL", hs),
        ("coalesce(r.status, 'open') = ?", status),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    return ranked([_alert(row) for row in ws.con.execute(sql, params).fetchall()])


def get(ws: Workspace, alert_id: str) -> Alert | None:
    if not _has_tables(ws):
        return None
    rows = ws.con.execute(_SELECT + " WHERE a.alert_id = ?", [alert_id]).fetchall()
    return _alert(rows[0]) if rows else None


def add_review(ws: Workspace, alert_id: str, status: str, user: str | None, reason: str) -> dict[str, Any]:
    """Record a review; every review is kept (the latest one gives the alert's status)."""
    _writable(ws)
    if status not in STATUSES:
        raise WorkspaceError(f"review status must be one of {', '.join(STATUSES)}, got {status!r}")
    if status == "dismissed" and not (reason or "").strip():
        raise WorkspaceError(f"dismissing alert {alert_id} needs a reason")
    if get(ws, alert_id) is None:
        raise WorkspaceError(f"no alert {alert_id} in {ws.path}; run `graphtool alerts run` first")
    review = {
        "alert_id": alert_id,
        "status": status,
        "user": user or _user(),
        "reason": reason or "",
        "at": dt.datetime.now(),
    }
    ws.con.execute("INSERT INTO alert_reviews VALUES (?, ?, ?, ?, ?)", list(review.values()))
    return review


def reviews(ws: Workspace, alert_id: str) -> list[dict[str, Any]]:
    if not _has_tables(ws):
        return []
    rows = ws.con.execute(
        "SELECT status, user_name, reason, reviewed_at FROM alert_reviews WHERE alert_id = ? ORDER BY reviewed_at",
        [alert_id],
    ).fetchall()
    return [dict(zip(("status", "user", "reason", "at"), r, strict=True)) for r in rows]
