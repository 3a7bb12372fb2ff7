"""The documented canonical CSV layouts: each is recognised by its headers and lands in the model,
and sources that share an identifier meet on one node."""

from __future__ import annotations

import pytest

from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import CN_HEADERS, EXPORTER, EXPORTER_USCC, cn_row, write_csv

HOLDING = {"name": "Hengda Resources (HK) Limited", "country": "Hong Kong", "registration_no": "2876541"}


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as workspace:
        yield workspace


def one(ws, sql, *params):
    return ws.con.execute(sql, list(params)).fetchall()


def test_companies_meet_declarations_on_the_credit_code(ws, tmp_path):
    load_file(ws, write_csv(tmp_path / "d.csv", [cn_row()], CN_HEADERS))
    companies = [
        {
            "name": EXPORTER,
            "uscc": EXPORTER_USCC,
            "country": "中国",
            "address": "浙江省宁波市北仑区新碶街道明州路1号",
            "phone": "+86 574 8688 1234",
            "email": "Sales@HengdaRM.cn",
            "incorporation_date": "2016-03-01",
            "aliases": "Ningbo Hengda Rare Metals Co., Ltd.;NINGBO HENGDA RARE METAL CO LTD",
        },
        HOLDING,
    ]
    report = load_file(ws, write_csv(tmp_path / "companies.csv", companies))
    assert report.loader == "tabular" and report.loaded == 2
    row = one(
        ws,
        "SELECT name, aliases, phone, email, incorporation_date::VARCHAR FROM node_company WHERE id = ?",
        f"Company:uscc:{EXPORTER_USCC}",
    )[0]
    assert row == (
        EXPORTER,
        ["Ningbo Hengda Rare Metals Co., Ltd.", "NINGBO HENGDA RARE METAL CO LTD"],
        "+8657486881234",
        "sales@hengdarm.cn",
        "2016-03-01",
    )
    linked = {
        t for (t,) in one(ws, "SELECT type FROM graph_edges WHERE src = ?", f"Company:uscc:{EXPORTER_USCC}")
    }
    assert linked == {"EXPORTED", "LOCATED_AT", "HAS_PHONE", "HAS_EMAIL"}


def test_ownership_keeps_unknown_percentages_unknown(ws, tmp_path):
    rows = [
        {
            "owner_type": "company",
            "owner_name": HOLDING["name"],
            "owner_country": "HK",
            "owner_registration_no": "2876541",
            "owned_name": EXPORTER,
            "owned_uscc": EXPORTER_USCC,
            "owned_country": "CN",
            "percent": "60%",
            "start_date": "2021-05-01",
        },
        {
            "owner_type": "person",
            "owner_name": "John Carter",
            "owner_nationality": "US",
            "owner_birth_date": "1971-04",
            "owned_name": HOLDING["name"],
            "owned_registration_no": "2876541",
            "owned_country": "HK",
            "percent": "",
        },
    ]
    load_file(ws, write_csv(tmp_path / "company_list.csv", [HOLDING]))
    report = load_file(ws, write_csv(tmp_path / "ownership.csv", rows))
    assert report.loaded == 2
    edges = one(
        ws, "SELECT src, dst, percent FROM graph_edges WHERE type = 'OWNS' ORDER BY percent NULLS LAST"
    )
    assert edges[0] == ("Company:reg:HK:2876541", f"Company:uscc:{EXPORTER_USCC}", 60.0)
    assert edges[1][1] == "Company:reg:HK:2876541" and edges[1][2] is None
    assert one(ws, "SELECT name, nationality, birth_date FROM node_person") == [
        ("John Carter", "US", "1971-04")
    ]


