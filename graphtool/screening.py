"""``graphtool screen``: every firm and person against the restricted lists in force, with reasons.

A listed end-user hides behind "Apex Alloys Trading Co., Ltd" when the list says "APEX ALLOY
TRADING COMPANY LIMITED", behind a Chinese registration of a romanised list name, or behind a
short alias ("LIMMT"). Each hit says why: "alias 0.93 after legal-form removal; same country CN".
A party at a listed address, phone or e-mail is a hit of its own kind (address / phone / email);
a shared identifier is the strongest kind. Only entries in force on ``as_of`` count (from their
start date, up to but not on their end date). Bills-of-lading consignees and notify parties are
Company / Person nodes, so they are screened with everyone else. Results replace the previous
run's rows in ``list_hits``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from graphtool.normalise.names import (
    NameForm,
    containment,
    forms_conflict,
    may_contain,
    similarity,
    similarity_bounds,
)
from graphtool.resolution.blocking import shared_words, similar_names
from graphtool.resolution.records import Party, load_list_entries, load_parties
from graphtool.resolution.runs import next_run_id, record_run
from graphtool.resolution.scoring import settings
from graphtool.workspace import Workspace

KINDS = ("identifier", "name", "alias", "address", "phone", "email")  # strongest first
_TYPES = {"Company": "company", "Person": "person"}


@dataclass(slots=True)
class Hit:
    party_id: str
    entry_id: str
    score: float = 0.0
    kinds: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return next(k for k in KINDS if k in self.kinds)


def _unique_forms(parties: list[Party]) -> tuple[list[NameForm], list[list[tuple[int, int]]]]:
    """Distinct name forms and, for each, the (party, name position) pairs that hold it."""
    index: dict[tuple[str, str, str], int] = {}
    forms: list[NameForm] = []
    holders: list[list[tuple[int, int]]] = []
    for i, party in enumerate(parties):
        for k, form in enumerate(party.forms):
            key = form.key
            if key not in index:
                index[key] = len(forms)
                forms.append(form)
                holders.append([])
            holders[index[key]].append((i, k))
    return forms, holders


def _how(a: NameForm, b: NameForm) -> str:
    if a.hanzi and b.hanzi:
        return "in Chinese characters"
    if a.hanzi or b.hanzi:
        return "romanised Chinese"
    if a.core == b.core and a.original.casefold() != b.original.casefold():
        return "after legal-form removal"
    return "spelling"


def _types_agree(party_type: str | None, entry_type: str | None) -> bool:
    return entry_type in (None, "unknown") or party_type in (None, "unknown", entry_type)


def _worth_scoring(
    pforms: list[NameForm], eforms: list[NameForm], candidates: set[tuple[int, int]], people: set[int]
) -> list[list[int]]:
    """The candidate pairs that may reach a threshold, in the set's order (of two equal scores the
    first one found is kept). Bounds computed in C drop the million pairs that cannot."""
    pairs = np.fromiter(itertools.chain.from_iterable(candidates), dtype=np.int64, count=2 * len(candidates))
    pairs = pairs.reshape(-1, 2)
    person = np.zeros(len(pforms), dtype=bool)
    person[list(people)] = True
    floor = min(settings()["screening"]["name"], settings()["screening"]["chinese_name"]) - 1e-9
    bounds = similarity_bounds(pforms, eforms, pairs, word_order=~person[pairs[:, 0]])
    return pairs[(bounds >= floor) | may_contain(pforms, eforms, pairs)].tolist()


def name_hits(
    parties: list[Party], entries: list[Party]
) -> dict[tuple[int, int], tuple[float, float, str, str]]:
    """(party, entry) -> (score, threshold, kind name|alias, reason) of the best name match."""
    cfg, blocking = settings()["screening"], settings()["blocking"]
    pforms, pholders = _unique_forms(parties)
    eforms, eholders = _unique_forms(entries)
    candidates = similar_names(pforms, blocking["prefilter"], blocking["max_block"], right=eforms)
    candidates |= shared_words(pforms, eforms, blocking["max_block"])
    people = {u for u, held in enumerate(pholders) if any(parties[i].label == "Person" for i, _ in held)}
    party_types = [_TYPES.get(p.label, p.entity_type) for p in parties]
    best: dict[tuple[int, int], tuple[float, float, str, str]] = {}
    for u, v in _worth_scoring(pforms, eforms, candidates, people):
        a, b = pforms[u], eforms[v]
        score = similarity(a, b, word_order=u not in people)  # people: "LI, Fangwei" = "Fangwei Li"
        threshold = cfg["chinese_name"] if a.hanzi and b.hanzi else cfg["name"]
        reason = f"{score:.2f} {_how(a, b)}"
        if score < threshold and not (a.hanzi and b.hanzi) and containment(a, b):
            score, reason = cfg["contained"], f"{score:.2f}, one name is the other plus generic words"
        if forms_conflict(a, b):
            score -= cfg["legal_form_penalty"]
            reason += f", legal forms differ ({a.legal_form} vs {b.legal_form})"
        if score < threshold:
            continue
        held = [(j, "name" if k == 0 else "alias", entries[j].entity_type) for j, k in eholders[v]]
        for i, _ in pholders[u]:
            for j, kind, entry_type in held:
                if _types_agree(party_types[i], entry_type):
                    known = best.get((i, j))
                    if known is None or score > known[0]:
                        best[(i, j)] = (score, threshold, kind, f"{kind} {reason}")
    return best


def _value_hits(parties: list[Party], entries: list[Party], values) -> dict[tuple[int, int], str]:
    by_value: dict[str, list[int]] = defaultdict(list)
    for j, entry in enumerate(entries):
        for value in values(entry):
            by_value[value].append(j)
    found: dict[tuple[int, int], str] = {}
    for i, party in enumerate(parties):
        for value in values(party):
            for j in by_value.get(value, ()):
                found[(i, j)] = value
    return found


def screen_parties(parties: list[Party], entries: list[Party]) -> list[Hit]:
    """Every hit of ``parties`` on ``entries`` at or above its kind's threshold (pure: no I/O)."""
    cfg = settings()["screening"]
    hits: dict[tuple[int, int], Hit] = {}

    def hit(i: int, j: int) -> Hit:
        if (i, j) not in hits:
            hits[(i, j)] = Hit(parties[i].id, entries[j].id)
        return hits[(i, j)]

    for (i, j), value in _value_hits(parties, entries, lambda p: set(p.identifiers.values())).items():
        h = hit(i, j)
        h.kinds["identifier"] = cfg["identifier"]
        h.reasons.append(f"same identifier {value}")
    for (i, j), key in _value_hits(parties, entries, lambda p: p.contacts).items():
        kind, _, value = key.partition(":")
        h = hit(i, j)
        h.kinds[kind] = cfg[kind]
        h.reasons.append(f"same {kind} ({value})")
    for (i, j), (score, threshold, kind, reason) in name_hits(parties, entries).items():
        party, entry = parties[i], entries[j]
        if party.country and entry.country and party.country != entry.country:
            score -= cfg["country_penalty"]
            country = f"country differs ({party.country} vs {entry.country})"
        elif party.country and party.country == entry.country:
            country = f"same country {party.country}"
        else:
            country = ""
        h = hits.get((i, j))
        if h is None:
            if score < threshold:
                continue
            h = hits[(i, j)] = Hit(party.id, entry.id)
        h.kinds[kind] = score
        h.reasons.insert(0, reason + (f"; {country}" if country else ""))
    for h in hits.values():
        corroborating = len(h.kinds) - 1
        h.score = round(min(1.0, max(h.kinds.values()) + 0.05 * corroborating), 4)
    return sorted(hits.values(), key=lambda h: (-h.score, h.party_id, h.entry_id))


