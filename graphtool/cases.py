"""Cases: what an investigation keeps — entities, a saved subgraph with its layout, alerts, notes,
tags, the queries that found each piece, and the history of every change.

A case lives where the graph lives: in the workspace (table ``cases``) or, with the Neo4j backend,
as a ``:Case`` node on the server so a team shares it (``open_book``). Either way a case is one
JSON document, changed only through ``update`` inside one transaction (Neo4j takes a write lock on
the node first), so two people adding notes at once both keep theirs. Every change appends a
history entry (who, when, what); nothing is removed from the history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import neo4j

from graphtool.config import Neo4jSettings, Settings
from graphtool.errors import GraphtoolError, NotFound
from graphtool.model import load_model
from graphtool.subgraph import Subgraph
from graphtool.workspace import Workspace

Positions = dict[str, tuple[float, float]]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Case:
    case_id: str
    name: str
    created_at: str
    created_by: str
    entities: list[str] = field(default_factory=list)
    subgraph: Subgraph = field(default_factory=Subgraph)
    positions: Positions = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)  # {text, by, at}
    tags: list[str] = field(default_factory=list)
    queries: list[dict[str, Any]] = field(default_factory=list)  # {name, parameters, by, at}
    history: list[dict[str, Any]] = field(default_factory=list)  # {at, by, action, details}

    def to_json(self) -> str:
        data = asdict(self)
        data["subgraph"] = self.subgraph.to_dict()
        data["positions"] = {k: list(v) for k, v in sorted(self.positions.items())}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)

    @classmethod
    def from_json(cls, text: str) -> Case:
        data = json.loads(text)
        data["subgraph"] = _typed(Subgraph.from_dict(data.get("subgraph") or {}))
        data["positions"] = {k: (float(x), float(y)) for k, (x, y) in (data.get("positions") or {}).items()}
        return cls(**data)

    def summary(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "name": self.name,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "entities": len(self.entities),
            "nodes": len(self.subgraph.nodes),
            "relationships": len(self.subgraph.edges),
            "alerts": len(self.alerts),
            "notes": len(self.notes),
            "tags": self.tags,
        }


def _typed(graph: Subgraph) -> Subgraph:
    """Dates come back from JSON as text; the model says which properties are dates."""
    model = load_model()
    edge_types = model.edge_properties()
    items = [(n.properties, model.node(n.label).properties) for n in graph.nodes.values()]
    items += [(e.properties, edge_types) for e in graph.edges.values()]
    for props, types in items:
        for key, value in props.items():
            if types.get(key) == "date" and isinstance(value, str):
                props[key] = dt.date.fromisoformat(value)
    return graph


class CaseBook(Protocol):
    """Where cases are kept. ``update`` runs ``change`` on the stored case in one transaction."""

    def create(self, make: Callable[[str], Case]) -> Case: ...

    def get(self, case_id: str) -> Case | None: ...

    def all(self) -> list[Case]: ...

    def update(self, case_id: str, change: Callable[[Case], None]) -> Case: ...


def _next_id(existing: list[str]) -> str:
    numbers = [int(c.split("-")[1]) for c in existing if c.startswith("CASE-") and c.split("-")[1].isdigit()]
    return f"CASE-{max(numbers, default=0) + 1:04d}"


class WorkspaceBook:
    """Cases in the workspace's ``cases`` table, one JSON document per case."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def create(self, make: Callable[[str], Case]) -> Case:
        with self.ws.transaction():
            ids = [r[0] for r in self.ws.con.execute("SELECT case_id FROM cases").fetchall()]
            case = make(_next_id(ids))
            self.ws.con.execute(
                "INSERT INTO cases VALUES (?, ?, CAST(? AS TIMESTAMP), ?, ?)",
                [case.case_id, case.name, case.created_at, case.created_by, case.to_json()],
            )
        return case

    def get(self, case_id: str) -> Case | None:
        rows = self.ws.con.execute("SELECT data FROM cases WHERE case_id = ?", [case_id]).fetchall()
        return Case.from_json(rows[0][0]) if rows else None

    def all(self) -> list[Case]:
        return [
            Case.from_json(r[0])
            for r in self.ws.con.execute("SELECT data FROM cases ORDER BY case_id").fetchall()
        ]

    def update(self, case_id: str, change: Callable[[Case], None]) -> Case:
        with self.ws.transaction():
            case = self.get(case_id)
            if case is None:
                raise NotFound(f"no case {case_id!r} in workspace {self.ws.path}")
            change(case)
            self.ws.con.execute(
                "UPDATE cases SET name = ?, data = ? WHERE case_id = ?", [case.name, case.to_json(), case_id]
            )
        return case


