"""China customs code lists (transport mode, trade mode, currency): a code or a name -> the code.

The tables live in ``reference/customs_codes.yaml``; this module only reads and indexes them.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from graphtool.normalise.text import clean, name_norm

_FILE = "customs_codes.yaml"
# "一般贸易(0110)", "水路运输[2]" and "0110 一般贸易", "0110-一般贸易", "9610跨境电商".
_NAME_THEN_CODE = re.compile(r"(?P<name>.+?)\s*[(\[【]\s*(?P<code>[0-9A-Z]{1,4})\s*[)\]】]")
_CODE_THEN_NAME = re.compile(r"[(\[【]?(?P<code>[0-9A-Z]{1,4})[)\]】]?\s*[-:.、/]?\s*(?P<name>\S.*)")


def _key(text: str) -> str:
    return name_norm(text).replace(" ", "")


@cache
def _data() -> dict:
    return yaml.safe_load(resources.files("graphtool.reference").joinpath(_FILE).read_text(encoding="utf-8"))


@cache
def _index(table: str) -> dict[str, str]:
    """Lookup key of every code and alias in one table -> canonical code."""
    entries: dict[str, list[str]] = {str(code): aliases for code, aliases in _data()[table].items()}
    if table == "currencies":
        entries = {code: entries.get(code, []) for code in _data()["iso4217"]} | entries
    index: dict[str, str] = {}
    for code, aliases in entries.items():
        for alias in [code, *map(str, aliases)]:
            key = _key(alias)
            if index.setdefault(key, code) != code:
                raise ValueError(f"{_FILE}, {table}: {alias!r} means both {index[key]} and {code}")
    return index


def _lookup(table: str, label: str, text: str, width: int = 0) -> str:
    """Resolve a code, a name, or a name and code written together (which must agree)."""
    index = _index(table)
    value = clean(text)
    if value.isdigit():
        value = value.zfill(width)
    if (code := index.get(_key(value))) is not None:
        return code
    for pattern in (_NAME_THEN_CODE, _CODE_THEN_NAME):
        if not (m := pattern.fullmatch(value)):
            continue
        code = m["code"].zfill(width)
        named = index.get(_key(m["name"]))
        if index.get(_key(code)) != code or named is None:
            continue
        if named != code:
            raise ValueError(f"{label} {text!r}: code {code} does not match the name (code {named})")
        return code
    raise ValueError(f"unknown {label} {text!r}")


def transport_mode(text: str) -> str:
    """运输方式 code ('2' waterway, '5' air, '6' postal, 'L' carried by passenger, zone codes...)."""
    return _lookup("transport_modes", "transport mode", text)


def trade_mode(text: str) -> str:
    """4-digit 监管方式 code; a code that lost its leading zero in a spreadsheet ('110') is repaired."""
    return _lookup("trade_modes", "trade mode", text, width=4)


def currency(text: str) -> str:
    """ISO 4217 code from the code, a Chinese or English name, or a China customs currency number."""
    return _lookup("currencies", "currency", text)
