"""Ultimate beneficial ownership as of a date, computed from ownership and control facts.

Pure: both backends fetch the OWNS / CONTROLS / OFFICER_OF relationships above a company (to a
bounded depth) and this module computes the answer, so the two cannot disagree.

Rules (see docs/investigations.md):
- only relationships valid on ``as_of`` count (start_date <= as_of < end_date, missing dates open);
- one interest at a time (shares and votes are never summed together); OWNS without an interest
  counts as ``shareholding``;
- effective share = product along a chain, summed over parallel chains; chains are simple paths,
  so a cycle is walked once and recorded, never summed again (A owns B owns A is not 200%);
- an unknown share makes the owner's effective share unknown (``None``), with bounds where the known
  parts give some — never 0 or 100;
- a ``declared_indirect`` relationship is what a source declares, shown beside the computed share and
  never added to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from graphtool.investigations import parameters
from graphtool.subgraph import Edge, Node, Subgraph


@dataclass
class Chain:
    node_ids: list[str]  # owner first, the company last
    edge_ids: list[str]
    percents: list[float | None]
    effective: float | None


@dataclass
class Owner:
    id: str
    label: str
    name: str
    kind: str  # person | company | state
    country: str | None
    effective: float | None  # None: unknown
    effective_min: float | None
    effective_max: float | None
    declared: float | None  # as a source declares it (indirect declarations included)
    direct: float | None  # the owner's own direct holding in the company, if any
    ultimate: bool  # nobody owns it in the facts found
    foreign: bool | None
    flags: list[str] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)


@dataclass
class Controller:
    id: str
    label: str
    name: str
    via: str  # CONTROLS | OFFICER_OF
    role: str | None
    edge_id: str


@dataclass
class UboReport:
    company_id: str
    as_of: dt.date
    interest: str
    threshold: float
    owners: list[Owner]
    controllers: list[Controller]
    cycles: list[list[str]]
    notes: list[str]
    tree: Subgraph

    @property
    def beneficial_owners(self) -> list[Owner]:
        """Natural persons at or above the threshold (by computed share, else by declared share)."""
        return [o for o in self.owners if o.kind == "person" and "beneficial owner" in o.flags]

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = {k: v for k, v in asdict(self).items() if k != "tree"}
        data["tree"] = self.tree.to_dict()
        data["beneficial_owners"] = [o.id for o in self.beneficial_owners]
        return data


def valid_on(edge: Edge, as_of: dt.date) -> bool:
    start, end = edge.properties.get("start_date"), edge.properties.get("end_date")
    return (start is None or start <= as_of) and (end is None or end > as_of)


def _interest(edge: Edge, default: str) -> str:
    return edge.properties.get("interest") or default


def _bounds(edge: Edge) -> tuple[float | None, float, float]:
    """(exact, low, high) share of one relationship, as fractions."""
    p = edge.properties
    if p.get("percent") is not None:
        return p["percent"] / 100, p["percent"] / 100, p["percent"] / 100
    low = p.get("percent_min")
    high = p.get("percent_max")
    return None, (low or 0.0) / 100, (100.0 if high is None else high) / 100


def kind_of(node: Node) -> str:
    if node.label == "Person":
        return "person"
    conf = parameters()["ubo"]
    sector = node.properties.get("sector")
    topics = node.properties.get("topics") or []
    if sector in conf["state_sectors"] or any(t.startswith(conf["state_topic_prefix"]) for t in topics):
        return "state"
    return "company"


def _country(node: Node) -> str | None:
    return node.properties.get("nationality") or node.properties.get("country")


def compute_ubo(
    company: Node,
    edges: list[Edge],
    nodes: dict[str, Node],
    as_of: dt.date | None = None,
    threshold: float = 25.0,
    interest: str | None = None,
) -> UboReport:
    """The ownership report of ``company`` from the relationships found above it."""
    conf = parameters()["ubo"]
    as_of = as_of or dt.date.today()
    interest = interest or conf["default_interest"]
    valid = [e for e in edges if valid_on(e, as_of)]
    owns = [e for e in valid if e.type == "OWNS" and _interest(e, conf["default_interest"]) == interest]
    chain_edges = [e for e in owns if not e.properties.get("declared_indirect")]
    declared_edges = [e for e in owns if e.properties.get("declared_indirect") and e.dst == company.id]
    owners_of: dict[str, list[Edge]] = {}
    for e in sorted(chain_edges, key=lambda e: e.id):
        owners_of.setdefault(e.dst, []).append(e)

    chains: dict[str, list[Chain]] = {}
    cycles: list[list[str]] = []
    notes: list[str] = []
    budget = [conf["max_chains"] * 10]

    def walk(node_id: str, path_nodes: list[str], path_edges: list[Edge]) -> None:
        if len(path_edges) >= conf["max_depth"]:
            return
        for e in owners_of.get(node_id, []):
            if e.src in path_nodes:  # a cycle: walked once, recorded, never summed again
                cycle = path_nodes[path_nodes.index(e.src) :][::-1]
                if cycle not in cycles:
                    cycles.append(cycle)
                continue
            if budget[0] <= 0:
                return
            budget[0] -= 1
            edges_up = [e, *path_edges]
            exact = [_bounds(x)[0] for x in edges_up]
            chains.setdefault(e.src, []).append(
                Chain(
                    [e.src, *path_nodes[::-1]],
                    [x.id for x in edges_up],
                    [x.properties.get("percent") for x in edges_up],
                    None if None in exact else round(_product(exact) * 100, 6),
                )
            )
            walk(e.src, [*path_nodes, e.src], edges_up)

    walk(company.id, [company.id], [])
    if budget[0] <= 0:
        notes.append(f"more than {conf['max_chains'] * 10} ownership chains: shares are lower bounds")

    owners = []
    for owner_id, found in chains.items():
        node = nodes[owner_id]
        owners.append(_owner(node, found, company, declared_edges, owners_of, threshold, conf))
    owners.sort(key=lambda o: (-(o.effective if o.effective is not None else -1), o.id))
    for o in owners:
        if o.effective is not None and o.effective > 100.0001:
            notes.append(f"{o.name}: chains add up to {o.effective:.2f}%: the sources disagree")

    controllers = [
        Controller(e.src, nodes[e.src].label, nodes[e.src].caption, e.type, e.properties.get("role"), e.id)
        for e in sorted(valid, key=lambda e: e.id)
        if e.type in conf["control_types"] and e.dst == company.id
    ]
    used = {e.id for e in chain_edges} | {e.id for e in declared_edges} | {c.edge_id for c in controllers}
    tree = Subgraph()
    tree.add_node(company)
    for e in edges:
        if e.id in used:
            tree.add_edge(e)
            tree.add_node(nodes[e.src])
            tree.add_node(nodes[e.dst])
    return UboReport(company.id, as_of, interest, threshold, owners, controllers, cycles, notes, tree)


def _product(values: list[float | None]) -> float:
    out = 1.0
    for v in values:
        out *= v  # type: ignore[operator]
    return out


def _owner(
    node: Node,
    found: list[Chain],
    company: Node,
    declared_edges: list[Edge],
    owners_of: dict[str, list[Edge]],
    threshold: float,
    conf: dict[str, Any],
) -> Owner:
    edges_by_id = {e.id: e for es in owners_of.values() for e in es}
    low = high = 0.0
    exact_total: float | None = 0.0
    for chain in found:
        bounds = [_bounds(edges_by_id[eid]) for eid in chain.edge_ids]
        low += _product([b[1] for b in bounds])
        high += _product([b[2] for b in bounds])
        exact_total = (
            None if exact_total is None or chain.effective is None else exact_total + chain.effective
        )
    declared = [e.properties.get("percent") for e in declared_edges if e.src == node.id]
    direct = [e.properties.get("percent") for e in owners_of.get(company.id, []) if e.src == node.id]
    kind = kind_of(node)
    country, home = _country(node), company.properties.get("country")
    foreign = None if not country or not home else country != home
    effective = None if exact_total is None else round(exact_total, 6)
    declared_share = sum(declared) if declared and None not in declared else None
    owner = Owner(
        node.id,
        node.label,
        node.caption,
        kind,
        country,
        effective,
        round(low * 100, 6) if effective is None and low > 0 else effective,
        round(min(high, 1.0) * 100, 6) if effective is None else effective,
        declared_share,
        sum(direct) if direct and None not in direct else None,
        node.id not in owners_of,
        foreign,
        chains=found[: conf["max_chains"]],
    )
    owner.flags = _flags(owner, threshold)
    return owner


def _flags(o: Owner, threshold: float) -> list[str]:
    """What an investigator must look at: beneficial owners, foreign persons and states above the threshold."""
    share = o.effective if o.effective is not None else o.declared
    above = share is not None and share >= threshold
    maybe = not above and share is None and (o.effective_max or 0) >= threshold
    flags = []
    if o.kind == "person" and above:
        flags.append("beneficial owner")
    if o.kind == "person" and maybe:
        flags.append("possible beneficial owner (share unknown)")
    if o.kind == "state" and (above or maybe):
        flags.append("state" + (" (share unknown)" if maybe else ""))
    if o.foreign and o.kind in ("person", "state") and (above or maybe):
        flags.append("foreign")
    if o.effective is None:
        flags.append("share unknown")
    return flags