class Neo4jBook:
    """Cases as ``:Case`` nodes on the Neo4j server (shared by the team), each linked by
    ``:INCLUDES`` to the entities it holds. Parameters only; labels from the model."""

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        self.driver.execute_query(
            "CREATE CONSTRAINT case_id IF NOT EXISTS FOR (c:Case) REQUIRE c.case_id IS UNIQUE",
            database_=database,
        )

    def create(self, make: Callable[[str], Case]) -> Case:
        def work(tx: neo4j.ManagedTransaction) -> Case:
            ids = tx.run("MATCH (c:Case) RETURN c.case_id AS id").value("id")
            case = make(_next_id(ids))
            tx.run(
                "CREATE (c:Case {case_id: $id, name: $name, created_at: $at, created_by: $by, data: $data})",
                id=case.case_id,
                name=case.name,
                at=case.created_at,
                by=case.created_by,
                data=case.to_json(),
            ).consume()
            return case

        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def get(self, case_id: str) -> Case | None:
        records, _, _ = self.driver.execute_query(
            "MATCH (c:Case {case_id: $id}) RETURN c.data AS data",
            id=case_id,
            database_=self.database,
            routing_=neo4j.RoutingControl.READ,
        )
        return Case.from_json(records[0]["data"]) if records else None

    def all(self) -> list[Case]:
        records, _, _ = self.driver.execute_query(
            "MATCH (c:Case) RETURN c.data AS data ORDER BY c.case_id",
            database_=self.database,
            routing_=neo4j.RoutingControl.READ,
        )
        return [Case.from_json(r["data"]) for r in records]

    def update(self, case_id: str, change: Callable[[Case], None]) -> Case:
        model = load_model()

        def work(tx: neo4j.ManagedTransaction) -> Case:
            # SET first: the write lock on the node makes concurrent updates wait their turn
            record = tx.run(
                "MATCH (c:Case {case_id: $id}) SET c.locked_at = $at RETURN c.data AS data",
                id=case_id,
                at=_now(),
            ).single()
            if record is None:
                raise NotFound(f"no case {case_id!r} on the Neo4j server")
            case = Case.from_json(record["data"])
            change(case)
            tx.run(
                "MATCH (c:Case {case_id: $id}) SET c.name = $name, c.data = $data",
                id=case_id,
                name=case.name,
                data=case.to_json(),
            ).consume()
            by_label: dict[str, list[str]] = {}
            for entity in case.entities:
                label = entity.split(":", 1)[0]
                if label in model.nodes:
                    by_label.setdefault(label, []).append(entity)
            for label, ids in sorted(by_label.items()):
                model.node(label)  # allow-list: the label is part of the statement text
                tx.run(
                    f"MATCH (c:Case {{case_id: $id}}) UNWIND $ids AS nid MATCH (n:{label} {{id: nid}}) "
                    "MERGE (c)-[:INCLUDES]->(n)",
                    id=case_id,
                    ids=ids,
                ).consume()
            return case

        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)


def open_book(
    settings: Settings, ws: Workspace | None = None, driver: neo4j.Driver | None = None
) -> CaseBook:
    """The case book of the configured backend: Neo4j when configured, else the workspace."""
    if settings.neo4j is not None:
        return Neo4jBook(driver or _connect(settings.neo4j), settings.neo4j.database)
    if ws is None:
        raise GraphtoolError("cases of the embedded backend need an open workspace")
    return WorkspaceBook(ws)


def _connect(settings: Neo4jSettings) -> neo4j.Driver:
    from graphtool.neo4j_backend import connect

    return connect(settings)


def _book(book: CaseBook | Workspace) -> CaseBook:
    return WorkspaceBook(book) if isinstance(book, Workspace) else book


def _event(case: Case, user: str, action: str, details: dict[str, Any]) -> None:
    case.history.append({"at": _now(), "by": user, "action": action, "details": details})


def create_case(book: CaseBook | Workspace, name: str, user: str, tags: list[str] | None = None) -> Case:
    if not name.strip():
        raise GraphtoolError("a case needs a name")

    def make(case_id: str) -> Case:
        case = Case(case_id, name.strip(), _now(), user, tags=sorted(set(tags or [])))
        _event(case, user, "created", {"name": case.name, "tags": case.tags})
        return case

    return _book(book).create(make)


def get_case(book: CaseBook | Workspace, case_id: str) -> Case:
    case = _book(book).get(case_id)
    if case is None:
        raise NotFound(f"no case {case_id!r}; see graphtool case list")
    return case


def list_cases(book: CaseBook | Workspace) -> list[Case]:
    return _book(book).all()


def case_history(book: CaseBook | Workspace, case_id: str) -> list[dict[str, Any]]:
    return get_case(book, case_id).history


def add_to_case(
    book: CaseBook | Workspace,
    case_id: str,
    user: str,
    *,
    entities: list[str] | None = None,
    subgraph: Subgraph | None = None,
    positions: Positions | None = None,
    alerts: list[str] | None = None,
    notes: list[str] | None = None,
    tags: list[str] | None = None,
    query: dict[str, Any] | None = None,
) -> Case:
    """Add to a case; ``query`` (``{"name": ..., "parameters": {...}}``) records how the added
    subgraph or entities were found, for the evidence pack. Returns the case as stored."""

    def change(case: Case) -> None:
        details: dict[str, Any] = {}
        new_entities = [e for e in dict.fromkeys(entities or []) if e not in case.entities]
        if subgraph is not None:
            before = (len(case.subgraph.nodes), len(case.subgraph.edges))
            case.subgraph.merge(subgraph)
            new_entities += [
                n for n in sorted(subgraph.nodes) if n not in case.entities and n not in new_entities
            ]
            details["subgraph"] = {
                "nodes": len(case.subgraph.nodes) - before[0],
                "relationships": len(case.subgraph.edges) - before[1],
            }
        if new_entities:
            case.entities += new_entities
            details["entities"] = new_entities
        if positions:
            case.positions.update({k: (float(x), float(y)) for k, (x, y) in positions.items()})
            details["positions"] = len(positions)
        new_alerts = [a for a in dict.fromkeys(alerts or []) if a not in case.alerts]
        if new_alerts:
            case.alerts += new_alerts
            details["alerts"] = new_alerts
        for text in notes or []:
            if text.strip():
                case.notes.append({"text": text.strip(), "by": user, "at": _now()})
                details.setdefault("notes", []).append(text.strip())
        new_tags = sorted(set(tags or []) - set(case.tags))
        if new_tags:
            case.tags = sorted(set(case.tags) | set(new_tags))
            details["tags"] = new_tags
        if query is not None:
            case.queries.append(
                {"name": query["name"], "parameters": query.get("parameters", {}), "by": user, "at": _now()}
            )
            details["query"] = query
        if details:
            _event(case, user, "added", details)

    return _book(book).update(case_id, change)
