"""The ``graphtool`` command line: a thin layer over the library; ``--json`` on every report."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from graphtool import __version__
from graphtool.errors import GraphtoolError

# Registers and lists first, then the declarations that mention their firms, then the foreign side.
DEMO_LOAD_ORDER = [
    "restricted_list.csv",
    "companies.csv",
    "people.csv",
    "ownership.csv",
    "officers.csv",
    "licences.csv",
    "declarations.csv",
    "bills_of_lading.csv",
    "trade_stats.csv",
]


def _emit(ctx: click.Context, data: Any, text: Callable[[Any], str]) -> None:
    if ctx.obj["json"]:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text(data))


def friendly_errors(fn: Callable) -> Callable:
    """Show a graphtool error as one clear line (exit 2), never as a stack trace."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GraphtoolError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    "-w",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Workspace file (else $GRAPHTOOL_WORKSPACE, graphtool.toml, graphtool.duckdb).",
)
@click.option("--neo4j-uri", help="Use Neo4j at this URI (else $NEO4J_URI or graphtool.toml [neo4j]).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")
@click.version_option(__version__)
@click.pass_context
@friendly_errors
def cli(ctx: click.Context, workspace: Path | None, neo4j_uri: str | None, as_json: bool) -> None:
    """graphtool: trace export-control evasion networks in customs, register and list data."""
    from graphtool.config import load_settings

    settings = load_settings(workspace=workspace, neo4j_uri=neo4j_uri)
    ctx.obj = {"workspace": settings.workspace, "settings": settings, "json": as_json}


def _open(ctx: click.Context, read_only: bool = False):
    from graphtool.workspace import Workspace

    return Workspace.open(ctx.obj["workspace"], read_only=read_only)


def _load_text(reports: list[dict]) -> str:
    lines = []
    for r in reports:
        if r["already_loaded"]:
            lines.append(
                f"{r['file']}: already loaded (batch {r['batch_id']}); {r['rows_read']} rows unchanged"
            )
            continue
        lines.append(
            f"{r['file']} [{r['loader']}{', ' + r['encoding'] if r['encoding'] else ''}]: "
            f"rows read {r['rows_read']} = loaded {r['loaded']} + quarantined {r['quarantined']} "
            f"+ duplicates {r['duplicates']}"
            + (f"; {r['conflicts']} conflicting values flagged" if r["conflicts"] else "")
        )
        if r["nodes"]:
            lines.append("  new nodes: " + ", ".join(f"{k} {v}" for k, v in sorted(r["nodes"].items()) if v))
        if r["edges"]:
            lines.append("  relationships: " + ", ".join(f"{k} {v}" for k, v in sorted(r["edges"].items())))
        if r["quarantined"]:
            lines.append(f"  see: graphtool quarantine --file {r['file']}")
    return "\n".join(lines)


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--mapping",
    "-m",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Mapping file (YAML) for a layout the built-in loaders do not know.",
)
@click.pass_context
@friendly_errors
def load(ctx: click.Context, files: tuple[Path, ...], mapping: Path | None) -> None:
    """Load source files (format recognised from headers or structure)."""

    with _open(ctx) as ws:
        reports = [_load_with_progress(ws, path, mapping) for path in files]
    _emit(ctx, reports, _load_text)