def test_officers_licences_bills_of_lading_trade_stats_and_lists_load(ws, tmp_path):
    files = {
        "officers.csv": [
            {
                "person_name": "王建国",
                "person_nationality": "CN",
                "company_name": EXPORTER,
                "company_uscc": EXPORTER_USCC,
                "company_country": "CN",
                "role": "法定代表人",
                "start_date": "2016-03-01",
            }
        ],
        "licences.csv": [
            {
                "licence_no": "24CN-SB-0001",
                "holder_name": EXPORTER,
                "holder_uscc": EXPORTER_USCC,
                "end_user_name": "Siam Metals Co., Ltd.",
                "end_user_country": "TH",
                "destination_country": "TH",
                "hs_code": "8110101000",
                "quantity_kg": "50000",
                "valid_from": "2024-10-01",
                "valid_to": "2025-09-30",
            }
        ],
        "bills.csv": [
            {
                "bl_no": "COSU6123456780",
                "date": "2024-10-20",
                "shipper_name": "NINGBO HENGDA RARE METAL",
                "shipper_country": "CN",
                "consignee_name": "Apex Alloys Trading Co., Ltd",
                "consignee_country": "TH",
                "port_of_loading": "Ningbo",
                "loading_country": "CN",
                "port_of_discharge": "Laem Chabang",
                "discharge_country": "TH",
                "vessel": "COSCO SHIPPING ARIES",
                "description": "ANTIMONY INGOTS",
                "hs_code": "811010",
                "weight": "20.4",
                "weight_unit": "MT",
            }
        ],
        "stats.csv": [
            {
                "reporter": "TH",
                "partner": "CN",
                "flow": "import",
                "month": "2024-11",
                "hs6": "811010",
                "kg": "1200000",
                "usd": "30000000",
            }
        ],
        "list.csv": [
            {
                "list_name": "Demo restricted end-users",
                "list_ref": "R-001",
                "name": "APEX ALLOY TRADING COMPANY LIMITED",
                "aliases": "Apex Alloys Trading",
                "country": "Thailand",
                "start_date": "2025-01-15",
                "entity_type": "company",
            }
        ],
    }
    for name, rows in files.items():
        report = load_file(ws, write_csv(tmp_path / name, rows))
        assert (report.loaded, report.quarantined) == (1, 0), name
    assert one(ws, "SELECT role FROM graph_edges WHERE type = 'OFFICER_OF'") == [("法定代表人",)]
    assert one(ws, "SELECT weight_kg FROM node_shipment WHERE bl_no = 'COSU6123456780'") == [(20400.0,)]
    assert one(ws, "SELECT reporter, month, kg FROM trade_stats") == [("TH", "2024-11", 1200000.0)]
    assert one(ws, "SELECT id, country, start_date::VARCHAR FROM node_listentry") == [
        ("ListEntry:ref:demo restricted end users:R-001", "TH", "2025-01-15")
    ]
    assert {t for (t,) in one(ws, "SELECT type FROM graph_edges")} >= {
        "LICENSED_TO",
        "END_USER",
        "SHIPPED",
        "CONSIGNED_TO",
        "CARRIED_ON",
        "LOADED_AT",
    }


def test_a_bill_of_lading_completes_the_shipment_a_declaration_mentions(ws, tmp_path):
    load_file(ws, write_csv(tmp_path / "d.csv", [cn_row()], CN_HEADERS))
    assert one(ws, "SELECT bl_no, weight_kg FROM node_shipment") == [("COSU6123456780", None)]
    bill = {
        "bl_no": "COSU6123456780",
        "date": "2024-10-20",
        "shipper_name": "NINGBO HENGDA",
        "shipper_country": "CN",
        "consignee_name": "Apex",
        "consignee_country": "TH",
        "description": "ANTIMONY",
        "weight": "20400",
    }
    report = load_file(ws, write_csv(tmp_path / "bl.csv", [bill]))
    assert report.loaded == 1 and report.quarantined == 0
    assert one(ws, "SELECT bl_no, weight_kg FROM node_shipment") == [("COSU6123456780", 20400.0)]


def test_an_excel_workbook_reads_like_a_csv(ws, tmp_path):
    import pandas as pd

    path = tmp_path / "companies.xlsx"
    pd.DataFrame([{"企业名称": EXPORTER, "统一社会信用代码": EXPORTER_USCC, "国家(地区)": "中国"}]).to_excel(
        path, index=False
    )
    report = load_file(ws, path)
    assert report.loaded == 1
    assert one(ws, "SELECT name, country FROM node_company") == [(EXPORTER, "CN")]


def test_relationship_ids_from_tables_follow_the_one_id_rule(ws, tmp_path):
    from graphtool.ids import edge_id

    load_file(ws, write_csv(tmp_path / "d.csv", [cn_row()], CN_HEADERS))
    rows = [
        {
            "person_name": "王建国",
            "company_name": EXPORTER,
            "company_uscc": EXPORTER_USCC,
            "company_country": "CN",
            "role": "法定代表人",
            "start_date": "2016-03-01",
        }
    ]
    load_file(ws, write_csv(tmp_path / "officers.csv", rows))
    for rel_id, rel_type, src, dst in one(ws, "SELECT id, type, src, dst FROM graph_edges"):
        qualifier = rel_id.partition("#")[2]
        assert rel_id == edge_id(rel_type, src, dst, qualifier)
