"""Mappings: a new layout needs a YAML file, not code; a bad mapping is refused before any row."""

from __future__ import annotations

import pytest
import yaml

from graphtool.errors import MappingError
from graphtool.workspace import Workspace
from loaders import load_file
from loaders.mapping import builtin_mappings, parse_mapping
from tests.support import write_csv

THAI_IMPORTS = """
name: th_customs_imports
description: A foreign import register with its own column names
fields:
  entry_no: {headers: [Entry No], type: reference, required: true}
  entry_date: {headers: [Entry Date], type: date, order: dmy, required: true}
  importer: {headers: [Importer Name], type: name, required: true}
  exporter: {headers: [Exporter Name], type: name, required: true}
  origin: {headers: [Origin], type: country}
  hs: {headers: [HS], type: hs_code, required: true}
  kg: {headers: [Net Weight], type: float}
entities:
  shipment:
    label: Shipment
    primary: true
    id:
      - {scheme: no, fields: [entry_no]}
    properties: {bl_no: entry_no, date: entry_date, hs_code: hs, weight_kg: kg, declared_origin: origin}
  importer_co:
    label: Company
    id:
      - {scheme: name, fields: [importer.norm, =TH], hash: true}
    properties: {name: importer, name_norm: importer.norm, country: =TH}
  exporter_co:
    label: Company
    id:
      - {scheme: name, fields: [exporter.norm, origin], hash: true}
    properties: {name: exporter, name_norm: exporter.norm, country: origin}
relationships:
  - {type: SHIPPED, from: exporter_co, to: shipment}
  - {type: CONSIGNED_TO, from: shipment, to: importer_co}
"""


def test_a_new_layout_loads_with_a_mapping_file_and_no_code(tmp_path):
    mapping = tmp_path / "th.yml"
    mapping.write_text(THAI_IMPORTS, encoding="utf-8")
    rows = [
        {
            "Entry No": "A0012",
            "Entry Date": "05/11/2024",
            "Importer Name": "Siam Metals Co., Ltd.",
            "Exporter Name": "Apex Alloys Trading",
            "Origin": "Malaysia",
            "HS": "811010",
            "Net Weight": "1,000",
        }
    ]
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        report = load_file(ws, write_csv(tmp_path / "th.csv", rows), mapping=mapping)
        assert report.loaded == 1
        assert ws.con.execute(
            "SELECT date::VARCHAR, weight_kg, declared_origin FROM node_shipment"
        ).fetchall() == [("2024-11-05", 1000.0, "MY")]


def _doc(**changes):
    doc = yaml.safe_load(THAI_IMPORTS)
    for path, value in changes.items():
        target = doc
        *parents, last = path.split("/")
        for p in parents:
            target = target[p]
        target[last] = value
    return doc


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"entities/shipment/label": "Cargo"}, "entity shipment: unknown label 'Cargo'"),
        ({"entities/shipment/properties": {"tonnage": "kg"}}, "Shipment has no property 'tonnage'"),
        ({"entities/shipment/properties": {"weight_kg": "weight"}}, "refers to unknown field 'weight'"),
        ({"fields/kg": {"type": "kilos"}}, "field kg: unknown type 'kilos'"),
        (
            {"relationships": [{"type": "OWNS", "from": "shipment", "to": "importer_co"}]},
            "'from' is a Shipment, OWNS needs one of",
        ),
        ({"entities/shipment/primary": False}, "primary: true"),
    ],
)
def test_a_broken_mapping_is_refused_with_the_mapping_and_entry_named(change, expected):
    with pytest.raises(MappingError) as err:
        parse_mapping(_doc(**change), "th.yml")
    assert "mapping th.yml" in str(err.value)
    assert expected in str(err.value)


def test_all_built_in_mappings_are_valid():
    names = set(builtin_mappings())
    assert {
        "cn_customs_export",
        "companies",
        "people",
        "ownership",
        "officers",
        "licences",
        "bills_of_lading",
        "trade_stats",
        "list_entries",
    } <= names
