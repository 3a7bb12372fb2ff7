"""Search: by name in either script, id, registration number / USCC, address, phone, e-mail; fuzzy, ranked.

Both backends hand over the same rows (the searchable properties of firms, people, list entries,
vessels, addresses, phones and e-mails, plus exact keys of declarations, bills and licences) and
the ranking here is the same for both. Names are compared through ``normalise.names.name_form``:
a Chinese name meets its pinyin or English registration ("Guiyang Dacheng" finds 贵阳大成锑品有限公司),
legal forms are set aside, and spelling slips are forgiven (RapidFuzz). Each hit says why it matched.

The table of name forms is built once per data version (a few seconds for 50,000 names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from graphtool.errors import GraphtoolError
from graphtool.model import load_model
from graphtool.normalise.contacts import phone_norm
from graphtool.normalise.names import NameForm, name_form, similarity
from graphtool.normalise.text import name_norm

# label -> (name property, identifier properties, contact properties)
SEARCHABLE: dict[str, tuple[str | None, tuple[str, ...], tuple[str, ...]]] = {
    "Company": ("name", ("uscc", "lei", "registration_no"), ("address", "phone", "email")),
    "Person": ("name", ("id_number",), ("address", "phone", "email")),
    "ListEntry": ("name", ("list_ref", "identifiers"), ("address",)),
    "Vessel": ("name", ("imo",), ()),
    "Address": (None, (), ("full",)),
    "Phone": (None, ("number", "number_norm"), ()),
    "Email": (None, ("address",), ()),
}
# labels found only by an exact key (a million declaration lines are not fuzzy-searched)
KEYS: dict[str, tuple[str, ...]] = {
    "Declaration": ("declaration_no",),
    "Shipment": ("bl_no",),
    "Licence": ("licence_no",),
}
FUZZY_CUTOFF = 0.82
_DIGITS = re.compile(r"\D")


@dataclass
class Entry:
    id: str
    label: str
    name: str
    country: str | None
    forms: list[tuple[str, NameForm]]  # ("name" | "alias", form)
    identifiers: dict[str, str]  # normalised value -> property
    texts: list[tuple[str, str]]  # (property, normalised text): addresses
    phones: list[str]  # digits
    emails: list[str]


def searchable_columns(label: str) -> list[str]:
    """The properties a backend must hand over for one label."""
    name, idents, contacts = SEARCHABLE[label]
    known = load_model().node(label).properties
    return [c for c in (name, "aliases", "country", *idents, *contacts) if c and c in known]


def _key(value: Any) -> str:
    return re.sub(r"[\s\-]", "", str(value)).upper()


def make_entry(node_id: str, label: str, props: dict[str, Any]) -> Entry:
    """One node's searchable forms (computed once per data version)."""
    name_prop, idents, contacts = SEARCHABLE[label]
    name = props.get(name_prop) if name_prop else None
    forms = [("name", name_form(name))] if name else []
    forms += [("alias", name_form(a)) for a in props.get("aliases") or [] if a and a != name]
    identifiers: dict[str, str] = {}
    for prop in idents:
        values = props.get(prop)
        for v in values if isinstance(values, list) else [values]:
            if v:
                identifiers.setdefault(_key(v), prop)
    texts, phones, emails = [], [], []
    for prop in contacts:
        value = props.get(prop)
        if not value:
            continue
        if prop == "phone":
            phones.append(_DIGITS.sub("", phone_norm(value) or value))
        elif prop == "email":
            emails.append(value.strip().lower())
        else:
            texts.append((prop, name_norm(value)))
    if label == "Phone" and props.get("number"):
        phones.append(_DIGITS.sub("", props.get("number_norm") or props["number"]))
    caption = name or props.get("full") or props.get("number") or props.get("address") or node_id
    return Entry(node_id, label, caption, props.get("country"), forms, identifiers, texts, phones, emails)


