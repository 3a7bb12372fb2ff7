"""Rule 8, network risk: parties linked to a restricted-list entry receive controlled goods after
the designation date.

Seeds: a party LISTED_AS an entry, a screening hit (table ``list_hits``, when screening has run),
the entry's normalised name or alias (exact in the query; close, ``name_similarity``, in the same
country for parties on controlled lines), an address shared with the entry (not a mass-registration
address), or list topics on the company. Risk spreads along ownership, control, officers, list
links, resolved identities, the register record of the same firm and shared phones or e-mails,
multiplied by ``decay`` at every hop (``max_hops`` at most). One alert per list entry (all the
parties linked to it), or per party for list topics without an entry.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz

from graphtool.alerts.model import Fact, Finding
from graphtool.alerts.rules import (
    DECLARATION_SQL,
    PARTIES_SQL,
    controlled,
    dates,
    day_span,
    declaration_fact,
    fetch,
)
from graphtool.normalise.text import name_norm
from graphtool.workspace import Workspace

SEEDS_SQL = """
WITH addresses AS (SELECT dst FROM graph_edges WHERE type = 'LOCATED_AT' GROUP BY dst
                   HAVING count(*) FILTER (WHERE NOT starts_with(src, 'ListEntry:')) <= $max_address_parties)
SELECT src AS party, dst AS entry, 1.0 AS weight, 'listed' AS via FROM graph_edges WHERE type = 'LISTED_AS'
UNION ALL
SELECT c.id, l.id, 1.0, 'name' FROM node_company c JOIN node_listentry l ON l.name_norm = c.name_norm
UNION ALL
SELECT a.src, l.src, $address_weight, 'address' FROM graph_edges a
JOIN graph_edges l ON l.dst = a.dst AND l.type = 'LOCATED_AT' AND starts_with(l.src, 'ListEntry:')
WHERE a.type = 'LOCATED_AT' AND starts_with(a.src, 'Company:') AND a.dst IN (SELECT dst FROM addresses)
UNION ALL
SELECT id, NULL, 1.0, 'topics' FROM node_company WHERE list_has_any(topics, $topics)
"""
HITS_SQL = """SELECT party_id AS party, entry_id AS entry, max(score) AS weight FROM list_hits
              WHERE score >= $min_hit_score AND kind IN (SELECT unnest($hit_kinds)) GROUP BY ALL ORDER BY ALL"""

LINKS_SQL = """
WITH shared AS (SELECT dst FROM graph_edges WHERE type IN ('HAS_PHONE', 'HAS_EMAIL') GROUP BY dst
                HAVING count(*) <= $max_shared_contacts)
SELECT src AS a, dst AS b, type AS via FROM graph_edges
WHERE type IN ('OWNS', 'CONTROLS', 'OFFICER_OF', 'LINKED_TO', 'SAME_AS')
UNION ALL
SELECT c.id, r.id, 'SAME_NAME' FROM node_company c JOIN node_company r
     ON r.name_norm = c.name_norm AND r.country IS NOT DISTINCT FROM c.country AND r.id <> c.id
UNION ALL
SELECT x.src, y.src, x.type FROM graph_edges x JOIN graph_edges y ON y.dst = x.dst AND y.type = x.type AND y.src > x.src
WHERE x.type IN ('HAS_PHONE', 'HAS_EMAIL') AND x.dst IN (SELECT dst FROM shared)
"""

ENTRIES_SQL = """SELECT id AS entry, name AS entry_name, aliases AS entry_aliases, country AS entry_country, list_name,
                        start_date, end_date, file_id AS entry_src, row_no AS entry_row FROM node_listentry"""

DECLARATIONS_SQL = (
    f"""SELECT {DECLARATION_SQL} FROM node_declaration d {PARTIES_SQL} WHERE d.control_rule IS NOT NULL"""
)


def reference(ws: Workspace, params: dict[str, Any]) -> dict[str, Any]:
    """Screening hits (table ``list_hits``, written by screening) when it exists: in the workspace on both backends."""
    exists = ws.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'list_hits'").fetchall()[
        0
    ][0]
    return {"screening_hits": fetch(ws, HITS_SQL, params) if exists else []}


def rows(ws: Workspace, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of four kinds, each ``{"kind": ..., "row": {...}}`` (the Cypher file returns the same)."""
    parts = (("seed", SEEDS_SQL), ("link", LINKS_SQL), ("entry", ENTRIES_SQL), ("decl", DECLARATIONS_SQL))
    return [{"kind": kind, "row": r} for kind, sql in parts for r in fetch(ws, sql, params)]


VIA_INDICATOR = {
    "name": "B5",
    "screening": "B5",
    "address": "B4",
    "OWNS": "B6",
    "CONTROLS": "B6",
    "OFFICER_OF": "B7",
    "HAS_PHONE": "B7",
    "HAS_EMAIL": "B7",
}
SAME_PARTY = {"SAME_AS", "SAME_NAME"}  # links between records of one party: no decay


