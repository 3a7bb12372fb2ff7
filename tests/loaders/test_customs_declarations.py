"""Chinese customs export declarations: the file investigators get from customs, in any encoding."""

from __future__ import annotations

import json

import pytest

from graphtool.errors import MappingError
from graphtool.workspace import Workspace
from loaders import load_file
from tests.support import CN_HEADERS, EXPORTER, EXPORTER_USCC, cn_row, declaration_file, write_csv


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as workspace:
        yield workspace


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_file_in_any_chinese_encoding_keeps_names_intact(ws, tmp_path, encoding):
    path = declaration_file(tmp_path / "decl.csv", encoding=encoding)
    report = load_file(ws, path)
    assert report.loaded == 3
    names = ws.con.execute("SELECT name FROM node_company ORDER BY name").fetchall()
    assert (EXPORTER,) in names
    assert ("湖南锑都冶炼有限公司",) in names


def test_every_row_is_accounted_for(ws, tmp_path):
    rows = [cn_row(**{"报关单号": f"31042024000001234{i}"}) for i in range(5)]
    rows.append(dict(rows[0]))  # exact duplicate line
    rows.append(cn_row(**{"报关单号": "310420240000099999", "商品编号": "28"}))  # bad HS code
    report = load_file(ws, write_csv(tmp_path / "d.csv", rows, CN_HEADERS))
    assert report.rows_read == 7
    assert (report.loaded, report.quarantined, report.duplicates) == (5, 1, 1)
    assert report.rows_read == report.loaded + report.quarantined + report.duplicates


def test_a_rejected_row_names_file_row_field_value_and_every_reason(ws, tmp_path):
    rows = [
        cn_row(),
        cn_row(
            **{
                "项号": "2",
                "申报日期": "2024-02-30",
                "净重(千克)": "二十",
                "境外收货人": "",
                "运抵国(地区)": "纳尼亚",
            }
        ),
    ]
    load_file(ws, write_csv(tmp_path / "bad.csv", rows, CN_HEADERS))
    ((file_name, row_no, reasons),) = ws.con.execute(
        "SELECT f.name, q.row_no, q.reasons FROM quarantine q JOIN source_files f USING (file_id)"
    ).fetchall()
    assert (file_name, row_no) == ("bad.csv", 2)
    by_field = {r["field"]: r for r in json.loads(reasons)}
    assert set(by_field) == {"申报日期", "净重(千克)", "境外收货人", "运抵国(地区)"}
    assert by_field["申报日期"]["value"] == "2024-02-30"
    assert by_field["境外收货人"]["rule"] == "required"
    assert "纳尼亚" in by_field["运抵国(地区)"]["message"]
    # the rejected row's original values are kept too
    assert ws.raw_record(1, 2)["净重(千克)"] == "二十"


def test_a_missing_required_column_fails_the_whole_file_and_loads_nothing(ws, tmp_path):
    headers = [h for h in CN_HEADERS if h not in ("申报日期", "商品编号")]
    path = write_csv(tmp_path / "short.csv", [cn_row()], headers)
    with pytest.raises(MappingError) as err:
        load_file(ws, path, mapping="loaders/mappings/cn_customs_export.yml")
    message = str(err.value)
    assert "申报日期" in message and "商品编号" in message and "境内发货人" in message  # missing and found
    assert ws.con.execute("SELECT count(*) FROM source_files").fetchall()[0][0] == 0


def test_full_width_brackets_in_headers_are_recognised(ws, tmp_path):
    headers = [h.replace("(", "（").replace(")", "）") for h in CN_HEADERS]
    row = {h2: cn_row()[h1] for h1, h2 in zip(CN_HEADERS, headers, strict=True)}
    report = load_file(ws, write_csv(tmp_path / "fw.csv", [row], headers))
    assert report.loaded == 1
    assert ws.con.execute("SELECT arrival_country FROM node_declaration").fetchall() == [("TH",)]


def test_declaration_facts_are_normalised(ws, tmp_path):
    load_file(ws, write_csv(tmp_path / "d.csv", [cn_row()], CN_HEADERS))
    row = ws.con.execute("""SELECT declaration_no, line_no, declaration_date::VARCHAR, transport_mode, trade_mode,
                            arrival_country, destination_country, hs_code, net_kg, currency, value_usd,
                            unit_value_usd FROM node_declaration""").fetchall()[0]
    assert row == (
        "310420240000012345",
        1,
        "2024-10-08",
        "2",
        "0110",
        "TH",
        "US",
        "8110101000",
        20000.0,
        "USD",
        500000.0,
        25.0,
    )


