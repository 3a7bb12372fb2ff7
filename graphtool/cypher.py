"""The Cypher files in ``queries/`` and how they run: templates filled from the model's allow-list,
values only as parameters, every query bounded by a limit and a transaction timeout.

A template names its slots in braces: ``{label}``, ``{src_label}``, ``{dst_label}`` (labels of the
model), ``{types}`` (``:A|B``, relationship types of the model, or nothing for all of them), ``{max_hops}``, ``{depth}``
(checked integers) and ``{fields}`` (property names of a label). Nothing a user typed is ever put into
the query text. ``run_adhoc`` runs a user's own Cypher in a READ transaction, so it cannot write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from graphtool.config import Neo4jSettings
from graphtool.errors import BackendError, GraphtoolError
from graphtool.ids import edge_id
from graphtool.model import load_model

QUERIES = Path(__file__).resolve().parent.parent / "queries"
TIMEOUT_S = 30.0  # every query of the named investigations is stopped by the server after this
SCALARS = frozenset((str, int, float, bool, type(None)))
SLOT = re.compile(r"\{(label|src_label|dst_label|types|max_hops|depth|fields)\}")


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    header: dict[str, str]


@cache
def template(name: str) -> Template:
    """``queries/<name>.cypher`` with its header comment (``// key: value`` lines) parsed."""
    path = QUERIES / f"{name}.cypher"
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        match = re.match(r"(\w+): (.*)", body)
        if match:
            key = match.group(1)
            header[key] = match.group(2)
        elif key:
            header[key] += " " + body
    return Template(name, text, header)


def render(name: str, **slots: Any) -> str:
    """The query text with its slots filled; each value is checked against the model first."""
    model = load_model()
    checked: dict[str, str] = {}
    for slot, value in slots.items():
        if slot in ("label", "src_label", "dst_label"):
            checked[slot] = model.node(value).label
        elif slot == "types":  # ":A|B", or nothing for every type of the model
            names = sorted(model.relationship(t).type for t in value or ())
            checked[slot] = (
                "" if value is None or set(names) == set(model.relationships) else ":" + "|".join(names)
            )
        elif slot in ("max_hops", "depth"):
            if not isinstance(value, int) or not 0 < value <= 20:
                raise GraphtoolError(f"{slot} must be an integer from 1 to 20, not {value!r}")
            checked[slot] = str(value)
        elif slot == "fields":
            label, names = value
            known = model.node(label).properties
            checked[slot] = "[" + ", ".join(f"'{n}'" for n in names if n in known or n == "id") + "]"
    text = template(name).text
    missing = {m.group(1) for m in SLOT.finditer(text)} - set(checked)
    if missing:
        raise GraphtoolError(f"query {name}: slots not filled: {', '.join(sorted(missing))}")
    return SLOT.sub(lambda m: checked[m.group(1)], text)


def union_by_label(name: str, ids: list[str], **slots: Any) -> tuple[str, dict[str, list[str]]]:
    """One query over nodes of several labels: a UNION ALL branch per label (the label is the id's
    prefix), so every lookup uses that label's id index. Returns the text and the ``$ids`` map."""
    model = load_model()
    by_label: dict[str, list[str]] = {}
    for node_id in dict.fromkeys(ids):
        label = node_id.split(":", 1)[0]
        if label in model.nodes:
            by_label.setdefault(label, []).append(node_id)
    parts = [_strip_header(render(name, label=label, **slots)) for label in sorted(by_label)]
    return "\nUNION ALL\n".join(parts), by_label


def over_nodes(ids: list[str], *rest: str) -> tuple[str, dict[str, list[str]]]:
    """A query over a set of nodes: ``node_set`` (a branch per label) in a CALL that yields ``n``, then
    the rest (rendered templates, joining lines). Returns the text and the ``$ids`` map (empty: no
    node of a model label, and no query to run)."""
    branches, by_label = union_by_label("node_set", ids)
    return join("CALL () {", branches, "}", *rest), by_label


def join(*parts: str) -> str:
    """One query from parts (rendered templates, joining lines), the templates' headers left out."""
    return "\n".join(_strip_header(part) for part in parts)


def _strip_header(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("//"))


def plain(value: Any) -> Any:
    """Driver values as plain Python: dates as ``datetime.date``, graph objects as dicts. Scalars are
    let through first, and the driver's own lists and maps are converted in place: 300 nodes'
    properties are ~10,000 values, nearly all of them strings and numbers."""
    kind = type(value)
    if kind in SCALARS:
        return value
    if kind is list:
        for i, v in enumerate(value):
            if type(v) not in SCALARS:
                value[i] = plain(v)
        return value
    if kind is dict:
        for k, v in value.items():
            if type(v) not in SCALARS:
                value[k] = plain(v)
        return value
    if isinstance(value, neo4j.graph.Node):
        return {"id": value.get("id"), "labels": sorted(value.labels), "properties": plain(dict(value))}
    if isinstance(value, neo4j.graph.Relationship):
        src = value.start_node.get("id") if value.start_node else None
        dst = value.end_node.get("id") if value.end_node else None
        derived = edge_id(value.type, src, dst) if src and dst else None  # not kept on the server
        return {
            "id": value.get("id") or derived,
            "type": value.type,
            "src": src,
            "dst": dst,
            "properties": plain(dict(value)),
        }
    if isinstance(value, neo4j.graph.Path):
        return {
            "nodes": [plain(n) for n in value.nodes],
            "relationships": [plain(r) for r in value.relationships],
        }
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


def read(driver: neo4j.Driver, settings: Neo4jSettings, text: str, **params: Any) -> list[dict[str, Any]]:
    """Run one of the investigations' queries in a managed READ transaction (retried on transient
    errors) with the standard timeout; rows as dicts of plain values. The server's notes about the
    query (a relationship type this graph happens not to have) are not shown to the user."""

    @neo4j.unit_of_work(timeout=TIMEOUT_S)
    def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        return [{k: plain(v) for k, v in r.items()} for r in tx.run(text, params)]

    try:
        with driver.session(
            database=settings.database,
            default_access_mode=neo4j.READ_ACCESS,
            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
        ) as session:
            return session.execute_read(work)
    except neo4j_errors.ClientError as exc:
        raise BackendError(_client_message(exc, settings)) from exc
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
        raise BackendError(
            f"lost the connection to Neo4j at {settings.uri}: is the server still running?"
        ) from exc


def run_adhoc(
    driver: neo4j.Driver,
    settings: Neo4jSettings,
    query: str,
    params: dict[str, Any] | None = None,
    limit: int = 1000,
    timeout_s: float = 10,
) -> tuple[list[str], list[list[Any]]]:
    """A user's own Cypher, read-only: a write attempt fails and changes nothing. At most ``limit``
    rows are fetched; the transaction is cancelled by the server after ``timeout_s`` seconds."""
    if limit < 1 or timeout_s <= 0:
        raise GraphtoolError("limit must be at least 1 and the timeout positive")

    def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
        result = tx.run(query, params or {})
        rows = [[plain(v) for v in record.values()] for record in islice(result, limit)]
        keys = list(result.keys())
        result.consume()
        return keys, rows

    wrapped = neo4j.unit_of_work(timeout=timeout_s)(work)
    try:
        with driver.session(database=settings.database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(wrapped)
    except neo4j_errors.ClientError as exc:
        raise GraphtoolError(_client_message(exc, settings)) from exc
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
        raise BackendError(
            f"lost the connection to Neo4j at {settings.uri}: is the server still running?"
        ) from exc


def _client_message(exc: neo4j_errors.ClientError, settings: Neo4jSettings) -> str:
    code = exc.code or ""
    if "AccessMode" in code or "ForbiddenOnReadOnlyDatabase" in code or "WriteOnReadOnlyAccess" in code:
        return (
            "this Cypher would change the graph; queries run here are read-only, so nothing was changed "
            "(to change data, load it into the workspace and push it)"
        )
    if "TransactionTimedOut" in code or "Terminated" in code:
        return (
            f"Neo4j at {settings.uri} stopped the query at its time limit: narrow the question (fewer hops, "
            "fewer relationship types, a LIMIT)"
        )
    if "Syntax" in code or "SemanticError" in code:
        return f"Cypher error: {exc.message}"
    return f"Neo4j at {settings.uri} refused the query: {exc.message}"
