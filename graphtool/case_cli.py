"""The commands for cases, exports, evidence packs, users and the audit log.

Each command signs the user in (``--user`` or ``$GRAPHTOOL_USER``; the password from
``$GRAPHTOOL_PASSWORD`` or a prompt) when users are configured, checks the role, and writes the
action to the audit log before doing it; a refused attempt is logged too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from graphtool.access import User, authenticate, authorize, hash_password, load_users
from graphtool.cli import _emit, _open, friendly_errors
from graphtool.errors import GraphtoolError

user_option = click.option(
    "--user", "user_name", help="Who you are (else $GRAPHTOOL_USER, or the login name)."
)


def login(user_name: str | None) -> User:
    accounts = load_users()
    name = user_name or os.environ.get("GRAPHTOOL_USER")
    if not accounts:
        return authenticate(name, None, accounts)
    name = name or click.prompt("user")
    password = os.environ.get("GRAPHTOOL_PASSWORD") or click.prompt(f"password for {name}", hide_input=True)
    return authenticate(name, password, accounts)


def allow(
    ctx: click.Context, user: User, action: str, target: str, details: dict[str, Any] | None = None
) -> None:
    """Check the role and log the attempt, in a short write session on the workspace."""
    with _open(ctx) as ws:
        authorize(ws, user, action, target, details)


def _book(ctx: click.Context, ws):
    from graphtool.cases import open_book

    return open_book(ctx.obj["settings"], ws)


# ---------------------------------------------------------------------------------------------- cases


@click.group("case")
def case_group() -> None:
    """Create, add to and review cases (in the workspace, or on Neo4j when configured)."""


def _case_text(data: dict[str, Any]) -> str:
    lines = [f"{data['case_id']}: {data['name']}  (opened {data['created_at']} by {data['created_by']})"]
    lines.append(
        f"  {data['entities']} entities, {data['nodes']} nodes, {data['relationships']} relationships, "
        f"{data['alerts']} alerts, {data['notes']} notes; tags: {', '.join(data['tags']) or '-'}"
    )
    return "\n".join(lines)


@case_group.command("create")
@click.argument("name")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@user_option
@click.pass_context
@friendly_errors
def case_create(ctx: click.Context, name: str, tags: tuple[str, ...], user_name: str | None) -> None:
    """Open a new case."""
    from graphtool.cases import create_case

    user = login(user_name)
    allow(ctx, user, "edit_case", "case:new", {"name": name})
    with _open(ctx) as ws:
        case = create_case(_book(ctx, ws), name, user.name, list(tags))
    _emit(ctx, case.summary(), _case_text)


@case_group.command("add")
@click.argument("case_id")
@click.option("--entity", "entities", multiple=True, help="A node id (repeatable).")
@click.option("--hops", type=int, help="Also add the neighbourhood of the entities, this many hops out.")
@click.option("--alert", "alerts", multiple=True, help="An alert id (repeatable).")
@click.option("--note", "notes", multiple=True, help="A note (repeatable).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@user_option
@click.pass_context
@friendly_errors
def case_add(
    ctx: click.Context,
    case_id: str,
    entities: tuple[str, ...],
    hops: int | None,
    alerts: tuple[str, ...],
    notes: tuple[str, ...],
    tags: tuple[str, ...],
    user_name: str | None,
) -> None:
    """Add entities (with their neighbourhood), alerts, notes or tags to a case."""
    from graphtool.cases import add_to_case

    user = login(user_name)
    allow(ctx, user, "edit_case", f"case:{case_id}", {"entities": list(entities), "alerts": list(alerts)})
    subgraph, query = None, None
    if entities:
        from graphtool.store import open_store

        with open_store(ctx.obj["settings"]) as store:
            subgraph = store.neighbourhood(list(entities), hops=hops or 0)
        query = {"name": "neighbourhood", "parameters": {"ids": list(entities), "hops": hops or 0}}
    with _open(ctx) as ws:
        case = add_to_case(
            _book(ctx, ws),
            case_id,
            user.name,
            entities=list(entities),
            subgraph=subgraph,
            alerts=list(alerts),
            notes=list(notes),
            tags=list(tags),
            query=query,
        )
    _emit(ctx, case.summary(), _case_text)


@case_group.command("list")
@user_option
@click.pass_context
@friendly_errors
def case_list(ctx: click.Context, user_name: str | None) -> None:
    """Every case, oldest first."""
    from graphtool.cases import list_cases

    user = login(user_name)
    allow(ctx, user, "view", "cases")
    with _open(ctx) as ws:
        data = [c.summary() for c in list_cases(_book(ctx, ws))]
    _emit(ctx, data, lambda rows: "\n".join(_case_text(r) for r in rows) or "no cases yet")


@case_group.command("show")
@click.argument("case_id")
@user_option
@click.pass_context
@friendly_errors
def case_show(ctx: click.Context, case_id: str, user_name: str | None) -> None:
    """A case: summary, entities, alerts, notes and history."""
    from graphtool.cases import get_case

    user = login(user_name)
    allow(ctx, user, "view", f"case:{case_id}")
    with _open(ctx) as ws:
        case = get_case(_book(ctx, ws), case_id)
    data = {
        **case.summary(),
        "entity_ids": case.entities,
        "alert_ids": case.alerts,
        "notes_text": case.notes,
        "history": case.history,
    }

    def text(d: dict[str, Any]) -> str:
        lines = [_case_text(d), "entities:", *(f"  {e}" for e in d["entity_ids"])]
        lines += ["alerts:", *(f"  {a}" for a in d["alert_ids"])]
        lines += ["notes:", *(f"  {n['at']} {n['by']}: {n['text']}" for n in d["notes_text"])]
        lines += ["history:", *(f"  {h['at']} {h['by']} {h['action']}" for h in d["history"])]
        return "\n".join(lines)

    _emit(ctx, data, text)


# -------------------------------------------------------------------------------------------- exports


@click.command("export")
@click.option("--case", "case_id", help="Export this case's subgraph (with its saved layout).")
@click.option("--node", "nodes", multiple=True, help="Export the neighbourhood of this node id (repeatable).")
@click.option("--hops", default=1, show_default=True, help="Hops around --node.")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["graphml", "gexf", "csv", "cytoscape", "ftm", "xlsx", "cypher", "neo4j-admin"]),
    help="File format; neo4j-admin writes the whole workspace as import files into the --out folder.",
)
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), help="Output file (folder for neo4j-admin)."
)
@user_option
@click.pass_context
@friendly_errors
def export_command(
    ctx: click.Context,
    case_id: str | None,
    nodes: tuple[str, ...],
    hops: int,
    fmt: str,
    out: Path,
    user_name: str | None,
) -> None:
    """Export a case, a neighbourhood, or (neo4j-admin) the whole graph."""
    user = login(user_name)
    target = (
        f"case:{case_id}"
        if case_id
        else ("workspace" if fmt == "neo4j-admin" else "nodes:" + ",".join(nodes))
    )
    allow(ctx, user, "export", target, {"format": fmt, "out": str(out), "hops": hops})
    if fmt == "neo4j-admin":
        from graphtool.neo4j_admin import write_import_files

        with _open(ctx, read_only=True) as ws:
            plan = write_import_files(ws, out)
        _emit(ctx, plan.as_dict(), lambda d: f"import files written to {d['out_dir']}\nrun: {d['command']}")
        return
    from graphtool.exports import export_subgraph, notes

    if bool(case_id) == bool(nodes):
        raise GraphtoolError("say what to export: --case CASE or --node ID (not both)")
    positions = None
    if case_id:
        from graphtool.cases import get_case

        with _open(ctx, read_only=True) as ws:
            case = get_case(_book(ctx, ws), case_id)
        subgraph, positions = case.subgraph, case.positions
    else:
        from graphtool.store import open_store

        with open_store(ctx.obj["settings"]) as store:
            subgraph = store.neighbourhood(list(nodes), hops=hops)
    out.write_bytes(export_subgraph(subgraph, fmt, positions))
    data = {
        "out": str(out),
        "format": fmt,
        "nodes": len(subgraph.nodes),
        "relationships": len(subgraph.edges),
        "notes": notes(subgraph, fmt),
    }
    _emit(
        ctx,
        data,
        lambda d: "\n".join(
            [
                f"{d['nodes']} nodes, {d['relationships']} relationships written to {d['out']} ({d['format']})",
                *d["notes"],
            ]
        ),
    )


# -------------------------------------------------------------------------------------------- evidence


@click.command("evidence")
@click.argument("case_id")
@click.option(
    "--out", default=Path("evidence"), show_default=True, type=click.Path(file_okay=False, path_type=Path)
)
@user_option
@click.pass_context
@friendly_errors
def evidence_command(ctx: click.Context, case_id: str, out: Path, user_name: str | None) -> None:
    """Build the evidence pack of a case: a folder and a zip (report HTML+PDF, facts, queries, manifest)."""
    from graphtool.cases import get_case
    from graphtool.evidence import build_pack

    user = login(user_name)
    allow(ctx, user, "evidence", f"case:{case_id}", {"out": str(out)})
    with _open(ctx, read_only=True) as ws:
        result = build_pack(ws, get_case(_book(ctx, ws), case_id), out)
    with _open(ctx) as ws:  # the pack's digest, so the log anchors what was handed over
        from graphtool import audit

        audit.record(
            ws, user.name, "evidence_built", f"case:{case_id}", {"manifest": result.files["manifest.json"]}
        )
    _emit(
        ctx,
        result.as_dict(),
        lambda d: (
            f"evidence pack: {d['folder']} and {d['zip']} ({len(d['files'])} files, "
            f"{d['sources']} source files cited)" + "".join(f"\n  note: {n}" for n in d["notes"])
        ),
    )


@click.command("verify")
@click.argument("pack", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the source files, when they moved since loading.",
)
@click.pass_context
@friendly_errors
def verify_command(ctx: click.Context, pack: Path, sources: Path | None) -> None:
    """Re-check every hash of an evidence pack (folder or zip) and of its source files."""
    from graphtool.evidence import verify_pack

    check = verify_pack(pack, sources)
    data = {
        "ok": check.ok,
        "files_checked": check.checked,
        "sources_checked": check.sources_checked,
        "sources_not_found": check.sources_not_found,
        "problems": check.problems,
    }

    def text(d: dict[str, Any]) -> str:
        head = "pack verified: every hash matches" if d["ok"] else "PACK CHANGED:"
        lines = [head, *(f"  {p}" for p in d["problems"])]
        lines.append(f"{d['files_checked']} files checked; {d['sources_checked']} source files re-hashed")
        if d["sources_not_found"]:
            lines.append("source files not found (not re-hashed): " + ", ".join(d["sources_not_found"]))
        return "\n".join(lines)

    _emit(ctx, data, text)
    if not check.ok:
        ctx.exit(1)


# --------------------------------------------------------------------------------------- audit, users


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@click.option(
    "--entries", type=int, help="Anchored head: the entry count noted earlier (graphtool audit head)."
)
@click.option("--hash", "head_hash", help="Anchored head: the hash noted with it.")
@user_option
@click.pass_context
@friendly_errors
def audit_verify(
    ctx: click.Context, entries: int | None, head_hash: str | None, user_name: str | None
) -> None:
    """Check the hash chain; with an anchored head, also that no newest entry was cut off."""
    from graphtool import audit

    user = login(user_name)
    allow(ctx, user, "admin", "audit_log")
    anchor = audit.Head(entries, head_hash or "") if entries is not None else None
    with _open(ctx, read_only=True) as ws:
        result = audit.verify(ws, anchor)
    data = {
        "ok": result.ok,
        "entries": result.entries,
        "head": vars(result.head),
        "problems": result.problems,
    }
    _emit(
        ctx,
        data,
        lambda d: (
            (f"audit log intact: {d['entries']} entries" if d["ok"] else "AUDIT LOG TAMPERED:\n")
            + "\n".join(f"  {p}" for p in d["problems"])
        ),
    )
    if not result.ok:
        ctx.exit(1)


@audit_group.command("head")
@click.pass_context
@friendly_errors
def audit_head(ctx: click.Context) -> None:
    """The number of entries and the last hash: note them elsewhere to anchor the log."""
    from graphtool import audit

    with _open(ctx, read_only=True) as ws:
        head = audit.head(ws)
    _emit(ctx, vars(head), lambda d: f"entries {d['entries']} hash {d['hash']}")


@audit_group.command("log")
@click.option("--limit", default=50, show_default=True)
@user_option
@click.pass_context
@friendly_errors
def audit_log(ctx: click.Context, limit: int, user_name: str | None) -> None:
    """The newest entries: who did what, to what, when."""
    from graphtool import audit

    user = login(user_name)
    allow(ctx, user, "admin", "audit_log")
    with _open(ctx, read_only=True) as ws:
        rows = audit.entries(ws, limit)
    _emit(
        ctx,
        rows,
        lambda rs: "\n".join(
            f"{r['seq']:>6} {r['logged_at']} {r['user']} {r['action']} {r['target']}" for r in rs
        ),
    )


@click.group("user")
def user_group() -> None:
    """Users for the [users] section of graphtool.toml (or a users file)."""


@user_group.command("hash")
@click.option(
    "--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Asked when not given."
)
@friendly_errors
def user_hash(password: str) -> None:
    """A password hash to paste as password_hash = "..." (the password itself is never stored)."""
    click.echo(hash_password(password))


COMMANDS = [case_group, export_command, evidence_command, verify_command, audit_group, user_group]
