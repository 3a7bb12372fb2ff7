"""The named investigations over the embedded DuckDB workspace, through the in-memory graph index.

The workspace is opened read-only and only for as long as a read takes, so a load from the CLI can
run while the app is up. The index (``graphtool.graph_index``) is built once per process and data
version and shared by every store object on the same file; traversals run on its numpy arrays.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphtool import search
from graphtool.errors import WorkspaceError
from graphtool.graph_index import GraphIndex, build_index
from graphtool.investigations import parameters
from graphtool.investigations.filters import Filters
from graphtool.investigations.flow import declaration_fact, shipment_fact
from graphtool.model import load_model
from graphtool.store import GraphStore
from graphtool.subgraph import Edge, Node, Subgraph
from graphtool.workspace import Workspace, node_table, q

_INDEXES: dict[Path, GraphIndex] = {}
_BUILD_LOCK = threading.Lock()


class EmbeddedStore(GraphStore):
    backend = "embedded"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        if not self.path.exists():
            raise WorkspaceError(
                f"workspace {self.path} does not exist; load data first (graphtool load ...)"
            )
        self._stamp: tuple | None = None
        self._data_version: int | None = None

    # ------------------------------------------------------------------ workspace access

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        ws = Workspace.open(self.path, read_only=True)
        try:
            yield ws.con
        finally:
            ws.close()

    def _current_version(self) -> int:
        """The workspace's data version, re-read only when the file (or its log) changed on disk."""
        stamp = tuple(
            (s.st_mtime_ns, s.st_size) if (s := _stat(p)) else None
            for p in (self.path, self.path.with_name(self.path.name + ".wal"))
        )
        if stamp != self._stamp or self._data_version is None:
            try:
                with self._connection() as con:
                    self._data_version = int(
                        con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
                    )
                self._stamp = stamp
            except (WorkspaceError, duckdb.Error):
                if self._data_version is None and self.path not in _INDEXES:
                    raise
                # a load holds the file: keep answering from the data as it was
                self._data_version = self._data_version or _INDEXES[self.path].version
        return self._data_version

    def index(self) -> GraphIndex:
        """The graph index of the current data version (built on first use)."""
        version = self._current_version()
        found = _INDEXES.get(self.path)
        if found is not None and found.version == version:
            return found
        with _BUILD_LOCK:
            found = _INDEXES.get(self.path)
            if found is None or found.version != version:
                with self._connection() as con:
                    found = build_index(con, load_model(), version)
                _INDEXES[self.path] = found
        return found

    def warm(self) -> GraphIndex:
        """Build the index and read every label's properties now (the app can call this once in the
        background, so the first answer does not pay for reading a million declarations)."""
        idx = self.index()
        for label in idx.labels:
            idx.table(self._connection, label)
        return idx

    @property
    def version(self) -> str:
        return f"embedded:{self.path}:{self._current_version()}"

    # ------------------------------------------------------------------ nodes

    def nodes(self, ids: list[str]) -> dict[str, Node]:
        idx = self.index()
        numbers = [n for n in (idx.number(i) for i in dict.fromkeys(ids)) if n is not None]
        return {node.id: node for node in idx.nodes(self._connection, numbers)}

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        return search.search(self.version, self._search_rows, self._search_keys, text, limit)

    def _search_rows(self) -> list[tuple[str, str, dict[str, Any]]]:
        out = []
        with self._connection() as con:
            for label in search.SEARCHABLE:
                columns = ", ".join(q(c) for c in search.searchable_columns(label))
                result = (
                    con.sql(f"SELECT id, {columns} FROM {node_table(label)}").to_arrow_table().to_pylist()
                )
                out += [(row.pop("id"), label, row) for row in result]
        return out

    def _search_keys(self, value: str) -> list[tuple[str, str, dict[str, Any]]]:
        out = []
        with self._connection() as con:
            for label, keys in search.KEYS.items():
                where = " OR ".join(f"{q(k)} = $v" for k in keys)
                rows = con.execute(
                    f"SELECT id, {', '.join(map(q, keys))} FROM {node_table(label)} WHERE {where} LIMIT 100",
                    {"v": value},
                ).fetchall()
                out += [(r[0], label, dict(zip(keys, r[1:], strict=True))) for r in rows]
        return out

    def _subgraph(self, node_ids: list[str], edge_ids: list[str]) -> Subgraph:
        idx = self.index()
        graph = Subgraph()
        numbers = [n for n in (idx.number(i) for i in dict.fromkeys(node_ids)) if n is not None]
        for node in idx.nodes(self._connection, numbers):
            graph.add_node(node)
        inside = np.zeros(idx.size, dtype=bool)
        inside[numbers] = True
        _, other, edges = idx.neighbours(np.array(numbers, dtype=np.int64))
        wanted = set(edge_ids)
        between = np.unique(edges[inside[other]]).tolist()
        for edge in idx.edges(self._connection, [e for e in between if idx.edge_id(e) in wanted]):
            graph.add_edge(edge)
        return graph

    # ------------------------------------------------------------------ neighbourhood

    def _neighbourhood(self, seeds: list[str], hops: int, filters: Filters, limit: int) -> Subgraph:
        idx = self.index()
        start = np.unique(np.array([idx.number(s) for s in seeds], dtype=np.int64))
        types = idx.type_mask(filters.rel_types)
        node_ok = self._node_mask(idx, filters)
        edge_ok = self._edge_mask(idx, filters)
        seen = np.zeros(idx.size, dtype=bool)
        seen[start] = True
        levels = [start]
        frontier = start
        for _ in range(hops):
            _, reached, edges = idx.neighbours(frontier)
            ok = types[idx.etype[edges]] & ~seen[reached]
            if node_ok is not None:
                ok &= node_ok[reached]
            if edge_ok is not None:
                ok &= edge_ok[edges]
            frontier = np.unique(reached[ok])
            if not len(frontier):
                break
            seen[frontier] = True
            levels.append(frontier)
        ordered = np.concatenate(levels)  # nearest first; within a level, number order is id order
        shown = ordered[:limit]
        graph = Subgraph(more=len(ordered) - len(shown))
        for node in idx.nodes(self._connection, shown.tolist()):
            graph.add_node(node)
        inside = np.zeros(idx.size, dtype=bool)
        inside[shown] = True
        _, other, edges = idx.neighbours(shown)
        keep = inside[other] & types[idx.etype[edges]]
        if edge_ok is not None:
            keep &= edge_ok[edges]
        for edge in idx.edges(self._connection, np.unique(edges[keep]).tolist()):
            graph.add_edge(edge)
        return graph

    def _node_mask(self, idx: GraphIndex, f: Filters) -> np.ndarray | None:
        """Per node: may a neighbourhood with these filters reach it?"""
        if not f.filters_nodes:
            return None
        conf = parameters()["neighbourhood"]

        def build() -> np.ndarray:
            mask = np.ones(idx.size, dtype=bool)
            for i, label in enumerate(idx.labels):
                lo, hi = int(idx.offsets[i]), int(idx.offsets[i + 1])
                date_col = conf["date_property"].get(label)
                hs_col = conf["hs_property"].get(label)
                country_cols = conf["country_properties"].get(label, [])
                if hi == lo or not (
                    ((f.since or f.until) and date_col) or (f.hs_codes and hs_col) or f.countries
                ):
                    continue
                table = idx.table(self._connection, label)
                ok = np.ones(hi - lo, dtype=bool)
                if date_col and (f.since or f.until):
                    dates = table[date_col]
                    if f.since:
                        ok &= pc.fill_null(pc.greater_equal(dates, f.since), True).to_numpy(
                            zero_copy_only=False
                        )
                    if f.until:
                        ok &= pc.fill_null(pc.less_equal(dates, f.until), True).to_numpy(zero_copy_only=False)
                if hs_col and f.hs_codes:
                    codes = table[hs_col]
                    hit = np.zeros(hi - lo, dtype=bool)
                    for prefix in f.hs_codes:
                        hit |= pc.fill_null(pc.starts_with(codes, prefix), False).to_numpy(
                            zero_copy_only=False
                        )
                    ok &= hit
                if f.countries and country_cols:
                    allowed = list(f.countries)
                    any_set = np.zeros(hi - lo, dtype=bool)
                    any_in = np.zeros(hi - lo, dtype=bool)
                    for col in country_cols:
                        values = table[col]
                        any_set |= values.is_valid().to_numpy(zero_copy_only=False)
                        any_in |= pc.fill_null(pc.is_in(values, value_set=_strings(allowed)), False).to_numpy(
                            zero_copy_only=False
                        )
                    ok &= ~any_set | any_in
                mask[lo:hi] = ok
            return mask

        return idx.mask(("nodes", f), build)

    def _edge_mask(self, idx: GraphIndex, f: Filters) -> np.ndarray | None:
        """Per relationship: is its validity (start/end dates) inside the window?"""
        if not (f.since or f.until):
            return None

        def build() -> np.ndarray:
            mask = np.ones(len(idx.src), dtype=bool)
            rows = np.nonzero(idx.erow >= 0)[0]
            ok = np.ones(len(rows), dtype=bool)
            table = idx.edge_rows.take(idx.erow[rows])
            if f.until:
                ok &= pc.fill_null(pc.less_equal(table["start_date"], f.until), True).to_numpy(
                    zero_copy_only=False
                )
            if f.since:
                ok &= pc.fill_null(pc.greater_equal(table["end_date"], f.since), True).to_numpy(
                    zero_copy_only=False
                )
            mask[rows] = ok
            return mask

        return idx.mask(("edges", f.since, f.until), build)

    # ------------------------------------------------------------------ paths

    def _listed(self, idx: GraphIndex) -> np.ndarray:
        """Per node: is it a listed party (a ListEntry, LISTED_AS one, or a sanction topic)?"""

        def build() -> np.ndarray:
            mask = np.zeros(idx.size, dtype=bool)
            i = idx.labels.index("ListEntry")
            mask[int(idx.offsets[i]) : int(idx.offsets[i + 1])] = True
            mask[idx.src[idx.etype == idx.types.index("LISTED_AS")]] = True
            topics = parameters()["paths"]["listed_topics"]
            for label in ("Company", "Person"):
                j = idx.labels.index(label)
                values = idx.table(self._connection, label)["topics"].to_pylist()
                hits = [k for k, v in enumerate(values) if v and any(t in topics for t in v)]
                mask[np.array(hits, dtype=np.int64) + int(idx.offsets[j])] = True
            return mask

        return idx.mask("listed", build)

    def _distances(
        self, idx: GraphIndex, start: np.ndarray, types: np.ndarray, depth: int,
        goal: np.ndarray | None = None, enough: int = 1,
    ) -> np.ndarray:  # fmt: skip
        """Hops from the nearest of ``start`` (-1: farther than ``depth``); with ``goal``, stops after
        the level at which ``enough`` goal nodes have been reached."""
        dist = np.full(idx.size, -1, dtype=np.int16)
        dist[start] = 0
        frontier = start
        reached_goals = 0
        for level in range(1, depth + 1):
            _, reached, edges = idx.neighbours(frontier)
            reached = reached[types[idx.etype[edges]]]
            frontier = np.unique(reached[dist[reached] < 0])
            if not len(frontier):
                break
            dist[frontier] = level
            if goal is not None:
                reached_goals += int(goal[frontier].sum())
                if reached_goals >= enough:
                    break
        return dist

    def _steps(self, idx: GraphIndex, node: int, types: np.ndarray, allowed) -> list[tuple[int, int]]:
        """(neighbour, relationship) pairs from ``node`` that ``allowed(neighbours)`` admits, in id order."""
        _, other, edges = idx.neighbours(np.array([node], dtype=np.int64))
        keep = types[idx.etype[edges]]
        keep &= allowed(other)
        pairs = sorted(zip(other[keep].tolist(), edges[keep].tolist(), strict=True))
        counts: dict[int, int] = {}
        for n, _ in pairs:
            counts[n] = counts.get(n, 0) + 1
        if any(c > 1 for c in counts.values()):  # parallel relationships: in relationship id order
            pairs.sort(key=lambda p: (p[0], idx.edge_id(p[1]) if counts[p[0]] > 1 else ""))
        return pairs

    def _paths(self, src, dst, max_hops, all_paths, types, limit):
        """Paths generated in answer order (length, then node ids, then relationship ids), so the
        first ``limit`` are the answer: node numbers are in id order."""
        idx = self.index()
        mask = idx.type_mask(set(types))
        s = idx.number(src)
        goal = np.zeros(idx.size, dtype=bool)
        if dst is None:
            goal |= self._listed(idx)
            goal[s] = False
        else:
            goal[idx.number(dst)] = True
        found: list[tuple[list[int], list[int]]] = []
        if all_paths:
            to_goal = self._distances(idx, np.nonzero(goal)[0], mask, max_hops)
            for length in range(max(int(to_goal[s]), 1), max_hops + 1) if to_goal[s] >= 0 else ():
                self._enumerate(idx, s, mask, length, goal, lambda k, o, left: (to_goal[o] >= 0) & (to_goal[o] <= left),
                                limit - len(found), found, simple=True)  # fmt: skip
        elif dst is not None:
            self._shortest_between(idx, s, idx.number(dst), mask, max_hops, limit, found)
        else:
            # each goal reached has a path: once ``limit`` are reached, longer paths cannot make the cut
            from_s = self._distances(idx, np.array([s]), mask, max_hops, goal, limit)
            for length in sorted({int(d) for d in from_s[goal] if d > 0}):
                on_path = self._shortest_dag(idx, mask, from_s, goal & (from_s == length), length)
                self._enumerate(idx, s, mask, length, goal & (from_s == length),
                                lambda k, o, left, on=on_path: (from_s[o] == k + 1) & on[o], limit - len(found), found)  # fmt: skip
                if len(found) >= limit:
                    break
        return [(idx.node_ids(np.array(n)), [idx.edge_id(e) for e in es]) for n, es in found]

    def _shortest_between(self, idx, s: int, t: int, types, max_hops: int, limit: int, found: list) -> None:
        """All shortest s-t paths, by a bidirectional search that grows the cheaper side each step
        (busy firms have thousands of declarations: one-sided search would cover the whole graph)."""
        dist = {s: np.full(idx.size, -1, dtype=np.int16), t: np.full(idx.size, -1, dtype=np.int16)}
        dist[s][s] = dist[t][t] = 0
        frontier = {s: np.array([s], dtype=np.int64), t: np.array([t], dtype=np.int64)}
        level = {s: 0, t: 0}
        meet = None
        while meet is None and level[s] + level[t] < max_hops:
            cost = {side: int((idx.indptr[f + 1] - idx.indptr[f]).sum()) for side, f in frontier.items()}
            side = s if cost[s] <= cost[t] else t
            other = t if side == s else s
            _, reached, edges = idx.neighbours(frontier[side])
            reached = reached[types[idx.etype[edges]]]
            new = np.unique(reached[dist[side][reached] < 0])
            if not len(new):
                return
            level[side] += 1
            dist[side][new] = level[side]
            frontier[side] = new
            touching = new[dist[other][new] >= 0]
            if len(touching):
                meet = np.zeros(idx.size, dtype=bool)
                meet[touching] = True
        if meet is None:
            return
        ls, length = level[s], level[s] + level[t]
        on_s = self._shortest_dag(idx, types, dist[s], meet, ls)
        on_t = self._shortest_dag(idx, types, dist[t], meet, level[t])
        on_t[t] = True

        def allowed(k: int, o: np.ndarray, left: int, ds=dist[s], dt=dist[t]) -> np.ndarray:
            pos = k + 1
            return (ds[o] == pos) & on_s[o] if pos <= ls else (dt[o] == length - pos) & on_t[o]

        goal = np.zeros(idx.size, dtype=bool)
        goal[t] = True
        self._enumerate(idx, s, types, length, goal, allowed, limit, found)

    def _shortest_dag(self, idx, types, from_s: np.ndarray, targets: np.ndarray, length: int) -> np.ndarray:
        """Nodes on some shortest path from the source to one of ``targets`` (all ``length`` away)."""
        on = targets.copy()
        frontier = np.nonzero(targets)[0]
        for k in range(length - 1, 0, -1):
            _, other, edges = idx.neighbours(frontier)
            other = other[types[idx.etype[edges]]]
            frontier = np.unique(other[from_s[other] == k])
            on[frontier] = True
        return on

    def _enumerate(self, idx, s, types, length, goal, allowed, want, found, simple=False) -> None:
        """Depth-first, in id order, every path of exactly ``length`` from ``s`` to a goal node."""
        budget = [parameters()["paths"]["max_enumerated"] * 20]  # steps explored, against dead-end blowups

        def walk(node: int, nodes: list[int], edges: list[int]) -> None:
            k = len(edges)
            if k == length:
                if goal[node]:
                    found.append((list(nodes), list(edges)))
                return
            for nxt, e in self._steps(idx, node, types, lambda o: allowed(k, o, length - k - 1)):
                if len(found) >= start + want or budget[0] <= 0:
                    return
                budget[0] -= 1
                if simple and nxt in nodes:
                    continue
                walk(nxt, [*nodes, nxt], [*edges, e])

        start = len(found)
        if want > 0:
            walk(s, [s], [])

    # ------------------------------------------------------------------ ownership and flows

    def _ownership_facts(self, company_id: str, depth: int) -> tuple[list[Edge], dict[str, Node]]:
        idx = self.index()
        owns = idx.types.index("OWNS")
        control = [idx.types.index(t) for t in parameters()["ubo"]["control_types"]]
        company = idx.number(company_id)
        found: list[int] = []
        seen = {company}
        frontier = np.array([company], dtype=np.int64)
        for _ in range(depth):
            holder, other, edges = idx.neighbours(frontier)
            up = (idx.etype[edges] == owns) & (idx.dst[edges] == holder)
            found += np.unique(edges[up]).tolist()
            frontier = np.array(sorted(set(other[up].tolist()) - seen), dtype=np.int64)
            if not len(frontier):
                break
            seen.update(frontier.tolist())
        _, other, edges = idx.neighbours(np.array([company], dtype=np.int64))
        ctl = np.isin(idx.etype[edges], control) & (idx.dst[edges] == company)
        found += np.unique(edges[ctl]).tolist()
        found = sorted(set(found))
        edge_list = idx.edges(self._connection, found)
        ends = {int(idx.src[e]) for e in found} | {int(idx.dst[e]) for e in found}
        return edge_list, {n.id: n for n in idx.nodes(self._connection, sorted(ends))}

    def _flow_facts(self, start_id: str, window_days: int, limit: int, max_legs: int) -> dict[str, Any]:
        idx = self.index()
        start = idx.number(start_id)
        t = {name: idx.types.index(name) for name in ("EXPORTED", "CONSIGNED_TO", "SHIPPED")}
        if idx.label_of(start) == "Declaration":
            decls = np.array([start], dtype=np.int64)
        else:
            holder, other, edges = idx.neighbours(np.array([start], dtype=np.int64))
            decls = np.unique(other[(idx.etype[edges] == t["EXPORTED"]) & (idx.src[edges] == holder)])
            if len(decls) > limit:  # the latest declarations
                dates = [(n.properties.get("export_date") or n.properties.get("declaration_date"), n.id, num)
                         for n, num in zip(idx.nodes(self._connection, decls.tolist()), decls.tolist(), strict=True)]  # fmt: skip
                dates.sort(key=lambda d: (d[0] is not None, d[0], d[1]), reverse=True)
                decls = np.array(sorted(num for _, _, num in dates[:limit]), dtype=np.int64)
        declarations = [self._declaration_fact(idx, int(d), t["CONSIGNED_TO"]) for d in decls]
        shipments: dict[int, dict[str, Any]] = {}
        holders = {d["consignee_number"] for d in declarations if d["consignee_number"] is not None}
        done: set[int] = set()
        for _ in range(max_legs):
            holders -= done
            if not holders:
                break
            done |= holders
            frontier = np.array(sorted(holders), dtype=np.int64)
            holder, other, edges = idx.neighbours(frontier)
            mine = (idx.etype[edges] == t["SHIPPED"]) & (idx.src[edges] == holder)
            holders = set()
            for e, s in zip(edges[mine].tolist(), other[mine].tolist(), strict=True):
                if s not in shipments:
                    shipments[s] = self._shipment_fact(idx, s, e, t["CONSIGNED_TO"])
                    if shipments[s]["consignee_number"] is not None:
                        holders.add(shipments[s]["consignee_number"])
        listed = self._listed(idx)
        consignees = {f["consignee_number"] for f in shipments.values() if f["consignee_number"] is not None}
        return {
            "declarations": declarations,
            "shipments": list(shipments.values()),
            "listed": [idx.node_id(c) for c in consignees if listed[c]],
            "max_legs": max_legs,
        }

    def _consignee(self, idx: GraphIndex, node: int, consigned: int) -> tuple[int | None, str | None]:
        holder, other, edges = idx.neighbours(np.array([node], dtype=np.int64))
        hit = np.nonzero((idx.etype[edges] == consigned) & (idx.src[edges] == holder))[0]
        if not len(hit):
            return None, None
        return int(other[hit[0]]), idx.edge_id(int(edges[hit[0]]))

    def _declaration_fact(self, idx: GraphIndex, d: int, consigned: int) -> dict[str, Any]:
        node = idx.nodes(self._connection, [d])[0]
        c, edge = self._consignee(idx, d, consigned)
        consignee = idx.nodes(self._connection, [c])[0] if c is not None else None
        fact = declaration_fact(node.id, node.properties, consignee and consignee.id,
                                consignee and consignee.properties.get("country"), edge)  # fmt: skip
        return fact | {"consignee_number": c}

    def _shipment_fact(self, idx: GraphIndex, s: int, shipped: int, consigned: int) -> dict[str, Any]:
        node = idx.nodes(self._connection, [s])[0]
        c, edge = self._consignee(idx, s, consigned)
        consignee = idx.nodes(self._connection, [c])[0] if c is not None else None
        fact = shipment_fact(node.id, node.properties, idx.node_id(int(idx.src[shipped])), idx.edge_id(shipped),
                             consignee and consignee.id, consignee and consignee.properties.get("country"), edge)  # fmt: skip
        return fact | {"consignee_number": c}


def _strings(values: list[str]) -> pa.Array:
    return pa.array(values, pa.string())


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None
