"""The network view: a Subgraph drawn with vis-network, node clicks and double-clicks back in Python.

Built on Streamlit's bidirectional components (``st.components.v2``): the JavaScript is
vis-network as pyvis ships it, followed by ``graph.js``, sent inline so the browser loads it from
the app's own origin (no CDN). Layout is computed here (networkx), physics is off, and positions
of nodes already on screen are kept, so expanding a node only adds to the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyvis
import streamlit as st
import yaml

from graphtool.app.safe import plain, short
from graphtool.subgraph import Edge, Node, Subgraph

VIS_JS = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
HTML = (
    '<div class="gt-root"><div class="gt-bar"><span class="gt-hint"></span><span class="gt-more"></span>'
    '</div><div class="gt-canvas"></div><div class="gt-bar gt-legend"></div></div>'
)
TIP_KEYS = 12  # properties shown in a tooltip


def _asset(name: str) -> str:
    return resources.files("graphtool.app").joinpath(name).read_text("utf-8")


@cache
def style() -> dict[str, Any]:
    return yaml.safe_load(_asset("style.yaml"))


@cache
def _component() -> Any:
    js = VIS_JS.read_text("utf-8") + "\n" + _asset("graph.js")
    return st.components.v2.component("graphtool_graph", html=HTML, css=_asset("graph.css"), js=js)


@dataclass
class Event:
    """What the person did in the graph during the last run: clicked (select) or double-clicked (expand)."""

    select: str | None = None
    expand: str | None = None


def layout(
    graph: Subgraph, known: dict[str, tuple[float, float]], seeds: list[str] | None = None
) -> dict[str, tuple[float, float]]:
    """Positions for every node: ``known`` ones stay put, new ones go on rings around a placed neighbour.

    Rings, not a force simulation: a neighbourhood is a tree-like fan around its seeds, rings show
    that at a glance, cost O(n) (a spring layout took over a second for 300 nodes) and are stable.
    """
    adjacent: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for e in sorted(graph.edges.values(), key=lambda e: e.id):
        if e.src in adjacent and e.dst in adjacent and e.src != e.dst:
            adjacent[e.src].append(e.dst)
            adjacent[e.dst].append(e.src)
    pos = {n: p for n, p in known.items() if n in adjacent}
    if not pos:
        roots = [s for s in seeds or [] if s in adjacent] or sorted(
            adjacent, key=lambda n: (-len(adjacent[n]), n)
        )[:1]
        for k, root in enumerate(roots):
            pos[root] = (k * RING * 2.0, 0.0)
    while len(pos) < len(adjacent):
        placed_before = len(pos)
        children: dict[str, list[str]] = {}
        for node in sorted(adjacent):
            if node not in pos:
                anchor = next((m for m in adjacent[node] if m in pos), None)
                if anchor is not None:
                    children.setdefault(anchor, []).append(node)
        for anchor, kids in children.items():
            pos.update(_ring(pos[anchor], kids, _away(anchor, pos)))
        if len(pos) == placed_before:  # parts not connected to anything placed: start a new fan
            rest = sorted((n for n in adjacent if n not in pos), key=lambda n: (-len(adjacent[n]), n))
            far = max((x for x, _ in pos.values()), default=0.0)
            pos[rest[0]] = (far + RING * 2.5, 0.0)
    return pos


RING = 160.0  # distance of a first ring from its centre, in canvas units
GAP = 42.0  # room for one node along a ring


def _away(anchor: str, pos: dict[str, tuple[float, float]]) -> float | None:
    """The direction pointing from the picture's centre to ``anchor`` (new nodes fan outwards)."""
    cx = sum(x for x, _ in pos.values()) / len(pos)
    cy = sum(y for _, y in pos.values()) / len(pos)
    x, y = pos[anchor]
    return None if abs(x - cx) + abs(y - cy) < 1e-6 else math.atan2(y - cy, x - cx)


def _ring(
    centre: tuple[float, float], nodes: list[str], towards: float | None
) -> dict[str, tuple[float, float]]:
    """``nodes`` on a circle around ``centre``: a full circle, or a half circle facing ``towards``."""
    spread = 2 * math.pi if towards is None else math.pi
    radius = max(RING, GAP * len(nodes) / spread)
    start = 0.0 if towards is None else towards - spread / 2
    step = spread / (len(nodes) if towards is None else max(len(nodes) - 1, 1))
    cx, cy = centre
    return {
        n: (cx + radius * math.cos(start + i * step), cy + radius * math.sin(start + i * step))
        for i, n in enumerate(nodes)
    }


