"""Beneficial Ownership Data Standard 0.4 packages (a JSON array of statements) -> a staged batch.

Each statement is one record; its row number is its 1-based position in the array. Statements
refer to each other by ``recordId``, so the package is read twice: entity and person statements
first (to know which records exist and loaded), then every statement in order.

- ``entity`` -> ``Company`` (every entity type: registered entities, arrangements such as trusts
  or nominations, state bodies). Identifiers: scheme ``XI-LEI`` gives ``lei``; a Chinese scheme
  (``CN-...``, ``USCC``) with a well-formed 18-character code gives ``uscc``; the first other
  identifier is the ``registration_no``. Id: ``Company:uscc:...`` > ``Company:lei:...`` >
  ``Company:bods:<recordId>``.
- ``person`` -> ``Person`` (the ``legal`` name, else the first; nationalities by code; birth date
  kept as a partial date), id ``Person:bods:<recordId>``.
- ``relationship`` -> one edge per interest, from the interested party to the subject:
  shareholding, voting rights and rights to profit or surplus -> ``OWNS`` (``share.exact`` ->
  percent; minimum / maximum, inclusive or exclusive -> percent_min / percent_max; no share ->
  all empty, never 0 or 100; ``directOrIndirect: indirect`` -> declared_indirect); board member,
  board chair and senior managing official -> ``OFFICER_OF``; every other control interest
  (appointment of board, other influence or control, trustee, settlor, nominee, ...) ->
  ``CONTROLS``; the role is the BODS interest type, with " (indirect)" added for indirect ones.
  An interest without a type (or ``unknownInterest``), and a relationship that lists no
  interests at all, give one ``OWNS`` edge whose shares are unknown: the statement says there
  is ownership or control, and nothing more.
- An unspecified interested party (an inline ``{"reason": ..., "description": ...}``) becomes a
  ``Person`` ``Person:bods-unspecified:<recordId>`` named "Unknown owner (<reason code>)", so a
  declared-unknown owner stays visible and distinct from missing data. Placeholder names of
  unknown parties get no ``name_norm``: entity resolution must never match them to each other.

Record updates. BODS 0.4 publishes a new statement each time a record changes (``recordStatus``
new / updated / closed), and each statement describes the whole record. Only the latest
statement of a record (by ``statementDate``, then position) is loaded; earlier ones are
rejected as "superseded_statement", naming the statement that replaces them, so they stay
visible and counted. Loading them as well would leave contradictory facts (a 50 % stake both
open-ended and ended) or, through the workspace's first-wins rule, keep the oldest version.
Edge qualifier: ``<recordId>/<interest position>``, so parallel interests of one relationship
(shares and votes) stay distinct edges and a later file's update of the record meets the same
edge ids (the workspace then reports the changed values as conflicts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphtool.errors import SourceError
from graphtool.ids import node_id
from graphtool.normalise import countries, dates, numbers
from graphtool.normalise import uscc as uscc_mod
from loaders.staging import Record, RecordBuilder, Staged
from loaders.structured import (
    address_node,
    clean,
    convert,
    full_date,
    head_text,
    norm,
    read_text,
    unique,
    uscc_props,
)

NAME = "bods"

OWNERSHIP_INTERESTS = frozenset(
    {"shareholding", "votingRights", "rightsToSurplusAssetsOnDissolution", "rightsToProfitOrIncome"}
)
OFFICER_INTERESTS = frozenset({"boardMember", "boardChair", "seniorManagingOfficial"})
CONTROL_INTERESTS = frozenset(
    {
        "appointmentOfBoard",
        "otherInfluenceOrControl",
        "rightsGrantedByContract",
        "conditionalRightsGrantedByContract",
        "controlViaCompanyRulesOrArticles",
        "controlByLegalFramework",
        "settlor",
        "trustee",
        "protector",
        "beneficiaryOfLegalArrangement",
        "enjoymentAndUseOfAssets",
        "rightToProfitOrIncomeFromAssets",
        "nominee",
        "nominator",
    }
)
UNKNOWN_INTERESTS = frozenset({"unknownInterest", "unpublishedInterest"})
USCC_SCHEMES = frozenset({"CN-USCC", "USCC", "CN-SAMR"})
RESIDENCE_ADDRESSES = frozenset({"residence", "home"})


def sniff(path: Path, head: bytes) -> bool:
    """A JSON array whose objects carry ``statementId`` and ``recordType`` (or 0.2/0.3 ``statementType``)."""
    text = head_text(head).lstrip()
    return (
        text.startswith("[")
        and '"statementId"' in text
        and ('"recordType"' in text or '"statementType"' in text)
    )


def parse(path: Path) -> Staged:
    try:
        data = json.loads(read_text(path))
    except ValueError as exc:
        raise SourceError(f"{path}: not a BODS package, the file is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise SourceError(f"{path}: not a BODS 0.4 package: the top level is not a JSON array of statements")
    return _Parser(data).build()


@dataclass
class _Party:
    label: str
    nid: str
    row_no: int
    ok: bool


def _country(plan: Record, what: str, field_name: str, value: Any) -> str | None:
    """ISO2 from a BODS country object: its ``code``, else its ``name``."""
    if not isinstance(value, dict):
        return None
    code, name = clean(value.get("code")), clean(value.get("name"))
    if code:
        return convert(plan, what, f"{field_name}.code", code, countries.country, "unknown_country")
    return convert(plan, what, f"{field_name}.name", name, countries.country, "unknown_country")


def _list(value: Any) -> list[Any]:
    """A JSON array as a list; anything else (a stray string or object) as no items."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _percent(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"not a number: {value!r}")
    return numbers.parse_percent(str(value))


