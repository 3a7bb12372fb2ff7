"""The named investigations as one Python API over both backends.

``open_store(settings)`` gives an :class:`EmbeddedStore` (the DuckDB workspace) unless a Neo4j URI
is configured, then a :class:`Neo4jStore`. Every consumer (app, CLI, alerts, exports) calls the
same methods and gets the same structures (``graphtool.subgraph``); the parity tests hold both
backends to the same answers. Each backend fetches facts its own way; where an answer needs
computing (ownership, goods flows, path order) the pure functions in ``graphtool.investigations``
do it for both. See docs/investigations.md.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any

from graphtool.config import Settings
from graphtool.errors import GraphtoolError, NotFound
from graphtool.investigations import parameters
from graphtool.investigations.filters import Filters, make_filters
from graphtool.investigations.flow import FlowReport, compute_flow
from graphtool.investigations.paths import check_hops, order_paths
from graphtool.investigations.ubo import UboReport, compute_ubo
from graphtool.subgraph import Edge, Node, Path, Subgraph


class GraphStore(ABC):
    """One backend's answers to the named investigations."""

    backend: str

    # ------------------------------------------------------------------ backend primitives

    @property
    @abstractmethod
    def version(self) -> str:
        """Changes whenever the data changes: the cache key for anything computed from the graph."""

    @abstractmethod
    def nodes(self, ids: list[str]) -> dict[str, Node]:
        """The nodes that exist among ``ids``, with properties and provenance."""

    @abstractmethod
    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """Ranked hits: id, label, name, country, score, reasons."""

    @abstractmethod
    def _neighbourhood(self, seeds: list[str], hops: int, filters: Filters, limit: int) -> Subgraph: ...

    @abstractmethod
    def _paths(
        self, src: str, dst: str | None, max_hops: int, all_paths: bool, types: frozenset[str], limit: int
    ) -> list[tuple[list[str], list[str]]]:
        """(node ids, edge ids) of the paths asked for: at least the first ``limit`` in answer order."""

    @abstractmethod
    def _ownership_facts(self, company_id: str, depth: int) -> tuple[list[Edge], dict[str, Node]]:
        """OWNS relationships up to ``depth`` levels above the company, and control relationships into it."""

    @abstractmethod
    def _flow_facts(self, start_id: str, window_days: int, limit: int, max_legs: int) -> dict[str, Any]:
        """Declarations, consignees and candidate onward shipments (see investigations.flow)."""

    @abstractmethod
    def _subgraph(self, node_ids: list[str], edge_ids: list[str]) -> Subgraph:
        """Those nodes and relationships, with properties and provenance."""

    def cypher(
        self, query: str, params: dict[str, Any] | None = None, limit: int = 1000, timeout_s: float = 10
    ) -> tuple[list[str], list[list[Any]]]:
        raise GraphtoolError(
            "ad-hoc Cypher needs Neo4j: configure a server (--neo4j-uri, NEO4J_URI or graphtool.toml) "
            "and push the workspace into it (graphtool push)"
        )

    def close(self) -> None:  # noqa: B027 - only a backend with connections has something to close
        """Release connections (the embedded store holds none between calls)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the investigations

    def node(self, node_id: str) -> Node | None:
        return self.nodes([node_id]).get(node_id)

    def neighbourhood(
        self,
        ids: list[str] | str,
        hops: int = 1,
        rel_types: list[str] | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        hs_codes: list[str] | None = None,
        countries: list[str] | None = None,
        limit: int | None = None,
    ) -> Subgraph:
        """Everything within ``hops`` (<= 4) of the given nodes, nearest first (then by id), capped at
        ``limit`` nodes; ``more`` says how many were reached but not shown."""
        conf = parameters()["neighbourhood"]
        seeds = [ids] if isinstance(ids, str) else list(dict.fromkeys(ids))
        if not seeds:
            raise GraphtoolError("neighbourhood needs at least one node id")
        if not 0 <= hops <= conf["max_hops"]:
            raise GraphtoolError(f"hops must be between 0 and {conf['max_hops']}, not {hops}")
        self._require(seeds)
        filters = make_filters(rel_types, since, until, hs_codes, countries)
        return self._neighbourhood(seeds, hops, filters, conf["limit"] if limit is None else limit)

    def paths(
        self,
        src: str,
        dst: str | None = None,
        max_hops: int = 6,
        all_paths: bool = False,
        limit: int = 10,
        rel_types: list[str] | None = None,
    ) -> list[Path]:
        """Shortest paths (or all simple paths, ``all_paths``) of at most ``max_hops`` relationships in
        either direction, from ``src`` to ``dst`` or, without ``dst``, to every listed party within
        reach (a ListEntry, anything LISTED_AS one, or a firm or person with a sanction topic).
        Ordered by length, then node ids; ports are not crossed unless ``rel_types`` names them."""
        conf = parameters()["paths"]
        check_hops(max_hops)
        self._require([src] + ([dst] if dst else []))
        if dst == src:
            raise GraphtoolError("a path needs two different nodes")
        types = make_filters(rel_types).rel_types or frozenset(
            t for t in _all_types() if t not in conf["default_excluded_types"]
        )
        found = self._paths(src, dst, max_hops, all_paths, types, limit)
        chosen = order_paths(found, limit)
        union = self._subgraph(
            sorted({i for n, _ in chosen for i in n}), sorted({i for _, e in chosen for i in e})
        )
        return [
            Path(n, e, Subgraph({i: union.nodes[i] for i in n}, {i: union.edges[i] for i in e}))
            for n, e in chosen
        ]

    def ubo(
        self,
        company_id: str,
        as_of: dt.date | str | None = None,
        threshold: float = 25.0,
        interest: str | None = None,
    ) -> UboReport:
        """Who owns and controls a company on a date; see graphtool.investigations.ubo."""
        if isinstance(as_of, str):
            as_of = make_filters(since=as_of).since
        company = self.node(company_id)
        if company is None:
            raise NotFound(f"no node {company_id!r}")
        if company.label != "Company":
            raise GraphtoolError(f"{company_id} is a {company.label}: ownership is asked of a Company")
        edges, nodes = self._ownership_facts(company_id, parameters()["ubo"]["max_depth"])
        nodes[company.id] = company
        return compute_ubo(company, edges, nodes, as_of, threshold, interest)

    def goods_flow(
        self,
        start_id: str,
        window_days: int | None = None,
        weight_tolerance: float | None = None,
        limit: int | None = None,
        hs_digits: int | None = None,
    ) -> FlowReport:
        """Where the goods of a declaration (or of a company's declarations) went next; see
        graphtool.investigations.flow."""
        conf = parameters()["goods_flow"]
        window = conf["window_days"] if window_days is None else window_days
        tolerance = conf["weight_tolerance"] if weight_tolerance is None else weight_tolerance
        if window <= 0 or not 0 <= tolerance < 1:
            raise GraphtoolError("window_days must be positive and weight_tolerance between 0 and 1")
        self._require([start_id])
        if start_id.split(":", 1)[0] not in ("Declaration", "Company"):
            raise GraphtoolError(f"goods flow starts from a Declaration or a Company, not {start_id}")
        facts = self._flow_facts(
            start_id, window, conf["limit"] if limit is None else limit, conf["max_legs"]
        )
        report = compute_flow(
            start_id, facts, window, tolerance, conf["hs_digits"] if hs_digits is None else hs_digits
        )
        report.subgraph = self._subgraph(report.node_ids(), report.edge_ids())
        return report

    def _require(self, ids: list[str]) -> None:
        missing = [i for i in ids if i not in self.nodes(ids)]
        if missing:
            raise NotFound(f"no node with id {', '.join(repr(m) for m in missing)} ({self.backend})")


def _all_types() -> list[str]:
    from graphtool.model import load_model

    return sorted(load_model().relationships)


def open_store(settings: Settings) -> GraphStore:
    """The configured backend: Neo4j when a URI is set, else the embedded workspace (read-only)."""
    if settings.neo4j is not None:
        from graphtool.neo4j_store import Neo4jStore

        return Neo4jStore(settings.neo4j)
    from graphtool.embedded_store import EmbeddedStore

    return EmbeddedStore(settings.workspace)
