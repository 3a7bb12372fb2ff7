"""The case's subgraph as a picture: one layout, drawn as SVG (HTML report) and in the PDF.

The saved layout of the case is kept; nodes without one are placed by a seeded spring layout
around them, so the picture is the same on every run. Large cases show the first ``MAX_NODES``
nodes (by id) and say how many are not drawn.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import networkx as nx

from graphtool.subgraph import Subgraph

MAX_NODES = 120
SEED = 7
WIDTH, HEIGHT, MARGIN = 900.0, 600.0, 60.0
COLOURS = {
    "Company": "#4c78a8",
    "Person": "#f58518",
    "Declaration": "#54a24b",
    "Shipment": "#72b7b2",
    "Licence": "#b279a2",
    "ListEntry": "#e45756",
    "Address": "#9d755d",
}
OTHER = "#bab0ac"


@dataclass
class Drawing:
    """Node centres and relationship lines on a WIDTH x HEIGHT canvas."""

    nodes: list[tuple[str, str, str, float, float]]  # id, label, caption, x, y
    edges: list[tuple[str, float, float, float, float]]  # type, x1, y1, x2, y2
    hidden: int


def layout(graph: Subgraph, saved: dict[str, tuple[float, float]]) -> Drawing:
    ids = sorted(graph.nodes)[:MAX_NODES]
    g = nx.Graph()
    g.add_nodes_from(ids)
    shown = set(ids)
    g.add_edges_from((e.src, e.dst) for e in graph.edges.values() if e.src in shown and e.dst in shown)
    fixed = [n for n in ids if n in saved]
    if ids and len(fixed) == len(ids):
        pos = {n: saved[n] for n in ids}
    elif ids:
        start = {n: saved[n] for n in fixed} or None
        pos = nx.spring_layout(g, pos=start, fixed=fixed or None, seed=SEED)
    else:
        pos = {}
    xs = [float(p[0]) for p in pos.values()] or [0.0]
    ys = [float(p[1]) for p in pos.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def place(n: str) -> tuple[float, float]:
        x, y = pos[n]
        return (
            round(MARGIN + (float(x) - min(xs)) / span_x * (WIDTH - 2 * MARGIN), 2),
            round(MARGIN + (float(y) - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 2),
        )

    where = {n: place(n) for n in ids}
    nodes = [(n, graph.nodes[n].label, graph.nodes[n].caption, *where[n]) for n in ids]
    edges = [
        (e.type, *where[e.src], *where[e.dst])
        for e in (graph.edges[k] for k in sorted(graph.edges))
        if e.src in where and e.dst in where
    ]
    return Drawing(nodes, edges, len(graph.nodes) - len(ids))


def short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg(drawing: Drawing) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" role="img" '
        'aria-label="case subgraph" font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="18" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>',
    ]
    for rel_type, x1, y1, x2, y2 in drawing.edges:
        parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#888" marker-end="url(#arrow)">'
            f"<title>{html.escape(rel_type)}</title></line>"
        )
    for node_id, label, caption, x, y in drawing.nodes:
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="9" fill="{COLOURS.get(label, OTHER)}"><title>{html.escape(node_id)}</title></circle>'
            f'<text x="{x + 12}" y="{y + 4}">{html.escape(short(caption))}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
