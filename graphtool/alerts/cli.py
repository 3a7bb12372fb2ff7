"""``graphtool alerts run | list | show | review``: the detectors from the command line."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from typing import Any

import click

from graphtool.cli import _emit, _open, friendly_errors


def _summary(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "rule": a.rule,
        "score": a.score,
        "status": a.status,
        "indicators": a.indicators,
        "declarations": len(a.declarations),
        "first_date": a.first_date,
        "last_date": a.last_date,
        "sentence": a.sentence,
    }


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no alerts"
    return "\n".join(
        f"{r['score']:.2f}  {r['rule']:<20} {r['status']:<9} {r['id']}  {r['sentence']}" for r in rows
    )


@click.group()
def alerts() -> None:
    """Typology detectors: run them, list, show and review their alerts (docs/alerts.md)."""


@alerts.command("run")
@click.option("--rule", "rules", multiple=True, help="Run only this rule (repeatable); default: all.")
@click.pass_context
@friendly_errors
def run_command(ctx: click.Context, rules: tuple[str, ...]) -> None:
    """Run the detectors (on Neo4j if it is the configured backend) and store their alerts."""
    from graphtool.alerts import Neo4jSource, run_alerts

    settings = ctx.obj["settings"]
    with ExitStack() as stack:
        ws = stack.enter_context(_open(ctx))
        source = None
        if settings.backend == "neo4j" and settings.neo4j is not None:
            from graphtool.neo4j_backend import connect

            driver = stack.enter_context(connect(settings.neo4j))
            source = Neo4jSource(driver, settings.neo4j.database)
        found = run_alerts(ws, list(rules) or None, source)
    data = {"backend": source.name if source else "embedded", "alerts": [_summary(a) for a in found]}
    _emit(ctx, data, lambda d: f"{len(d['alerts'])} alert(s) ({d['backend']})\n" + _table(d["alerts"]))


@alerts.command("list")
@click.option("--rule", help="Only this rule.")
@click.option("--min-score", type=float, help="Only alerts scoring at least this.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Evidence on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Evidence on or before this date.")
@click.option("--hs", help="HS code prefix, e.g. 8112 or 2825800010.")
@click.option("--status", type=click.Choice(["open", "reviewed", "dismissed"]))
@click.option("--limit", default=50, show_default=True)
@click.pass_context
@friendly_errors
def list_command(
    ctx: click.Context,
    rule: str | None,
    min_score: float | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    hs: str | None,
    status: str | None,
    limit: int,
) -> None:
    """Stored alerts, highest score first."""
    from graphtool.alerts import list_alerts

    with _open(ctx, read_only=True) as ws:
        found = list_alerts(
            ws, rule, min_score, since.date() if since else None, until.date() if until else None, hs, status
        )
    data = {"total": len(found), "alerts": [_summary(a) for a in found[:limit]]}
    _emit(
        ctx,
        data,
        lambda d: (
            _table(d["alerts"]) + (f"\n{d['total'] - limit} more not shown" if d["total"] > limit else "")
        ),
    )


def _show_text(d: dict[str, Any]) -> str:
    lines = [
        f"{d['id']}  {d['rule']}  score {d['score']:.2f}  {d['status']}",
        d["sentence"],
        f"indicators: {', '.join(d['indicators'])}",
        "evidence:",
    ]
    for f in d["facts"]:
        where = f" [{f['file']} row {f['row_no']}]" if f["file"] else ""
        lines.append(f"  {f['label']} {f['id']}: {f['text']}{where}")
    lines.append(
        f"subgraph: {len(d['evidence']['nodes'])} nodes, {len(d['evidence']['edges'])} relationships"
    )
    for r in d["reviews"]:
        lines.append(f"review: {r['status']} by {r['user']} at {r['at']}: {r['reason']}")
    return "\n".join(lines)


@alerts.command("show")
@click.argument("alert_id")
@click.pass_context
@friendly_errors
def show_command(ctx: click.Context, alert_id: str) -> None:
    """One alert with its evidence (facts with file and row, and the evidence subgraph)."""
    from graphtool.alerts import alert, reviews

    with _open(ctx, read_only=True) as ws:
        found = alert(ws, alert_id)
        data = found.to_dict() | {"reviews": reviews(ws, alert_id)}
    _emit(ctx, data, _show_text)


@alerts.command("review")
@click.argument("alert_id")
@click.option("--status", type=click.Choice(["reviewed", "dismissed", "open"]), required=True)
@click.option("--reason", default="", help="Why (required to dismiss).")
@click.option("--user", help="Reviewer (default: the login name).")
@click.pass_context
@friendly_errors
def review_command(ctx: click.Context, alert_id: str, status: str, reason: str, user: str | None) -> None:
    """Mark an alert reviewed or dismissed (with a reason), or open again."""
    from graphtool.alerts import review

    with _open(ctx) as ws:
        data = review(ws, alert_id, status, user, reason)
    _emit(ctx, data, lambda d: f"{d['alert_id']}: {d['status']} by {d['user']}")