def _weight(node: Node) -> float:
    """What sizes a node: its risk score if it has one, else its trade value in USD, else nothing."""
    for key in ("risk", "score", "value_usd", "trade_value_usd"):
        value = node.properties.get(key)
        if isinstance(value, int | float) and value > 0:
            return float(value) if key in ("risk", "score") else math.log10(1 + float(value)) / 9
    return 0.0


def _tip(kind: str, ident: str, props: dict[str, Any]) -> list[list[str]]:
    lines = [["kind", kind], ["id", ident]]
    for key, value in list(props.items())[:TIP_KEYS]:
        if value not in (None, "", [], {}):
            lines.append([key, short(value, 120)])
    return [[plain(k), plain(v)] for k, v in lines]


def _node(node: Node, pos: tuple[float, float], pinned: bool, listed: bool, captions: dict[str, str]) -> dict:
    s = style()
    look = s["nodes"].get(node.label, s["default_node"])
    size = s["size"]["min"] + (s["size"]["max"] - s["size"]["min"]) * min(_weight(node), 1.0)
    return {
        "id": node.id,
        "label": short(captions.get(node.id) or node.caption),
        "tip": _tip(node.label, node.id, node.properties),
        "shape": look["shape"],
        "color": look["color"],
        "border": s["listed_border"] if listed else look["color"],
        "border_width": 4 if listed else 1,
        "size": round(size, 1),
        "x": round(pos[0], 1),
        "y": round(pos[1], 1),
        "fixed": pinned,
    }


def _edge(edge: Edge) -> dict:
    s = style()
    return {
        "id": edge.id,
        "from": edge.src,
        "to": edge.dst,
        "label": edge.type,
        "tip": _tip(edge.type, edge.id, edge.properties),
        "color": s["edges"].get(edge.type, s["default_edge"]),
    }


def payload(
    graph: Subgraph,
    positions: dict[str, tuple[float, float]],
    *,
    key: str,
    selected: str | None = None,
    pinned: frozenset[str] = frozenset(),
    listed: frozenset[str] = frozenset(),
    kind_names: dict[str, str] | None = None,
    more_text: str = "",
    hint: str = "",
    height: int = 600,
) -> dict[str, Any]:
    """The JSON the browser draws: plain values only, every data string as text."""
    listed = listed | {n.id for n in graph.nodes.values() if n.label == "ListEntry"}
    listed = listed | {e.src for e in graph.edges.values() if e.type == "LISTED_AS"}
    kinds = sorted({n.label for n in graph.nodes.values()})
    s = style()
    return {
        "key": key,
        "nodes": [
            _node(graph.nodes[n], positions[n], n in pinned, n in listed, {}) for n in sorted(graph.nodes)
        ],
        "edges": [
            _edge(graph.edges[e])
            for e in sorted(graph.edges)
            if graph.edges[e].src in graph.nodes and graph.edges[e].dst in graph.nodes
        ],
        "legend": [
            {"color": s["nodes"].get(k, s["default_node"])["color"], "text": (kind_names or {}).get(k, k)}
            for k in kinds
        ],
        "selected": selected if selected in graph.nodes else None,
        "more_text": more_text,
        "hint": hint,
        "height": height,
    }


def graph_view(data: dict[str, Any], key: str, on_event: Callable[[], None] | None = None) -> Event:
    """Draw ``payload(...)`` and return what the person clicked during this run.

    ``on_event`` runs before the next page run (read ``st.session_state[key]``), so a page can
    apply an expansion before drawing, in one run instead of two.
    """
    callback = on_event or _noop
    result = _component()(key=key, data=data, on_select_change=callback, on_expand_change=callback)
    return Event(select=result.get("select"), expand=result.get("expand"))


def _noop() -> None:
    """Trigger values reach Python only for events with a callback; pages may read them from the result."""


def draw(
    graph: Subgraph, key: str, more_text: str = "", height: int = 450, listed: frozenset[str] = frozenset()
) -> Event:
    """A read-only picture of a subgraph (a path, an alert's evidence); positions kept per ``key``."""
    from graphtool.app.i18n import t

    positions = st.session_state.setdefault(f"{key}_pos", {})
    positions.update(layout(graph, {n: p for n, p in positions.items() if n in graph.nodes}))
    data = payload(
        graph,
        positions,
        key=key,
        more_text=more_text,
        hint=t("net.hint"),
        height=height,
        kind_names=kind_names(),
        listed=listed,
    )
    return graph_view(data, key)


def kind_names() -> dict[str, str]:
    """Legend entries: node kinds as the model names them (kinds are schema names, not data)."""
    return {label: label for label in style()["nodes"]}
