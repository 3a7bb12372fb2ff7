"""Files for ``neo4j-admin database import full``: the fastest first load of a large workspace.

``graphtool push`` goes through Bolt transactions; for a first load of millions of rows the offline
importer is an order of magnitude faster (it writes the store files directly, into an empty
database only). :func:`write_import_files` writes, from the workspace:

* the ``SourceFile`` nodes, one per workspace source file (name, sha256, loader...), first;
* one node file per label: ``id:ID(<Label>)`` (an id space per label, the property ``id`` is kept),
  ``:LABEL``, every model property with its Neo4j type, and provenance (file id, row, batch);
* one relationship file per (type, source label, target label): ``:START_ID(<Label>)``,
  ``:END_ID(<Label>)``, ``:TYPE``, ``id`` (an empty cell, so no property, where the id is the derived
  ``TYPE:source>target``), the relationship properties and provenance;
* a separate header file for each data file (so the data stays plain CSV), and
  ``constraints.cypher``: the uniqueness constraints ``graphtool push`` creates, to run once the
  server is up (the importer of Community edition builds no indexes);

and returns an :class:`ImportPlan` holding the exact command. The graph is the one ``push`` writes:
same ids, labels, types, property names, types and values, and provenance, in the same lean layout
(``graphtool.neo4j_push``).

CSV is written by DuckDB (RFC 4180: fields with commas, quotes or newlines are quoted, quotes are
doubled, UTF-8 so Chinese text passes unchanged; NULL is an empty field, an empty string ``""``), which
is what the importer reads by default. Arrays are joined with U+001F, a control character no text
field keeps; a value holding it is refused with its node id, never silently split.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphtool.errors import BackendError, WorkspaceError
from graphtool.model import Model
from graphtool.neo4j_push import (
    EDGE_GROUP_WHERE,
    EDGE_ID_SQL,
    PROVENANCE,
    PROVENANCE_SQL,
    SOURCE_FILE,
    SOURCE_FILE_COLUMNS,
    SOURCE_FILE_ID_SQL,
    constraint_statements,
    edge_groups,
)
from graphtool.neo4j_server import default_jar_home, ensure_jars, pinned_version, require_tool
from graphtool.workspace import Workspace, node_table, q

#: Model property type -> Neo4j import type. Cypher stores every integer as a 64-bit long and every
#: float as a 64-bit double, as the importer does with these types.
IMPORT_TYPES = {
    "string": "string",
    "string[]": "string[]",
    "date": "date",
    "float": "double",
    "int": "long",
    "bool": "boolean",
}
PROVENANCE_HEADER = tuple(f"{name}:long" for name in PROVENANCE)
#: The SourceFile columns (neo4j_push.SOURCE_FILE_COLUMNS) that are not plain strings, with their type.
SOURCE_FILE_TYPES = {
    "file_id": "long", "batch_id": "long", "size": "long", "loaded_at": "localdatetime", "rows_read": "long",
    "loaded": "long", "quarantined": "long", "duplicates": "long",
}  # fmt: skip
ARRAY_DELIMITER = "\x1f"  # U+001F (unit separator)
DATABASE = "neo4j"


@dataclass(frozen=True)
class ImportFile:
    """One input group of the importer: a header file and a data file."""

    kind: str  # "nodes" | "relationships"
    name: str  # label, or "TYPE Source->Target"
    header: Path
    data: Path
    rows: int


@dataclass
class ImportPlan:
    """What :func:`write_import_files` wrote and the command that imports it."""

    out_dir: Path
    files: list[ImportFile] = field(default_factory=list)
    multiline: bool = False  # some text holds a line break: the importer must be told
    constraints: Path | None = None
    database: str = DATABASE

    def arguments(self) -> list[str]:
        """The arguments after ``neo4j-admin`` (absolute paths, so it runs from any directory)."""
        # The database comes first: --nodes/--relationships take several values and would eat it.
        args = ["database", "import", "full", self.database, "--id-type=string", "--array-delimiter=U+001F"]
        if self.multiline:
            args.append("--multiline-fields=true")
        return args + [f"--{f.kind}={f.header.resolve()},{f.data.resolve()}" for f in self.files]

    def command(self) -> list[str]:
        return ["neo4j-admin", *self.arguments()]

    def command_line(self) -> str:
        """The command as one shell line, to print and copy."""
        return shlex.join(self.command())

    def as_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "command": self.command_line(),
            "constraints": str(self.constraints),
            "nodes": {f.name: f.rows for f in self.files if f.kind == "nodes"},
            "relationships": {f.name: f.rows for f in self.files if f.kind == "relationships"},
        }


def node_header(label: str, props: dict[str, str]) -> list[str]:
    return [f"id:ID({label})", ":LABEL", *_typed(props), *PROVENANCE_HEADER]


def source_file_header() -> list[str]:
    return [
        f"id:ID({SOURCE_FILE})",
        ":LABEL",
        *(f"{c}:{SOURCE_FILE_TYPES[c]}" if c in SOURCE_FILE_TYPES else c for c in SOURCE_FILE_COLUMNS),
    ]


def relationship_header(source: str, target: str, props: dict[str, str]) -> list[str]:
    return [f":START_ID({source})", f":END_ID({target})", ":TYPE", "id", *_typed(props), *PROVENANCE_HEADER]


def _typed(props: dict[str, str]) -> list[str]:
    return [name if typ == "string" else f"{name}:{IMPORT_TYPES[typ]}" for name, typ in props.items()]


def _value_sql(column: str, typ: str) -> str:
    if typ == "string[]":
        return f"array_to_string({column}, chr(31))"
    return column


def write_import_files(ws: Workspace, out_dir: str | Path) -> ImportPlan:
    """Write the workspace's graph as importer input into ``out_dir``; return the plan with the command."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = ws.model
    plan = ImportPlan(out)
    # loaded_at as ISO text with microseconds: the importer's localdatetime, equal to what push writes
    columns = ", ".join(
        "strftime(loaded_at, '%Y-%m-%dT%H:%M:%S.%f')" if c == "loaded_at" else c for c in SOURCE_FILE_COLUMNS
    )
    sql = f"SELECT {SOURCE_FILE_ID_SQL}, '{SOURCE_FILE}', {columns} FROM source_files"
    _add(ws, plan, "nodes", SOURCE_FILE, f"nodes_{SOURCE_FILE}", source_file_header(), sql, [])
    text_columns = {c: "string" for c in SOURCE_FILE_COLUMNS if c not in SOURCE_FILE_TYPES}
    plan.multiline |= _has_line_break(ws, "SELECT * FROM source_files", [], text_columns)
    for label, kind in model.nodes.items():
        table = node_table(label)
        _refuse_delimiter(ws, table, "id", kind.properties)
        values = ", ".join(_value_sql(f"t.{q(p)}", t) for p, t in kind.properties.items())
        sql = f"SELECT t.id, '{label}', {values}, {PROVENANCE_SQL} FROM {table} t"
        header = node_header(label, kind.properties)
        _add(ws, plan, "nodes", label, f"nodes_{label}", header, sql, [])
        plan.multiline |= _has_line_break(ws, f"SELECT * FROM {table}", [], kind.properties)
    for rel_type, source, target in edge_groups(ws):
        props = model.relationship(rel_type).properties
        values = "".join(f"{_value_sql(f't.{q(p)}', t)}, " for p, t in props.items())
        params = [rel_type, source, target]
        sql = f"""SELECT t.src, t.dst, t.type, {EDGE_ID_SQL}, {values}{PROVENANCE_SQL}
                  FROM graph_edges t WHERE {EDGE_GROUP_WHERE}"""
        header = relationship_header(source, target, props)
        name = f"{rel_type} {source}->{target}"
        _add(ws, plan, "relationships", name, f"rels_{rel_type}_{source}_{target}", header, sql, params)
        group = f"SELECT * FROM graph_edges t WHERE {EDGE_GROUP_WHERE}"
        plan.multiline |= _has_line_break(ws, group, params, props)
    plan.constraints = out / "constraints.cypher"
    plan.constraints.write_text(constraint_script(model), encoding="utf-8")
    return plan


