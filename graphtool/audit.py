"""The audit log: who viewed, queried, judged, exported or packed what, and when.

Append-only by construction: this module only ever inserts. Tamper-evident by a hash chain:
each entry's ``hash`` is the sha256 of its own content and the previous entry's hash, so editing
an entry breaks its hash, and deleting one breaks the sequence and the next entry's link.
Cutting off the newest entries, or rewriting every later hash to cover an edit, is caught by an
anchor: ``head`` (count and last hash), noted elsewhere (``graphtool audit head``); ``verify``
checks the log against such a head. Each evidence pack's manifest digest is logged in turn.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from graphtool.workspace import Workspace

GENESIS = "0" * 64  # the "previous hash" of the first entry


def _canonical(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, non-ASCII kept, dates as ISO text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    seq: int, logged_at: str, user: str, action: str, target: str, details: str, prev_hash: str
) -> str:
    """sha256 over an entry's fields and the previous entry's hash."""
    text = _canonical([seq, logged_at, user, action, target, details, prev_hash])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(
    ws: Workspace, user: str, action: str, target: str = "", details: dict[str, Any] | None = None
) -> int:
    """Append one entry (in its own transaction) and return its sequence number."""
    details_text = _canonical(details or {})
    with ws.transaction():
        last = ws.con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
        seq, prev = (last[0][0] + 1, last[0][1]) if last else (1, GENESIS)
        logged_at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
        digest = entry_hash(seq, logged_at, user, action, target, details_text, prev)
        ws.con.execute(
            "INSERT INTO audit_log VALUES (?, CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?)",
            [seq, logged_at, user, action, target, details_text, prev, digest],
        )
    return seq


@dataclass
class Head:
    """The end of the chain: how many entries and the last hash. Anchors the log elsewhere."""

    entries: int
    hash: str


@dataclass
class Verification:
    ok: bool
    entries: int
    head: Head
    problems: list[str] = field(default_factory=list)


def head(ws: Workspace) -> Head:
    rows = ws.con.execute("SELECT count(*), max_by(hash, seq) FROM audit_log").fetchall()
    return Head(rows[0][0], rows[0][1] or GENESIS)


def entries(ws: Workspace, limit: int | None = None) -> list[dict[str, Any]]:
    """The newest entries first (all of them without a limit)."""
    rows = ws.con.execute(
        "SELECT seq, logged_at, user_name, action, target, details FROM audit_log ORDER BY seq DESC"
        + (" LIMIT ?" if limit else ""),
        [limit] if limit else [],
    ).fetchall()
    keys = ("seq", "logged_at", "user", "action", "target", "details")
    return [dict(zip(keys, (*r[:5], json.loads(r[5])), strict=True)) for r in rows]


def verify(ws: Workspace, anchor: Head | None = None) -> Verification:
    """Walk the chain from the first entry; every broken link or hash is named by its sequence number."""
    rows = ws.con.execute(
        "SELECT seq, logged_at, user_name, action, target, CAST(details AS VARCHAR), prev_hash, hash "
        "FROM audit_log ORDER BY seq"
    ).fetchall()
    problems = []
    expected_seq, prev = 1, GENESIS
    for seq, logged_at, user, action, target, details, prev_hash, digest in rows:
        if seq != expected_seq:
            problems.append(f"entries {expected_seq}-{seq - 1} are missing (deleted)")
        if prev_hash != prev:
            problems.append(
                f"entry {seq} does not link to the entry before it (one was deleted or rewritten)"
            )
        stamp = logged_at.isoformat(timespec="microseconds")
        if entry_hash(seq, stamp, user, action, target, details, prev_hash) != digest:
            problems.append(f"entry {seq} was altered after it was written (its hash does not match)")
        expected_seq, prev = seq + 1, digest
    found = Head(len(rows), prev)
    if anchor is not None and anchor.entries > found.entries:
        problems.append(
            f"the log has {found.entries} entries but {anchor.entries} were anchored: the newest were deleted"
        )
    elif (
        anchor is not None
        and anchor.entries
        and {r[0]: r[7] for r in rows}.get(anchor.entries) != anchor.hash
    ):
        problems.append(f"entry {anchor.entries} differs from the anchored head: the log was rewritten")
    return Verification(not problems, len(rows), found, problems)