def _load_with_progress(ws, path: Path, mapping: Path | None = None) -> dict:
    """Load one file, with a progress bar of rows written when on a terminal."""
    from loaders import load_file

    with tqdm(desc=path.name, unit=" rows", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        return load_file(ws, path, mapping, progress=bar.update).as_dict()


def _status_text(s: dict) -> str:
    lines = [f"workspace {s['workspace']} (version {s['data_version']})"]
    r = s["rows"]
    lines.append(
        f"rows read {r['read']} = loaded {r['loaded']} + quarantined {r['quarantined']} "
        f"+ duplicates {r['duplicates']}; conflicting values flagged: {s['conflicts']}"
    )
    lines.append("files:")
    lines += [
        f"  {f['file_id']:>3} {f['name']} [{f['loader']} {f['mapping']}] read {f['rows_read']}, "
        f"loaded {f['loaded']}, quarantined {f['quarantined']}, duplicates {f['duplicates']}"
        for f in s["files"]
    ] or ["  (none)"]
    lines.append("nodes: " + (", ".join(f"{k} {v}" for k, v in s["nodes"].items()) or "none"))
    lines.append("relationships: " + (", ".join(f"{k} {v}" for k, v in s["edges"].items()) or "none"))
    if s["trade_stats"]:
        lines.append(f"trade statistics rows: {s['trade_stats']}")
    return "\n".join(lines)


@cli.command()
@click.pass_context
@friendly_errors
def status(ctx: click.Context) -> None:
    """What is loaded: files, counts, quarantine."""
    from graphtool.status import status as workspace_status

    with _open(ctx, read_only=True) as ws:
        _emit(ctx, workspace_status(ws), _status_text)


def _quarantine_text(rows: list[dict]) -> str:
    if not rows:
        return "quarantine is empty"
    lines = []
    for q in rows:
        for reason in q["reasons"]:
            lines.append(
                f"{q['file']} row {q['row']}: {reason['field']} = {reason['value']!r}: "
                f"{reason['message']} [{reason['rule']}]"
            )
    return "\n".join(lines)


@cli.command()
@click.option("--file", "file", help="Only rows of this source file (name or path).")
@click.option("--limit", default=100, show_default=True)
@click.pass_context
@friendly_errors
def quarantine(ctx: click.Context, file: str | None, limit: int) -> None:
    """Rejected rows with every reason (file, row, field, value, rule)."""
    from graphtool.status import quarantine as rows

    with _open(ctx, read_only=True) as ws:
        _emit(ctx, rows(ws, file, limit), _quarantine_text)


@cli.command()
@click.option("--limit", default=100, show_default=True)
@click.pass_context
@friendly_errors
def conflicts(ctx: click.Context, limit: int) -> None:
    """Values that sources disagree on (same id, different value)."""
    from graphtool.status import conflicts as rows

    def text(items: list[dict]) -> str:
        return (
            "\n".join(
                f"{c['item']}.{c['property']}: kept {c['kept']!r}, {c['file']} row {c['row']} says "
                f"{c['other']!r}"
                for c in items
            )
            or "no conflicting values"
        )

    with _open(ctx, read_only=True) as ws:
        _emit(ctx, rows(ws, limit), text)


@cli.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True)
@click.pass_context
@friendly_errors
def search(ctx: click.Context, query: str, limit: int) -> None:
    """Find entities by name (either script), id, registration number, address or phone."""

    def text(hits: list[dict]) -> str:
        return (
            "\n".join(
                f"{h['score']:.2f}  {h['label']:<11} {h['name']}  [{h['country'] or '-'}]  {h['id']}\n"
                f"      {'; '.join(h['reasons'])}"
                for h in hits
            )
            or "no match"
        )

    with _store(ctx) as store:
        _emit(ctx, store.search(query, limit), text)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-data"),
    show_default=True,
    help="Folder for the generated source files and ground truth.",
)
@click.option("--declarations", default=20_000, show_default=True, help="Number of declaration lines.")
@click.option("--seed", default=7, show_default=True)
@click.option("--load/--no-load", default=True, show_default=True, help="Load the files into the workspace.")
@click.pass_context
@friendly_errors
def demo(ctx: click.Context, out: Path, declarations: int, seed: int, load: bool) -> None:
    """Generate the synthetic demo case (seeded) and load it."""
    from graphtool.demo import generate

    summary = generate(out, declarations=declarations, seed=seed)
    reports = []
    if load:
        with _open(ctx) as ws:
            files = [path for name, path in summary.files.items() if name in DEMO_LOAD_ORDER]
            files.sort(key=lambda p: DEMO_LOAD_ORDER.index(p.name))
            reports = [_load_with_progress(ws, path) for path in files]
    data = {"out": str(out), "files": {k: str(v) for k, v in summary.files.items()}, "loads": reports}
    _emit(ctx, data, lambda d: f"demo case written to {d['out']}\n" + _load_text(d["loads"]))


@cli.command()
@click.pass_context
@friendly_errors
def backend(ctx: click.Context) -> None:
    """Which backend is configured, and whether it answers."""
    settings = ctx.obj["settings"]
    data = {"backend": settings.backend, "chosen_by": settings.source, "workspace": str(settings.workspace)}
    if settings.neo4j:
        from graphtool.neo4j_backend import connect

        data |= {"uri": settings.neo4j.uri, "user": settings.neo4j.user, "database": settings.neo4j.database}
        with connect(settings.neo4j) as driver:
            data["server"] = driver.get_server_info().agent
    _emit(ctx, data, lambda d: "\n".join(f"{k}: {v}" for k, v in d.items()))


