"""Writing the demo files: register tables from the entity world, and CSV output in any encoding.

Headers are the field names of the mappings in loaders/mappings (the declarations file uses the
official Chinese headers, see declarations.HEADERS). Lists are joined with ";" (the mappings'
default separator), dates are ISO, unknown values are empty cells.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from graphtool.demo.common import Context
from graphtool.demo.entities import Firm, Person
from graphtool.demo.vocab import date_of

COMPANY_FIELDS = (
    "name", "aliases", "uscc", "lei", "registration_no", "country", "address", "city", "phone", "email",
    "website", "incorporation_date", "dissolution_date", "business_scope", "sector", "state_trading",
)  # fmt: skip
PEOPLE_FIELDS = (
    "name",
    "aliases",
    "nationality",
    "country",
    "birth_date",
    "id_number",
    "address",
    "phone",
    "email",
)
OWNERSHIP_FIELDS = (
    "owner_type", "owner_name", "owner_uscc", "owner_lei", "owner_registration_no", "owner_country",
    "owner_nationality", "owner_birth_date", "owner_id_number", "owned_name", "owned_uscc", "owned_lei",
    "owned_registration_no", "owned_country", "percent", "percent_min", "percent_max", "start_date", "end_date",
)  # fmt: skip
OFFICER_FIELDS = (
    "person_name", "person_nationality", "person_country", "person_birth_date", "person_id_number",
    "company_name", "company_uscc", "company_lei", "company_registration_no", "company_country", "role",
    "start_date", "end_date",
)  # fmt: skip
LICENCE_FIELDS = (
    "licence_no", "issued_date", "valid_from", "valid_to", "holder_name", "holder_uscc", "end_user_name",
    "end_user_country", "destination_country", "hs_code", "item", "quantity_kg", "end_use",
)  # fmt: skip
LIST_FIELDS = (
    "list_name", "list_ref", "authority", "programme", "entity_type", "name", "aliases", "country", "address",
    "identifiers", "start_date", "end_date", "remarks", "source_url",
)  # fmt: skip


def iso_day(day: int | None) -> str | None:
    return None if day is None else date_of(day).isoformat()


def _table(
    rows: list[dict[str, Any]], fields: tuple[str, ...], types: dict[str, pa.DataType] | None = None
) -> pa.Table:
    types = types or {}
    return pa.table({f: pa.array([r.get(f) for r in rows], type=types.get(f, pa.string())) for f in fields})


def _text(value: str | None) -> str | None:
    return value or None


def companies(ctx: Context) -> pa.Table:
    rows = []
    for f in ctx.world.firms:
        rows.append(
            {
                "name": f.name,
                "aliases": ";".join(a for a in f.aliases if a != f.name) or None,
                "uscc": _text(f.uscc),
                "lei": _text(f.lei),
                "registration_no": _text(f.registration_no),
                "country": f.country,
                "address": _text(f.address),
                "city": _text(f.city),
                "phone": _text(f.phone),
                "email": _text(f.email),
                "website": _text(f.website),
                "incorporation_date": iso_day(f.incorporated),
                "dissolution_date": iso_day(f.dissolved),
                "business_scope": _text(f.scope),
                "sector": f.sector,
                "state_trading": None
                if f.state_trading is None
                else ("true" if f.state_trading else "false"),
            }
        )
    return _table(rows, COMPANY_FIELDS)


def people(ctx: Context) -> pa.Table:
    rows = [
        {
            "name": p.name,
            "aliases": ";".join(p.aliases) or None,
            "nationality": p.nationality,
            "country": p.country,
            "birth_date": _text(p.birth_date),
            "id_number": _text(p.id_number),
            "address": _text(p.address),
            "phone": _text(p.phone),
            "email": _text(p.email),
        }
        for p in ctx.world.people
    ]
    return _table(rows, PEOPLE_FIELDS)


def _company_ref(prefix: str, f: Firm) -> dict[str, Any]:
    return {
        f"{prefix}_name": f.name,
        f"{prefix}_uscc": _text(f.uscc),
        f"{prefix}_lei": _text(f.lei),
        f"{prefix}_registration_no": _text(f.registration_no),
        f"{prefix}_country": f.country,
    }


def _person_ref(prefix: str, p: Person, with_country: bool = True) -> dict[str, Any]:
    out = {
        f"{prefix}_name": p.name,
        f"{prefix}_nationality": p.nationality,
        f"{prefix}_birth_date": _text(p.birth_date),
        f"{prefix}_id_number": _text(p.id_number),
    }
    if with_country:
        out[f"{prefix}_country"] = p.country
    return out


def ownership(ctx: Context) -> pa.Table:
    world, rng = ctx.world, ctx.rng
    rows = []
    for o in world.ownership:
        owned = world.firms[int(o["owned"])]  # type: ignore[arg-type]
        row: dict[str, Any] = {"owner_type": o["owner_type"], **_company_ref("owned", owned)}
        if o["owner_type"] == "person":
            row.update(_person_ref("owner", world.people[int(o["owner"])]))  # type: ignore[arg-type]
        else:
            row.update(_company_ref("owner", world.firms[int(o["owner"])]))  # type: ignore[arg-type]
        percent = o["percent"]
        row["percent"] = percent
        if percent is None and rng.random() < 0.5:
            row["percent_min"], row["percent_max"] = (25.0, 50.0) if rng.random() < 0.5 else (50.0, 75.0)
        row["start_date"] = iso_day(o["start"])  # type: ignore[arg-type]
        row["end_date"] = iso_day(o["end"])  # type: ignore[arg-type]
        rows.append(row)
    floats = {f: pa.float64() for f in ("percent", "percent_min", "percent_max")}
    return _table(rows, OWNERSHIP_FIELDS, floats)


def officers(ctx: Context) -> pa.Table:
    world = ctx.world
    rows = []
    for o in world.officers:
        firm = world.firms[int(o["firm"])]  # type: ignore[arg-type]
        person = world.people[int(o["person"])]  # type: ignore[arg-type]
        row = {**_person_ref("person", person), **_company_ref("company", firm)}
        row.update({"role": o["role"], "start_date": iso_day(o["start"]), "end_date": iso_day(o["end"])})  # type: ignore[arg-type]
        rows.append(row)
    return _table(rows, OFFICER_FIELDS)


def licences(ctx: Context) -> pa.Table:
    v, world = ctx.vocab, ctx.world
    rows = []
    for lic in ctx.pools.licences:
        holder, end_user = world.firms[lic.holder], world.firms[lic.end_user]
        good = v.good[lic.good]
        rows.append(
            {
                "licence_no": lic.number,
                "issued_date": iso_day(lic.issued),
                "valid_from": iso_day(lic.valid_from),
                "valid_to": iso_day(lic.valid_to),
                "holder_name": holder.name,
                "holder_uscc": _text(holder.uscc),
                "end_user_name": end_user.name,
                "end_user_country": end_user.country,
                "destination_country": lic.destination,
                "hs_code": good.hs,
                "item": good.zh,
                "quantity_kg": lic.quantity_kg,
                "end_use": lic.end_use,
            }
        )
    return _table(rows, LICENCE_FIELDS, {"quantity_kg": pa.float64()})


def restricted_list(entries: list[dict[str, Any]]) -> pa.Table:
    rows = []
    for e in entries:
        row = dict(e)
        row["aliases"] = ";".join(e["aliases"]) or None
        row["identifiers"] = ";".join(e["identifiers"]) or None
        row["start_date"] = iso_day(e["start_date"])
        row["end_date"] = iso_day(e["end_date"])
        row["address"] = _text(e["address"])
        rows.append(row)
    return _table(rows, LIST_FIELDS)


def write_csv(table: pa.Table, path: Path, encoding: str = "utf-8") -> None:
    """Write ``table`` as CSV with a header line.

    For an encoding other than UTF-8 the table's text must already be in that encoding (see
    ``Strings.arrow``); only the header is encoded here. Arrow copies the cell bytes unchanged, and
    GB18030/GBK trail bytes never collide with the quote, comma or newline.
    """
    name = codecs.lookup(encoding).name
    options = pacsv.WriteOptions(quoting_style="needed", include_header=name == "utf-8")
    with open(path, "wb") as fh:
        if name != "utf-8":
            header = ",".join('"' + c.replace('"', '""') + '"' for c in table.column_names) + "\n"
            fh.write(header.encode(name))
        pacsv.write_csv(table, fh, options)
