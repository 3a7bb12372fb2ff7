"""The synthetic demo case: deterministic, loadable layouts, and a ground truth that is true."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from graphtool.demo import DemoSummary, generate
from graphtool.demo.declarations import BAD_VALUES
from graphtool.demo.entities import Scale
from graphtool.demo.schemes import SCHEMES
from graphtool.demo.vocab import load
from graphtool.normalise import dates, hscodes, numbers
from graphtool.normalise.uscc import uscc_is_valid

LINES = 3_000
MAPPINGS = Path(__file__).resolve().parents[2] / "loaders" / "mappings"
CSV_FOR_MAPPING = {
    "companies.csv": "companies.yml",
    "people.csv": "people.yml",
    "ownership.csv": "ownership.yml",
    "officers.csv": "officers.yml",
    "licences.csv": "licences.yml",
    "bills_of_lading.csv": "bills_of_lading.yml",
    "trade_stats.csv": "trade_stats.yml",
    "restricted_list.csv": "list_entries.yml",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    return generate(tmp_path_factory.mktemp("demo"), declarations=LINES, seed=11)


@pytest.fixture(scope="module")
def truth(demo: DemoSummary) -> dict:
    return json.loads(demo.ground_truth.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def decls(demo: DemoSummary) -> pd.DataFrame:
    return pd.read_csv(demo.declarations_csv, encoding="gb18030", dtype=str, keep_default_na=False)


def read(demo: DemoSummary, name: str) -> pd.DataFrame:
    return pd.read_csv(demo.files[name], encoding="utf-8", dtype=str, keep_default_na=False)


def test_same_seed_gives_identical_bytes(demo: DemoSummary, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", declarations=LINES, seed=11)
    for name, path in demo.files.items():
        assert path.read_bytes() == again.files[name].read_bytes(), name


def test_another_seed_gives_other_data(demo: DemoSummary, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", declarations=LINES, seed=12)
    assert other.declarations_csv.read_bytes() != demo.declarations_csv.read_bytes()


def test_summary_counts_match_the_files(demo: DemoSummary, decls: pd.DataFrame) -> None:
    assert demo.declarations == LINES == len(decls)
    assert demo.rows["declarations.csv"] == LINES
    for name in CSV_FOR_MAPPING:
        assert demo.rows[name] == len(read(demo, name)), name
    assert set(demo.schemes) >= set(SCHEMES)
    assert all(demo.schemes[k] >= 2 for k in SCHEMES)
    assert demo.bad_rows >= 4


def test_declarations_are_gb18030_with_intact_chinese(demo: DemoSummary, decls: pd.DataFrame) -> None:
    raw = demo.declarations_csv.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GB18030, not UTF-8 with a misleading name
    text = raw.decode("gb18030")
    companies = read(demo, "companies.csv")
    exporters = set(decls["境内发货人"])
    registered = set(companies.loc[companies["country"] == "CN", "name"])
    assert len(exporters & registered) > 20
    for name in list(exporters & registered)[:50]:
        assert name in text
    assert "锑锭" in text or "金属镓" in text
    assert set(decls["运输方式"]) <= {"水路运输", "航空运输", "公路运输", "铁路运输", "邮件运输"}
    assert "中国" in set(decls["原产国(地区)"])


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_other_encodings_hold_the_same_text(demo: DemoSummary, tmp_path: Path, encoding: str) -> None:
    other = generate(tmp_path / encoding, declarations=LINES, seed=11, encoding=encoding)
    same = demo.declarations_csv.read_bytes().decode("gb18030")
    assert other.declarations_csv.read_bytes().decode(encoding) == same


def test_headers_are_those_of_the_mappings(demo: DemoSummary) -> None:
    mapping = yaml.safe_load((MAPPINGS / "cn_customs_export.yml").read_text(encoding="utf-8"))
    expected = [spec["headers"][0] for spec in mapping["fields"].values()]
    header = demo.declarations_csv.read_bytes().split(b"\n", 1)[0].decode("gb18030")
    assert [h.strip('"') for h in header.split(",")] == expected
    for csv_name, yml in CSV_FOR_MAPPING.items():
        fields = list(yaml.safe_load((MAPPINGS / yml).read_text(encoding="utf-8"))["fields"])
        assert list(read(demo, csv_name).columns) == fields, csv_name


def test_every_planted_declaration_exists(demo: DemoSummary, truth: dict, decls: pd.DataFrame) -> None:
    bills = read(demo, "bills_of_lading.csv")
    bl_numbers = set(bills["bl_no"])
    for typology in SCHEMES:
        assert any(s["typology"] == typology and s["declarations"] for s in truth["schemes"]), typology
    for record in truth["schemes"] + truth["decoys"]:
        for d in record["declarations"] + record["context_declarations"]:
            rows = decls.iloc[[r - 1 for r in d["rows"]]]
            assert set(rows["报关单号"]) == {d["declaration_no"]}, record["id"]
            assert [int(x) for x in rows["项号"]] == d["lines"], record["id"]
            assert list(rows["商品编号"]) == d["hs_codes"], record["id"]
        assert set(record["bl_numbers"]) <= bl_numbers, record["id"]
        if record["typology"] == "trade_surge":
            assert record["trade_stats"]["ratio"] >= 3


def test_onward_bills_match_weight_and_time(demo: DemoSummary, truth: dict) -> None:
    bills = read(demo, "bills_of_lading.csv").set_index("bl_no")
    checked = 0
    for record in truth["schemes"]:
        if record["typology"] != "transshipment":
            continue
        export_bl = {d["declaration_no"]: d["bl_no"] for d in record["declarations"]}
        for o in record["onward_bills"]:
            first, onward = bills.loc[export_bl[o["after_declaration_no"]]], bills.loc[o["bl_no"]]
            assert onward["shipper_country"] != "CN" and onward["consignee_country"] == "US"
            to_kg = {"KG": 1.0, "KGS": 1.0, "MT": 1000.0, "LBS": 0.45359237}
            w1 = float(first["weight"]) * to_kg[first["weight_unit"]]
            w2 = float(onward["weight"]) * to_kg[onward["weight_unit"]]
            assert abs(w2 / w1 - 1) <= 0.10
            days = (dates.parse_date(onward["date"]) - dates.parse_date(first["date"])).days
            assert 0 < days <= 60
            checked += 1
    assert checked >= 2


def test_bad_rows_are_exactly_the_bad_ones(truth: dict, decls: pd.DataFrame) -> None:
    def fails(fn, value: str) -> bool:
        try:
            fn(value)
        except ValueError:
            return True
        return False

    checks = {
        "hs_code": ("商品编号", hscodes.hs_code),
        "declaration_date": ("申报日期", dates.parse_date),
        "net_kg": ("净重(千克)", numbers.parse_number),
        "consignee_name": ("境外收货人", lambda v: v or (_ for _ in ()).throw(ValueError("empty"))),
    }
    expected = {(b["row"], b["field"]) for b in truth["bad_rows"]}
    assert {b["file"] for b in truth["bad_rows"]} == {"declarations.csv"}
    assert {f for _, f in expected} == set(checks)
    found = set()
    for field, (header, fn) in checks.items():
        bad_values = {v for v in decls[header].unique() if fails(fn, v)}
        rows = decls.index[decls[header].isin(bad_values)] + 1
        found |= {(int(r), field) for r in rows}
    assert found == expected


@pytest.mark.parametrize(
    ("field", "parse"),
    [("hs_code", hscodes.hs_code), ("declaration_date", dates.parse_date), ("net_kg", numbers.parse_number)],
)
def test_every_planted_bad_value_is_rejected_by_the_normalisers(field: str, parse) -> None:
    for value in BAD_VALUES[field]:
        with pytest.raises(ValueError):
            parse(value)


def test_usccs_are_valid_except_the_planted_typos(
    demo: DemoSummary, truth: dict, decls: pd.DataFrame
) -> None:
    planted = {r for entry in truth["invalid_usccs"] for r in entry["rows"]}
    assert planted
    columns = ["境内发货人统一社会信用代码", "生产销售单位统一社会信用代码", "申报单位统一社会信用代码"]
    for column in columns:
        values = decls[column]
        invalid = {i + 1 for i, v in enumerate(values) if v and not uscc_is_valid(v)}
        assert invalid == (planted if column == columns[0] else set()), column
    for entry in truth["invalid_usccs"]:
        assert uscc_is_valid(entry["valid_code"]) and not uscc_is_valid(entry["value"])
    for name, column in [
        ("companies.csv", "uscc"),
        ("licences.csv", "holder_uscc"),
        ("ownership.csv", "owned_uscc"),
    ]:
        codes = [c for c in read(demo, name)[column] if c]
        assert codes and all(uscc_is_valid(c) for c in codes), name


def test_goods_codes_are_real_hs2022_subheadings() -> None:
    for good in load().goods:
        assert hscodes.hs_code(good.hs) == good.hs, good.key


def test_background_never_ships_controlled_goods_unlicensed(truth: dict, decls: pd.DataFrame) -> None:
    vocab = load()
    start = {
        g.hs: vocab.controls[g.family].start for g in vocab.goods if g.controlled and g.hs != "8505111000"
    }
    planted = {
        r for rec in truth["schemes"] + truth["decoys"] for d in rec["declarations"] for r in d["rows"]
    }
    epoch = dt.date(2023, 1, 1)
    for i, row in enumerate(decls.itertuples(index=False), start=1):
        hs, date, licence = row[26], row[2], row[15]
        if hs in start and not licence and i not in planted:
            try:
                day = (dates.parse_date(date) - epoch).days
            except ValueError:
                continue
            assert day < start[hs], (i, hs, date)


def test_licensed_lines_use_valid_licences(demo: DemoSummary, decls: pd.DataFrame) -> None:
    licences = read(demo, "licences.csv").set_index("licence_no")
    used = decls[decls["许可证号"] != ""]
    assert len(used) > 0
    for _, row in used.iterrows():
        lic = licences.loc[row["许可证号"]]
        day = dates.parse_date(row["申报日期"]).isoformat()
        assert lic["valid_from"] <= day <= lic["valid_to"]
        assert lic["hs_code"] == row["商品编号"]


def test_ownership_has_unknown_shares_chains_and_a_cycle(demo: DemoSummary, truth: dict) -> None:
    owners = read(demo, "ownership.csv")
    assert (owners["percent"] == "").any()
    assert {"VG", "HK"} <= set(owners["owner_country"])
    hidden = [s for s in truth["schemes"] if s["typology"] == "hidden_foreign_owner"]
    assert all(s["facts"]["effective_percent"] >= 25 for s in hidden)
    cycle = [s["facts"]["circular_pair"] for s in hidden if "circular_pair" in s["facts"]]
    assert len(cycle) == 1
    companies = read(demo, "companies.csv")
    keyed = {e["key"]: e["name"] for s in hidden for e in s["entities"]}
    a, b = (keyed[k] for k in cycle[0])
    pairs = set(zip(owners["owner_name"], owners["owned_name"], strict=True))
    assert (a, b) in pairs and (b, a) in pairs
    assert {"forwarder", "logistics"} & set(companies["sector"])
    assert (companies["state_trading"] == "true").any()


def test_restricted_list_designations_fall_inside_the_period(demo: DemoSummary) -> None:
    entries = read(demo, "restricted_list.csv")
    assert set(entries["list_name"]) == {"MOFCOM export control control list", "Demo restricted end-users"}
    assert (entries["start_date"] > "2023-06-01").any()
    assert (entries["aliases"] != "").any()


def test_name_clusters_cover_chinese_and_latin_forms(truth: dict) -> None:
    domestic = [c for c in truth["name_clusters"] if c["kind"] == "domestic"]
    assert any(
        any("\u4e00" <= ch <= "\u9fff" for ch in c["names"][0]) and len(c["names"]) >= 3 for c in domestic
    )
    assert any(c["kind"] == "listed" for c in truth["name_clusters"])
    assert truth["distinct_names"]


def test_entity_counts_grow_with_the_square_root_of_lines() -> None:
    assert 250 <= Scale(20_000).exporters <= 400
    assert 1_800 <= Scale(1_000_000).exporters <= 2_500
    assert 2_500 <= Scale(1_000_000).consignees <= 3_500
    assert Scale(1_000_000).instances > Scale(20_000).instances >= 2


def test_too_few_lines_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(tmp_path, declarations=10)
