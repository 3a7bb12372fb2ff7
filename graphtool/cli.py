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
    """Find entities by name (either script), id or registration number."""
    from graphtool.search import search as run

    def text(hits: list[dict]) -> str:
        return (
            "\n".join(
                f"{h['score']:.2f}  {h['label']:<11} {h['name']}  [{h['country'] or '-'}]  {h['id']}"
                for h in hits
            )
            or "no match"
        )

    with _open(ctx, read_only=True) as ws:
        _emit(ctx, run(ws, query, limit), text)


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
@click.option("--batch-rows", default=10_000, show_default=True, help="Rows per UNWIND batch.")
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


def main() -> None:
    cli()
