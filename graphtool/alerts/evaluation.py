"""Alerts measured against the demo's ground truth (graphtool.demo ``ground_truth.json``).

An alert matches a planted scheme or decoy when it lists one of its declaration lines, or (for
alerts without declarations) names one of its entities or its trade-statistics series. Precision
of a rule: the share of its alerts that match a planted scheme (an alert that matches only decoys,
or nothing planted, is a false positive). Recall: the share of the schemes of the typologies the
rule targets that one of its alerts matches. Used by ``bench/alerts_quality.py`` and the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphtool.alerts.model import Alert

# Which demo typologies each rule is meant to find (recall is measured on these).
TARGETS = {
    "misdeclaration": ["misdeclared_hs", "sibling_downgrade"],
    "unlicensed_export": ["unlicensed_controlled"],
    "transshipment": ["transshipment"],
    "new_consignee": ["new_consignee"],
    "structuring": ["structuring"],
    "shared_contacts": ["shared_contacts"],
    "phoenix": ["phoenix"],
    "shell_exporter": ["shell_exporter"],
    "hidden_foreign_owner": ["hidden_foreign_owner"],
    "forwarder_consignee": ["forwarder_consignee"],
    "network_risk": ["listed_party_variant"],
    "country_surge": ["trade_surge"],
    "brokers": ["broker_hub"],
}


@dataclass
class Truth:
    """Ground truth records keyed the way the workspace keys them."""

    records: list[dict[str, Any]]
    declarations: dict[str, set[str]] = field(default_factory=dict)  # record id -> declaration ids
    entities: dict[str, set[str]] = field(default_factory=dict)  # record id -> company ids (register ids)
    series: dict[str, str] = field(default_factory=dict)  # record id -> "reporter|hs6"
    by_declaration: dict[str, set[str]] = field(default_factory=dict)  # declaration id -> record ids

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Truth:
        truth = cls(records=data["schemes"] + data["decoys"])
        for r in truth.records:
            truth.declarations[r["id"]] = {
                f"Declaration:line:{d['declaration_no']}:{line}"
                for d in r["declarations"] + r.get("context_declarations", [])
                for line in d["lines"]
            }
            truth.entities[r["id"]] = {f"Company:uscc:{e['uscc']}" for e in r["entities"] if e.get("uscc")}
            if stats := r.get("trade_stats"):
                truth.series[r["id"]] = f"{stats['reporter']}|{stats['hs6']}"
            for declaration in truth.declarations[r["id"]]:
                truth.by_declaration.setdefault(declaration, set()).add(r["id"])
        return truth

    def planted(self, record_id: str) -> bool:
        return record_id.startswith("S-")

    def matches(self, alert: Alert) -> set[str]:
        """Ids of the truth records this alert points at."""
        if alert.declarations:
            return {rid for d in alert.declarations for rid in self.by_declaration.get(d, ())}
        entities = set(alert.entities)
        return {
            r["id"]
            for r in self.records
            if entities & self.entities[r["id"]] or self.series.get(r["id"]) == alert.key
        }


@dataclass
class RuleQuality:
    rule: str
    alerts: int
    true_positives: int
    decoy_hits: list[str]
    precision: float | None
    targets: int
    found: int
    recall: float | None
    missed: list[str]

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def quality(truth: Truth, alerts: Iterable[Alert], rules: Iterable[str]) -> list[RuleQuality]:
    by_rule: dict[str, list[Alert]] = {rule: [] for rule in rules}
    for a in alerts:
        by_rule.setdefault(a.rule, []).append(a)
    out = []
    for rule, found in by_rule.items():
        matched = [truth.matches(a) for a in found]
        tp = sum(1 for m in matched if any(truth.planted(r) for r in m))
        decoys = sorted({r for m in matched for r in m if not truth.planted(r)})
        targets = [r["id"] for r in truth.records if r["typology"] in TARGETS.get(rule, [])]
        hit = {r for m in matched for r in m}
        out.append(
            RuleQuality(
                rule=rule,
                alerts=len(found),
                true_positives=tp,
                decoy_hits=decoys,
                precision=round(tp / len(found), 3) if found else None,
                targets=len(targets),
                found=sum(1 for t in targets if t in hit),
                recall=round(sum(1 for t in targets if t in hit) / len(targets), 3) if targets else None,
                missed=[t for t in targets if t not in hit],
            )
        )
    return out
