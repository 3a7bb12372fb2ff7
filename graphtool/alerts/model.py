"""What a detector produces: findings (one per scheme) and the alerts made of them.

A rule groups its evidence per scheme (one exporter-consignee pair, one structuring cluster) and
returns one ``Finding``; the engine scores it from the indicators that fired and gives it an id
derived from the rule and the scheme's key, so the same data always gives the same alert.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from graphtool.subgraph import Subgraph

STATUSES = ("open", "reviewed", "dismissed")


@dataclass(frozen=True)
class Fact:
    """One piece of evidence: a node or relationship, what it shows, and where it was asserted."""

    id: str  # node or relationship id
    label: str  # node label or relationship type
    text: str
    file: str | None = None  # source file name (a rule sets the file id it read; the engine resolves it)
    row_no: int | None = None
    file_id: int | None = None


@dataclass
class Finding:
    """One scheme found by one rule, before scoring."""

    key: str  # identifies the scheme within the rule (stable across runs and backends)
    sentence: str
    indicators: list[str]
    entities: list[str]
    declarations: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    hs_codes: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    strength: float = 1.0  # 0..1 multiplier on the indicator score (e.g. network decay)
    values: dict[str, Any] = field(default_factory=dict)  # figures the sentence quotes


@dataclass
class Alert:
    id: str
    rule: str
    score: float
    sentence: str
    indicators: list[str]
    entities: list[str]
    declarations: list[str]
    facts: list[Fact]
    hs_codes: list[str]
    first_date: date | None
    last_date: date | None
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    status: str = "open"
    evidence: Subgraph | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = self.evidence.to_dict() if self.evidence else None
        return data


def alert_id(rule: str, key: str) -> str:
    """Deterministic: the same rule and scheme key always give the same id."""
    return "A-" + hashlib.sha1(f"{rule}\x1f{key}".encode()).hexdigest()[:16]


def combined_score(indicators: list[str], weights: dict[str, float], strength: float = 1.0) -> float:
    """Noisy-or of the weights of the indicators that fired: each adds evidence, none alone is proof."""
    miss = 1.0
    for code in dict.fromkeys(indicators):
        miss *= 1.0 - weights.get(code, 0.0)
    return round((1.0 - miss) * strength, 4)


def to_alert(rule: str, finding: Finding, weights: dict[str, float]) -> Alert:
    dates = sorted(finding.dates)
    return Alert(
        id=alert_id(rule, finding.key),
        rule=rule,
        score=combined_score(finding.indicators, weights, finding.strength),
        sentence=finding.sentence,
        indicators=sorted(dict.fromkeys(finding.indicators)),
        entities=list(dict.fromkeys(finding.entities)),
        declarations=sorted(dict.fromkeys(finding.declarations)),
        facts=sorted(dict.fromkeys(finding.facts), key=lambda f: (f.label, f.id, f.text)),
        hs_codes=sorted(dict.fromkeys(finding.hs_codes)),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        key=finding.key,
        values=finding.values,
    )


def ranked(alerts: list[Alert]) -> list[Alert]:
    """Highest score first; ties: more declarations first, then id (stable)."""
    return sorted(alerts, key=lambda a: (-a.score, -len(a.declarations), a.id))


def as_date(value: Any) -> date | None:
    """Dates arrive as ``date``, ``datetime`` or ISO text depending on the backend."""
    if value is None:
        return None
    if hasattr(value, "hour"):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
