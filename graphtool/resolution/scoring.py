"""Whether two records are one firm (or person), and why: a decision with its score and features.

Strong identifiers decide: one unified social credit code, LEI or identity document is one
entity; two different valid ones are two entities, whatever the names say (veto). Otherwise the
name decides, helped by a shared address, phone or e-mail; a different country stops a name-only
merge. Two firms at one address with unlike names are *linked*, never merged (business centres,
shell addresses). Thresholds are data: ``reference/matching.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from graphtool.normalise.names import forms_conflict, similarity
from graphtool.normalise.uscc import uscc_is_valid
from graphtool.resolution.records import Party

DECIDING = ("uscc", "lei", "doc")  # one value is one entity; two values are two entities
SUPPORTING = ("reg",)  # registration numbers: registries differ by country, so they confirm only


@cache
def settings() -> dict[str, Any]:
    text = resources.files("graphtool.reference").joinpath("matching.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass
class Comparison:
    score: float
    decision: str  # match | veto | review | linked | none
    rule: str
    features: dict[str, Any] = field(default_factory=dict)


def name_score(a: Party, b: Party) -> tuple[float, bool, bool]:
    """Best name similarity, whether it compared Chinese characters, and whether the best pair of
    names states legal forms of different kinds.

    When both have a Chinese name, only Chinese names compare: 深圳恒达 and 深圳恒大 are two firms
    even though their English renderings ("Shenzhen Hengda") are one string. People's names may
    come in any order.
    """
    fa, fb = a.forms, b.forms
    ha, hb = [f for f in fa if f.hanzi], [f for f in fb if f.hanzi]
    chinese = bool(ha and hb)
    if chinese:
        fa, fb = ha, hb
    shared = a.form_keys & b.form_keys
    if shared and (not chinese or any(key[1] for key in shared)):
        return 1.0, chinese, False
    word_order = a.label != "Person"
    score, x, y = max(((similarity(x, y, word_order), x, y) for x in fa for y in fb), key=lambda t: t[0])
    return score, chinese, forms_conflict(x, y)


def _birth_dates_differ(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    n = min(len(a), len(b))  # "1965-10" and "1965-10-03" agree as far as both go
    return a[:n] != b[:n]


def compare(a: Party, b: Party) -> Comparison:
    """The decision on one pair of records (people's judgements are applied by the caller)."""
    cfg = settings()["resolution"]
    features: dict[str, Any] = {}
    same: list[str] = []
    differ: list[str] = []
    if a.identifiers and b.identifiers:
        same = sorted(
            k for k in a.identifiers.keys() & b.identifiers.keys() if a.identifiers[k] == b.identifiers[k]
        )
        differ = [k for k in DECIDING if k in a.identifiers and k in b.identifiers and k not in same]
        if differ == ["uscc"] and not (
            uscc_is_valid(a.identifiers["uscc"]) and uscc_is_valid(b.identifiers["uscc"])
        ):
            differ = []  # a mistyped code is not evidence of another firm
    if same:
        features["same_identifier"] = same
    if differ:
        features["different_identifier"] = differ
    if _birth_dates_differ(a.birth_date, b.birth_date):
        differ.append("birth_date")
        features["different_birth_date"] = [a.birth_date, b.birth_date]
    name, chinese, other_form = name_score(a, b)
    features["name"] = round(name, 3)
    if chinese:
        features["compared"] = "chinese characters"
    if other_form:
        features["legal_form"] = "different kinds"
    shared = (
        sorted({key.split(":", 1)[0] for key in a.contacts & b.contacts}) if a.contacts and b.contacts else []
    )
    if shared:
        features["shared"] = shared
    other_country = bool(a.country and b.country and a.country != b.country)
    if other_country:
        features["country"] = f"{a.country} vs {b.country}"
    if differ:
        return Comparison(0.0, "veto", "different " + ", ".join(differ), features)
    if any(k in DECIDING for k in same):
        return Comparison(1.0, "match", "same " + ", ".join(same), features)
    accept = cfg["chinese_accept"] if chinese else cfg["accept"]
    if not other_country and not other_form:  # a name-based merge needs the same country and legal form
        if name >= accept:
            return Comparison(name, "match", "name", features)
        if name >= cfg["supported"] and (shared or same):
            return Comparison(name, "match", "name + " + ", ".join(shared or same), features)
    if name >= cfg["review"]:
        return Comparison(name, "review", "similar name", features)
    if shared:
        return Comparison(name, "linked", "shared " + ", ".join(shared), features)
    return Comparison(name, "none", "", features)
