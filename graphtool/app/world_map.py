"""The Flows page's map: goods routes between countries, drawn over country outlines.

Everything comes from the app itself (``graphtool/reference/world.json``, made once by
``tools/make_world.py`` from Natural Earth outlines): a map server or a tile service would be a
request outside the app, which must work offline. Plain longitude/latitude axes (equirectangular);
an arrow per route, its width by weight, its numbers on hover at the middle of the arrow.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from typing import Any

import plotly.graph_objects as go

from graphtool.app.safe import plain

OUTLINE = "#b8b8b8"
ROUTE = "#c0392b"


@cache
def world() -> dict[str, Any]:
    """ISO alpha-2 code -> ``{"label": [lon, lat], "lines": [[[lon, lat], ...], ...]}``."""
    text = resources.files("graphtool.reference").joinpath("world.json").read_text("utf-8")
    return json.loads(text)["countries"]


@cache
def _outline_points() -> tuple[list[float | None], list[float | None]]:
    """Every outline as one polyline, broken by ``None``: built once per process, drawn as one trace."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for country in world().values():
        for line in country["lines"]:
            xs += [p[0] for p in line] + [None]
            ys += [p[1] for p in line] + [None]
    return xs, ys


def _outlines() -> go.Scatter:
    xs, ys = _outline_points()
    return go.Scatter(x=xs, y=ys, mode="lines", line={"color": OUTLINE, "width": 0.6}, hoverinfo="skip")


def route_map(routes: list[tuple[str, str, float]], height: int = 460) -> tuple[go.Figure, list[str]]:
    """The map of ``(from country, to country, kg)`` routes, and the codes it could not place
    (unknown or missing: such a route is left out, and the page says so)."""
    places = world()
    missing = sorted({c for src, dst, _ in routes for c in (src, dst) if c not in places})
    shown = [(src, dst, kg) for src, dst, kg in routes if src in places and dst in places and src != dst]
    heaviest = max((kg for _, _, kg in shown), default=1.0) or 1.0
    figure = go.Figure(_outlines())
    middles: dict[str, list[Any]] = {"x": [], "y": [], "text": []}
    arrows = []  # given to the figure at once: add_annotation re-checks every arrow on each call
    for src, dst, kg in shown:
        (x0, y0), (x1, y1) = places[src]["label"], places[dst]["label"]
        arrows.append(
            {
                "x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x", "ayref": "y",
                "text": "", "showarrow": True, "arrowhead": 2, "arrowsize": 1, "arrowcolor": ROUTE,
                "arrowwidth": 1 + 5 * kg / heaviest,
            }
        )  # fmt: skip
        middles["x"].append((x0 + x1) / 2)
        middles["y"].append((y0 + y1) / 2)
        middles["text"].append(html.escape(f"{plain(src)} → {plain(dst)}: {kg:,.0f} kg"))
    figure.add_trace(
        go.Scatter(
            **middles, mode="markers", marker={"size": 8, "color": ROUTE, "opacity": 0.4}, hoverinfo="text"
        )
    )
    codes = sorted({c for src, dst, _ in shown for c in (src, dst)})
    figure.add_trace(
        go.Scatter(
            x=[places[c]["label"][0] for c in codes],
            y=[places[c]["label"][1] for c in codes],
            text=[html.escape(plain(c)) for c in codes],
            mode="markers+text",
            textposition="top center",
            marker={"size": 6, "color": "#333"},
            hoverinfo="text",
        )
    )
    figure.update_layout(
        annotations=arrows, height=height, showlegend=False, margin={"l": 0, "r": 0, "t": 0, "b": 0}, plot_bgcolor="#f4f8fb",
        xaxis={"range": [-180, 180], "visible": False},
        yaxis={"range": [-58, 84], "visible": False, "scaleanchor": "x"},
    )  # fmt: skip
    return figure, missing
