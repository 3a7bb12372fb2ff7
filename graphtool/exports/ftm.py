"""FollowTheMoney entity JSON lines (Aleph / OpenAleph / OpenSanctions), one entity per line.

The mapping is data (``schema/ftm_export.yaml``) and mirrors what the FtM loader reads, so an
export loads back as the same graph. FtM entity ids allow only letters, digits, ``.`` and ``-``:
an id the loader made from an FtM id (``Company:ftm:<x>``) goes back to ``<x>``; any other graph
id becomes a readable slug plus a hash, and the loader derives strong ids (credit code, IMO, list
reference, address text) from the properties again. What FtM has no schema for (shipments,
ports, a licence's relationships...) is left out and counted by ``left_out``, never dropped
silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from graphtool.exports import values
from graphtool.subgraph import Edge, Node, Subgraph

ENTITY_ID = re.compile(r"[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?")
SLUG_LENGTH = 60


@cache
def mapping() -> dict[str, Any]:
    text = resources.files("graphtool.schema").joinpath("ftm_export.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _slug(graph_id: str) -> str:
    slug = re.sub(r"[^0-9a-zA-Z]+", "-", graph_id).strip("-").lower()[:SLUG_LENGTH].strip("-")
    return f"{slug}-{hashlib.sha1(graph_id.encode('utf-8')).hexdigest()[:10]}"


def entity_id(node: Node) -> str:
    """The FtM id of a node: its own FtM id when it came from FtM, else a stable slug."""
    prefix = f"{node.label}:ftm:"
    if node.id.startswith(prefix) and ENTITY_ID.fullmatch(node.id[len(prefix) :]):
        return node.id[len(prefix) :]
    return _slug(node.id)


def interval_id(edge: Edge) -> str:
    """The FtM id of a relationship entity: its qualifier when it came from FtM, else a slug."""
    qualifier = edge.id.rpartition("#")[2] if "#" in edge.id else ""
    return qualifier if ENTITY_ID.fullmatch(qualifier) else _slug(edge.id)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    return [str(value)] if str(value) else []


def _percentage(props: dict[str, Any]) -> list[str]:
    """FtM's percentage is text: "51", or a range "25-50"; unknown stays absent, never 0 or 100."""
    if props.get("percent") is not None:
        return _strings(props["percent"])
    low, high = props.get("percent_min"), props.get("percent_max")
    if low is not None and high is not None:
        return [f"{_strings(low)[0]}-{_strings(high)[0]}"]
    return []


def _remarks(text: str | None, known: list[str]) -> dict[str, list[str]]:
    """Remarks the FtM loader packed as "prop: value; ..." back to FtM properties; the rest a summary."""
    out: dict[str, list[str]] = {}
    for part in (text or "").split("; ") if text else []:
        prop, sep, value = part.partition(": ")
        key = prop if sep and prop in known else "summary"
        out.setdefault(key, []).append(value if key != "summary" else part)
    return out


@dataclass
class Conversion:
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    left_out: Counter = field(default_factory=Counter)

    def entity(self, ftm_id: str, schema: str) -> dict[str, Any]:
        return self.entities.setdefault(ftm_id, {"id": ftm_id, "schema": schema, "properties": {}})

    def add(self, ftm_id: str, prop: str, items: list[str]) -> None:
        values_ = self.entities[ftm_id]["properties"].setdefault(prop, [])
        values_ += [v for v in items if v not in values_]


def convert(subgraph: Subgraph) -> Conversion:
    spec = mapping()
    out = Conversion()
    ids = {}
    for node in values.nodes_sorted(subgraph):
        node_spec = spec["nodes"].get(node.label)
        if node_spec is None:
            continue
        ids[node.id] = entity_id(node)
        out.entity(ids[node.id], node_spec["schema"])
        for ours, theirs in node_spec["properties"].items():
            out.add(ids[node.id], theirs, _strings(node.properties.get(ours)))
        if node.label == "Declaration":
            for prop, items in _remarks(node.properties.get("remarks"), spec["declaration_remarks"]).items():
                out.add(ids[node.id], prop, items)
    for node in values.nodes_sorted(subgraph):  # a node's own phone and e-mail come first
        for prop in ("phone", "email"):
            if node.id in ids and node.label in ("Company", "Person"):
                out.add(ids[node.id], prop, _strings(node.properties.get(prop)))
    folded = set(ids)
    for edge in values.edges_sorted(subgraph):
        if _edge(out, spec, subgraph, ids, edge):
            folded |= {edge.src, edge.dst}
        else:
            out.left_out[edge.type] += 1
    for node in subgraph.nodes.values():
        if node.id not in folded:
            out.left_out[node.label] += 1
    for entity in out.entities.values():
        entity["properties"] = {k: v for k, v in entity["properties"].items() if v}
    return out


def _edge(out: Conversion, spec: dict, subgraph: Subgraph, ids: dict[str, str], edge: Edge) -> bool:
    """Write one relationship into the conversion; False when FtM cannot express it."""
    src, dst = ids.get(edge.src), ids.get(edge.dst)
    if edge.type in spec["contacts"] and src and edge.dst in subgraph.nodes:
        contact = spec["contacts"][edge.type]
        out.add(src, contact["property"], _strings(subgraph.nodes[edge.dst].properties.get(contact["value"])))
        return True
    if edge.type == "LISTED_AS" and src and edge.dst in subgraph.nodes:
        entry = subgraph.nodes[edge.dst]
        sanction = entity_id(entry)
        if sanction in out.entities:  # one list entry naming several entities: one Sanction each
            sanction = _slug(edge.id)
        out.entity(sanction, "Sanction")
        out.add(sanction, "entity", [src])
        for ours, theirs in spec["sanction"]["properties"].items():
            out.add(sanction, theirs, _strings(entry.properties.get(ours)))
        return True
    if not (src and dst):
        return False
    if edge.type in spec["references"]:
        ref = spec["references"][edge.type]
        holder, target = (dst, src) if ref["holder"] == "dst" else (src, dst)
        out.add(holder, ref["property"], [target])
        if edge.type == "LOCATED_AT":  # FtM writes the text beside the reference
            out.add(holder, "address", _strings(subgraph.nodes[edge.dst].properties.get("full")))
        return True
    edge_spec = spec["edges"].get(edge.type)
    if edge_spec is None:
        return False
    interval = interval_id(edge)
    out.entity(interval, edge_spec["schema"])
    out.add(interval, edge_spec["ends"][0], [src])
    out.add(interval, edge_spec["ends"][1], [dst])
    for ours, theirs in edge_spec["properties"].items():
        out.add(interval, theirs, _strings(edge.properties.get(ours)))
    if edge.type == "OWNS":
        out.add(interval, "percentage", _percentage(edge.properties))
    return True


def left_out(subgraph: Subgraph) -> dict[str, int]:
    """Labels and relationship types FtM cannot hold, with how many were left out."""
    return dict(sorted(convert(subgraph).left_out.items()))


def write(subgraph: Subgraph, positions: values.Positions) -> bytes:
    entities = convert(subgraph).entities
    lines = [json.dumps(entities[k], ensure_ascii=False, sort_keys=True) for k in sorted(entities)]
    return ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
