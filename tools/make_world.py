"""Generate ``graphtool/reference/world.json`` once: country outlines for the Flows page's map.

The source is ``countries-110m.json`` of the npm package world-atlas 2.0.2 (Natural Earth 1:110m
admin-0 countries as TopoJSON): ``npm pack world-atlas@2.0.2``, unpack, then
``python tools/make_world.py package/countries-110m.json package/countries-50m.json``. The runtime reads only the output: per
ISO 3166-1 alpha-2 code, the outline as lines (longitude, latitude; 0.1 degree is plenty at this
scale) and a label point (the centroid of its largest polygon), so routes between
countries are drawn offline, with nothing fetched from a map server.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "graphtool" / "reference" / "world.json"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are quantised and delta-encoded: positions are running sums, then scaled."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """A ring from its arcs; a negative index ``~i`` is arc ``i`` reversed; arcs share end points."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area_centroid(points: list[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    """Absolute area and centroid of a ring (shoelace formula)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a, cx, cy = a + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
    if not a:
        return 0.0, points[0]
    return abs(a) / 2, (cx / (3 * a), cy / (3 * a))


def unwrapped(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Russia, Fiji) with its western longitudes moved east."""
    xs = [p[0] for p in points]
    if max(xs) - min(xs) <= 180:
        return points
    return [(x + 360 if x < 0 else x, y) for x, y in points]


def label_point(rings: list[list[tuple[float, float]]]) -> list[float]:
    """The centroid of the largest ring: the mainland, not an island far away."""
    _, (x, y) = max(area_centroid(unwrapped(r)) for r in rings)
    return [round((x + 180) % 360 - 180, 1), round(y, 1)]


def outline(points: list[tuple[float, float]]) -> list[list[list[float]]]:
    """A ring as lines to draw, cut where it jumps across the antimeridian (no line across the map)."""
    lines: list[list[list[float]]] = [[]]
    for k, (x, y) in enumerate(points):
        if k and abs(x - points[k - 1][0]) > 180:
            lines.append([])
        lines[-1].append([round(x, 1), round(y, 1)])
    return [line for line in lines if len(line) > 1]


def outer_rings(topology: dict) -> dict[str, list[list[tuple[float, float]]]]:
    """ISO alpha-2 code -> the outer rings of the country's polygons."""
    arcs = decode_arcs(topology)
    out = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=geometry.get("id", ""))
        if country is None or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue  # Kosovo, Northern Cyprus, Somaliland and similar carry no ISO numeric code here
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        out[country.alpha_2] = [ring(arcs, polygon[0]) for polygon in polygons]
    return out


def main(coarse: Path, fine: Path) -> None:
    """Outlines from the 1:110m file; label points from the 1:50m one, which also has the small
    places trade goes through (Hong Kong, Singapore, Macao, Bahrain, the British Virgin Islands)."""
    outlines = outer_rings(json.loads(coarse.read_text("utf-8")))
    places = outer_rings(json.loads(fine.read_text("utf-8")))
    countries = {
        code: {
            "label": label_point(rings),
            "lines": [line for r in outlines.get(code, []) for line in outline(r)],
        }
        for code, rings in sorted(places.items())
    }
    source = "world-atlas 2.0.2: countries-110m (outlines), countries-50m (label points); Natural Earth"
    OUT.write_text(
        json.dumps({"source": source, "countries": countries}, separators=(",", ":"), sort_keys=True),
        encoding="utf-8",
    )
    print(f"{len(countries)} countries written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
