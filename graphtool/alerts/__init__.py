"""Typology detectors: named rules that turn red flags (DOMAIN.md A1-F3) into ranked, explainable alerts.

Python API (the CLI and the app use it)::

    run_alerts(ws, rules=None)            # detect, store in the workspace, return ranked alerts
    list_alerts(ws, rule=None, min_score=None, since=None, until=None, hs=None)
    alert(ws, alert_id)                   # one alert with its evidence as a Subgraph
    review(ws, alert_id, status, user, reason)

See docs/alerts.md for the rules, their parameters and scores.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphtool.alerts import engine, evidence, store
from graphtool.alerts.engine import AlertError, Neo4jSource, RowSource, rule_specs
from graphtool.alerts.model import Alert, Fact
from graphtool.workspace import Workspace

__all__ = [
    "Alert",
    "AlertError",
    "Fact",
    "Neo4jSource",
    "alert",
    "list_alerts",
    "review",
    "rule_specs",
    "run_alerts",
]


def run_alerts(ws: Workspace, rules: list[str] | None = None, source: RowSource | None = None) -> list[Alert]:
    """Run the rules (all by default) on the workspace, or on Neo4j with ``source=Neo4jSource(driver)``,
    store their alerts in the workspace (replacing the earlier alerts of those rules) and return them ranked."""
    source = source or engine.Embedded()
    alerts = engine.run(ws, rules, source)
    store.save(ws, alerts, [spec.name for spec in engine.select(rules)], source.name)
    statuses = {a.id: a.status for a in store.query(ws)}  # reviews of earlier runs still apply
    for a in alerts:
        a.status = statuses.get(a.id, a.status)
    return alerts


def list_alerts(
    ws: Workspace,
    rule: str | None = None,
    min_score: float | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    hs: str | None = None,
    status: str | None = None,
) -> list[Alert]:
    """Stored alerts, ranked, filtered by rule, minimum score, date window, HS code prefix, review status."""
    if rule is not None:
        engine.select([rule])
    return store.query(ws, rule, min_score, since, until, hs, status)


def alert(ws: Workspace, alert_id: str) -> Alert:
    """One stored alert with ``evidence`` (its entities, declarations, facts and their relationships)."""
    found = store.get(ws, alert_id)
    if found is None:
        raise AlertError(f"no alert {alert_id!r} in {ws.path}; list them with `graphtool alerts list`")
    found.evidence = evidence.subgraph(ws, found)
    return found


def review(
    ws: Workspace, alert_id: str, status: str, user: str | None = None, reason: str = ""
) -> dict[str, Any]:
    """Mark an alert ``reviewed``, ``dismissed`` (a reason is required) or ``open`` again."""
    return store.add_review(ws, alert_id, status, user, reason)


def reviews(ws: Workspace, alert_id: str) -> list[dict[str, Any]]:
    """Every review of an alert, oldest first."""
    return store.reviews(ws, alert_id)
