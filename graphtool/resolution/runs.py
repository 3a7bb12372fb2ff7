"""Bookkeeping shared by resolution and screening runs: run ids, the run log, the data version."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from graphtool.workspace import Workspace
from graphtool.workspace import _user as user_name  # the login name, as load batches record it


def next_run_id(ws: Workspace) -> int:
    return ws.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM resolution_runs").fetchall()[0][0]


def record_run(
    ws: Workspace,
    run_id: int,
    kind: str,
    started: dt.datetime,
    settings: dict[str, Any],
    summary: dict[str, Any],
) -> None:
    """Log the run and bump the data version (caches keyed on it see the new results)."""
    ws.con.execute(
        "INSERT INTO resolution_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            kind,
            started,
            dt.datetime.now(),
            user_name(),
            json.dumps(settings, default=str),
            json.dumps(summary, default=str),
        ],
    )
    ws.con.execute(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
    )
