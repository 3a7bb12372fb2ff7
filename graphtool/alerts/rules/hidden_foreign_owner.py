"""Rule 6, hidden foreign owner: a domestic exporter of controlled goods is owned, through holding
layers, by a foreign natural person or state at or above a threshold (25 %).

The effective shares are those of the UBO investigation (``graphtool.investigations.ubo``: products
along chains, summed over parallel chains, cycles walked once, an unknown share stays unknown), computed
as of the declarations' dates: the lines are grouped by the ownership in force on their date, so a line
counts only while the foreign owner held the share. Stronger when a chain passes through a holding in a
secrecy jurisdiction or an offshore centre, or when the owner (or a holding on its chain) also owns,
controls or directs the consignee (B7). One alert per exporter.

Rows (the Cypher file returns the same), each ``{"kind": ..., "row": {...}}``, for the exporters of
controlled lines that have a foreign party anywhere up their ownership chains (at most ``max_depth``
levels): ``owns`` (each ownership relationship on those chains, per exporter), ``node`` (the firms and
people on them, the exporter included), ``decl`` (the exporter's controlled lines) and ``link`` (who
owns, controls or directs the consignees of those lines).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graphtool.alerts.engine import AlertError
from graphtool.alerts.model import Fact, Finding, as_date
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    controlled,
    dates,
    day_span,
    declaration_fact,
    fetch,
    group,
)
from graphtool.controls import control_rules
from graphtool.investigations.ubo import Owner, compute_ubo, valid_on
from graphtool.subgraph import Edge, Node
from graphtool.workspace import Workspace

# The bound of the variable-length pattern in queries/alerts/hidden_foreign_owner.cypher.
CYPHER_MAX_DEPTH = 10
OWNS_PROPERTIES = ("percent", "percent_min", "percent_max", "interest", "declared_indirect")
OWNS_DATES = ("start_date", "end_date")

# Exporters of controlled lines and everything up to max_depth ownership levels above them; the
# candidates are those with a party of another country (nationality, else country) up there.
CANDIDATES_SQL = """
WITH RECURSIVE owns AS MATERIALIZED (SELECT * FROM graph_edges WHERE type = 'OWNS'),
parties AS MATERIALIZED (
    SELECT id, 'Company' AS label, name, CAST(NULL AS VARCHAR) AS nationality, country, sector, topics,
           file_id, row_no FROM node_company
    UNION ALL
    SELECT id, 'Person', name, nationality, country, NULL, topics, file_id, row_no FROM node_person),
up(exporter, node, depth) AS (
    SELECT DISTINCT link_exported, link_exported, 0 FROM node_declaration
    WHERE control_rule IS NOT NULL AND link_exported IS NOT NULL
    UNION
    SELECT u.exporter, o.src, u.depth + 1 FROM up u JOIN owns o ON o.dst = u.node WHERE u.depth < $max_depth),
candidates AS (
    SELECT DISTINCT u.exporter FROM up u JOIN parties o ON o.id = u.node JOIN parties x ON x.id = u.exporter
    WHERE u.depth > 0 AND coalesce(o.nationality, o.country) <> x.country),
reach AS (SELECT DISTINCT exporter, node, depth FROM up WHERE exporter IN (SELECT exporter FROM candidates))
"""
OWNS_SQL = """SELECT DISTINCT r.exporter, o.id, o.src, o.dst, o.percent, o.percent_min, o.percent_max,
    o.interest, o.declared_indirect, o.start_date, o.end_date, o.file_id AS edge_src, o.row_no AS edge_row
FROM reach r JOIN owns o ON o.dst = r.node WHERE r.depth < $max_depth"""
NODES_SQL = """SELECT DISTINCT p.id, p.label, p.name, p.nationality, p.country, p.sector, p.topics,
    p.file_id AS node_src, p.row_no AS node_row