@cli.command()
@click.option(
    "--batch-rows", default=20_000, show_default=True, help="Rows per UNWIND batch (measured: docs/neo4j.md)."
)
@click.pass_context
@friendly_errors
def push(ctx: click.Context, batch_rows: int) -> None:
    """Write the workspace's graph into the configured Neo4j (idempotent, resumable)."""
    from graphtool.errors import ConfigurationMissing
    from graphtool.neo4j_backend import connect
    from graphtool.neo4j_push import push as run

    settings = ctx.obj["settings"]
    if settings.neo4j is None:
        raise ConfigurationMissing(
            "no Neo4j configured: give --neo4j-uri, set NEO4J_URI, or add [neo4j] uri to graphtool.toml"
        )
    bar = tqdm(desc="push", unit=" rows", disable=not sys.stderr.isatty(), file=sys.stderr)
    with _open(ctx) as ws, connect(settings.neo4j) as driver, bar:
        report = run(ws, settings.neo4j, driver, batch_rows=batch_rows, progress=bar.update)
    data = {"uri": settings.neo4j.uri, **report.as_dict()}
    _emit(
        ctx,
        data,
        lambda d: (
            f"pushed to {d['uri']}: nodes {sum(d['nodes'].values())}, relationships "
            f"{sum(d['relationships'].values())}"
            + (f" ({d['skipped_batches']} batches already there)" if d["skipped_batches"] else "")
        ),
    )


from graphtool.alerts.cli import alerts  # noqa: E402 - a command group of its own module, needs the helpers above

cli.add_command(alerts)

from graphtool.case_cli import COMMANDS as CASE_COMMANDS  # noqa: E402 - cases, exports, evidence, audit, users

for _command in CASE_COMMANDS:
    cli.add_command(_command)


# ---------------------------------------------------------------------- investigations (graphtool.store)


def _store(ctx: click.Context):
    from graphtool.store import open_store

    return open_store(ctx.obj["settings"])


def _subgraph_text(graph) -> str:
    lines = [f"{len(graph.nodes)} nodes, {len(graph.edges)} relationships"]
    lines += [f"  {n.label:<11} {n.caption}  {n.id}" for n in graph.nodes.values()]
    lines += [f"  {e.src} -[{e.type}]-> {e.dst}" for e in graph.edges.values()]
    if graph.more:
        lines.append(f"{graph.more} more not shown")
    return "\n".join(lines)


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--hops", default=1, show_default=True, help="Relationships away (at most 4).")
@click.option("--type", "types", multiple=True, help="Follow only this relationship type (repeatable).")
@click.option("--since", help="Date window start (YYYY-MM-DD).")
@click.option("--until", help="Date window end (YYYY-MM-DD).")
@click.option("--hs", "hs_codes", multiple=True, help="HS code or prefix of goods (repeatable).")
@click.option("--country", "countries", multiple=True, help="Country (repeatable).")
@click.option("--limit", default=300, show_default=True, help="Nodes shown at most.")
@click.pass_context
@friendly_errors
def neighbourhood(ctx, ids, hops, types, since, until, hs_codes, countries, limit) -> None:
    """Everything within some hops of one or more entities, nearest first."""
    with _store(ctx) as store:
        graph = store.neighbourhood(
            list(ids),
            hops,
            list(types) or None,
            since,
            until,
            list(hs_codes) or None,
            list(countries) or None,
            limit,
        )
    _emit(ctx, graph.to_dict(), lambda _: _subgraph_text(graph))


@cli.command()
@click.argument("src")
@click.argument("dst", required=False)
@click.option("--max-hops", default=6, show_default=True)
@click.option("--all", "all_paths", is_flag=True, help="All simple paths, not only the shortest.")
@click.option("--limit", default=10, show_default=True)
@click.option("--type", "types", multiple=True, help="Follow only this relationship type (repeatable).")
@click.pass_context
@friendly_errors
def paths(ctx, src, dst, max_hops, all_paths, limit, types) -> None:
    """Paths between two entities, or from one entity to any listed party (no DST)."""
    with _store(ctx) as store:
        found = store.paths(src, dst, max_hops, all_paths, limit, list(types) or None)

    def text(_: Any) -> str:
        out = []
        for i, p in enumerate(found, 1):
            out.append(f"path {i} ({p.hops} hops):")
            for k, node_id in enumerate(p.node_ids):
                out.append(f"  {p.subgraph.nodes[node_id].caption}  [{node_id}]")
                if k < len(p.edge_ids):
                    out.append(f"    -[{p.subgraph.edges[p.edge_ids[k]].type}]-")
        return "\n".join(out) or "no path within the bound"

    _emit(ctx, [p.to_dict() for p in found], text)