def constraint_script(model: Model) -> str:
    return "".join(f"{statement};\n" for statement in constraint_statements(model))


def _add(
    ws: Workspace,
    plan: ImportPlan,
    kind: str,
    name: str,
    stem: str,
    header: list[str],
    sql: str,
    params: list,
) -> None:
    header_path = plan.out_dir / f"{stem}.header.csv"
    data_path = plan.out_dir / f"{stem}.csv"
    rows = ws.con.execute(
        f"COPY ({sql}) TO '{_sql_text(str(data_path))}' (FORMAT csv, HEADER false, QUOTE '\"', ESCAPE '\"')",
        params,
    ).fetchall()[0][0]
    if not rows:  # an empty label: no input group (the importer needs none)
        data_path.unlink()
        return
    header_path.write_text(",".join(_csv_field(h) for h in header) + "\n", encoding="utf-8")
    plan.files.append(ImportFile(kind, name, header_path, data_path, rows))


def _csv_field(text: str) -> str:
    return f'"{text}"' if any(c in text for c in ',"\n') else text


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _refuse_delimiter(ws: Workspace, table: str, key: str, props: dict[str, str]) -> None:
    """An array element holding the delimiter would be split on import: refuse it by name."""
    for prop, typ in props.items():
        if typ != "string[]":
            continue
        found = ws.con.execute(
            f"SELECT {key} FROM {table} WHERE strpos(array_to_string({q(prop)}, ''), chr(31)) > 0 LIMIT 1"
        ).fetchall()
        if found:
            raise WorkspaceError(
                f"{found[0][0]}: property {prop} holds the character U+001F, which the neo4j-admin export "
                "uses to separate list elements; clean the value or push with `graphtool push` instead"
            )