class _Parser:
    def __init__(self, statements: list[Any]) -> None:
        self.statements = statements
        self.plans: dict[int, Record] = {}
        self.parties: dict[str, list[_Party]] = {}
        # The latest statement of each record (by statementDate, then position) describes it.
        self.current: dict[str, tuple[str, int]] = {}
        for row_no, st in enumerate(statements, start=1):
            if isinstance(st, dict) and self._envelope_ok(st):
                key = (str(st.get("statementDate") or ""), row_no)
                self.current[st["recordId"]] = max(self.current.get(st["recordId"], key), key)
        for row_no, st in enumerate(statements, start=1):
            if isinstance(st, dict) and self._envelope_ok(st) and self._superseded(row_no, st) is not None:
                self.plans[row_no] = self._superseded(row_no, st)
            elif (
                isinstance(st, dict)
                and st.get("recordType") in ("entity", "person")
                and self._envelope_ok(st)
            ):
                plan = Record()
                label, nid = self._party(st, plan)
                self.plans[row_no] = plan
                self.parties.setdefault(st["recordId"], []).append(_Party(label, nid, row_no, plan.ok))

    def _superseded(self, row_no: int, st: dict[str, Any]) -> Record | None:
        """A rejection for a statement that a later statement of the same record replaces."""
        latest_date, latest = self.current[st["recordId"]]
        if latest == row_no:
            return None
        later = self.statements[latest - 1]
        plan = Record()
        plan.reject(
            "recordId",
            st["recordId"],
            "superseded_statement",
            f"{str(st.get('recordType', 'record')).capitalize()} {st['recordId']!r}: statement {row_no} "
            f"({st.get('statementDate')}, {st.get('recordStatus')}) is superseded by statement {latest} "
            f"({latest_date}, {later.get('recordStatus')}), the latest statement of the same record",
        )
        return plan

    @staticmethod
    def _envelope_ok(st: dict[str, Any]) -> bool:
        return isinstance(st.get("recordId"), str) and isinstance(st.get("recordDetails"), dict)

    def build(self) -> Staged:
        b = RecordBuilder()
        for row_no, st in enumerate(self.statements, start=1):
            plan = self.plans[row_no] if row_no in self.plans else self._other(row_no, st)
            b.row(row_no, st if isinstance(st, dict) else {"statement": st}, plan)
        return b.build()

    def _other(self, row_no: int, st: Any) -> Record:
        """Record of a relationship statement, or the rejection of a statement that cannot be read."""
        plan = Record()
        what = f"statement {row_no}"
        if not isinstance(st, dict):
            plan.reject("statement", str(st)[:200], "invalid_statement", f"{what} is not a JSON object")
            return plan
        what = f"statement {st.get('statementId') or row_no!r}"
        if "statementType" in st and "recordType" not in st:
            plan.reject(
                "statementType",
                st["statementType"],
                "unsupported_version",
                f"{what}: statementType {st['statementType']!r} is BODS 0.2/0.3; this loader reads BODS 0.4",
            )
            return plan
        if not self._envelope_ok(st):
            plan.reject(
                "recordId",
                st.get("recordId"),
                "missing_field",
                f"{what}: a BODS 0.4 statement needs recordId and recordDetails",
            )
            return plan
        if st.get("recordType") != "relationship":
            plan.reject(
                "recordType",
                st.get("recordType"),
                "unknown_record_type",
                f"{what}: recordType {st.get('recordType')!r} is not entity, person or relationship",
            )
            return plan
        self._relationship(st, plan, f"Relationship {st['recordId']!r}")
        return plan

    # --- entities and persons ----------------------------------------------------------------

    def _party(self, st: dict[str, Any], plan: Record) -> tuple[str, str]:
        rd = st["recordDetails"]
        record_id = st["recordId"]
        if st["recordType"] == "entity":
            return "Company", self._entity(rd, plan, f"Entity {record_id!r}", record_id)
        return "Person", self._person(rd, plan, f"Person {record_id!r}", record_id)

    def _addresses(
        self, rd: dict[str, Any], plan: Record, what: str, nid: str
    ) -> tuple[str | None, str | None]:
        """Address nodes and LOCATED_AT edges; returns the first address text and a residence country."""
        first, residence = None, None
        for i, item in enumerate(_list(rd.get("addresses"))):
            if not isinstance(item, dict):
                continue
            text = clean(item.get("address"))
            iso2 = _country(plan, what, f"addresses[{i}].country", item.get("country"))
            if item.get("type") in RESIDENCE_ADDRESSES and residence is None:
                residence = iso2
            if text is None:
                continue
            first = first or text
            if (aid := address_node(plan, text, iso2)) is not None:
                plan.edge("LOCATED_AT", nid, aid)
        return first, residence

    def _entity(self, rd: dict[str, Any], plan: Record, what: str, record_id: str) -> str:
        entity_type = (
            (rd.get("entityType") or {}).get("type") if isinstance(rd.get("entityType"), dict) else None
        )
        name = clean(rd.get("name"))
        placeholder = False
        if name is None:
            if entity_type in ("anonymousEntity", "unknownEntity"):
                reason = clean(_dict(rd.get("unspecifiedEntityDetails")).get("reason"))
                name, placeholder = (f"Unknown entity ({reason})" if reason else "Unknown entity"), True
            else:
                plan.reject("name", None, "missing_field", f"{what}: no name")
        lei = uscc_raw = reg = None
        for ident in _list(rd.get("identifiers")):
            if not isinstance(ident, dict) or not (value := clean(ident.get("id"))):
                continue
            scheme = (clean(ident.get("scheme")) or "").upper()
            if scheme == "XI-LEI":
                lei = lei or value
            elif uscc_raw is None and (
                scheme in USCC_SCHEMES or (scheme.startswith("CN-") and uscc_mod.uscc_is_valid(value.upper()))
            ):
                uscc_raw = value
            elif reg is None:
                reg = value
        props: dict[str, Any] = {
            "name": name,
            "name_norm": None if placeholder else norm(name),
            "aliases": unique((clean(a) for a in _list(rd.get("alternateNames"))), exclude=[name]) or None,
            "country": _country(plan, what, "jurisdiction", rd.get("jurisdiction")),
            "lei": lei,
            "registration_no": reg,
            "incorporation_date": full_date(plan, what, "foundingDate", rd.get("foundingDate")),
            "dissolution_date": full_date(plan, what, "dissolutionDate", rd.get("dissolutionDate")),
        }
        props.update(uscc_props(plan, what, "identifiers.id", uscc_raw))
        if props.get("uscc"):
            nid = node_id("Company", "uscc", [props["uscc"]])
        elif lei:
            nid = node_id("Company", "lei", [lei])
        else:
            nid = node_id("Company", "bods", [record_id])
        props["address"] = self._addresses(rd, plan, what, nid)[0]
        plan.node("Company", nid, props, primary=True)
        return nid

    def _person(self, rd: dict[str, Any], plan: Record, what: str, record_id: str) -> str:
        names = [n for n in _list(rd.get("names")) if isinstance(n, dict)]

        def full(n: dict[str, Any]) -> str | None:
            return clean(n.get("fullName")) or clean(
                " ".join(filter(None, (n.get("givenName"), n.get("familyName"))))
            )

        chosen = next((n for n in names if n.get("type") == "legal"), names[0] if names else None)
        name = full(chosen) if chosen else None
        placeholder = False
        if name is None:
            person_type = rd.get("personType")
            if person_type in ("anonymousPerson", "unknownPerson"):
                reason = clean(_dict(rd.get("unspecifiedPersonDetails")).get("reason"))
                kind = "Anonymous person" if person_type == "anonymousPerson" else "Unknown person"
                name, placeholder = (f"{kind} ({reason})" if reason else kind), True
            else:
                plan.reject("names", None, "missing_field", f"{what}: no name")
        nationalities = [n for n in _list(rd.get("nationalities")) if isinstance(n, dict)]
        identifiers = [i for i in _list(rd.get("identifiers")) if isinstance(i, dict) and clean(i.get("id"))]
        birth = clean(rd.get("birthDate"))
        props: dict[str, Any] = {
            "name": name,
            "name_norm": None if placeholder else norm(name),
            "aliases": unique((full(n) for n in names), exclude=[name]) or None,
            "nationality": _country(plan, what, "nationalities[0]", nationalities[0])
            if nationalities
            else None,
            "birth_date": convert(plan, what, "birthDate", birth, dates.parse_partial_date, "invalid_date"),
            "id_number": clean(identifiers[0]["id"]) if identifiers else None,
        }
        nid = node_id("Person", "bods", [record_id])
        props["address"], props["country"] = self._addresses(rd, plan, what, nid)
        plan.node("Person", nid, props, primary=True)
        return nid

    # --- relationships -----------------------------------------------------------------------

    def _resolve(
        self, plan: Record, what: str, field_name: str, record_id: Any, labels: tuple[str, ...]
    ) -> str | None:
        if not isinstance(record_id, str) or not record_id:
            plan.reject(
                field_name,
                None if record_id is None else str(record_id),
                "missing_field",
                f"{what}: {field_name} is not a recordId",
            )
            return None
        versions = self.parties.get(record_id)
        if not versions:
            plan.reject(
                field_name,
                record_id,
                "missing_reference",
                f"{what}: {field_name} {record_id!r} is not in the file",
            )
            return None
        loaded = [v for v in versions if v.ok]
        if not loaded:
            rows = ", ".join(str(v.row_no) for v in versions)
            plan.reject(
                field_name,
                record_id,
                "quarantined_reference",
                f"{what}: {field_name} {record_id!r} (statement {rows}) was quarantined",
            )
            return None
        party = loaded[0]
        if party.label not in labels:
            plan.reject(
                field_name,
                record_id,
                "wrong_reference",
                f"{what}: {field_name} {record_id!r} is a {party.label}; the subject must be an entity",
            )
            return None
        return party.nid

    def _relationship(self, st: dict[str, Any], plan: Record, what: str) -> None:
        rd = st["recordDetails"]
        key = st["recordId"]
        subject = self._resolve(plan, what, "subject", rd.get("subject"), ("Company",))
        party = rd.get("interestedParty")
        if isinstance(party, dict):
            reason = clean(party.get("reason"))
            owner = plan.node(
                "Person",
                node_id("Person", "bods-unspecified", [key]),
                {"name": f"Unknown owner ({reason})" if reason else "Unknown owner"},
            )
        else:
            owner = self._resolve(plan, what, "interestedParty", party, ("Company", "Person"))
        interests = rd.get("interests")
        if interests is None or interests == []:
            interests = [{}]  # ownership or control, nothing more known
        if not isinstance(interests, list):
            plan.reject(
                "interests", str(interests)[:200], "invalid_interest", f"{what}: interests is not a list"
            )
            return
        edges = []
        for i, interest in enumerate(interests, start=1):
            if not isinstance(interest, dict):
                plan.reject(
                    f"interests[{i}]",
                    str(interest)[:200],
                    "invalid_interest",
                    f"{what}: interest {i} is not an object",
                )
                continue
            edges.append(self._interest(plan, f"{what}, interest {i}", interest, f"{key}/{i}"))
        if not plan.ok or subject is None or owner is None:
            return
        for n, (rel, props, qualifier) in enumerate(edges):
            plan.edge(rel, owner, subject, props, qualifier=qualifier, primary=n == 0)

    def _interest(self, plan: Record, what: str, interest: dict[str, Any], qualifier: str):
        kind = interest.get("type")
        kind = None if kind is None else str(kind)
        direct = str(interest.get("directOrIndirect"))
        period = {
            "start_date": full_date(plan, what, "startDate", interest.get("startDate")),
            "end_date": full_date(plan, what, "endDate", interest.get("endDate")),
        }
        if kind is None or kind in UNKNOWN_INTERESTS or kind in OWNERSHIP_INTERESTS:
            props = {**self._share(plan, what, interest.get("share")), **period}
            props["declared_indirect"] = {"indirect": True, "direct": False}.get(direct)
            props["interest"] = kind
            return "OWNS", props, qualifier
        if kind in OFFICER_INTERESTS or kind in CONTROL_INTERESTS:
            role = f"{kind} (indirect)" if direct == "indirect" else kind
            rel = "OFFICER_OF" if kind in OFFICER_INTERESTS else "CONTROLS"
            return rel, {"role": role, **period}, qualifier
        plan.reject(
            "type",
            kind,
            "unknown_interest_type",
            f"{what}: interest type {kind!r} is not in the BODS 0.4 interestType codelist",
        )
        return "OWNS", {}, qualifier

    def _share(self, plan: Record, what: str, share: Any) -> dict[str, float | None]:
        out: dict[str, float | None] = {"percent": None, "percent_min": None, "percent_max": None}
        if share is None:
            return out
        if not isinstance(share, dict):
            plan.reject("share", str(share), "invalid_percent", f"{what}: share {share!r} is not an object")
            return out

        def get(field_name: str) -> float | None:
            return convert(
                plan, what, f"share.{field_name}", share.get(field_name), _percent, "invalid_percent"
            )

        exact = get("exact")
        low = get("minimum")
        low = low if low is not None else get("exclusiveMinimum")
        high = get("maximum")
        high = high if high is not None else get("exclusiveMaximum")
        if exact is not None:
            out["percent"] = exact
        else:
            if low is not None and high is not None and low > high:
                plan.reject(
                    "share",
                    json.dumps(share),
                    "invalid_percent",
                    f"{what}: share minimum {low} is above maximum {high}",
                )
            out["percent_min"], out["percent_max"] = low, high
        return out
