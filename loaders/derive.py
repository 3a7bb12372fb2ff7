"""Derived fields: values computed from other fields of the same row (USD value, unit value,
the control rule in force). Each derivation is a small function over Arrow columns registered by
name, so mappings can ask for it and a new one needs no change elsewhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphtool.controls import control_rules
from graphtool.normalise import fx, numbers

# A derivation takes its argument columns and returns (values, errors-or-None).
Derivation = Callable[..., tuple[pa.Array, pa.Array | None]]


def _distinct_rows(*columns: pa.Array) -> tuple[list[tuple], pa.Array]:
    """Distinct tuples over several columns and, per row, the index of its tuple.

    Lets a derivation call its Python function once per distinct combination, not once per row.
    """
    keys = pc.binary_join_element_wise(
        *[pc.fill_null(pc.cast(c, pa.string()), "\x00") for c in columns], "\x1f"
    )
    encoded = pc.dictionary_encode(keys)
    index = encoded.indices.to_numpy(zero_copy_only=False)
    first = np.zeros(len(encoded.dictionary), dtype=np.int64)
    first[index[::-1]] = np.arange(len(index) - 1, -1, -1)  # the last write wins: the first occurrence
    picked = pa.array(first)
    rows = zip(*(c.take(picked).to_pylist() for c in columns), strict=True)
    return list(rows), encoded.indices


def to_usd(amount: pa.Array, currency: pa.Array, on: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Amount in US dollars at the rate of the currency in the year of ``on``."""
    years = pc.year(on)
    combos, index = _distinct_rows(currency, years)
    rates, errs = [], []
    for cur, year in combos:
        if cur is None or year is None:
            rates.append(None)
            errs.append(None)
            continue
        try:
            rates.append(fx.to_usd(1.0, cur, dt.date(year, 7, 1)))
            errs.append(None)
        except ValueError as exc:
            rates.append(None)
            errs.append(str(exc))
    rate = pa.array(rates, pa.float64()).take(index)
    errors = pa.array(errs, pa.string()).take(index)
    errors = pc.if_else(pc.is_null(amount), pa.scalar(None, pa.string()), errors)
    return pc.multiply(amount, rate), errors


def coalesce(*columns: pa.Array) -> tuple[pa.Array, None]:
    """The first non-missing value of the columns, row by row."""
    return pc.coalesce(*columns), None


def ratio(numerator: pa.Array, denominator: pa.Array) -> tuple[pa.Array, None]:
    """numerator / denominator, null when the denominator is missing or not positive."""
    positive = pc.fill_null(pc.greater(denominator, 0), False)
    return pc.if_else(positive, pc.divide(numerator, denominator), pa.scalar(None, pa.float64())), None


def to_kg(weight: pa.Array, unit: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Weight converted to kilograms; no unit means kilograms."""
    combos, index = _distinct_rows(unit)
    factors, errs = [], []
    for (u,) in combos:
        try:
            factors.append(numbers.to_kg(1.0, u) if u else 1.0)
            errs.append(None)
        except ValueError as exc:
            factors.append(None)
            errs.append(str(exc))
    return (
        pc.multiply(weight, pa.array(factors, pa.float64()).take(index)),
        pa.array(errs, pa.string()).take(index),
    )


def control_rule(hs_code: pa.Array, on: pa.Array, destination: pa.Array) -> tuple[pa.Array, None]:
    """Id of the control rule in force for the code on the date for the destination, else null
    (the most restrictive kind first, then file order, as ``ControlRules.applicable``)."""
    codes = pc.dictionary_encode(hs_code)
    distinct = codes.dictionary.to_pylist()
    result = pa.nulls(len(hs_code), pa.string())
    for rule in control_rules().by_priority():
        matches = pa.array([rule.matches_code(c) for c in distinct], pa.bool_()).take(codes.indices)
        hit = pc.and_(pc.fill_null(matches, False), pc.is_null(result))
        if pc.any(hit).as_py():
            hit = pc.and_(hit, rule.in_force_array(on, destination))
            result = pc.if_else(hit, pa.scalar(rule.id), result)
    return result, None


def control_item(rule_id: pa.Array) -> tuple[pa.Array, None]:
    """The controlled item (short English name) of a rule id."""
    by_id = {rule.id: rule for rule in control_rules().rules}
    encoded = pc.dictionary_encode(rule_id)
    items = [by_id[r].items_en if r else None for r in encoded.dictionary.to_pylist()]
    return pa.array(items, pa.string()).take(encoded.indices), None


DERIVATIONS: dict[str, Derivation] = {
    "to_usd": to_usd,
    "coalesce": coalesce,
    "ratio": ratio,
    "to_kg": to_kg,
    "control_rule": control_rule,
    "control_item": control_item,
}