def screen(
    ws: Workspace,
    as_of: dt.date | None = None,
    lists: list[str] | None = None,
    party_lists: list[str] | None = None,
    labels: tuple[str, ...] = ("Company", "Person"),
) -> dict:
    """Screen the workspace's parties against the list entries in force on ``as_of`` (default today).

    ``lists`` limits the lists screened against; ``party_lists`` screens the entries of those lists
    as parties instead of the firms and people (one list against another). Writes ``list_hits``.
    """
    started = dt.datetime.now()
    as_of = as_of or dt.date.today()
    entries = load_list_entries(ws, as_of, lists)
    parties = (
        load_list_entries(ws, every_date=True, lists=party_lists) if party_lists else load_parties(ws, labels)
    )
    if party_lists:
        party_ids = {p.id for p in parties}
        entries = [e for e in entries if e.id not in party_ids]
    hits = screen_parties(parties, entries)
    run_id = next_run_id(ws)
    rows = {
        "party_id": [h.party_id for h in hits],
        "entry_id": [h.entry_id for h in hits],
        "score": [h.score for h in hits],
        "kind": [h.kind for h in hits],
        "reasons": ["; ".join(h.reasons) for h in hits],
        "run_id": [run_id] * len(hits),
    }
    table = pa.table(rows, schema=pa.schema([("party_id", pa.string()), ("entry_id", pa.string()),
                                             ("score", pa.float64()), ("kind", pa.string()),
                                             ("reasons", pa.string()), ("run_id", pa.int64())]))  # fmt: skip
    by_kind: dict[str, int] = defaultdict(int)
    for h in hits:
        by_kind[h.kind] += 1
    summary = {
        "run_id": run_id,
        "as_of": as_of.isoformat(),
        "parties": len(parties),
        "entries_in_force": len(entries),
        "hits": len(hits),
        "by_kind": dict(by_kind),
        "parties_hit": len({h.party_id for h in hits}),
    }
    with ws.transaction():
        ws.con.execute("DELETE FROM list_hits")
        ws.con.register("s_hits", table)
        ws.con.execute("INSERT INTO list_hits SELECT * FROM s_hits")
        ws.con.unregister("s_hits")
        record_run(ws, run_id, "screen", started, {"as_of": as_of, "lists": lists, "party_lists": party_lists,
                                                   **settings()["screening"]}, summary)  # fmt: skip
    summary["seconds"] = round((dt.datetime.now() - started).total_seconds(), 2)
    summary["top"] = [
        {
            "party_id": h.party_id,
            "entry_id": h.entry_id,
            "score": h.score,
            "kind": h.kind,
            "reasons": "; ".join(h.reasons),
        }
        for h in hits[:20]
    ]
    return summary
