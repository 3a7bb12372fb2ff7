"""The OFAC SDN list as its legacy CSV (``sdn.csv``) -> ``ListEntry`` nodes and ``LINKED_TO`` edges.

The file has no header row; its twelve columns are ``ent_num, SDN_Name, SDN_Type, Program, Title,
Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks``, and "-0-" marks an empty
cell. Each row is one record (row number = its line) and one ``ListEntry``
``ListEntry:ref:ofac sdn:<ent_num>`` (the same id the OFAC SDN XML gives its ``uid``):

- ``SDN_Type``: "individual" -> person, "vessel" -> vessel, empty -> company (OFAC leaves it
  empty for entities), "aircraft" -> unknown (an aircraft is not a company);
- ``Program`` "NPWMD] [DPRK2" names several programmes -> "NPWMD; DPRK2";
- aliases from the remarks' "a.k.a. 'X'" (and former / new names "f.k.a." / "n.k.a.");
- identifiers from the remarks' identity-document segments ("Passport ...", "IMO ...", "Unified
  Social Credit Code (USCC) ...") and the call sign; the remarks themselves are kept untouched;
- every "Linked To: NAME." in the remarks becomes a ``LINKED_TO`` edge (role "Linked To") to the
  entry whose ``SDN_Name`` equals NAME (case-insensitive, after trimming the final period when
  the name as written does not match). A name that matches no row is not an error: the entry
  loads, the link stays in its remarks, and ``unresolved_links(path)`` lists such names.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from graphtool.errors import SourceError
from loaders.staging import Record, RecordBuilder, Staged
from loaders.structured import clean, head_text, list_entry_id, norm, read_text, unique

NAME = "ofac_sdn"
LIST_NAME = "OFAC SDN"
AUTHORITY = "US Department of the Treasury, Office of Foreign Assets Control"
COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
EMPTY = "-0-"
ENTITY_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "unknown", "": "company"}
ID_PREFIXES = (
    "Passport",
    "National ID No.",
    "Registration Number",
    "Registration ID",
    "Tax ID No.",
    "Unified Social Credit Code",
    "Vessel Registration Identification",
    "IMO",
    "SWIFT/BIC",
    "Aircraft Manufacturer's Serial Number",
    "Identification Number",
    "Company Number",
    "Business Registration Number",
    "Organization Established Date",
)
_ALIAS = re.compile(r"\b(?:a|f|n)\.k\.a\.\s*'(?P<alias>[^']+)'", re.IGNORECASE)
_LINK_PREFIX = "Linked To:"


def _cell(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", EMPTY) else value


def _rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as exc:
        raise SourceError(
            f"OFAC SDN: the file cannot be read as CSV near line {reader.line_num}: {exc}"
        ) from exc


def sniff(path: Path, head: bytes) -> bool:
    """Twelve columns, an integer first cell and "-0-" empty markers on the first line; no header."""
    first = head_text(head).split("\n", 1)[0].rstrip("\r")
    row = next(csv.reader([first]), [])
    return len(row) == len(COLUMNS) and row[0].strip().isdigit() and any(c.strip() == EMPTY for c in row)


def _segments(remarks: str | None) -> list[str]:
    return [s.strip() for s in (remarks or "").split(";") if s.strip()]


def link_names(remarks: str | None) -> list[str]:
    """The names in the "Linked To:" segments of a remarks cell, as written (final period included)."""
    return [seg[len(_LINK_PREFIX) :].strip() for seg in _segments(remarks) if seg.startswith(_LINK_PREFIX)]


def _resolve(name: str, by_name: dict[str, str]) -> str | None:
    """The ent_num of the row named ``name``; tries the name as written, then without its final period."""
    found = by_name.get(name.casefold())
    if found is None and name.endswith("."):
        found = by_name.get(name[:-1].strip().casefold())
    return found


def _read(path: Path) -> tuple[list[list[str]], dict[str, str]]:
    rows = _rows(read_text(path))
    by_name: dict[str, str] = {}
    for values in rows:
        if len(values) == len(COLUMNS) and (num := _cell(values[0])) and (name := clean(values[1])):
            by_name.setdefault(name.casefold(), num)
    return rows, by_name


def unresolved_links(path: Path) -> list[str]:
    """Every "Linked To:" name that matches no SDN_Name in the file (final period trimmed), in file order."""
    rows, by_name = _read(path)
    out = []
    for values in rows:
        if len(values) != len(COLUMNS):
            continue
        for name in link_names(values[11]):
            if _resolve(name, by_name) is None:
                out.append(name[:-1].strip() if name.endswith(".") else name)
    return out


def parse(path: Path) -> Staged:
    rows, by_name = _read(path)
    if not rows:
        raise SourceError(f"{path}: the OFAC SDN file is empty")
    b = RecordBuilder()
    for row_no, values in enumerate(rows, start=1):
        original: dict[str, Any] = {
            (COLUMNS[i] if i < len(COLUMNS) else f"column_{i + 1}"): v for i, v in enumerate(values)
        }
        b.row(row_no, original, _entry(row_no, values, by_name))
    return b.build()


def _entry(row_no: int, values: list[str], by_name: dict[str, str]) -> Record:
    plan = Record()
    if not any(v.strip() for v in values):
        plan.reject("row", None, "empty_row", f"OFAC SDN row {row_no} is empty")
        return plan
    if len(values) != len(COLUMNS):
        plan.reject(
            "row",
            ",".join(values)[:200],
            "wrong_column_count",
            f"OFAC SDN row {row_no} has {len(values)} columns, {len(COLUMNS)} expected",
        )
        return plan
    cells = dict(zip(COLUMNS, (_cell(v) for v in values), strict=True))
    num, name = cells["ent_num"], clean(cells["SDN_Name"])
    what = f"OFAC SDN row {row_no} ({name or num!r})"
    if num is None or not num.isdigit():
        plan.reject("ent_num", num, "missing_field", f"{what}: ent_num {num!r} is not an entry number")
    if name is None:
        plan.reject("SDN_Name", None, "missing_field", f"{what}: no SDN_Name")
    sdn_type = (cells["SDN_Type"] or "").casefold()
    if sdn_type not in ENTITY_TYPES:
        plan.reject(
            "SDN_Type",
            cells["SDN_Type"],
            "unknown_entity_type",
            f"{what}: SDN_Type {cells['SDN_Type']!r} is not individual, vessel, aircraft or empty",
        )
    if not plan.ok:
        return plan
    assert num is not None and name is not None
    remarks = cells["Remarks"]
    segments = _segments(remarks)
    programmes = [p.strip() for p in (cells["Program"] or "").replace("] [", ";").strip("[] ").split(";")]
    identifiers = [seg.rstrip(".") for seg in segments if seg.startswith(ID_PREFIXES)]
    if cells["Call_Sign"]:
        identifiers.insert(0, f"Call Sign {cells['Call_Sign']}")
    nid = list_entry_id(LIST_NAME, num)
    props = {
        "list_name": LIST_NAME,
        "authority": AUTHORITY,
        "programme": "; ".join(p for p in programmes if p) or None,
        "list_ref": num,
        "name": name,
        "name_norm": norm(name),
        "aliases": unique((clean(m["alias"]) for m in _ALIAS.finditer(remarks or "")), exclude=[name])
        or None,
        "entity_type": ENTITY_TYPES[sdn_type],
        "identifiers": identifiers or None,
        "remarks": remarks,
    }
    plan.node("ListEntry", nid, props, primary=True)
    for link in link_names(remarks):
        target = _resolve(link, by_name)
        if target is not None:
            plan.edge("LINKED_TO", nid, list_entry_id(LIST_NAME, target), {"role": "Linked To"})
    return plan
