"""The facts matching looks at, read from the workspace into one flat record per node.

Firms, people and list entries keep names, identifiers and contacts in different properties and
in linked Address / Phone / Email nodes; ``Party`` puts them side by side so that resolution and
screening compare like with like. Reading is the only I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from graphtool.errors import GraphtoolError
from graphtool.normalise import contacts
from graphtool.normalise.names import ANY_FORM, NameForm, load_tables, name_form
from graphtool.normalise.text import name_norm
from graphtool.normalise.uscc import uscc_is_valid
from graphtool.parallel import map_chunks
from graphtool.workspace import Workspace, node_table

_ACRONYM = re.compile(r"\s*\(\s*[A-Z]{2,6}\s*\)\s*$")
_ID_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9-]{4,}[A-Z0-9]")


@dataclass
class Party:
    """One node as matching sees it; ``names`` are the name first, then the aliases."""

    id: str
    label: str
    names: tuple[str, ...]
    country: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)  # scheme -> normalised value
    valid_uscc: bool = False
    contacts: set[str] = field(default_factory=set)  # "address:<norm>", "phone:<norm>", "email:<addr>"
    entity_type: str | None = None  # list entries: company, person, vessel, unknown
    birth_date: str | None = None
    list_name: str | None = None

    @cached_property
    def forms(self) -> list[NameForm]:
        return [name_form(n) for n in self.names]

    @cached_property
    def legal_form(self) -> str:
        """The kind of legal form its name states ("" when none or only "Company")."""
        kind = self.forms[0].legal_form if self.forms else ""
        return "" if kind == ANY_FORM else kind

    @cached_property
    def form_keys(self) -> frozenset[tuple[str, str, str]]:
        return frozenset(f.key for f in self.forms)


def identifier_values(text: str | None) -> list[str]:
    """Identifier-like tokens of a free-text identifier ("REG HK104814867" -> ["HK104814867"])."""
    if not text:
        return []
    compact = name_norm(text).upper()
    return [t.replace("-", "") for t in _ID_TOKEN.findall(compact) if any(c.isdigit() for c in t)]


def _id_value(value: str | None) -> str | None:
    if not value:
        return None
    value = "".join(c for c in name_norm(value).upper() if c.isalnum())
    return value or None


@lru_cache(maxsize=262144)
def _address_key(value: str | None) -> str | None:
    norm = name_norm(value) if value else ""
    return f"address:{norm}" if len(norm) >= 8 else None


def _phone_key(value: str | None) -> str | None:
    try:
        return f"phone:{contacts.phone_norm(value)}" if value else None
    except ValueError:
        return None


def _email_key(value: str | None) -> str | None:
    try:
        return f"email:{contacts.email_norm(value)}" if value else None
    except ValueError:
        return None


def _linked_contacts(ws: Workspace, label: str) -> dict[str, set[str]]:
    """Addresses, phones and e-mails reached through LOCATED_AT / HAS_PHONE / HAS_EMAIL."""
    rows = ws.con.execute(
        f"""SELECT e.src, 'address:' || a.full_norm FROM edges e JOIN node_address a ON a.id = e.dst
              WHERE e.type = 'LOCATED_AT' AND e.src LIKE '{label}:%' AND length(a.full_norm) >= 8
            UNION ALL
            SELECT e.src, 'phone:' || p.number_norm FROM edges e JOIN node_phone p ON p.id = e.dst
              WHERE e.type = 'HAS_PHONE' AND e.src LIKE '{label}:%' AND p.number_norm IS NOT NULL
            UNION ALL
            SELECT e.src, 'email:' || lower(m.address) FROM edges e JOIN node_email m ON m.id = e.dst
              WHERE e.type = 'HAS_EMAIL' AND e.src LIKE '{label}:%' AND m.address IS NOT NULL"""
    ).fetchall()
    found: dict[str, set[str]] = {}
    for src, key in rows:
        found.setdefault(src, set()).add(key)
    return found


def _names(name: str | None, aliases: list[str] | None) -> tuple[str, ...]:
    """Name, aliases, and each without a trailing acronym in brackets ("Sinotech ... (SCGC)")."""
    names = [n for n in [name, *(aliases or [])] if n and n.strip()]
    names += [short for n in names if (short := _ACRONYM.sub("", n)) != n and short.strip()]
    return tuple(dict.fromkeys(names))


def _name_forms(names: list[str]) -> list[NameForm]:
    return [name_form(n) for n in names]


def with_forms(parties: list[Party]) -> list[Party]:
    """``parties`` with the forms of their names set, each distinct name's computed once, on every
    core: a quarter of the time of resolution and screening goes into name forms."""
    names = list(dict.fromkeys(n for p in parties for n in p.names))
    load_tables()  # once, before the workers fork
    forms = dict(zip(names, map_chunks(_name_forms, names), strict=True))
    for party in parties:
        party.forms = [forms[n] for n in party.names]
    return parties


def load_companies(ws: Workspace) -> list[Party]:
    linked = _linked_contacts(ws, "Company")
    rows = ws.con.execute(
        f"""SELECT id, name, aliases, country, uscc, lei, registration_no, address, phone, email
            FROM {node_table("Company")} ORDER BY id"""
    ).fetchall()
    parties = []
    for pid, name, aliases, country, uscc, lei, reg, address, phone, email in rows:
        names = _names(name, aliases)
        if not names:
            continue
        ids = {
            k: v
            for k, v in (("uscc", _id_value(uscc)), ("lei", _id_value(lei)), ("reg", _id_value(reg)))
            if v
        }
        keys = {k for k in (_address_key(address), _phone_key(phone), _email_key(email)) if k}
        parties.append(
            Party(
                pid,
                "Company",
                names,
                country,
                ids,
                bool(uscc and uscc_is_valid(ids.get("uscc", ""))),
                keys | linked.get(pid, set()),
            )
        )
    return parties


def load_people(ws: Workspace) -> list[Party]:
    linked = _linked_contacts(ws, "Person")
    rows = ws.con.execute(
        f"""SELECT id, name, aliases, coalesce(nationality, country), birth_date, id_number, address, phone, email
            FROM {node_table("Person")} ORDER BY id"""
    ).fetchall()
    parties = []
    for pid, name, aliases, country, birth, doc, address, phone, email in rows:
        names = _names(name, aliases)
        if not names:
            continue
        ids = {"doc": _id_value(doc)} if _id_value(doc) else {}
        keys = {k for k in (_address_key(address), _phone_key(phone), _email_key(email)) if k}
        parties.append(
            Party(
                pid, "Person", names, country, ids, contacts=keys | linked.get(pid, set()), birth_date=birth
            )
        )
    return parties


def load_list_entries(
    ws: Workspace, as_of: dt.date | None = None, lists: list[str] | None = None, every_date: bool = False
) -> list[Party]:
    """Entries in force on ``as_of`` (from their start date, up to but not on their end date).

    ``as_of=None`` means today; ``every_date`` takes all entries, in force or not. ``lists`` keeps
    only entries of these list names.
    """
    as_of = as_of or dt.date.today()
    linked = _linked_contacts(ws, "ListEntry")
    sql = f"""SELECT id, name, aliases, country, identifiers, address, entity_type, list_name, list_ref
              FROM {node_table("ListEntry")}
              WHERE (? OR ((start_date IS NULL OR start_date <= ?) AND (end_date IS NULL OR end_date > ?)))"""
    params: list = [every_date, as_of, as_of]
    if lists:
        sql += " AND list_name IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(lists))
    entries = []
    for eid, name, aliases, country, identifiers, address, etype, list_name, _ref in ws.con.execute(
        sql + " ORDER BY id", params
    ).fetchall():
        names = _names(name, aliases)
        if not names:
            continue
        values = [v for text in identifiers or [] for v in identifier_values(text)]
        ids = {f"id{i}": v for i, v in enumerate(dict.fromkeys(values))}
        keys = {k for k in [_address_key(address)] if k}
        entries.append(
            Party(
                eid,
                "ListEntry",
                names,
                country,
                ids,
                contacts=keys | linked.get(eid, set()),
                entity_type=etype,
                list_name=list_name,
            )
        )
    return with_forms(entries)


def load_parties(ws: Workspace, labels: tuple[str, ...] = ("Company", "Person")) -> list[Party]:
    loaders = {"Company": load_companies, "Person": load_people}
    unknown = [label for label in labels if label not in loaders]
    if unknown:
        raise GraphtoolError(f"cannot match {', '.join(unknown)}: only Company and Person nodes are parties")
    return with_forms([p for label in labels for p in loaders[label](ws)])