@cli.command()
@click.argument("company")
@click.option("--as-of", help="Date (YYYY-MM-DD); default today.")
@click.option("--threshold", default=25.0, show_default=True, help="Percent that makes a beneficial owner.")
@click.option("--interest", help="shareholding (default), votingRights, ...")
@click.pass_context
@friendly_errors
def ubo(ctx, company, as_of, threshold, interest) -> None:
    """Owners and controllers of a company as of a date, with effective shares."""
    with _store(ctx) as store:
        report = store.ubo(company, as_of, threshold, interest)

    def text(_: Any) -> str:
        def pct(v):
            return "unknown" if v is None else f"{v:.2f}%"

        out = [f"ownership of {company} as of {report.as_of} ({report.interest}, threshold {threshold}%)"]
        for o in report.owners:
            bounds = ""
            if o.effective is None:
                low = f"at least {pct(o.effective_min)}, " if o.effective_min else ""
                bounds = f" ({low}at most {pct(o.effective_max)})"
            declared = f", declared {pct(o.declared)}" if o.declared is not None else ""
            out.append(f"  {pct(o.effective)}{bounds}{declared}  {o.kind:<7} {o.name} [{o.country or '-'}]  "
                       f"{', '.join(o.flags)}")  # fmt: skip
        out += [f"  control: {c.name} ({c.via}{', ' + c.role if c.role else ''})" for c in report.controllers]
        out += [f"  cycle: {' -> '.join(c)}" for c in report.cycles]
        out += [f"  note: {n}" for n in report.notes]
        if not report.beneficial_owners:
            out.append("  no natural person at or above the threshold")
        return "\n".join(out)

    _emit(ctx, report.to_dict(), text)


@cli.command()
@click.argument("start")
@click.option("--window-days", type=int, help="Days after an export in which an onward shipment counts.")
@click.option("--tolerance", type=float, help="Weight tolerance (0.1 = 10 %).")
@click.option("--limit", type=int, help="Declarations of a company followed (latest first).")
@click.pass_context
@friendly_errors
def flow(ctx, start, window_days, tolerance, limit) -> None:
    """Follow goods from a declaration (or a company's exports) to onward shipments."""
    with _store(ctx) as store:
        report = store.goods_flow(start, window_days, tolerance, limit)

    def text(_: Any) -> str:
        out = [f"{len(report.declarations)} declarations followed, {len(report.legs)} onward legs matched"]
        for leg in report.legs:
            out.append(
                f"  {'  ' * (leg.depth - 1)}{leg.from_id} -> {leg.via_id} [{leg.via_country or '-'}] -> "
                f"{leg.shipment_id} -> {leg.to_id or '?'} [{leg.to_country or '-'}]: {leg.lag_days} days, "
                f"{leg.weight_in:.0f} -> {leg.weight_out:.0f} kg"
                + (", third country" if leg.third_country else "")
                + (", LISTED consignee" if leg.to_listed else "")
            )
        return "\n".join(out)

    _emit(ctx, report.to_dict(), text)


@cli.command("cypher")
@click.argument("query")
@click.option("--param", "params", multiple=True, help="Query parameter name=value (JSON values allowed).")
@click.option("--limit", default=1000, show_default=True)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds before the server stops the query.")
@click.option("--user", "user_name", help="Who you are (else $GRAPHTOOL_USER, or the login name).")
@click.pass_context
@friendly_errors
def cypher_command(ctx, query, params, limit, timeout, user_name) -> None:
    """Run read-only Cypher on the configured Neo4j (writes are refused; analyst role or higher).
    QUERY may be @file.cypher."""
    from graphtool.case_cli import allow, login
    from graphtool.errors import GraphtoolError

    if query.startswith("@"):
        query = Path(query[1:]).read_text(encoding="utf-8")
    values = {}
    for item in params:
        name, sep, raw = item.partition("=")
        if not sep:
            raise GraphtoolError(f"--param {item!r}: expected name=value")
        try:
            values[name] = json.loads(raw)
        except json.JSONDecodeError:
            values[name] = raw
    allow(ctx, login(user_name), "query", "cypher", {"query": query, "params": values})
    with _store(ctx) as store:
        columns, rows = store.cypher(query, values, limit, timeout)
    _emit(
        ctx,
        {"columns": columns, "rows": rows},
        lambda d: "\t".join(columns) + "\n" + "\n".join("\t".join(map(str, r)) for r in rows),
    )