def _has_line_break(ws: Workspace, sql: str, params: list, props: dict[str, str]) -> bool:
    texts = [q(p) for p, t in props.items() if t == "string"] + [
        f"array_to_string({q(p)}, '')" for p, t in props.items() if t == "string[]"
    ]
    if not texts:
        return False
    test = " OR ".join(f"regexp_matches({t}, '[\\r\\n]')" for t in texts)
    return bool(ws.con.execute(f"SELECT bool_or({test}) FROM ({sql})", params).fetchall()[0][0])


ADMIN_MAIN_CLASS = "org.neo4j.cli.AdminTool"  # what bin/neo4j-admin runs (neo4j-command-line jar)


def import_with_local_jars(plan: ImportPlan, data_dir: str | Path, heap: str = "1g") -> float:
    """Run the plan's import with the Maven jars ``graphtool.neo4j_server`` uses (no Neo4j install
    needed) into ``data_dir``, a fresh server data directory; return the seconds it took.

    Start a server on the result with ``LocalNeo4j(settings={"server.directories.data": data_dir})``.
    """
    java = require_tool("java")
    lib = ensure_jars(default_jar_home(pinned_version()))
    with tempfile.TemporaryDirectory(prefix="graphtool-admin-") as home:
        conf = Path(home) / "conf"
        conf.mkdir()
        (conf / "neo4j.conf").write_text(
            f"server.directories.data={Path(data_dir).resolve()}\n", encoding="utf-8"
        )
        env = {**os.environ, "NEO4J_HOME": home, "NEO4J_CONF": str(conf)}
        cmd = [java, f"-Xmx{heap}", "-cp", f"{lib}{os.sep}*", ADMIN_MAIN_CLASS, *plan.arguments()]
        started = time.monotonic()
        run = subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            tail = "\n".join((run.stdout + run.stderr).splitlines()[-40:])
            raise BackendError(f"neo4j-admin import failed (exit {run.returncode}):\n{tail}")
        return time.monotonic() - started
