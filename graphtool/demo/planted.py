"""Planted declarations and the ground-truth records that describe them.

Schemes build ``PDecl`` objects (one per declaration, a few lines each) and ``Truth`` records; the
assembler turns the declarations into the same columns as the background and, once declaration
numbers exist, the truths into ground_truth.json entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphtool.demo.vocab import SEA


@dataclass
class PLine:
    good: str  # declared good (vocabulary key)
    net: float
    unit_usd: float  # declared unit value, USD per kg
    true_good: str | None = None  # what really ships, if not the declared good
    spec: str | None = None  # declared elements, if not drawn from the good's pool
    licence: int = -1
    remarks: str | None = None
    flagged: bool = True  # part of the scheme (False: ordinary goods in the same declaration)


@dataclass
class PDecl:
    exporter: int
    consignee: int
    day: int
    lines: list[PLine]
    mode: int = SEA
    trade_mode: str = "general"
    producer: int | None = None
    agent: int | None = None
    exporter_name: str | None = None
    consignee_name: str | None = None
    destination: str | None = None  # ISO2, default the consignee's country
    arrival: str | None = None
    trading: str | None = None
    currency: str = "USD"
    incoterm: str = "FOB"
    key: int = -1  # assigned by the assembler


@dataclass
class Onward:
    """A foreign bill of lading re-exporting the goods of a planted declaration (C4)."""

    after: PDecl
    shipper: int
    consignee: int
    days_after: int
    weight_factor: float
    origin: str  # ISO2 declared on the B/L
    good: str
    notify: int | None = None
    bl_no: str = ""  # assigned when written


@dataclass
class Truth:
    id: str
    typology: str
    description: str
    indicators: list[str] = field(default_factory=list)
    entities: list[tuple[int, str]] = field(default_factory=list)  # (firm idx, role)
    people: list[tuple[int, str]] = field(default_factory=list)  # (person idx, role)
    decls: list[PDecl] = field(default_factory=list)
    context: list[PDecl] = field(default_factory=list)
    onward: list[Onward] = field(default_factory=list)
    list_refs: list[str] = field(default_factory=list)
    licences: list[int] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def decoy(self) -> bool:
        return self.typology.startswith("decoy_")