FROM reach r JOIN parties p ON p.id = r.node"""
DECLARATIONS_SQL = f"""SELECT {DECLARATION_SQL} FROM node_declaration d {PARTIES_SQL}
WHERE d.control_rule IS NOT NULL AND d.link_exported IN (SELECT exporter FROM candidates)"""
# Who owns, controls or directs the consignees of those lines, or the register records of the same firms
# (same normalised name and country, or SAME_AS): the consignee on a declaration is a node of its own.
LINKS_SQL = """, consignees AS (
    SELECT DISTINCT link_consigned_to AS id FROM node_declaration
    WHERE control_rule IS NOT NULL AND link_exported IN (SELECT exporter FROM candidates)),
records AS (
    SELECT c.id AS consignee, r.id AS record FROM consignees c JOIN node_company k ON k.id = c.id
    JOIN node_company r ON r.id = k.id OR (r.name_norm = k.name_norm AND r.country IS NOT DISTINCT FROM k.country)
    UNION
    SELECT c.id, r.id FROM consignees c JOIN graph_edges s ON s.type = 'SAME_AS' AND c.id IN (s.src, s.dst)
    JOIN node_company r ON r.id IN (s.src, s.dst) AND r.id <> c.id)
SELECT DISTINCT k.consignee, e.id, e.type AS via, e.src AS party, e.percent, e.file_id AS link_src,
    e.row_no AS link_row