@pytest.mark.parametrize(
    ("day", "destination", "rule"),
    [
        ("2024-09-14", "泰国", None),  # before the antimony control (2024 No. 33) took effect
        ("2024-09-15", "泰国", "2024-33-antimony"),
        ("2025-01-10", "美国", "2024-46-c2-antimony-us"),  # clause 2 of No. 46: US destination
    ],
)
def test_each_line_is_tagged_with_the_control_rule_in_force(ws, tmp_path, day, destination, rule):
    load_file(
        ws,
        write_csv(
            tmp_path / "d.csv", [cn_row(**{"申报日期": day, "最终目的国(地区)": destination})], CN_HEADERS
        ),
    )
    assert ws.con.execute("SELECT control_rule FROM node_declaration").fetchall() == [(rule,)]


def test_an_invalid_credit_code_is_flagged_not_dropped(ws, tmp_path):
    bad = EXPORTER_USCC[:-1] + ("0" if EXPORTER_USCC[-1] != "0" else "1")
    load_file(ws, write_csv(tmp_path / "d.csv", [cn_row(**{"境内发货人统一社会信用代码": bad})], CN_HEADERS))
    assert ws.con.execute("SELECT uscc, uscc_valid FROM node_company WHERE uscc IS NOT NULL").fetchall() == [
        (bad, False)
    ]


def test_declaration_lines_are_linked_to_their_parties(ws, tmp_path):
    load_file(ws, write_csv(tmp_path / "d.csv", [cn_row(**{"许可证号": "24CN-SB-0001"})], CN_HEADERS))
    types = {t for (t,) in ws.con.execute("SELECT type FROM graph_edges").fetchall()}
    assert types == {"EXPORTED", "PRODUCED_BY", "CONSIGNED_TO", "DECLARED_BY", "UNDER_LICENCE", "SHIPPED_AS"}
    exporter = ws.con.execute("SELECT src FROM graph_edges WHERE type = 'EXPORTED'").fetchall()[0][0]
    assert exporter == f"Company:uscc:{EXPORTER_USCC}"


def test_a_row_with_the_wrong_number_of_fields_is_quarantined_and_the_rest_keep_their_numbers(ws, tmp_path):
    path = write_csv(tmp_path / "d.csv", [cn_row(**{"项号": str(i)}) for i in range(1, 4)], CN_HEADERS)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, lines[2] + ",surplus,fields")  # becomes data row 2; the old rows 2 and 3 move to 3 and 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_file(ws, path)
    assert (report.rows_read, report.loaded, report.quarantined) == (4, 3, 1)
    ((row_no, reasons),) = ws.con.execute("SELECT row_no, reasons FROM quarantine").fetchall()
    assert row_no == 2 and "29 fields, the header has 27" in reasons
    assert ws.raw_record(1, 2)["column 28"] == "surplus"
    assert ws.con.execute("SELECT line_no, row_no FROM node_declaration ORDER BY row_no").fetchall() == [
        (1, 1),
        (2, 3),
        (3, 4),
    ]


def test_a_file_that_is_neither_utf8_nor_gb18030_is_refused_with_its_name(ws, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(",".join(CN_HEADERS).encode("gb18030") + b"\n\x81\x20\n")
    from graphtool.errors import SourceError

    with pytest.raises(SourceError, match=r"bad\.csv: neither UTF-8 nor GB18030"):
        load_file(ws, path)


def test_a_pipe_separated_gbk_file_keeps_names_and_original_records(ws, tmp_path):
    # "|" can be the second byte of a GBK character, so such cells must not be split as bytes
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CN_HEADERS, delimiter="|", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([cn_row(**{"项号": "1", "境外收货人": "曼谷锑业公司"}), cn_row(**{"项号": "2"})])
    path = tmp_path / "pipes.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))
    report = load_file(ws, path)
    assert (report.encoding, report.loaded) == ("gb18030", 2)
    assert ("曼谷锑业公司",) in ws.con.execute("SELECT name FROM node_company").fetchall()
    assert ws.raw_record(1, 1)["境外收货人"] == "曼谷锑业公司"  # read back from the original bytes
    assert ws.raw_record(1, 2)["境内发货人"] == EXPORTER
