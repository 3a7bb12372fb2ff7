"""FollowTheMoney entities as JSON lines (OpenSanctions and Aleph exports) -> a staged batch.

One JSON object per line: ``id``, ``schema``, ``properties`` (every value a list of strings) and
optional ``datasets``, ``first_seen``, ``last_seen``, ``target``. Each line is one record (row
number = line number). Relationship entities refer to other entities by FtM id, so the file is
read twice: first every line is parsed and indexed by id, then each line is turned into graph
items, resolving references through the index.

Schema mapping:

- Company, Organization, LegalEntity -> ``Company``; Person -> ``Person``; Address -> ``Address``;
  Vessel -> ``Vessel``. Company ids follow the tabular mappings (uscc > lei > country +
  registration number, where ``registrationNumber``, else ``ogrnCode``, else ``innCode`` is the
  registration number), else ``Company:ftm:<FtM id>``; a person with an id number and a
  nationality gets ``Person:idno:<number>:<country>``, else ``Person:ftm:<FtM id>``.
  ``address`` strings and ``addressEntity`` references become ``LOCATED_AT`` an Address node;
  phones and e-mails become ``HAS_PHONE`` / ``HAS_EMAIL``.
- Ownership -> ``OWNS`` (the percentage is a string: "51%", "51", or a range "25-50%" that
  gives percent_min / percent_max; anything else is rejected, never read as 0 or 100);
  Directorship -> ``OFFICER_OF``; Control -> ``CONTROLS``; Representation -> ``REPRESENTS``;
  Succession -> ``SUCCEEDED_BY``. The edge qualifier is the FtM id, so two Ownership entities
  between the same pair stay two edges.
- Sanction -> a ``ListEntry`` (id ``ListEntry:ref:<program or authority>:<authorityId or unscId>``
  when both are known, else ``ListEntry:ftm:<FtM id>``) and ``LISTED_AS`` from the entity.
- EconomicActivity (FtM's customs schema) -> a ``Declaration``; ``sender`` (or, for exports,
  ``contractHolder`` / ``declarant``) ``EXPORTED`` it, it is ``CONSIGNED_TO`` the ``receiver``
  (or, for imports, the contract holder / declarant), and ``DECLARED_BY`` the declarant. The
  invoice amount is the total value (currency unknown); other amounts go to remarks as written.
- Family, Associate, UnknownLink and every other schema are rejected ("unsupported_schema"), so
  they stay visible in quarantine.

A reference to an entity that is not in the file, that was quarantined, or whose type cannot
take part in the relationship rejects the referring record with the reason. Full dates become
``datetime.date``; a year or year-month alone ("2011") cannot fill a date property and is left
empty (the raw record keeps it); partial birth dates are kept as text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphtool.ids import node_id
from graphtool.normalise import dates, hscodes, numbers
from loaders.staging import Record, RecordBuilder, Staged
from loaders.structured import (
    address_node,
    clean,
    company_id,
    convert,
    country,
    email_node,
    full_date,
    head_text,
    list_entry_id,
    norm,
    phone_node,
    read_text,
    unique,
    uscc_props,
)

NAME = "ftm"

COMPANY_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity"})
ENTITY_SCHEMAS = COMPANY_SCHEMAS | {"Person", "Address", "Vessel"}
PARTIES = ("Company", "Person")
_RANGE = re.compile(r"(?P<low>[\d.,]+)\s*%?\s*[-–]\s*(?P<high>[\d.,]+)\s*%?")
_IMPORT = re.compile(r"import|^им", re.IGNORECASE)


def sniff(path: Path, head: bytes) -> bool:
    """A first line that is a JSON object with ``id``, ``schema`` and a ``properties`` object."""
    text = head_text(head).lstrip()
    if not text.startswith("{"):
        return False
    first = text.split("\n", 1)[0]
    try:
        obj = json.loads(first)
    except ValueError:
        # A first line longer than the sniffed head: judge by its keys.
        return all(f'"{key}"' in first for key in ("id", "schema", "properties"))
    return (
        isinstance(obj, dict) and isinstance(obj.get("properties"), dict) and "schema" in obj and "id" in obj
    )


def parse(path: Path) -> Staged:
    return _Parser(read_text(path)).build()


@dataclass
class _Line:
    row_no: int
    original: dict[str, Any]
    obj: dict[str, Any] | None
    problem: tuple[str, str | None, str, str] | None = None


@dataclass
class _Entity:
    label: str
    nid: str
    props: dict[str, Any]
    plan: Record
    row_no: int


def _values(obj: dict[str, Any], prop: str) -> list[str]:
    raw = obj["properties"].get(prop) or []
    if not isinstance(raw, list):
        raw = [raw]
    out = []
    for value in raw:
        if isinstance(value, dict):  # a nested entity: its id is the reference
            value = value.get("id")
        cleaned = clean(value)
        if cleaned:
            out.append(cleaned)
    return out


def _first(obj: dict[str, Any], *props: str) -> tuple[str, str | None]:
    """The first value of the first property that has one, and that property's name."""
    for prop in props:
        values = _values(obj, prop)
        if values:
            return prop, values[0]
    return props[0], None