FROM records k JOIN graph_edges e ON e.dst = k.record WHERE e.type IN ('OWNS', 'CONTROLS', 'OFFICER_OF')"""


def reference(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Checks ``max_depth`` against the Cypher file's bound, so both backends walk the same chains."""
    if not 1 <= int(params["max_depth"]) <= CYPHER_MAX_DEPTH:
        raise AlertError(f"rules.yaml, rule hidden_foreign_owner: max_depth must be 1..{CYPHER_MAX_DEPTH}")
    return {}


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of four kinds, each ``{"kind": ..., "row": {...}}`` (the Cypher file returns the same)."""
    parts = (("owns", OWNS_SQL), ("node", NODES_SQL), ("decl", DECLARATIONS_SQL), ("link", LINKS_SQL))
    return [{"kind": kind, "row": r} for kind, sql in parts for r in fetch(ws, CANDIDATES_SQL + sql, params)]


def held(owner: Owner) -> float | None:
    """The share compared with the threshold: computed, else declared by a source, else the lower bound the
    known parts give; None when nothing is known (an unknown share is never taken as reaching it)."""
    for share in (owner.effective, owner.declared, owner.effective_min):
        if share is not None:
            return share
    return None


def _node(row: dict[str, Any]) -> Node:
    props = {k: row[k] for k in ("name", "nationality", "country", "sector", "topics") if row[k] is not None}
    return Node(row["id"], row["label"], props)


def _edge(row: dict[str, Any]) -> Edge:
    props = {k: row[k] for k in OWNS_PROPERTIES if row[k] is not None}
    props |= {k: as_date(row[k]) for k in OWNS_DATES if row[k] is not None}
    return Edge(row["id"], "OWNS", row["src"], row["dst"], props)


def periods(lines: list[dict[str, Any]], edges: list[Edge]) -> list[list[dict[str, Any]]]:
    """The lines grouped by the ownership relationships in force on their date (first period first)."""
    by_state: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for r in lines:
        by_state[frozenset(e.id for e in edges if valid_on(e, as_date(r["day"])))].append(r)
    return sorted(by_state.values(), key=lambda p: (str(p[0]["day"]), p[0]["decl"]))


def foreign_owners(
    company: Node, edges: list[Edge], nodes: dict[str, Node], lines: list[dict[str, Any]], threshold: float
) -> tuple[dict[str, Owner], dict[str, Owner], list[dict[str, Any]]]:
    """Foreign natural persons and states at or above the threshold (by id, the largest share over the
    periods), those whose share is unknown, and the lines dated while one of the first held its share."""
    flagged: dict[str, Owner] = {}
    unknown: dict[str, Owner] = {}
    flagged_lines: list[dict[str, Any]] = []
    for period in periods(lines, edges):
        report = compute_ubo(company, edges, nodes, as_of=as_date(period[-1]["day"]), threshold=threshold)
        foreign = [o for o in report.owners if o.foreign and o.kind in ("person", "state")]
        above = [o for o in foreign if (held(o) or 0.0) >= threshold]
        for o in above:
            if o.id not in flagged or held(o) > held(flagged[o.id]):  # type: ignore[operator]
                flagged[o.id] = o
        unknown.update({o.id: o for o in foreign if held(o) is None})
        if above:
            flagged_lines += period
    flagged_lines.sort(key=lambda r: (str(r["day"]), r["decl"]))
    return flagged, {k: v for k, v in unknown.items() if k not in flagged}, flagged_lines


def _via(owner: Owner) -> list[str]:
    """The holdings between the owner and the exporter, nearest the exporter first, each once."""
    return list(dict.fromkeys(n for chain in owner.chains for n in reversed(chain.node_ids[1:-1])))


def _place(node: Node, note: str = "") -> str:
    country = node.properties.get("nationality") or node.properties.get("country")
    inside = ", ".join(x for x in (country, note) if x)
    return f"{node.caption} ({inside})" if inside else node.caption


def _percent(value: float | None) -> str:
    return "an unknown share" if value is None else f"{value:.4g} %"


def _share(owner: Owner) -> str:
    """The share as the sentence states it: computed, declared by a source, or a lower bound."""
    if owner.effective is not None:
        return _percent(owner.effective)
    if owner.declared is not None:
        return f"{_percent(owner.declared)} (declared)"
    return f"at least {_percent(owner.effective_min)}"


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        found[r["kind"]].append(r["row"])
    node_rows = {r["id"]: r for r in found["node"]}
    nodes = {key: _node(r) for key, r in node_rows.items()}
    edge_rows = {r["id"]: r for r in found["owns"]}
    edges_of: dict[str, list[Edge]] = defaultdict(list)
    for r in sorted(found["owns"], key=lambda r: (r["exporter"], r["id"])):
        if r["src"] in nodes and r["dst"] in nodes:
            edges_of[r["exporter"]].append(_edge(r))
    lines = group(
        [r for r in found["decl"] if r["day"] is not None and controlled(r, params)], lambda r: r["exporter"]
    )
    links_to: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(found["link"], key=lambda r: (r["consignee"], r["id"])):
        links_to[r["consignee"]].append(r)
    threshold = float(params["threshold_percent"])
    out = []
    for exporter, exported in lines.items():
        if exporter not in nodes:
            continue
        flagged, unknown, dated = foreign_owners(
            nodes[exporter], edges_of[exporter], nodes, exported, threshold
        )
        if flagged:
            owners = sorted(flagged.values(), key=lambda o: (-(held(o) or 0.0), o.id))
            links = [
                link
                for c in sorted({r["consignee"] for r in dated if r["consignee"]})
                for link in links_to.get(c, [])
                if link["party"] in {o.id for o in owners} | {n for o in owners for n in _via(o)}
            ]
            out.append(
                _finding(
                    nodes[exporter],
                    owners,
                    sorted(unknown),
                    dated,
                    links,
                    nodes,
                    node_rows,
                    edge_rows,
                    params,
                )
            )
    return out


def _finding(
    exporter: Node,
    owners: list[Owner],
    unknown: list[str],
    lines: list[dict[str, Any]],
    links: list[dict[str, Any]],
    nodes: dict[str, Node],
    node_rows: dict[str, dict[str, Any]],
    edge_rows: dict[str, dict[str, Any]],
    params: dict[str, Any],
) -> Finding:
    """One alert's finding: indicators, sentence and evidence for an exporter with flagged foreign owners."""
    layers = list(dict.fromkeys(n for o in owners for n in _via(o)))
    country = {n: nodes[n].properties.get("country") for n in layers}
    secrecy = {n for n in layers if country[n] in params["secrecy_jurisdictions"]}
    offshore = {n for n in layers if country[n] in params["offshore_centres"]}
    indicators = ["UBO"] + ["secrecy"] * bool(secrecy) + ["offshore"] * bool(offshore) + ["B7"] * bool(links)
    names = {r["consignee"]: r["consignee_name"] for r in lines}
    link_facts = [_link_fact(link, nodes, names) for link in links]
    top = owners[0]
    goods = {rule.id: (rule.good or rule.id).replace("_", " ") for rule in control_rules().rules}
    via = " and ".join(_place(nodes[n], "secrecy jurisdiction" if n in secrecy else "") for n in _via(top))
    parts = [
        f"{exporter.caption} exports {', '.join(dict.fromkeys(goods[r['control_rule']] for r in lines))} "
        f"({len(lines)} controlled line(s), {day_span(lines)})",
        f"{_share(top)} of it is owned by {_owner_name(top, nodes[top.id])}" + (f" via {via}" if via else ""),
        *(
            [f"{len(owners) - 1} other foreign owner(s) hold {params['threshold_percent']} % or more"]
            * (len(owners) > 1)
        ),
        *(fact.text for fact in link_facts),
        *([f"share unknown for {', '.join(_place(nodes[o]) for o in unknown)}"] * bool(unknown)),
    ]
    chain_edges = sorted({e for o in owners for chain in o.chains for e in chain.edge_ids})
    return Finding(
        key=exporter.id,
        sentence="; ".join(parts).rstrip(".") + ".",
        indicators=indicators,
        entities=[
            exporter.id,
            *[o.id for o in owners],
            *layers,
            *sorted({r["consignee"] for r in lines if r["consignee"]}),
        ],
        declarations=[r["decl"] for r in lines],
        facts=[
            *(_owns_fact(edge_rows[e], nodes) for e in chain_edges),
            *(_owner_fact(o, exporter, node_rows[o.id]) for o in owners),
            *link_facts,
            *(
                declaration_fact(
                    r, f"{r['hs']} {r['description'] or ''} to {r['consignee_name']} on {str(r['day'])[:10]}"
                )
                for r in lines[: params["sample_lines"]]
            ),
        ],
        hs_codes=[r["hs"] for r in lines],
        dates=dates(lines),
        values={
            "threshold_percent": params["threshold_percent"],
            "owners": [
                {"id": o.id, "name": o.name, "country": o.country, "percent": held(o)} for o in owners
            ],
            "share_unknown": unknown,
            "holdings": layers,
        },
    )


