"""US screening lists in their native formats -> ``ListEntry`` nodes.

Lists read (``LISTS`` below holds each one's settings as data; one code path serves them all):
BIS Entity List (CSV), BIS Unverified List (CSV), BIS Denied Persons List (tab-separated), State
Nonproliferation Sanctions (ISN, CSV), ITAR Debarred Parties (CSV), and the OFAC SDN and OFAC
Consolidated (non-SDN) lists as XML (``sdnList`` / ``sdnEntry``). ``sniff`` tells them apart by
their header row or XML root.

Each entry: a ``ListEntry`` with list name, authority, programme, list reference, name (as
written, without the aliases the cell itself names: "Li Fangwei [also known as Karl Lee]",
"Hukic, Bajro (a.k.a. Bob Hukic; Bab Hucici)", "X, a.k.a. Y, a.k.a. Z"), aliases, entity type
(person / company / vessel / unknown: a list that does not say gets "unknown"), country (ISO2;
a country that cannot be read rejects the record), address (and an ``Address`` node +
``LOCATED_AT`` per address), identifiers, start and end date (US dates are month/day/year),
remarks (the list's other columns as "Column: value") and source URL (only the list's own
link column; none is made up). The id is ``ListEntry:ref:<normalised list name>:<list_ref>``;
``list_ref`` is the list's own number where it has one (SDN ``uid``, Entity List ``Entity
Number``) and otherwise the cells that identify the designation joined with " | " (ISN: name |
programme | effective date).

Several rows, one entry. The Entity List has a row per (address x alternate name), the
Unverified List a row per address, the ISN list may repeat a row. Rows that share the cells
making up ``list_ref`` are one entry. Every row stays a record of its own, under its own row
number, so a file of 18 rows reads 18 rows. The first row of a group states the entry, with the
aliases and the ``LOCATED_AT`` address of every row of the group; its record is the group (a
``{"rows": [{"row_no": n, <original values>}, ...]}`` object holding each row's original values
unmodified). The group's other rows state the same entry with the same record, so the
workspace counts them as duplicates of the first: rows read = loaded + quarantined + duplicates
holds row by row, and the raw record of any row shows every row that went into its entry. (Each
row with only its own values would make the other rows look like conflicting versions of the
entry; one record for the whole group would hide the other rows' numbers.) A row that repeats
an entry but disagrees on an entry-level cell (another remark, another country) is rejected
("conflicting_row"), never merged silently. Edited or odd rows (the Entity List fixture's
"Title 1" / "Title 2") are loaded as they are: their title and Federal Register notice make
them entries of their own. A row on its own keeps its plain original values as its record.

Empty rows are rejected ("empty_row") so that they stay counted.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphtool.errors import SourceError
from loaders.staging import Record, RecordBuilder, Staged
from loaders.structured import (
    address_node,
    clean,
    country,
    date_value,
    head_text,
    list_entry_id,
    norm,
    read_text,
    split_name,
    unique,
)

NAME = "us_lists"

BIS = "US Department of Commerce, Bureau of Industry and Security"
OFAC = "US Department of the Treasury, Office of Foreign Assets Control"

# Per-list settings. Column names are matched without regard to case or surrounding spaces.
# signature: headers that identify the list; ref_id: the list's own entry number (if any);
# ref: cells that identify an entry when there is no number (and that group rows into entries);
# row_columns: cells that may differ between the rows of one entry (addresses, alternate names).
LISTS: dict[str, dict[str, Any]] = {
    "el": {
        "list_name": "BIS Entity List",
        "authority": BIS,
        "format": "csv",
        "delimiter": ",",
        "signature": ["Source List", "Entity Number", "License Requirement", "Alternate Name"],
        "name": "Name",
        "aliases": "Alternate Name",
        "alias_separator": None,
        "ref_id": "Entity Number",
        "ref": ["Name", "Title", "Federal Register Notice", "Effective Date"],
        "programme": "Programs",
        "entity_type": "SDN Type",
        "country": "Country",
        "address": ["Address", "City", "State/Province", "Postal Code", "Country"],
        "city": "City",
        "start_date": "Effective Date",
        "end_date": "Date Lifted/Waived/Expired",
        "remarks": [
            "Title",
            "Remarks/Notes",
            "Federal Register Notice",
            "License Requirement",
            "License Policy",
            "Standard Order",
        ],
        "source_url": "Web Link",
        "row_columns": [
            "Address",
            "City",
            "State/Province",
            "Postal Code",
            "Address Number",
            "Address Remarks",
            "Alternate Number",
            "Alternate Type",
            "Alternate Name",
            "Alternate Remarks",
        ],
    },
    "uvl": {
        "list_name": "BIS Unverified List",
        "authority": BIS,
        "format": "csv",
        "delimiter": ",",
        # Three generic headers: only a header row of exactly these (in this order) is taken as the list.
        "signature": ["COUNTRY", "NAME", "ADDRESS"],
        "exact_headers": True,
        "name": "NAME",
        "ref": ["NAME", "COUNTRY"],
        "country": "COUNTRY",
        "address": ["ADDRESS"],
        "row_columns": ["ADDRESS"],
    },
    "dpl": {
        "list_name": "BIS Denied Persons List",
        "authority": BIS,
        "format": "csv",
        "delimiter": "\t",
        "signature": ["Name", "Street_Address", "Effective_Date", "Expiration_Date", "FR_Citation"],
        "name": "Name",
        "ref": ["Name", "Effective_Date", "FR_Citation"],
        "country": "Country",
        "address": ["Street_Address", "City", "State", "Postal_Code", "Country"],
        "city": "City",
        "start_date": "Effective_Date",
        "end_date": "Expiration_Date",
        "remarks": ["FR_Citation", "Standard_Order", "Last_Update", "Action"],
        "row_columns": ["Street_Address", "City", "State", "Postal_Code"],
    },
    "isn": {
        "list_name": "State Nonproliferation Sanctions",
        "authority": "US Department of State",
        "format": "csv",
        "delimiter": ",",
        "signature": ["Source List", "Programs", "Name", "Alternative Names", "Federal Register Notice"],
        "name": "Name",
        "aliases": "Alternative Names",
        "alias_separator": ",",
        "ref": ["Name", "Programs", "Effective Date"],
        "programme": "Programs",
        "country": "Country",
        "start_date": "Effective Date",
        "remarks": ["Federal Register Notice", "Remarks/Notes"],
        "source_url": "Web Link",
        "row_columns": ["Alternative Names"],
    },
    "itar": {
        "list_name": "ITAR Debarred Parties",
        "authority": "US Department of State, Directorate of Defense Trade Controls",
        "format": "csv",
        "delimiter": ",",
        "signature": ["Debarred Party Full Name and Alias", "Notice", "Notice Date"],
        "name": "Debarred Party Full Name and Alias",
        "ref": ["Debarred Party Full Name and Alias", "Notice", "Notice Date"],
        "person_when": "Date of Birth",
        "start_date": "Notice Date",
        "remarks": ["Date of Birth", "Notice", "Corrected Notice", "Corrected Notice Date"],
        "row_columns": [],
    },
    "ofac_sdn_xml": {
        "list_name": "OFAC SDN",
        "authority": OFAC,
        "format": "xml",
    },
    "ofac_consolidated_xml": {
        "list_name": "OFAC Consolidated",
        "authority": OFAC,
        "format": "xml",
    },
}

ENTITY_TYPES = {"individual": "person", "entity": "company", "vessel": "vessel", "aircraft": "unknown"}
_ALIAS_MARKER = re.compile(r"^(?:(?:and|or)\s+)?(?:(?:[af]\.k\.a\.|[af]ka\b)\s*:?\s*)?", re.IGNORECASE)
_CONSOLIDATED_NAME = re.compile(r"consolidated|non[-_ ]?sdn|(^|[^a-z])cons([^a-z]|$)", re.IGNORECASE)


def _key(header: str) -> str:
    return " ".join(header.casefold().split())


def detect(text: str, path: Path | None = None) -> str | None:
    """Which list a file holds, from its first line (CSV/TSV headers) or its XML root."""
    stripped = text.lstrip()
    if stripped.startswith("<"):
        if not re.search(r"<(?:\w+:)?sdnList[\s>]", stripped):
            return None
        # Both OFAC lists use the same schema; only the non-SDN list has "nspType" entries. A file
        # without them is taken as the SDN list unless its name says it is the consolidated list.
        if "<nspType>" in text or (path is not None and _CONSOLIDATED_NAME.search(path.name)):
            return "ofac_consolidated_xml"
        return "ofac_sdn_xml"
    first = stripped.split("\n", 1)[0].rstrip("\r")
    for kind, cfg in LISTS.items():
        if cfg["format"] != "csv":
            continue
        headers = [_key(h) for h in next(csv.reader([first], delimiter=cfg["delimiter"]), [])]
        wanted = [_key(h) for h in cfg["signature"]]
        if cfg.get("exact_headers"):
            if [h for h in headers if h] == wanted:
                return kind
        elif all(h in headers for h in wanted):
            return kind
    return None


def sniff(path: Path, head: bytes) -> bool:
    return detect(head_text(head), path) is not None


def parse(path: Path, kind: str | None = None) -> Staged:
    """Parse a list file; ``kind`` (a key of ``LISTS``) overrides what the file looks like."""
    text = read_text(path)
    kind = kind or detect(text, path)
    if kind is None:
        raise SourceError(f"{path}: not a known US screening list (no matching header row or XML root)")
    cfg = LISTS[kind]
    if cfg["format"] == "xml":
        return _parse_xml(path, text, cfg)
    return _Table(text, cfg).build()


# --- tables --------------------------------------------------------------------------------


@dataclass
class _Row:
    row_no: int
    original: dict[str, str]
    plan: Record = field(default_factory=Record)
    key: tuple[str | None, ...] = ()
    entry: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    address: str | None = None
    city: str | None = None
    record: dict[str, Any] | None = None  # the group's rows, when several rows make one entry


class _Table:
    def __init__(self, text: str, cfg: dict[str, Any]) -> None:
        self.cfg = cfg
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=cfg["delimiter"])
        try:
            header = next(reader, [])
            self.columns = self._columns(header)
            self.index = {_key(c): c for c in self.columns if c}
            self.rows = [self._row(n, values) for n, values in enumerate(reader, start=1)]
        except csv.Error as exc:
            raise SourceError(
                f"{cfg['list_name']}: the file cannot be read as CSV near row {reader.line_num}: {exc}"
            ) from exc

    @staticmethod
    def _columns(header: list[str]) -> list[str]:
        columns: list[str] = []
        for i, name in enumerate(header):
            name = name.strip().lstrip("\ufeff") or f"column_{i + 1}"
            columns.append(name if name not in columns else f"{name}_{i + 1}")
        return columns

    def _row(self, row_no: int, values: list[str]) -> _Row:
        original = {
            (self.columns[i] if i < len(self.columns) else f"column_{i + 1}"): v for i, v in enumerate(values)
        }
        return _Row(row_no, original)

    def get(self, row: _Row, column: str | None) -> str | None:
        if column is None:
            return None
        actual = self.index.get(_key(column))
        return clean(row.original.get(actual)) if actual else None

    def build(self) -> Staged:
        groups: dict[tuple[str | None, ...], list[_Row]] = {}
        for row in self.rows:
            self._read_row(row)
            if row.plan.ok:
                groups.setdefault(row.key, []).append(row)
        for members in groups.values():
            self._check_group(members)
        b = RecordBuilder()
        for members in groups.values():
            rows = [r for r in members if r.plan.ok]
            self._plan_group(rows)
        for row in self.rows:
            b.row(row.row_no, row.record or row.original, row.plan)
        return b.build()

    def _plan_group(self, rows: list[_Row]) -> None:
        """The entry of a group of rows: the first row states it with every row's address; the
        others state the same entry and the same record (all the group's rows), so the workspace
        counts them as duplicates of the first."""
        first = rows[0]
        props = dict(first.entry)
        props["aliases"] = unique((a for r in rows for a in r.aliases), exclude=[props["name"]]) or None
        props["address"] = next((r.address for r in rows if r.address), None)
        nid = list_entry_id(props["list_name"], props["list_ref"])
        first.plan.node("ListEntry", nid, props, primary=True)
        for r in rows:
            aid = address_node(first.plan, r.address, props["country"], r.city)
            if aid is not None:
                first.plan.edge("LOCATED_AT", nid, aid)
        if len(rows) > 1:
            record = {"rows": [{"row_no": r.row_no, **r.original} for r in rows]}
            for r in rows:
                r.record = record
            for r in rows[1:]:
                r.plan.node("ListEntry", nid, props, primary=True)

    def _read_row(self, row: _Row) -> None:
        cfg, plan = self.cfg, row.plan
        if not any(v.strip() for v in row.original.values()):
            plan.reject("row", None, "empty_row", f"{cfg['list_name']} row {row.row_no} is empty")
            return
        written = self.get(row, cfg["name"])
        if written is None:
            plan.reject(
                cfg["name"], None, "missing_field", f"{cfg['list_name']} row {row.row_no}: no {cfg['name']}"
            )
            return
        name, aliases = split_name(written)
        what = f"{cfg['list_name']} {written!r}"
        separator = cfg.get("alias_separator")
        cell = self.get(row, cfg.get("aliases"))
        listed = [cell] if cell and separator is None else (cell.split(separator) if cell else [])
        row.aliases = unique([*aliases, *(clean(_ALIAS_MARKER.sub("", a.strip())) for a in listed)])
        iso2 = country(plan, what, cfg.get("country") or "Country", self.get(row, cfg.get("country")))
        order = "mdy"
        own_ref = self.get(row, cfg.get("ref_id"))
        ref_cells = [self.get(row, c) for c in cfg["ref"]]
        row.key = (own_ref,) if own_ref else tuple(ref_cells)
        entity_type = "unknown"
        if cfg.get("entity_type"):
            entity_type = ENTITY_TYPES.get((self.get(row, cfg["entity_type"]) or "").casefold(), "unknown")
        elif cfg.get("person_when") and self.get(row, cfg["person_when"]):
            entity_type = "person"
        remarks = [f"{c}: {v}" for c in cfg.get("remarks", []) if (v := self.get(row, c))]
        row.entry = {
            "list_name": cfg["list_name"],
            "authority": cfg["authority"],
            "programme": self.get(row, cfg.get("programme")),
            "list_ref": own_ref or " | ".join(c for c in ref_cells if c),
            "name": name,
            "name_norm": norm(name),
            "entity_type": entity_type,
            "country": iso2,
            "start_date": date_value(
                plan, what, cfg.get("start_date") or "", self.get(row, cfg.get("start_date")), order
            ),
            "end_date": date_value(
                plan, what, cfg.get("end_date") or "", self.get(row, cfg.get("end_date")), order
            ),
            "remarks": "; ".join(remarks) or None,
            "source_url": self.get(row, cfg.get("source_url")),
        }
        parts = [self.get(row, c) for c in cfg.get("address", [])]
        row.address = ", ".join(p for p in parts if p) or None
        row.city = self.get(row, cfg.get("city"))

    def _check_group(self, members: list[_Row]) -> None:
        """Rows of one entry must agree on every cell that is not a per-row cell."""
        row_columns = {_key(c) for c in self.cfg.get("row_columns", [])}
        first = members[0]
        for row in members[1:]:
            for column in self.columns:
                if _key(column) in row_columns:
                    continue
                a, b = clean(first.original.get(column)), clean(row.original.get(column))
                if a != b:
                    row.plan.reject(
                        column,
                        b,
                        "conflicting_row",
                        f"{self.cfg['list_name']} row {row.row_no} repeats the entry of row "
                        f"{first.row_no} ({first.entry['list_ref']!r}) but its {column} differs: "
                        f"{b!r} instead of {a!r}",
                    )


# --- OFAC XML ------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element_dict(el: ET.Element) -> Any:
    """An XML element as plain values: text for a leaf, a dict for children (a list when repeated)."""
    children = list(el)
    if not children:
        return (el.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        key, value = _local(child.tag), _element_dict(child)
        if key in out:
            if not isinstance(out[key], list):
                out[key] = [out[key]]
            out[key].append(value)
        else:
            out[key] = value
    return out


def _find_text(el: ET.Element, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name:
            return clean(child.text)
    return None


def _items(el: ET.Element, list_name: str) -> list[ET.Element]:
    return [item for child in el if _local(child.tag) == list_name for item in child]


def _person_name(el: ET.Element) -> str | None:
    last, first = _find_text(el, "lastName"), _find_text(el, "firstName")
    if last and first:
        return f"{last}, {first}"
    return last or first


def _parse_xml(path: Path, text: str, cfg: dict[str, Any]) -> Staged:
    if re.search(r"<!(DOCTYPE|ENTITY)", text[:4096], re.IGNORECASE):
        raise SourceError(f"{path}: XML with a DOCTYPE or entity declarations is refused")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise SourceError(f"{path}: not well-formed XML: {exc}") from exc
    b = RecordBuilder()
    entries = [el for el in root if _local(el.tag) == "sdnEntry"]
    for pos, el in enumerate(entries, start=1):
        original = _element_dict(el)
        b.row(
            pos, original if isinstance(original, dict) else {"sdnEntry": original}, _sdn_entry(el, cfg, pos)
        )
    return b.build()


def _sdn_entry(el: ET.Element, cfg: dict[str, Any], pos: int) -> Record:
    plan = Record()
    uid, name = _find_text(el, "uid"), _person_name(el)
    what = f"{cfg['list_name']} entry {uid or pos!r}"
    if uid is None:
        plan.reject("uid", None, "missing_field", f"{what}: no uid")
    if name is None:
        plan.reject("lastName", None, "missing_field", f"{what}: no name")
    if not plan.ok:
        return plan
    sdn_type = (_find_text(el, "sdnType") or _find_text(el, "nspType") or "").casefold()
    programmes = [clean(p.text) for p in _items(el, "programList")]
    aliases = unique((_person_name(a) for a in _items(el, "akaList")), exclude=[name])
    addresses = []
    for i, address in enumerate(_items(el, "addressList")):
        iso2 = country(plan, what, f"addressList[{i}].country", _find_text(address, "country"))
        lines = [
            _find_text(address, t)
            for t in ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode")
        ]
        full = ", ".join(p for p in [*lines, _find_text(address, "country")] if p)
        addresses.append((full if any(lines) else None, iso2, _find_text(address, "city")))
    nationalities = [_find_text(n, "country") for n in _items(el, "nationalityList")]
    citizenships = [_find_text(c, "country") for c in _items(el, "citizenshipList")]
    iso2 = next((a[1] for a in addresses if a[1]), None)
    if iso2 is None and (nationalities or citizenships):
        iso2 = country(plan, what, "nationality", (nationalities or citizenships)[0])
    identifiers = []
    for item in _items(el, "idList"):
        label = " ".join(p for p in (_find_text(item, "idType"), _find_text(item, "idNumber")) if p)
        where = _find_text(item, "idCountry")
        identifiers.append(f"{label} ({where})" if where else label)
    remarks = [_find_text(el, "remarks")]
    if title := _find_text(el, "title"):
        remarks.append(f"Title: {title}")
    remarks += [f"DOB {_find_text(d, 'dateOfBirth')}" for d in _items(el, "dateOfBirthList")]
    remarks += [f"POB {_find_text(p, 'placeOfBirth')}" for p in _items(el, "placeOfBirthList")]
    remarks += [f"nationality {n}" for n in nationalities if n] + [f"citizen {c}" for c in citizenships if c]
    for child in el:
        if _local(child.tag) == "vesselInfo":
            remarks += [f"{_local(v.tag)} {clean(v.text)}" for v in child if clean(v.text)]
    props = {
        "list_name": cfg["list_name"],
        "authority": cfg["authority"],
        "programme": "; ".join(p for p in programmes if p) or None,
        "list_ref": uid,
        "name": name,
        "name_norm": norm(name),
        "aliases": aliases or None,
        "entity_type": ENTITY_TYPES.get(sdn_type, "unknown"),
        "country": iso2,
        "address": next((a[0] for a in addresses if a[0]), None),
        "identifiers": [i for i in identifiers if i] or None,
        "remarks": "; ".join(r for r in remarks if r) or None,
        "source_url": None,
    }
    assert uid is not None
    nid = plan.node("ListEntry", list_entry_id(cfg["list_name"], uid), props, primary=True)
    for full, address_iso2, city in addresses:
        if (aid := address_node(plan, full, address_iso2, city)) is not None:
            plan.edge("LOCATED_AT", nid, aid)
    return plan
