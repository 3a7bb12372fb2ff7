"""Rule 10b, brokers: a customs broker (declaring agent) that filed a share of flagged declarations
(the declarations of the other rules' alerts) far above the base rate (B11), with its betweenness in
the network of exporters, brokers and consignees of those declarations. Exporters filing their own
declarations are not brokers and are left out. One alert per broker.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from graphtool.alerts.model import Fact, Finding
from graphtool.alerts.rules import fetch
from graphtool.workspace import Workspace

USES_ALERTS = True

FLAGGED_SQL = """
SELECT d.link_declared_by AS agent, a.name AS agent_name, a.file_id AS agent_src, a.row_no AS agent_row,
       d.id AS decl, d.file_id AS decl_src, d.row_no AS decl_row, d.link_exported AS exporter,
       d.link_consigned_to AS consignee, d.declaration_date AS day, d.hs_code AS hs
FROM node_declaration d JOIN node_company a ON a.id = d.link_declared_by
WHERE d.id IN (SELECT unnest($flagged::VARCHAR[])) AND d.link_declared_by <> d.link_exported
"""
TOTALS_SQL = """SELECT link_declared_by AS agent, count(*) AS lines FROM node_declaration
                WHERE link_declared_by <> link_exported GROUP BY ALL"""


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    """``{"kind": "flagged" | "total", "row": {...}}`` (the Cypher file returns the same)."""
    return [{"kind": "flagged", "row": r} for r in fetch(ws, FLAGGED_SQL, params)] + [
        {"kind": "total", "row": r} for r in fetch(ws, TOTALS_SQL, params)
    ]


def betweenness(flagged: list[dict[str, Any]], samples: int, seed: int) -> dict[str, float]:
    """Betweenness of every node in the exporter - broker - consignee graph of the flagged lines,
    estimated from ``samples`` source nodes on larger graphs (exact on smaller ones); the graph is
    built in sorted order and the sample seeded, so the result does not depend on row order."""
    graph = nx.Graph()
    edges = sorted(
        {(r["exporter"], r["agent"]) for r in flagged} | {(r["agent"], r["consignee"]) for r in flagged}
    )
    graph.add_edges_from(edges)
    k = samples if graph.number_of_nodes() > samples else None
    return nx.betweenness_centrality(graph, k=k, normalized=True, seed=seed)


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    flagged = [r["row"] for r in rows if r["kind"] == "flagged"]
    totals = {r["row"]["agent"]: r["row"]["lines"] for r in rows if r["kind"] == "total"}
    if not flagged or not totals:
        return []
    base = len(flagged) / sum(totals.values())
    central = betweenness(flagged, params["betweenness_samples"], params["seed"])
    counts = Counter(r["agent"] for r in flagged)
    by_agent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in flagged:
        by_agent[r["agent"]].append(r)
    out = []
    for agent, lines in sorted(by_agent.items()):
        share = counts[agent] / totals[agent]
        if counts[agent] < params["min_flagged"] or share < params["share_ratio"] * base:
            continue
        lines.sort(key=lambda r: (str(r["day"]), r["decl"]))
        rank = sorted(central, key=lambda n: (-central[n], n)).index(agent) + 1
        indicators = ["B11"] + (["betweenness"] if rank <= params["top_betweenness"] else [])
        facts = [
            Fact(
                r["decl"],
                "Declaration",
                f"filed by {r['agent_name']}: {r['hs']}",
                file=r["decl_src"],
                row_no=r["decl_row"],
            )
            for r in lines
        ]
        facts.append(
            Fact(
                agent,
                "Company",
                f"declaring agent; betweenness {central[agent]:.3f} (rank {rank})",
                file=lines[0]["agent_src"],
                row_no=lines[0]["agent_row"],
            )
        )
        sentence = (
            f"Customs broker {lines[0]['agent_name']} filed {counts[agent]} of the flagged declarations, "
            f"{share:.0%} of its {totals[agent]} lines against {base:.1%} overall, linking "
            f"{len({r['exporter'] for r in lines})} exporters and {len({r['consignee'] for r in lines})} consignees "
            f"(betweenness rank {rank})."
        )
        out.append(
            Finding(
                key=agent,
                sentence=sentence,
                indicators=indicators,
                entities=[agent],
                declarations=[r["decl"] for r in lines],
                facts=facts,
                hs_codes=[r["hs"] for r in lines],
                dates=[r["day"] for r in lines if r["day"]],
                values={
                    "share": round(share, 4),
                    "base_rate": round(base, 4),
                    "betweenness": round(central[agent], 4),
                },
            )
        )
    return out
