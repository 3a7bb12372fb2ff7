"""Goods flow: where controlled goods went after they left, matched leg by leg.

From an export declaration (or each of a company's latest declarations) to its overseas consignee,
then to the bills of lading on which that consignee shipped goods onward: same goods (HS codes
agree on their first ``hs_digits`` digits), same weight (within ``weight_tolerance``, declaration
gross weight against B/L weight) and within ``window_days`` after the earlier leg. A matched
shipment becomes the next leg's start, up to ``max_legs`` onward legs. A leg whose consignee sits
in neither the origin's nor the onward destination's country is flagged as a third-country leg.

Pure: backends supply the facts (``declarations`` and candidate ``shipments``, as dicts) and this
module matches them, so both backends answer alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from graphtool.subgraph import Subgraph


@dataclass
class FlowLeg:
    from_id: str  # the declaration or shipment the goods left on
    via_id: str  # its consignee, who ships them onward
    via_country: str | None
    shipment_id: str  # the onward bill of lading
    to_id: str | None  # the onward consignee
    to_country: str | None  # where the onward shipment discharged
    lag_days: int
    weight_in: float
    weight_out: float
    hs_in: str
    hs_out: str
    third_country: bool
    to_listed: bool
    depth: int  # 1 for the first onward leg
    edge_ids: list[str] = field(default_factory=list)

    @property
    def weight_ratio(self) -> float:
        return self.weight_out / self.weight_in if self.weight_in else float("nan")


@dataclass
class FlowReport:
    start_id: str
    window_days: int
    weight_tolerance: float
    declarations: list[str]  # the declarations followed
    legs: list[FlowLeg]
    subgraph: Subgraph = field(default_factory=Subgraph)

    def node_ids(self) -> list[str]:
        ids = list(self.declarations)
        for leg in self.legs:
            ids += [leg.from_id, leg.via_id, leg.shipment_id] + ([leg.to_id] if leg.to_id else [])
        return list(dict.fromkeys(ids))

    def edge_ids(self) -> list[str]:
        return list(dict.fromkeys(e for leg in self.legs for e in leg.edge_ids))

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "subgraph"}
        data["subgraph"] = self.subgraph.to_dict()
        return data


def declaration_fact(
    node_id: str, props: dict[str, Any], consignee_id: str | None, consignee_country: str | None,
    consigned_edge: str | None,
) -> dict[str, Any]:  # fmt: skip
    """What the matching needs of a declaration: its date (export, else declaration date), goods,
    gross weight (B/Ls carry gross weights; net when gross is missing) and consignee."""
    return {
        "id": node_id, "date": props.get("export_date") or props.get("declaration_date"),
        "hs_code": props.get("hs_code"), "weight_kg": props.get("gross_kg") or props.get("net_kg"),
        "origin_country": props.get("origin_country") or "CN", "consignee_id": consignee_id,
        "consignee_country": consignee_country, "consigned_edge": consigned_edge,
    }  # fmt: skip


def shipment_fact(
    node_id: str, props: dict[str, Any], shipper_id: str, shipped_edge: str, consignee_id: str | None,
    consignee_country: str | None, consigned_edge: str | None,
) -> dict[str, Any]:  # fmt: skip
    """What the matching needs of a bill of lading: date, goods, weight, shipper and consignee."""
    return {
        "id": node_id, "date": props.get("date"), "hs_code": props.get("hs_code"),
        "weight_kg": props.get("weight_kg"), "shipper_id": shipper_id, "shipped_edge": shipped_edge,
        "consignee_id": consignee_id, "consignee_country": consignee_country,
        "consigned_edge": consigned_edge, "discharge_country": props.get("discharge_country"),
    }  # fmt: skip


def _weight(item: dict[str, Any]) -> float | None:
    return item.get("weight_kg")


def compute_flow(
    start_id: str, facts: dict[str, Any], window_days: int, tolerance: float, hs_digits: int
) -> FlowReport:
    """Match onward shipments to the declarations in ``facts``.

    ``facts``: ``declarations`` (id, date, hs_code, weight_kg, origin_country, consignee_id,
    consignee_country, consigned_edge), ``shipments`` (id, date, hs_code, weight_kg, shipper_id,
    shipped_edge, consignee_id, consigned_edge, discharge_country), ``listed`` (ids), ``max_legs``.
    """
    by_shipper: dict[str, list[dict[str, Any]]] = {}
    for s in sorted(facts["shipments"], key=lambda s: (s["date"] or dt.date.min, s["id"])):
        by_shipper.setdefault(s["shipper_id"], []).append(s)
    listed = set(facts.get("listed", ()))
    legs: list[FlowLeg] = []
    window = dt.timedelta(days=window_days)

    def follow(item: dict[str, Any], holder: str | None, holder_country: str | None, origin: str | None,
               depth: int, seen: set[str]) -> None:  # fmt: skip
        weight, date, hs = _weight(item), item.get("date"), item.get("hs_code") or ""
        if depth > facts["max_legs"] or not holder or weight is None or date is None or len(hs) < hs_digits:
            return
        for s in by_shipper.get(holder, []):
            if s["id"] in seen or s["date"] is None or not date < s["date"] <= date + window:
                continue
            out_weight, out_hs = _weight(s), s.get("hs_code") or ""
            if out_weight is None or out_hs[:hs_digits] != hs[:hs_digits]:
                continue
            if abs(out_weight - weight) > tolerance * weight:
                continue
            to_country = s.get("discharge_country")
            edges = [e for e in (item.get("consigned_edge"), s["shipped_edge"], s.get("consigned_edge")) if e]
            third = bool(holder_country) and holder_country not in (origin, to_country)
            leg = FlowLeg(
                item["id"], holder, holder_country, s["id"], s.get("consignee_id"), to_country,
                (s["date"] - date).days, weight, out_weight, hs, out_hs, third,
                s.get("consignee_id") in listed, depth, edges,
            )  # fmt: skip
            legs.append(leg)
            follow(s, s.get("consignee_id"), s.get("consignee_country"), origin, depth + 1, seen | {s["id"]})

    declarations = sorted(facts["declarations"], key=lambda d: d["id"])
    for d in declarations:
        follow(d, d.get("consignee_id"), d.get("consignee_country"), d.get("origin_country"), 1, {d["id"]})
    legs.sort(key=lambda leg: (leg.depth, leg.from_id, leg.shipment_id))
    return FlowReport(start_id, window_days, tolerance, [d["id"] for d in declarations], legs)