def name_seeds(rows: list[dict[str, Any]], min_similarity: float) -> list[dict[str, Any]]:
    """Parties on controlled lines whose name is close to a list entry's name or alias in the same country
    (rapidfuzz ratio of the normalised names): the fallback before screening (``list_hits``) has run."""
    keys = []
    for e in (r for r in rows if r["kind"] == "entry"):
        for written in [e["entry_name"], *(e["entry_aliases"] or [])]:
            keys.append((name_norm(written), e["entry_country"], e["entry"]))
    parties = {
        (r[role], r[f"{role}_name"], r[f"{role}_country"] if role == "consignee" else "CN")
        for r in rows
        if r["kind"] == "decl"
        for role in ("consignee", "exporter")
        if r[f"{role}_name"]
    }
    seeds = []
    for party, written, country in sorted(parties, key=str):
        norm = name_norm(written)
        scores = [
            (fuzz.ratio(norm, key) / 100.0, entry)
            for key, entry_country, entry in keys
            if entry_country == country
        ]
        best = max(scores, default=(0.0, None))
        if best[0] >= min_similarity:
            seeds.append(
                {"kind": "seed", "party": party, "entry": best[1], "weight": round(best[0], 4), "via": "name"}
            )
    return seeds


def spread(
    rows: list[dict[str, Any]], decay: float, max_hops: int
) -> dict[str, tuple[float, str | None, tuple[str, ...]]]:
    """Party -> (risk, list entry, how it is linked), the strongest path from any seed."""
    risk: dict[str, tuple[float, str | None, tuple[str, ...]]] = {}
    for r in sorted(
        (r for r in rows if r["kind"] == "seed"), key=lambda r: (-r["weight"], str(r["entry"]), r["via"])
    ):
        if r["party"] not in risk:
            risk[r["party"]] = (float(r["weight"]), r["entry"], (r["via"],))
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "link":
            links[r["a"]].append((r["b"], r["via"]))
            links[r["b"]].append((r["a"], r["via"]))
    frontier = dict(risk)
    hops: dict[str, int] = dict.fromkeys(risk, 0)
    while frontier:
        reached: dict[str, tuple[float, str | None, tuple[str, ...]]] = {}
        for party, (value, entry, path) in sorted(frontier.items()):
            for other, via in sorted(links.get(party, ())):
                same = via in SAME_PARTY
                depth = hops[party] + (0 if same else 1)
                if depth > max_hops:
                    continue
                candidate = (value * (1.0 if same else decay), entry, (*path, via))
                best = reached.get(other) or risk.get(other)
                if best is None or candidate[0] > best[0] + 1e-12:
                    reached[other] = candidate
                    hops[other] = depth
        risk.update(reached)
        frontier = reached
    return risk


def findings(rows: list[dict[str, Any]], params: dict[str, Any]) -> list[Finding]:
    rows = [{"kind": r["kind"], **r["row"]} for r in rows]
    hits = [{"kind": "seed", **hit, "via": "screening"} for hit in params["screening_hits"]]
    rows = rows + hits + name_seeds(rows, params["name_similarity"])
    risk = spread(rows, params["decay"], params["max_hops"])
    entries = {r["entry"]: r for r in rows if r["kind"] == "entry"}
    flagged: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for r in rows:
        if r["kind"] != "decl" or not controlled(r, params):
            continue
        for role in ("consignee", "exporter"):
            party = r[role]
            if party not in risk or risk[party][0] < params["min_risk"]:
                continue
            entry = entries.get(risk[party][1])
            day = str(r["day"])[:10]
            if entry and (
                (entry["start_date"] and day < str(entry["start_date"])[:10])
                or (entry["end_date"] and day > str(entry["end_date"])[:10])
            ):
                continue  # before designation or after delisting
            flagged[risk[party][1] or party].append((party, role, r))
    out = []
    for key, hits in sorted(flagged.items()):
        entry = entries.get(key)
        parties = sorted({party for party, _, _ in hits}, key=lambda p: (-risk[p][0], p))
        value = risk[parties[0]][0]
        lines = sorted({r["decl"]: r for _, _, r in hits}.values(), key=lambda r: (str(r["day"]), r["decl"]))
        names = sorted({r[f"{role}_name"] for _, role, r in hits})
        facts = [
            declaration_fact(
                r, f"{r['hs']} {r['description'] or ''} from {r['exporter_name']} to {r['consignee_name']}"
            )
            for r in lines
        ]
        listed = "a company with list topics"
        if entry:
            listed = (
                f"{entry['entry_name']} on the {entry['list_name']} (since {str(entry['start_date'])[:10]})"
            )
            facts.append(Fact(key, "ListEntry", listed, file=entry["entry_src"], row_no=entry["entry_row"]))
        paths = sorted({" -> ".join(risk[p][2]) for p in parties})
        sentence = (
            f"{'; '.join(names)}, linked to {listed} via {' | '.join(paths)} (network risk up to {value:.2f}), "
            f"received or sent {len(lines)} controlled line(s) after the designation ({day_span(lines)})."
        )
        out.append(
            Finding(
                key=key,
                sentence=sentence,
                indicators=[
                    "F3",
                    *(VIA_INDICATOR[v] for p in parties for v in risk[p][2] if v in VIA_INDICATOR),
                ],
                entities=[
                    *parties,
                    *sorted({r["exporter"] for r in lines} | {r["consignee"] for r in lines} - set(parties)),
                ],
                declarations=[r["decl"] for r in lines],
                facts=facts,
                hs_codes=[r["hs"] for r in lines],
                dates=dates(lines),
                strength=value,
                values={"network_risk": {p: risk[p][0] for p in parties}, "paths": paths},
            )
        )
    return out