class SearchTable:
    """Every searchable node's forms, and the ranking of a query against them."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = sorted(entries, key=lambda e: e.id)
        self.by_id = {e.id: e for e in self.entries}
        self.compact = [(i, f.compact) for i, e in enumerate(self.entries) for _, f in e.forms if f.compact]
        self.hanzi = [(i, f.hanzi) for i, e in enumerate(self.entries) for _, f in e.forms if f.hanzi]
        self.core = [(i, f.core) for i, e in enumerate(self.entries) for _, f in e.forms if f.core]

    def rank(self, query: str, key_hits: list[tuple[str, str, dict[str, Any]]], limit: int) -> list[dict]:
        """Hits for ``query``; ``key_hits`` are the declarations, bills and licences (id, label,
        properties) whose number the backend found equal to the query."""
        query = query.strip()
        if not query:
            return []
        hits: dict[str, tuple[float, list[str]]] = {}

        def add(entry_id: str, score: float, reason: str) -> None:
            best, reasons = hits.get(entry_id, (0.0, []))
            if reason not in reasons:
                reasons.append(reason)
            hits[entry_id] = (max(best, score), reasons)

        key = _key(query)
        if query in self.by_id:
            add(query, 1.0, "id")
        for e in self.entries:
            if key in e.identifiers:
                add(e.id, 1.0, f"{e.identifiers[key]} {query}")
        form = name_form(query)
        self._names(form, add)
        norm = name_norm(query)
        digits = _DIGITS.sub("", query).lstrip("0")  # a trunk prefix (0851 ...) is not in +86 851 ...
        lowered = query.lower()
        for e in self.entries:
            if len(norm) >= 4 and any(norm in text for _, text in e.texts):
                prop = next(p for p, text in e.texts if norm in text)
                add(e.id, 0.75 if prop == "full" else 0.6, f"{prop} contains {query!r}")
            if (
                len(digits) >= 6
                and len(digits) >= len(query.replace(" ", "")) - 3
                and any(digits in p for p in e.phones)
            ):
                add(e.id, 0.85, f"phone {query}")
            if "@" in lowered and lowered in e.emails:
                add(e.id, 0.9, f"e-mail {query}")
        out = [
            {
                "id": e.id,
                "label": e.label,
                "name": e.name,
                "country": e.country,
                "score": round(s, 4),
                "reasons": r,
            }
            for e, (s, r) in ((self.by_id[i], v) for i, v in hits.items())
        ]
        for node_id, label, props in key_hits:
            prop = next((k for k in KEYS[label] if props.get(k) == query), KEYS[label][0])
            out.append({"id": node_id, "label": label, "name": props.get(prop), "country": None, "score": 1.0,
                        "reasons": [f"{prop} {query}"]})  # fmt: skip
        out.sort(key=lambda h: (-h["score"], h["name"] or "", h["id"]))
        return out[:limit]

    def _names(self, form: NameForm, add) -> None:
        """Exact, contained and similar names (either script); each name scores once, its best way."""
        if not form.core:
            return
        for e in self.entries:
            for kind, f in e.forms:
                if f.core == form.core or (form.compact and f.compact == form.compact):
                    add(e.id, 0.95 if kind == "name" else 0.9, f"{kind} {f.original}")
                elif (form.hanzi and form.hanzi in f.hanzi) or (
                    len(form.compact) >= 4 and form.compact in f.compact
                ):
                    add(e.id, 0.8, f"{kind} contains: {f.original}")
        cutoff = FUZZY_CUTOFF * 100
        candidates: set[int] = set()
        for text, pool, scorers in (
            (form.compact, self.compact, ((fuzz.ratio, cutoff), (fuzz.partial_ratio, 95))),
            (form.core, self.core, ((fuzz.ratio, cutoff),)),
            (form.hanzi, self.hanzi, ((fuzz.ratio, cutoff - 10),)),
        ):
            if not text:
                continue
            choices = [c for _, c in pool]
            for scorer, score_cutoff in scorers:
                found = process.extract(text, choices, scorer=scorer, score_cutoff=score_cutoff, limit=200)
                candidates.update(pool[pos][0] for _, _, pos in found)
        for i in sorted(candidates):
            e = self.entries[i]
            for kind, f in e.forms:
                sim = max(similarity(form, f), fuzz.ratio(form.core, f.core) / 100)
                if sim >= FUZZY_CUTOFF:
                    add(e.id, round(0.4 + 0.4 * sim, 4), f"similar {kind} ({sim:.2f}): {f.original}")


_TABLES: dict[str, SearchTable] = {}


def table_for(version: str, rows) -> SearchTable:
    """The search table of one data version (``rows()`` gives (id, label, props) when it must be built)."""
    if version not in _TABLES:
        if len(_TABLES) > 4:
            _TABLES.clear()
        _TABLES[version] = SearchTable([make_entry(i, label, props) for i, label, props in rows()])
    return _TABLES[version]


def key_value(query: str) -> str | None:
    """The query as an exact key (declaration, B/L or licence number), if it can be one."""
    value = query.strip()
    return value if value and " " not in value and len(value) >= 5 else None


def search(version: str, rows, keys, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked hits (id, label, name, country, score, reasons). ``rows()`` yields (id, label, props) of
    every searchable node, ``keys(value)`` the key-labelled nodes whose number equals ``value``."""
    if limit < 1:
        raise GraphtoolError("limit must be at least 1")
    table = table_for(version, rows)
    value = key_value(query)
    return table.rank(query, keys(value) if value else [], limit)