def _owner_name(owner: Owner, node: Node) -> str:
    if owner.kind == "state":
        return f"the state body {_place(node)}"
    return f"{node.caption} ({owner.country} national)"


def _owner_fact(owner: Owner, exporter: Node, row: dict[str, Any]) -> Fact:
    text = (
        f"{owner.kind} of {owner.country}: {_share(owner)} of {exporter.caption} effectively, "
        f"through {len(owner.chains)} chain(s)"
    )
    return Fact(owner.id, owner.label, text, file=row["node_src"], row_no=row["node_row"])


def _owns_fact(row: dict[str, Any], nodes: dict[str, Node]) -> Fact:
    since = f" since {str(row['start_date'])[:10]}" if row["start_date"] else ""
    text = (
        f"{nodes[row['src']].caption} owns {_percent(row['percent'])} of {nodes[row['dst']].caption}{since}"
    )
    return Fact(row["id"], "OWNS", text, file=row["edge_src"], row_no=row["edge_row"])


def _link_fact(link: dict[str, Any], nodes: dict[str, Node], names: dict[str, str]) -> Fact:
    verb = {"OWNS": f"owns {_percent(link['percent'])} of", "CONTROLS": "controls"}.get(
        link["via"], "is an officer of"
    )
    text = f"{nodes[link['party']].caption} {verb} the consignee {names.get(link['consignee'], link['consignee'])}"
    return Fact(link["id"], link["via"], text, file=link["link_src"], row_no=link["link_row"])
