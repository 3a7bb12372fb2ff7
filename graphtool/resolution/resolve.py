"""``graphtool resolve``: candidate pairs -> decisions -> clusters -> SAME_AS relationships.

Nothing is merged away: every record stays a node of its own; a cluster links each member to
one canonical member with a ``SAME_AS`` relationship carrying the score, who or what decided,
and the features that matched. Each run replaces the previous run's results (``clusters``,
``matches``, the resolution-made ``SAME_AS`` rows); people's judgements are re-applied every time.
List entries are compared too (the same party on two lists, or two listed firms at one address)
but only recorded in ``matches``: a designation is never merged into another.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa

from graphtool.ids import edge_id
from graphtool.normalise.names import similarity
from graphtool.resolution import judgements
from graphtool.resolution.blocking import shared_value_groups, similar_names
from graphtool.resolution.clustering import Clusters
from graphtool.resolution.records import Party, load_list_entries, load_parties
from graphtool.resolution.runs import next_run_id, record_run
from graphtool.resolution.scoring import DECIDING, Comparison, compare, settings
from graphtool.workspace import Workspace

MERGED = ("Company", "Person")  # labels whose records are clustered (SAME_AS joins these only)
_PER_NAME = 2  # records of each of two similar names paired with each other


@dataclass
class Pair:
    left: int
    right: int
    comparison: Comparison
    decided_by: str


def candidate_pairs(parties: list[Party]) -> set[tuple[int, int]]:
    """Record index pairs worth comparing: same or similar name, shared identifier or contact."""
    cfg = settings()["blocking"]
    floor = min(settings()["resolution"]["supported"], settings()["resolution"]["review"])
    word_order = not parties or parties[0].label != "Person"
    by_form: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    forms = []
    index: dict[tuple[str, str, str], int] = {}
    for i, party in enumerate(parties):
        for form in party.forms:
            key = form.key
            if key not in index:
                index[key] = len(forms)
                forms.append(form)
            if not by_form[key] or by_form[key][-1] != i:
                by_form[key].append(i)
    holders = list(by_form.values())
    pairs: set[tuple[int, int]] = set()
    for members in holders:  # one name, many records: a chain links them all
        pairs.update(itertools.pairwise(members))
    for u, v in similar_names(forms, cfg["prefilter"], cfg["max_block"]):
        if similarity(forms[u], forms[v], word_order) < floor:
            continue
        for i in holders[u][:_PER_NAME]:
            for j in holders[v][:_PER_NAME]:
                if i != j:
                    pairs.add((min(i, j), max(i, j)))
    identifiers = {i: [f"{k}:{v}" for k, v in p.identifiers.items()] for i, p in enumerate(parties)}
    for group in shared_value_groups(identifiers, len(parties)):
        pairs.update(itertools.pairwise(group))
    contacts = {i: p.contacts for i, p in enumerate(parties) if p.contacts}
    for group in shared_value_groups(contacts, cfg["max_contact_block"]):
        pairs.update(itertools.pairwise(group))  # linked in a chain; similar names meet above
    return pairs


def decide(parties: list[Party], judged: dict[tuple[str, str], dict]) -> tuple[list[Pair], Clusters]:
    """Compare candidate pairs, apply people's judgements, and cluster (pure: no I/O)."""
    index = {p.id: i for i, p in enumerate(parties)}
    pairs: dict[tuple[int, int], Pair] = {}
    for i, j in candidate_pairs(parties):
        pairs[(i, j)] = Pair(i, j, compare(parties[i], parties[j]), "rule")
    for (left, right), judgement in judged.items():
        if left in index and right in index:
            i, j = sorted((index[left], index[right]))
            comparison = pairs[(i, j)].comparison if (i, j) in pairs else compare(parties[i], parties[j])
            confirmed = judgement["decision"] == "confirm"
            comparison = Comparison(
                1.0 if confirmed else comparison.score,
                "confirmed" if confirmed else "rejected",
                f"{judgement['user']}: {judgement['reason'] or judgement['decision']}",
                comparison.features,
            )
            pairs[(i, j)] = Pair(i, j, comparison, f"judgement:{judgement['user']}")
    deciding = [{k: v for k, v in p.identifiers.items() if k in DECIDING} for p in parties]
    for i, p in enumerate(parties):
        if "uscc" in deciding[i] and not p.valid_uscc:
            del deciding[i]["uscc"]
        if p.legal_form:  # a cluster holds one kind of legal form: "X GmbH" and "X Ltd" are two firms
            deciding[i]["legal_form"] = p.legal_form
    rejected = [(p.left, p.right) for p in pairs.values() if p.comparison.decision == "rejected"]
    clusters = Clusters(len(parties), deciding, rejected)
    order = {"confirmed": 0, "match": 1}
    mergeable = [
        p
        for p in pairs.values()
        if p.comparison.decision in order
        and parties[p.left].label in MERGED
        and parties[p.left].label == parties[p.right].label
    ]
    mergeable.sort(key=lambda p: (order[p.comparison.decision], -p.comparison.score, p.left, p.right))
    for pair in mergeable:
        if not clusters.union(pair.left, pair.right) and pair.comparison.decision == "match":
            pair.comparison.decision = "veto"
            pair.comparison.rule = "would join records of different identifiers or a rejected pair"
    return list(pairs.values()), clusters


