"""Exports of a subgraph (or a case's subgraph) to the formats other tools open.

``export_subgraph(subgraph, fmt)`` returns the file's bytes. Each format is one module with a
``write(subgraph, positions)`` function; ``FORMATS`` says which, with its file suffix. Every
format carries all properties and the provenance of each node and relationship (FtM: what FtM
can hold; ``notes`` says what it could not).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from graphtool.errors import GraphtoolError
from graphtool.exports.values import Positions
from graphtool.subgraph import Subgraph


@dataclass(frozen=True)
class Format:
    module: str
    suffix: str
    media_type: str


FORMATS = {
    "graphml": Format("graphml", ".graphml", "application/graphml+xml"),
    "gexf": Format("gexf", ".gexf", "application/gexf+xml"),
    "csv": Format("csv", ".zip", "application/zip"),
    "cytoscape": Format("cytoscape", ".cyjs", "application/json"),
    "ftm": Format("ftm", ".ftm.json", "application/x-ndjson"),
    "xlsx": Format("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "cypher": Format("cypher", ".cypher", "text/plain"),
}


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise GraphtoolError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def check_closed(subgraph: Subgraph) -> None:
    """Every relationship's two ends must be in the subgraph, or readers would invent or drop them."""
    for edge in subgraph.edges.values():
        for end in (edge.src, edge.dst):
            if end not in subgraph.nodes:
                raise GraphtoolError(
                    f"relationship {edge.id} refers to node {end}, which is not in the subgraph"
                )


def export_subgraph(subgraph: Subgraph, fmt: str, positions: Positions = None) -> bytes:
    """The subgraph as a file of format ``fmt`` (see ``FORMATS``); ``positions`` keep a saved layout."""
    spec = _format(fmt)
    check_closed(subgraph)
    return import_module(f"graphtool.exports.{spec.module}").write(subgraph, positions)


def notes(subgraph: Subgraph, fmt: str) -> list[str]:
    """What the person exporting should know: for FtM, the kinds it has no schema for."""
    if _format(fmt).module != "ftm":
        return []
    from graphtool.exports.ftm import left_out

    return [
        f"FollowTheMoney has no place for {kind}: {count} left out"
        for kind, count in left_out(subgraph).items()
    ]
