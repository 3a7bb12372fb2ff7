"""Field types: turn a column of source text into typed, normalised values plus per-row errors.

Each type is a scalar pure function from ``graphtool.normalise`` applied once per *distinct*
value (a million declaration lines have only thousands of distinct dates, codes and names), with
vectorised fast paths for high-cardinality numeric columns. A value that cannot be normalised
yields a null and an error message; the row is then quarantined with that reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graphtool.normalise import codes, contacts, countries, dates, hscodes, numbers, text, uscc
from loaders.mapping import Field

# The Arrow type each field type produces (and so the model property types it may fill).
OUTPUT_TYPES: dict[str, pa.DataType] = {
    "list": pa.list_(pa.string()),
    "bool": pa.bool_(),
    "int": pa.int64(),
    "float": pa.float64(),
    "percent": pa.float64(),
    "date": pa.date32(),
}


def output_type(field_type: str) -> pa.DataType:
    return OUTPUT_TYPES.get(field_type, pa.string())


@dataclass
class Column:
    """A normalised column: values and an error message (null when fine), per distinct source value.

    ``indices`` maps each row to its distinct value (``None``: one value per row), so that cleaning
    and checking cost once per distinct value; ``rows`` expands any per-value array to the rows.
    Accessors (``.norm``, ``.valid``, ``.original``, ``.domain``) are computed on first use, so a
    column nobody reads a normal form of costs nothing extra.
    """

    values: pa.Array
    errors: pa.Array
    source: pa.Array | None = None
    field_type: str = "string"
    indices: pa.Array | None = None
    _accessors: dict[str, pa.Array] = field(default_factory=dict)

    def rows(self, per_value: pa.Array) -> pa.Array:
        return per_value if self.indices is None else per_value.take(self.indices)

    def accessor(self, name: str) -> pa.Array:
        if name not in self._accessors:
            self._accessors[name] = self.rows(_compute_accessor(self, name))
        return self._accessors[name]

    @property
    def row_values(self) -> pa.Array:
        if "" not in self._accessors:
            self._accessors[""] = self.rows(self.values)
        return self._accessors[""]


def _compute_accessor(column: Column, name: str) -> pa.Array:
    if name == "norm":
        return map_distinct(column.values, text.name_norm, pa.string())[0]
    if name == "valid":
        return map_distinct(column.values, uscc.uscc_is_valid, pa.bool_())[0]
    if name == "original":
        return text.clean_array(column.source)
    if name == "domain":
        return map_distinct(column.values, contacts.email_domain, pa.string())[0]
    raise AssertionError(f"unknown accessor {name}")  # parse_mapping rejects unknown accessors


_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}


def _bool(value: str) -> bool:
    v = value.strip().casefold()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes/no")


def _choice(choices: tuple[str, ...], value: str) -> str:
    v = text.clean(value).casefold()
    if v not in choices:
        raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
    return v


def _split(separator: str, value: str) -> list[str]:
    return [part for part in (text.clean(p) for p in value.split(separator)) if part]


_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?$")


def _month(value: str) -> str:
    m = _MONTH.match(text.clean(value))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{value!r} is not a month (YYYY-MM)")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def _hs6(value: str) -> str:
    return hscodes.hs_code(value)[:6]


_DECLARATION_NO = re.compile(r"^\d{18}$")


def _declaration_no(value: str) -> str:
    cleaned = text.clean(value)
    if not _DECLARATION_NO.match(cleaned):
        raise ValueError(f"'{cleaned}' is not an 18-digit declaration number")
    return cleaned


def scalar_function(f: Field) -> Callable[[str], Any]:
    """The pure function that normalises one value of this field."""
    simple: dict[str, Callable[[str], Any]] = {
        "string": text.clean,
        "name": text.clean,
        "reference": text.clean,
        "bool": _bool,
        "int": numbers.parse_int,
        "float": numbers.parse_number,
        "percent": numbers.parse_percent,
        "partial_date": dates.parse_partial_date,
        "month": _month,
        "country": countries.country,
        "hs_code": hscodes.hs_code,
        "hs6": _hs6,
        "uscc": uscc.uscc,
        "currency": codes.currency,
        "transport_mode": codes.transport_mode,
        "trade_mode": codes.trade_mode,
        "phone": contacts.phone_norm,
        "declaration_no": _declaration_no,
        "email": contacts.email_norm,
    }
    if f.type in simple:
        return simple[f.type]
    if f.type == "date":
        return partial(dates.parse_date, order=f.order)
    if f.type == "choice":
        return partial(_choice, tuple(c.casefold() for c in f.choices))
    if f.type == "list":
        return partial(_split, f.separator)
    raise AssertionError(f"field type {f.type} has no function")  # parse_mapping rejects unknown types


def map_distinct(arr: pa.Array, fn: Callable[[str], Any], out_type: pa.DataType) -> tuple[pa.Array, pa.Array]:
    """Apply ``fn`` once per distinct non-null value; return values and error messages per row."""
    encoded = pc.dictionary_encode(arr)
    out: list[Any] = []
    errs: list[str | None] = []
    for value in encoded.dictionary.to_pylist():
        try:
            out.append(fn(value))
            errs.append(None)
        except ValueError as exc:
            out.append(None)
            errs.append(str(exc))
    indices = encoded.indices
    return pa.array(out, out_type).take(indices), pa.array(errs, pa.string()).take(indices)


# Plain decimals (optionally with thousands commas) that Arrow's cast reads exactly as
# ``numbers.parse_number`` does; anything else (full-width digits, currency marks) goes value by value.
_PLAIN_FLOAT = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$|^\d{1,3}(?:,\d{3})+(?:\.\d*)?$"
_PLAIN_INT = r"^[+-]?\d{1,15}(?:\.0*)?$"  # whole and exact through a float64


def _numbers(f: Field, arr: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Numbers without a Python call per plain value; the others through the per-value function."""
    out_type = output_type(f.type)
    plain = pc.fill_null(
        pc.match_substring_regex(arr, _PLAIN_INT if f.type == "int" else _PLAIN_FLOAT), False
    )
    null = pa.scalar(None, pa.string())
    fast = pc.cast(
        pc.cast(pc.replace_substring(pc.if_else(plain, arr, null), ",", ""), pa.float64()), out_type
    )
    if pc.all(pc.or_(plain, pc.is_null(arr))).as_py():
        return fast, _no_errors(arr)
    values, errors = map_distinct(pc.if_else(plain, null, arr), scalar_function(f), out_type)
    return pc.coalesce(fast, values), errors


def _no_errors(arr: pa.Array) -> pa.Array:
    return pa.nulls(len(arr), pa.string())


def normalise(f: Field, arr: pa.Array) -> Column:
    """Normalise one source column (strings, nulls for empty cells) as field ``f`` says."""
    if f.type in ("string", "name", "reference"):
        return Column(text.clean_array(arr), _no_errors(arr), arr, f.type)
    if f.type == "declaration_no":
        cleaned = text.clean_array(arr)
        ok = pc.fill_null(pc.match_substring_regex(cleaned, r"^\d{18}$"), True)
        message = pc.binary_join_element_wise(
            pa.scalar("'"), cleaned, "' is not an 18-digit declaration number", ""
        )
        null = pa.scalar(None, pa.string())
        return Column(pc.if_else(ok, cleaned, null), pc.if_else(ok, null, message), arr, f.type)
    if f.type in ("float", "int"):
        return Column(*_numbers(f, arr), arr, f.type)
    values, errors = map_distinct(arr, scalar_function(f), output_type(f.type))
    return Column(values, errors, arr, f.type)