def canonical(parties: list[Party], members: list[int]) -> int:
    """The member that stands for the cluster: a valid USCC, a Chinese registered name, most facts."""

    def rank(i: int) -> tuple:
        p = parties[i]
        hanzi = any(f.hanzi for f in p.forms[:1])
        return (not p.valid_uscc, not hanzi, -len(p.identifiers), -len(p.contacts), p.id)

    return min(members, key=rank)


def resolve(ws: Workspace, labels: tuple[str, ...] = ("Company", "Person", "ListEntry")) -> dict:
    """Resolve the workspace's firms and people (and compare list entries); returns a summary."""
    started = dt.datetime.now()
    judged = judgements.current(ws)
    run_id = next_run_id(ws)
    summary: dict = {"run_id": run_id, "labels": {}}
    match_rows: list[dict] = []
    cluster_rows: list[dict] = []
    edge_rows: list[dict] = []
    for label in labels:
        parties = (
            load_list_entries(ws, every_date=True) if label == "ListEntry" else load_parties(ws, (label,))
        )
        pairs, clusters = decide(parties, judged)
        groups = clusters.groups() if label in MERGED else []
        best: dict[int, Pair] = {}
        for pair in pairs:
            c = pair.comparison
            if c.decision == "none":
                continue
            if label not in MERGED and c.decision == "match":
                c.decision, c.rule = "review", f"{c.rule} (list entries are not merged)"
            match_rows.append(
                {
                    "left_id": parties[pair.left].id,
                    "right_id": parties[pair.right].id,
                    "score": round(c.score, 4),
                    "decision": c.decision,
                    "decided_by": f"{pair.decided_by}: {c.rule}",
                    "features": json.dumps(c.features, ensure_ascii=False),
                    "run_id": run_id,
                }
            )
            if c.decision in ("match", "confirmed"):
                for i in (pair.left, pair.right):
                    if i not in best or c.score > best[i].comparison.score:
                        best[i] = pair
        for members in groups:
            head = canonical(parties, members)
            for i in members:
                cluster_rows.append(
                    {"member_id": parties[i].id, "canonical_id": parties[head].id, "run_id": run_id}
                )
                if i == head:
                    continue
                pair = best[i]
                c = pair.comparison
                edge_rows.append(
                    {
                        "id": edge_id("SAME_AS", parties[i].id, parties[head].id),
                        "src": parties[i].id,
                        "dst": parties[head].id,
                        "score": round(c.score, 4),
                        "decided_by": f"{pair.decided_by}: {c.rule}",
                        "features": json.dumps(c.features, ensure_ascii=False),
                    }
                )
        decisions: dict[str, int] = defaultdict(int)
        for pair in pairs:
            decisions[pair.comparison.decision] += 1
        summary["labels"][label] = {
            "records": len(parties),
            "pairs_compared": len(pairs),
            "decisions": dict(sorted(decisions.items())),
            "clusters": len(groups),
            "records_in_clusters": sum(len(g) for g in groups),
        }
    with ws.transaction():
        _store(ws, run_id, match_rows, cluster_rows, edge_rows)
        record_run(ws, run_id, "resolve", started, settings(), summary)
    summary["seconds"] = round((dt.datetime.now() - started).total_seconds(), 2)
    return summary


def _store(ws: Workspace, run_id: int, matches: list[dict], clusters: list[dict], edges: list[dict]) -> None:
    con = ws.con
    con.execute("DELETE FROM matches")
    con.execute("DELETE FROM clusters")
    con.execute("DELETE FROM edges WHERE type = 'SAME_AS' AND file_id IS NULL")
    match_schema = pa.schema(
        [("left_id", pa.string()), ("right_id", pa.string()), ("score", pa.float64()), ("decision", pa.string()),
         ("decided_by", pa.string()), ("features", pa.string()), ("run_id", pa.int64())]
    )  # fmt: skip
    con.register("r_matches", pa.Table.from_pylist(matches, schema=match_schema))
    con.execute("INSERT INTO matches SELECT * FROM r_matches")
    cluster_schema = pa.schema(
        [("member_id", pa.string()), ("canonical_id", pa.string()), ("run_id", pa.int64())]
    )
    con.register("r_clusters", pa.Table.from_pylist(clusters, schema=cluster_schema))
    con.execute("INSERT INTO clusters SELECT * FROM r_clusters")
    edge_schema = pa.schema(
        [("id", pa.string()), ("src", pa.string()), ("dst", pa.string()), ("score", pa.float64()),
         ("decided_by", pa.string()), ("features", pa.string())]
    )  # fmt: skip
    con.register("r_edges", pa.Table.from_pylist(edges, schema=edge_schema))
    con.execute(
        """INSERT INTO edges (id, type, src, dst, score, decided_by, features, file_id, row_no, batch_id)
           SELECT id, 'SAME_AS', src, dst, score, decided_by, features, NULL, NULL, ? FROM r_edges""",
        [run_id],
    )
    for name in ("r_matches", "r_clusters", "r_edges"):
        con.unregister(name)
