"""People's decisions on pairs: stored with who, when and why, and applied on every later run.

A confirmed pair is merged whatever the score; a rejected pair is never merged again, not even
through other records (see ``clustering``). The latest judgement on a pair wins.
"""

from __future__ import annotations

import datetime as dt

from graphtool.errors import GraphtoolError
from graphtool.workspace import Workspace

DECISIONS = ("confirm", "reject")


def _exists(ws: Workspace, node_id: str) -> bool:
    return bool(
        ws.con.execute(
            "SELECT count(*) FROM (SELECT id FROM node_company WHERE id = ? UNION ALL "
            "SELECT id FROM node_person WHERE id = ? UNION ALL SELECT id FROM node_listentry WHERE id = ?)",
            [node_id, node_id, node_id],
        ).fetchall()[0][0]
    )


def judge(
    ws: Workspace,
    left_id: str,
    right_id: str,
    decision: str,
    user: str,
    reason: str = "",
    score: float | None = None,
) -> dict:
    """Record that ``left_id`` and ``right_id`` are (confirm) or are not (reject) one entity.

    Takes effect at the next ``resolve`` run. Raises ``GraphtoolError`` for an unknown decision or
    node, or a pair of one node with itself.
    """
    if decision not in DECISIONS:
        raise GraphtoolError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if left_id == right_id:
        raise GraphtoolError(f"cannot judge {left_id} against itself")
    for node_id in (left_id, right_id):
        if not _exists(ws, node_id):
            raise GraphtoolError(f"no company, person or list entry with id {node_id!r} in {ws.path}")
    if not user:
        raise GraphtoolError("a judgement needs the name of who made it")
    left_id, right_id = sorted((left_id, right_id))
    row = [left_id, right_id, decision, score, user, dt.datetime.now(), reason]
    ws.con.execute("INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?)", row)
    return dict(
        zip(
            ["left_id", "right_id", "decision", "score", "user_name", "decided_at", "reason"],
            row,
            strict=True,
        )
    )


def current(ws: Workspace) -> dict[tuple[str, str], dict]:
    """The latest judgement of every pair, keyed by the (sorted) pair of ids."""
    rows = ws.con.execute(
        """SELECT left_id, right_id, decision, user_name, decided_at, reason FROM judgements
           QUALIFY row_number() OVER (PARTITION BY least(left_id, right_id), greatest(left_id, right_id)
                                      ORDER BY decided_at DESC) = 1"""
    ).fetchall()
    return {
        tuple(sorted((l_id, r_id))): {"decision": d, "user": u, "at": at, "reason": reason}
        for l_id, r_id, d, u, at, reason in rows
    }