def _share(text: str) -> tuple[float | None, float | None, float | None]:
    """(percent, percent_min, percent_max) from "51%", "51" or a range "25-50%"."""
    if m := _RANGE.fullmatch(text.strip()):
        low, high = numbers.parse_percent(m["low"]), numbers.parse_percent(m["high"])
        if low > high:
            raise ValueError(f"range {text!r} runs backwards")
        return None, low, high
    return numbers.parse_percent(text), None, None


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = self._read(text)
        self.by_id: dict[str, _Line] = {}
        for line in self.lines:
            if line.obj is not None:
                self.by_id.setdefault(line.obj["id"], line)
        self._entities: dict[int, _Entity | None] = {}

    @staticmethod
    def _read(text: str) -> list[_Line]:
        raw_lines = text.split("\n")
        if raw_lines and raw_lines[-1] == "":
            raw_lines.pop()
        lines = []
        for row_no, raw in enumerate(raw_lines, start=1):
            raw = raw.rstrip("\r")
            original: dict[str, Any] = {"line": raw}
            problem: tuple[str, str | None, str, str] | None = None
            obj: Any = None
            if not raw.strip():
                problem = ("line", None, "empty_row", f"line {row_no} is empty")
            else:
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as exc:
                    message = f"line {row_no} is not valid JSON: {exc.msg} (column {exc.colno})"
                    problem = ("line", raw[:200], "invalid_json", message)
            if problem is None and not isinstance(obj, dict):
                problem = ("line", raw[:200], "invalid_json", f"line {row_no} is not a JSON object")
            elif problem is None:
                original = obj
                wanted = (("id", str), ("schema", str), ("properties", dict))
                bad = [key for key, kind in wanted if not obj.get(key) or not isinstance(obj[key], kind)]
                if bad:
                    message = (
                        f"line {row_no}: an FtM entity needs an id (text), a schema (text) and a "
                        f"properties object; missing or malformed: {', '.join(bad)}"
                    )
                    problem = (bad[0], None, "missing_field", message)
            if problem is not None:
                lines.append(_Line(row_no, original, None, problem))
            else:
                lines.append(_Line(row_no, original, obj))
        return lines

    def build(self) -> Staged:
        b = RecordBuilder()
        for line in self.lines:
            if line.problem is not None:
                b.row(line.row_no, line.original).reject(*line.problem)
            else:
                b.row(line.row_no, line.original, self._plan(line))
        return b.build()

    # --- dispatch ----------------------------------------------------------------------------

    def _plan(self, line: _Line) -> Record:
        obj = line.obj
        assert obj is not None
        schema = obj["schema"]
        if schema in ENTITY_SCHEMAS:
            entity = self._entity_of_line(line)
            assert entity is not None
            return entity.plan
        handler = {
            "Ownership": self._ownership,
            "Directorship": self._directorship,
            "Control": self._control,
            "Representation": self._representation,
            "Succession": self._succession,
            "Sanction": self._sanction,
            "EconomicActivity": self._economic_activity,
        }.get(schema)
        plan = Record()
        if handler is None:
            plan.reject(
                "schema",
                schema,
                "unsupported_schema",
                f"{schema} {obj['id']!r}: schema {schema!r} is not supported by the FtM loader",
            )
            return plan
        handler(obj, plan, f"{schema} {obj['id']!r}")
        return plan

    def _entity_of_line(self, line: _Line) -> _Entity | None:
        if line.row_no not in self._entities:
            self._entities[line.row_no] = None  # guards against reference cycles
            self._entities[line.row_no] = self._convert_entity(line)
        return self._entities[line.row_no]

    def _convert_entity(self, line: _Line) -> _Entity | None:
        obj = line.obj
        assert obj is not None
        schema = obj["schema"]
        what = f"{schema} {obj['id']!r}"
        plan = Record()
        if schema in COMPANY_SCHEMAS:
            label, nid, props = "Company", *self._company(obj, plan, what)
        elif schema == "Person":
            label, nid, props = "Person", *self._person(obj, plan, what)
        elif schema == "Address":
            label, nid, props = "Address", *self._address(obj, plan, what)
        elif schema == "Vessel":
            label, nid, props = "Vessel", *self._vessel(obj, plan, what)
        else:
            return None
        return _Entity(label, nid, props, plan, line.row_no)

    def _ref(
        self,
        plan: Record,
        what: str,
        obj: dict[str, Any],
        prop: str,
        labels: tuple[str, ...],
        rel: str,
        required: bool = True,
    ) -> str | None:
        """The node id of the entity that ``prop`` refers to, or None after recording why not."""
        values = _values(obj, prop)
        if not values:
            if required:
                plan.reject(prop, None, "missing_field", f"{what}: no {prop}")
            return None
        if len(values) > 1:
            plan.reject(
                prop,
                "; ".join(values),
                "multiple_values",
                f"{what}: {prop} names {len(values)} entities ({', '.join(values)}); one expected",
            )
            return None
        return self._resolve(plan, what, prop, values[0], labels, rel)

    def _resolve(
        self, plan: Record, what: str, prop: str, ftm_id: str, labels: tuple[str, ...], rel: str
    ) -> str | None:
        line = self.by_id.get(ftm_id)
        if line is None:
            plan.reject(prop, ftm_id, "missing_reference", f"{what}: {prop} {ftm_id!r} is not in the file")
            return None
        entity = self._entity_of_line(line)
        if entity is None:
            schema = line.obj["schema"] if line.obj else "?"
            plan.reject(
                prop,
                ftm_id,
                "unsupported_reference",
                f"{what}: {prop} {ftm_id!r} is a {schema}, which the FtM loader does not load",
            )
            return None
        if entity.label not in labels:
            plan.reject(
                prop,
                ftm_id,
                "wrong_reference",
                f"{what}: {prop} {ftm_id!r} is a {entity.label}; {rel} needs {' or '.join(labels)}",
            )
            return None
        if not entity.plan.ok:
            plan.reject(
                prop,
                ftm_id,
                "quarantined_reference",
                f"{what}: {prop} {ftm_id!r} (line {entity.row_no}) was quarantined",
            )
            return None
        return entity.nid

    # --- entities ----------------------------------------------------------------------------

    def _names(self, obj: dict[str, Any], plan: Record, what: str) -> dict[str, Any]:
        names = _values(obj, "name")
        if not names:
            plan.reject("name", None, "missing_field", f"{what}: no name")
            return {}
        aliases = unique(
            [*names[1:], *_values(obj, "alias"), *_values(obj, "previousName")], exclude=[names[0]]
        )
        return {"name": names[0], "name_norm": norm(names[0]), "aliases": aliases or None}

    def _contacts(
        self, obj: dict[str, Any], plan: Record, what: str, nid: str, iso2: str | None, props: dict[str, Any]
    ) -> None:
        """Address, phone and e-mail nodes and edges; the first of each also as a property."""
        located: set[str] = set()
        for ref in _values(obj, "addressEntity"):
            if (
                aid := self._resolve(plan, what, "addressEntity", ref, ("Address",), "LOCATED_AT")
            ) is not None:
                located.add(aid)
                plan.edge("LOCATED_AT", nid, aid)
        addresses = _values(obj, "address")
        props["address"] = addresses[0] if addresses else None
        for text in addresses:
            # The same text as a referenced Address entity is that node: the entity's line states it.
            aid = address_node(plan, text, iso2, skip=located)
            if aid is not None and aid not in located:
                located.add(aid)
                plan.edge("LOCATED_AT", nid, aid)
        phones = _values(obj, "phone")
        props["phone"] = phones[0] if phones else None
        for text in phones:
            if (pid := phone_node(plan, what, "phone", text)) is not None:
                plan.edge("HAS_PHONE", nid, pid)
        emails = _values(obj, "email")
        props["email"] = emails[0] if emails else None
        for text in emails:
            if (eid := email_node(plan, what, "email", text)) is not None:
                plan.edge("HAS_EMAIL", nid, eid)

    def _company(self, obj: dict[str, Any], plan: Record, what: str) -> tuple[str, dict[str, Any]]:
        props = self._names(obj, plan, what)
        field, value = _first(obj, "country", "jurisdiction", "mainCountry")
        props["country"] = country(plan, what, field, value)
        props.update(uscc_props(plan, what, "uscCode", _first(obj, "uscCode")[1]))
        props["lei"] = _first(obj, "leiCode")[1]
        props["registration_no"] = _first(obj, "registrationNumber", "ogrnCode", "innCode")[1]
        props["website"] = _first(obj, "website")[1]
        props["incorporation_date"] = full_date(
            plan, what, "incorporationDate", _first(obj, "incorporationDate")[1]
        )
        props["dissolution_date"] = full_date(
            plan, what, "dissolutionDate", _first(obj, "dissolutionDate")[1]
        )
        props["topics"] = _values(obj, "topics") or None
        nid = company_id(props, "ftm", obj["id"])
        plan.node("Company", nid, props, primary=True)
        self._contacts(obj, plan, what, nid, props["country"], props)
        return nid, props

    def _person(self, obj: dict[str, Any], plan: Record, what: str) -> tuple[str, dict[str, Any]]:
        props = self._names(obj, plan, what)
        field, value = _first(obj, "nationality", "citizenship")
        props["nationality"] = country(plan, what, field, value)
        props["country"] = country(plan, what, "country", _first(obj, "country")[1])
        birth = _first(obj, "birthDate")[1]
        props["birth_date"] = convert(
            plan, what, "birthDate", birth, dates.parse_partial_date, "invalid_date"
        )
        props["id_number"] = _first(obj, "idNumber", "passportNumber")[1]
        props["topics"] = _values(obj, "topics") or None
        if props["id_number"] and props["nationality"]:
            nid = node_id("Person", "idno", [props["id_number"], props["nationality"]])
        else:
            nid = node_id("Person", "ftm", [obj["id"]])
        plan.node("Person", nid, props, primary=True)
        self._contacts(obj, plan, what, nid, props["country"] or props["nationality"], props)
        return nid, props

    def _address(self, obj: dict[str, Any], plan: Record, what: str) -> tuple[str, dict[str, Any]]:
        full = _first(obj, "full")[1]
        if full is None:
            parts = [
                _first(obj, p)[1] for p in ("street", "street2", "postalCode", "city", "region", "state")
            ]
            full = ", ".join(p for p in parts if p) or None
        iso2 = country(plan, what, "country", _first(obj, "country")[1])
        full_norm = norm(full)
        if not full or not full_norm:
            plan.reject("full", None, "missing_field", f"{what}: no address text (full, street or city)")
            return node_id("Address", "ftm", [obj["id"]]), {}
        nid = node_id("Address", "text", [full_norm, iso2] if iso2 else [full_norm], hashed=True)
        props = {"full": full, "full_norm": full_norm, "city": _first(obj, "city")[1], "country": iso2}
        plan.node("Address", nid, props, primary=True)
        return nid, props

    def _vessel(self, obj: dict[str, Any], plan: Record, what: str) -> tuple[str, dict[str, Any]]:
        names = _values(obj, "name")
        if not names:
            plan.reject("name", None, "missing_field", f"{what}: no name")
        imo = _first(obj, "imoNumber")[1]
        props = {
            "name": names[0] if names else None,
            "imo": imo,
            "flag": country(plan, what, "flag", _first(obj, "flag")[1]),
        }
        nid = node_id("Vessel", "imo", [imo]) if imo else node_id("Vessel", "ftm", [obj["id"]])
        plan.node("Vessel", nid, props, primary=True)
        return nid, props

    # --- relationships -----------------------------------------------------------------------

    def _dates(self, obj: dict[str, Any], plan: Record, what: str) -> dict[str, Any]:
        start_field, start = _first(obj, "startDate", "date")
        return {
            "start_date": full_date(plan, what, start_field, start),
            "end_date": full_date(plan, what, "endDate", _first(obj, "endDate")[1]),
        }

    def _ownership(self, obj: dict[str, Any], plan: Record, what: str) -> None:
        owner = self._ref(plan, what, obj, "owner", PARTIES, "OWNS")
        asset = self._ref(plan, what, obj, "asset", ("Company",), "OWNS")
        props: dict[str, Any] = {"percent": None, "percent_min": None, "percent_max": None}
        text = _first(obj, "percentage")[1]
        share = convert(plan, what, "percentage", text, _share, "invalid_percent")
        if share is not None:
            props["percent"], props["percent_min"], props["percent_max"] = share
        props.update(self._dates(obj, plan, what))
        if owner and asset:
            plan.edge("OWNS", owner, asset, props, qualifier=obj["id"], primary=True)

    def _role_edge(
        self,
        obj: dict[str, Any],
        plan: Record,
        what: str,
        rel: str,
        src_prop: str,
        dst_prop: str,
        src_labels: tuple[str, ...],
        dst_labels: tuple[str, ...],
        role_props: tuple[str, ...],
    ) -> None:
        src = self._ref(plan, what, obj, src_prop, src_labels, rel)
        dst = self._ref(plan, what, obj, dst_prop, dst_labels, rel)
        props = {"role": _first(obj, *role_props)[1], **self._dates(obj, plan, what)}
        if src and dst:
            plan.edge(rel, src, dst, props, qualifier=obj["id"], primary=True)

    def _directorship(self, obj: dict[str, Any], plan: Record, what: str) -> None:
        self._role_edge(
            obj, plan, what, "OFFICER_OF", "director", "organization", PARTIES, ("Company",), ("role",)
        )

    def _control(self, obj: dict[str, Any], plan: Record, what: str) -> None:
        self._role_edge(
            obj,
            plan,
            what,
            "CONTROLS",
            "controller",
            "controlled",
            PARTIES,
            ("Company",),
            ("role", "controlType"),
        )

    def _representation(self, obj: dict[str, Any], plan: Record, what: str) -> None:
        self._role_edge(obj, plan, what, "REPRESENTS", "agent", "client", PARTIES, PARTIES, ("role",))

    def _succession(self, obj: dict[str, Any], plan: Record, what: str) -> None:
        src = self._ref(plan, what, obj, "predecessor", ("Company",), "SUCCEEDED_BY")
        dst = self._ref(plan, what, obj, "successor", ("Company",), "SUCCEEDED_BY")
        start = self._dates(obj, plan, what)["start_date"]
        if src and dst:
            plan.edge("SUCCEEDED_BY", src, dst, {"start_date": start}, qualifier=obj["id"], primary=True)

    def _sanction(self, obj: dict[str, Any], plan: Record, what: str) -> None:
        target = self._ref(plan, what, obj, "entity", ("Company", "Person", "Vessel"), "LISTED_AS")
        list_name = _first(obj, "program", "authority")[1]
        list_ref = _first(obj, "authorityId", "unscId")[1]
        if list_name and list_ref:
            nid = list_entry_id(list_name, list_ref)
        else:
            nid = node_id("ListEntry", "ftm", [obj["id"]])
        start_field, start = _first(obj, "startDate", "listingDate", "date")
        props: dict[str, Any] = {
            "list_name": list_name,
            "authority": _first(obj, "authority")[1],
            "programme": _first(obj, "program")[1],
            "list_ref": list_ref,
            "start_date": full_date(plan, what, start_field, start),
            "end_date": full_date(plan, what, "endDate", _first(obj, "endDate")[1]),
            "remarks": "; ".join(_values(obj, "reason") + _values(obj, "provisions")) or None,
            "source_url": _first(obj, "sourceUrl")[1],
        }
        if target is None:
            return
        entity = self._entity_of_line(self.by_id[_values(obj, "entity")[0]])
        assert entity is not None
        ep = entity.props
        props.update(
            {
                "name": ep.get("name"),
                "name_norm": ep.get("name_norm"),
                "aliases": ep.get("aliases"),
                "entity_type": {"Company": "company", "Person": "person", "Vessel": "vessel"}[entity.label],
                "country": ep.get("country") or ep.get("nationality") or ep.get("flag"),
                "address": ep.get("address"),
                "identifiers": [
                    f"{label} {ep[key]}"
                    for key, label in (
                        ("uscc", "USCC"),
                        ("lei", "LEI"),
                        ("registration_no", "Registration number"),
                        ("id_number", "ID number"),
                        ("imo", "IMO"),
                    )
                    if ep.get(key)
                ]
                or None,
            }
        )
        plan.node("ListEntry", nid, props, primary=True)
        plan.edge("LISTED_AS", target, nid)

    def _economic_activity(self, obj: dict[str, Any], plan: Record, what: str) -> None:
        date_field, declared = _first(obj, "date", "startDate")
        hs = _first(obj, "vedCode")[1]
        amount = _first(obj, "invoiceAmount")[1]
        remarks = [
            f"{prop}: {value}"
            for prop in (
                "directionOfTransportation",
                "customsProcedure",
                "customsAmount",
                "ccdValue",
                "dollarExchRate",
                "departureCountry",
                "vedCodeDescription",
            )
            for value in _values(obj, prop)
        ]
        props = {
            "declaration_no": _first(obj, "ccdNumber")[1],
            "declaration_date": full_date(plan, what, date_field, declared),
            "hs_code": convert(plan, what, "vedCode", hs, hscodes.hs_code, "invalid_hs_code"),
            "description": _first(obj, "goodsDescription", "description")[1],
            "origin_country": country(plan, what, "originCountry", _first(obj, "originCountry")[1]),
            "destination_country": country(
                plan, what, "destinationCountry", _first(obj, "destinationCountry")[1]
            ),
            "trading_country": country(plan, what, "tradingCountry", _first(obj, "tradingCountry")[1]),
            "total_value": convert(
                plan, what, "invoiceAmount", amount, numbers.parse_number, "invalid_number"
            ),
            "remarks": "; ".join(remarks) or None,
        }
        nid = plan.node("Declaration", node_id("Declaration", "ftm", [obj["id"]]), props, primary=True)
        direction = _first(obj, "directionOfTransportation")[1] or ""
        is_import = bool(_IMPORT.search(direction))
        home = "contractHolder" if _values(obj, "contractHolder") else "declarant"
        exporter_prop = "sender" if _values(obj, "sender") else (None if is_import else home)
        consignee_prop = "receiver" if _values(obj, "receiver") else (home if is_import else None)
        refs: dict[str, str | None] = {}

        def party(prop: str, rel: str, required: bool = True) -> str | None:
            if prop not in refs:
                refs[prop] = self._ref(plan, what, obj, prop, ("Company",), rel, required=required)
            return refs[prop]

        if exporter_prop and (exporter := party(exporter_prop, "EXPORTED")):
            plan.edge("EXPORTED", exporter, nid)
        if consignee_prop and (consignee := party(consignee_prop, "CONSIGNED_TO")):
            plan.edge("CONSIGNED_TO", nid, consignee)
        if declarant := party("declarant", "DECLARED_BY", required=False):
            plan.edge("DECLARED_BY", nid, declarant)
