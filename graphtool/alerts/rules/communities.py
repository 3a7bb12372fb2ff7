"""Rule 10a, communities: groups of firms linked by ownership, control, officers and controlled-goods
trade (Louvain communities, networkx, in the connected parts of that graph that hold a firm flagged
by the other rules), in which several members are flagged.
One alert per community (keyed by its smallest flagged member).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphtool.alerts.model import Finding
from graphtool.alerts.rules import DECLARATION_SQL, PARTIES_SQL, controlled, dates, declaration_fact, fetch

USES_ALERTS = True

LINKS_SQL = """SELECT src AS a, dst AS b, type AS via FROM graph_edges WHERE type IN ('OWNS', 'CONTROLS', 'OFFICER_OF')"""
TRADE_SQL = (
    f"""SELECT {DECLARATION_SQL} FROM node_declaration d {PARTIES_SQL} WHERE d.control_rule IS NOT NULL"""
)


def rows(ws: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """``{"kind": "link" | "trade", "row": {...}}`` (the Cypher file returns the same)."""
    return [{"kind": "link", "row": r} for r in fetch(ws, LINKS_SQL, params)] + [
        {"kind": "trade", "row": r} for r in fetch(ws, TRADE_SQL, params)
    ]


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    trade = [r["row"] for r in rows if r["kind"] == "trade" and controlled(r["row"], params)]
    traders = {r["exporter"] for r in trade} | {r["consignee"] for r in trade}
    # links touching a firm in controlled trade (firm - person - firm chains among traders included)
    links = sorted(
        {
            (r["row"]["a"], r["row"]["b"])
            for r in rows
            if r["kind"] == "link" and {r["row"]["a"], r["row"]["b"]} & traders
        }
    )
    graph = nx.Graph()
    graph.add_edges_from(links)
    graph.add_edges_from(sorted({(r["exporter"], r["consignee"]) for r in trade}))
    flagged = set(params["flagged_entities"])
    flagged_lines = set(params["flagged"])
    out = []
    communities = nx.community.louvain_communities(
        graph, seed=params["seed"], resolution=params["resolution"]
    )
    for members in sorted((sorted(c) for c in communities), key=lambda c: c[0]):
        firms = [m for m in members if m.startswith("Company:")]
        marked = [m for m in firms if m in flagged]
        if len(firms) < params["min_members"] or len(marked) < params["min_flagged"]:
            continue
        inside = set(members)
        lines = sorted(
            (
                r
                for r in trade
                if r["exporter"] in inside and r["consignee"] in inside and r["decl"] in flagged_lines
            ),
            key=lambda r: (str(r["day"]), r["decl"]),
        )
        if not lines:
            continue
        names = sorted({r["exporter_name"] for r in lines} | {r["consignee_name"] for r in lines})
        sentence = (
            f"A community of {len(firms)} linked firms ({len(marked)} flagged by other rules) traded controlled "
            f"goods among themselves in {len(lines)} flagged line(s): {', '.join(names[:6])}"
            + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            + "."
        )
        out.append(
            Finding(
                key=marked[0],
                sentence=sentence,
                indicators=["community"],
                entities=firms,
                declarations=[r["decl"] for r in lines],
                facts=[
                    declaration_fact(r, f"{r['exporter_name']} to {r['consignee_name']}: {r['hs']}")
                    for r in lines
                ],
                hs_codes=[r["hs"] for r in lines],
                dates=dates(lines),
                values={"members": len(firms), "flagged_members": len(marked)},
            )
        )
    return out