@cli.command("resolve")
@click.option("--label", "labels", multiple=True, type=click.Choice(["Company", "Person", "ListEntry"]),
              help="Only these node labels (default: all three; list entries are compared, never merged).")  # fmt: skip
@click.pass_context
@friendly_errors
def resolve_command(ctx: click.Context, labels: tuple[str, ...]) -> None:
    """Entity resolution: cluster records of one firm or person, link them with SAME_AS (docs/resolution.md)."""
    from graphtool.resolution import resolve

    def text(s: dict) -> str:
        lines = [f"resolution run {s['run_id']} ({s['seconds']} s)"]
        for label, r in s["labels"].items():
            decisions = ", ".join(f"{k} {v}" for k, v in r["decisions"].items())
            lines.append(
                f"{label}: {r['records']} records, {r['clusters']} clusters of {r['records_in_clusters']} "
                f"records; pairs compared {r['pairs_compared']} ({decisions})"
            )
        return "\n".join(lines)

    with _open(ctx) as ws:
        _emit(ctx, resolve(ws, labels or ("Company", "Person", "ListEntry")), text)


@cli.group("match")
def match_group() -> None:
    """Confirm or reject a match between two records; applied on every later `graphtool resolve`."""


def _judge(ctx: click.Context, decision: str, left: str, right: str, reason: str, user: str | None) -> None:
    from graphtool.case_cli import allow, login
    from graphtool.resolution import judge

    account = login(user)
    allow(ctx, account, "judge", f"{left} ~ {right}", {"decision": decision, "reason": reason})
    with _open(ctx) as ws:
        row = judge(ws, left, right, decision, account.name, reason)
    _emit(ctx, row, lambda r: f"{r['decision']}ed {r['left_id']} ~ {r['right_id']} by {r['user_name']}; "
                              "takes effect at the next graphtool resolve")  # fmt: skip


@match_group.command("confirm")
@click.argument("left")
@click.argument("right")
@click.option("--reason", required=True, help="Why (kept with the judgement).")
@click.option(
    "--user", help="Who decides (else $GRAPHTOOL_USER, or the login name); investigator role or higher."
)
@click.pass_context
@friendly_errors
def match_confirm(ctx: click.Context, left: str, right: str, reason: str, user: str | None) -> None:
    """LEFT and RIGHT (node ids) are one entity: they will be merged whatever the score."""
    _judge(ctx, "confirm", left, right, reason, user)


@match_group.command("reject")
@click.argument("left")
@click.argument("right")
@click.option("--reason", required=True, help="Why (kept with the judgement).")
@click.option(
    "--user", help="Who decides (else $GRAPHTOOL_USER, or the login name); investigator role or higher."
)
@click.pass_context
@friendly_errors
def match_reject(ctx: click.Context, left: str, right: str, reason: str, user: str | None) -> None:
    """LEFT and RIGHT (node ids) are two entities: never merged again, not even through others."""
    _judge(ctx, "reject", left, right, reason, user)


@cli.command("screen")
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Lists as in force on this date (default today)."
)
@click.option("--list", "lists", multiple=True, help="Only entries of this list name (repeatable).")
@click.option("--parties-from-list", "party_lists", multiple=True,
              help="Screen the entries of this list (repeatable) instead of the firms and people.")  # fmt: skip
@click.option("--top", default=20, show_default=True, help="Hits shown in the text report.")
@click.pass_context
@friendly_errors
def screen_command(
    ctx: click.Context, as_of, lists: tuple[str, ...], party_lists: tuple[str, ...], top: int
) -> None:
    """Screen firms and people against the restricted lists; hits with score, kind and reasons to list_hits."""
    from graphtool.screening import screen

    def text(s: dict) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(s["by_kind"].items()))
        lines = [
            f"screening run {s['run_id']} as of {s['as_of']}: {s['parties']} parties against "
            f"{s['entries_in_force']} entries in force; {s['hits']} hits on {s['parties_hit']} parties"
            + (f" ({kinds})" if kinds else "")
        ]
        lines += [
            f"{h['score']:.2f} {h['kind']:<10} {h['party_id']} -> {h['entry_id']}: {h['reasons']}"
            for h in s["top"][:top]
        ]
        return "\n".join(lines)

    with _open(ctx) as ws:
        day = as_of.date() if as_of else None
        _emit(ctx, screen(ws, day, list(lists) or None, list(party_lists) or None), text)


def main() -> None:
    cli()
