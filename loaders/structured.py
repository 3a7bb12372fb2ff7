"""Helpers shared by the structured parsers (FollowTheMoney, BODS, US screening lists, OFAC SDN).

The tabular mappings (``loaders/mappings/*.yml``) decide how ids and shared nodes are built; the
parsers here build them the same way, so a company, an address or a list entry read from JSON or
XML meets the same node read from a spreadsheet:

- companies: ``uscc`` > ``lei`` > ``reg`` (country + registration number) > the parser's own key;
- addresses: ``Address:text:<hash of normalised text and country>``;
- phones ``Phone:no:<normalised number>``, e-mails ``Email:addr:<normalised address>``;
- list entries ``ListEntry:ref:<normalised list name>:<list reference>``.

A ``loaders.staging.Record`` collects the items of one record before its row is opened, for
parsers that read a file in two passes (relationships refer to entities that may come later).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from graphtool.errors import SourceError
from graphtool.ids import node_id
from graphtool.normalise import contacts, countries, dates, text
from graphtool.normalise import uscc as uscc_mod
from loaders.staging import Record

T = TypeVar("T")


# --- reading -------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (with or without BOM), else Windows-1252 as US government files are."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def head_text(head: bytes) -> str:
    """The first bytes of a file as text for sniffing (a cut multi-byte character is ignored)."""
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff")


# --- values --------------------------------------------------------------------------------


def clean(value: Any) -> str | None:
    """Cleaned text (NFKC, whitespace collapsed) or None for a missing or blank value."""
    if value is None:
        return None
    cleaned = text.clean(str(value))
    return cleaned or None


def unique(values: Iterable[str | None], exclude: Iterable[str | None] = ()) -> list[str]:
    """Values in first-seen order without blanks, repeats or the excluded ones."""
    seen = {x for x in exclude if x}
    out = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            out.append(value)
    return out


def norm(name: str | None) -> str | None:
    """``name_norm`` of a name, or None when the name is missing or normalises to nothing."""
    if not name:
        return None
    return text.name_norm(name) or None


def convert(
    plan: Record, what: str, field_name: str, value: Any, fn: Callable[[str], T], rule: str
) -> T | None:
    """``fn(value)``, or None after recording a rejection that names the record, field and value."""
    if value is None:
        return None
    try:
        return fn(value)
    except ValueError as exc:
        plan.reject(field_name, value, rule, f"{what}: {field_name} {value!r}: {exc}")
        return None


def country(plan: Record, what: str, field_name: str, value: str | None) -> str | None:
    return convert(plan, what, field_name, clean(value), countries.country, "unknown_country")


def date_value(plan: Record, what: str, field_name: str, value: str | None, order: dates.Order = "ymd"):
    return convert(
        plan, what, field_name, clean(value), lambda v: dates.parse_date(v, order=order), "invalid_date"
    )


_PARTIAL_ONLY = re.compile(r"\d{4}(-\d{1,2})?")


def full_date(plan: Record, what: str, field_name: str, value: str | None):
    """A full ISO date; a year or year-month alone ('2011', '2011-05') gives None, not a made-up day."""
    value = clean(value)
    if value is None or _PARTIAL_ONLY.fullmatch(value):
        return None
    return date_value(plan, what, field_name, value)


def uscc_props(plan: Record, what: str, field_name: str, value: str | None) -> dict[str, Any]:
    """``uscc`` and ``uscc_valid``: a wrong check character is kept and flagged, a malformed code rejected."""
    code = convert(plan, what, field_name, clean(value), uscc_mod.uscc, "invalid_uscc")
    if code is None:
        return {}
    return {"uscc": code, "uscc_valid": uscc_mod.uscc_is_valid(code)}


# --- ids and shared nodes ------------------------------------------------------------------


def company_id(props: dict[str, Any], fallback_scheme: str, fallback_key: str) -> str:
    """The tabular order: uscc, lei, country + registration number, else the parser's own key."""
    if props.get("uscc"):
        return node_id("Company", "uscc", [props["uscc"]])
    if props.get("lei"):
        return node_id("Company", "lei", [props["lei"]])
    if props.get("registration_no") and props.get("country"):
        return node_id("Company", "reg", [props["country"], props["registration_no"]])
    return node_id("Company", fallback_scheme, [fallback_key])


def list_entry_id(list_name: str, list_ref: str) -> str:
    return node_id("ListEntry", "ref", [text.name_norm(list_name), list_ref])


def address_id(full: str | None, iso2: str | None) -> str | None:
    """``Address:text:<hash>`` of the normalised text and country (text alone when no country)."""
    full_norm = norm(clean(full))
    if not full_norm:
        return None
    return node_id("Address", "text", [full_norm, iso2] if iso2 else [full_norm], hashed=True)


def address_node(
    plan: Record,
    full: str | None,
    iso2: str | None,
    city: str | None = None,
    skip: Iterable[str] = (),
) -> str | None:
    """An Address node for a postal address (None when there is no text); returns its id.

    An id in ``skip`` is returned without adding the node again (another record states it).
    """
    nid = address_id(full, iso2)
    if nid is None or nid in skip:
        return nid
    full = clean(full)
    plan.node("Address", nid, {"full": full, "full_norm": norm(full), "city": clean(city), "country": iso2})
    return nid


def phone_node(plan: Record, what: str, field_name: str, raw: str | None) -> str | None:
    raw = clean(raw)
    number = convert(plan, what, field_name, raw, contacts.phone_norm, "invalid_phone")
    if number is None:
        return None
    return plan.node("Phone", node_id("Phone", "no", [number]), {"number": raw, "number_norm": number})


def email_node(plan: Record, what: str, field_name: str, raw: str | None) -> str | None:
    address = convert(plan, what, field_name, clean(raw), contacts.email_norm, "invalid_email")
    if address is None:
        return None
    domain = address.partition("@")[2]
    return plan.node("Email", node_id("Email", "addr", [address]), {"address": address, "domain": domain})


# --- names and aliases ---------------------------------------------------------------------

_BRACKETED_AKA = re.compile(
    r"\s*[\[(]\s*(?:also known as|a\.?k\.?a\.?|f\.?k\.?a\.?|formerly known as)\s*:?\s*(?P<aliases>[^\])]*)[\])]\s*",
    re.IGNORECASE,
)
_INLINE_AKA = re.compile(r"\s*,?\s*\b(?:a\.k\.a\.|f\.k\.a\.)\s*,?\s*", re.IGNORECASE)


def split_name(written: str) -> tuple[str, list[str]]:
    """A list's name cell -> (name, aliases named in it).

    "Li Fangwei [also known as Karl Lee]", "Fleming, Brian (a.k.a. Brian McSulla; B. Fleming)" and
    "Training 2 Business Academy, a.k.a. T2BA, a.k.a. Academy of Business Training" all name
    their aliases inside the name; the name keeps its own spelling.
    """
    aliases: list[str] = []

    def take(match: re.Match[str]) -> str:
        aliases.extend(a.strip() for a in match["aliases"].split(";"))
        return " "

    name = _BRACKETED_AKA.sub(take, written)
    inline = _INLINE_AKA.split(name)
    if len(inline) > 1:
        name, aliases = inline[0], [*inline[1:], *aliases]
    cleaned = [c for c in (clean(a.strip(" ,;")) for a in aliases) if c]
    return clean(name.strip(" ,;")) or clean(written) or "", cleaned
