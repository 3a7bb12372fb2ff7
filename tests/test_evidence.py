"""Evidence packs: a prosecutor's case file whose every fact cites its source, and whose every
byte can be checked again later."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from graphtool import cases
from graphtool.alerts import run_alerts
from graphtool.config import Settings
from graphtool.evidence import build_pack, verify_pack
from graphtool.store import open_store
from graphtool.workspace import Workspace
from tests.exports_support import load
from tests.support import EXPORTER, EXPORTER_USCC, declaration_file

FTM_SAMPLE = Path(__file__).parent / "fixtures" / "ftm_sample.jsonl"
EXPORTER_ID = f"Company:uscc:{EXPORTER_USCC}"
LISTED_ID = "Company:uscc:91430100MA4L0XH279"  # on the Entity List in the FtM sample


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """The FtM sample and three unlicensed antimony declarations; one alert; one case holding the
    exporter's neighbourhood (as the store found it), the alert and a note."""
    folder = tmp_path_factory.mktemp("evidence")
    path = folder / "ws.duckdb"
    sources = folder / "sources"
    sources.mkdir()
    shutil.copy(FTM_SAMPLE, sources / FTM_SAMPLE.name)
    with Workspace.open(path) as ws:
        load(ws, sources / FTM_SAMPLE.name, declaration_file(sources / "declarations.csv"))
        (alert,) = run_alerts(ws, ["unlicensed_export"])
    with open_store(Settings(path)) as store:
        neighbourhood = store.neighbourhood([EXPORTER_ID, LISTED_ID], hops=1)
    with Workspace.open(path) as ws:
        case = cases.create_case(ws, "锑锭经泰国转运 / antimony via Thailand", "li.wei", tags=["antimony"])
        cases.add_to_case(
            ws,
            case.case_id,
            "li.wei",
            subgraph=neighbourhood,
            alerts=[alert.id],
            notes=["提单重量与报关单一致"],
            query={"name": "neighbourhood", "parameters": {"ids": [EXPORTER_ID, LISTED_ID], "hops": 1}},
        )
    return path


@pytest.fixture(scope="module")
def pack(workspace, tmp_path_factory):
    out = tmp_path_factory.mktemp("packs")
    with Workspace.open(workspace, read_only=True) as ws:
        result = build_pack(ws, cases.get_case(ws, "CASE-0001"), out)
    return result


def test_the_pack_holds_report_data_and_manifest(pack):
    names = sorted(p.name for p in pack.folder.iterdir())
    assert names == sorted(
        [
            "report.html",
            "report.pdf",
            "case.json",
            "facts.json",
            "alerts.json",
            "queries.json",
            "subgraph.graphml",
            "manifest.json",
        ]
    )
    with zipfile.ZipFile(pack.zip) as archive:
        assert sorted(archive.namelist()) == names
    manifest = json.loads((pack.folder / "manifest.json").read_text())
    assert manifest["case_id"] == "CASE-0001" and manifest["tool_version"]
    assert {s["name"] for s in manifest["source_files"]} == {"ftm_sample.jsonl", "declarations.csv"}
    assert set(manifest["files"]) == set(names) - {"manifest.json"}


def test_every_fact_cites_file_row_and_sha256_with_its_original_record(pack):
    facts = json.loads((pack.folder / "facts.json").read_text())
    declaration = next(f for f in facts if f["kind"] == "Declaration" and f["file"] == "declarations.csv")
    assert declaration["row"] >= 1 and len(declaration["sha256"]) == 64
    assert declaration["record"]["境内发货人"] == EXPORTER  # the row as the source wrote it
    assert all(f["file"] and f["sha256"] and f["row"] for f in facts)


def test_alerts_carry_rule_reasoning_and_the_exact_query(pack):
    (alert,) = json.loads((pack.folder / "alerts.json").read_text())
    assert alert["rule"] == "unlicensed_export" and alert["sentence"] and alert["indicators"]
    queries = json.loads((pack.folder / "queries.json").read_text())
    rule_query = next(q for q in queries if q.get("rule") == "unlicensed_export")
    assert "SELECT" in rule_query["sql"] and rule_query["parameters"]
    assert any(q.get("parameters") == {"ids": [EXPORTER_ID, LISTED_ID], "hops": 1} for q in queries)
    html = (pack.folder / "report.html").read_text()
    assert EXPORTER in html and alert["sentence"].split(" ")[0] in html and "<script" not in html


def test_making_the_pack_again_gives_the_same_bytes_but_the_creation_time(workspace, pack, tmp_path):
    with Workspace.open(workspace, read_only=True) as ws:
        again = build_pack(ws, cases.get_case(ws, "CASE-0001"), tmp_path)
    first = json.loads((pack.folder / "manifest.json").read_text())
    second = json.loads((again.folder / "manifest.json").read_text())
    first.pop("created_at"), second.pop("created_at")
    assert first == second
    lines = lambda p: [x for x in (p / "manifest.json").read_text().splitlines() if "created_at" not in x]  # noqa: E731
    assert lines(pack.folder) == lines(again.folder)


def test_the_pdf_renders_with_chinese_names(pack, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pack.folder / "report.pdf"), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    first = Image.open(pages[0]).convert("L")
    assert first.getextrema()[0] < 100  # ink on the page, not a blank
    fonts = subprocess.run(
        ["pdffonts", str(pack.folder / "report.pdf")], capture_output=True, text=True, check=True
    )
    assert "NotoSansCJK" in fonts.stdout and " yes " in fonts.stdout  # the CJK font is embedded
    text = subprocess.run(
        ["pdftotext", str(pack.folder / "report.pdf"), "-"], capture_output=True, text=True, check=True
    )
    assert EXPORTER in text.stdout.replace("\n", "") and "锑锭经泰国转运" in text.stdout


def test_an_untouched_pack_verifies(pack):
    for path in (pack.folder, pack.zip):
        check = verify_pack(path)
        assert check.ok and check.checked == 7 and check.sources_checked == 2, check.problems


def test_a_tampered_pack_is_detected(pack, tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(pack.folder, copy)
    facts = copy / "facts.json"
    facts.write_text(facts.read_text().replace("declarations.csv", "other.csv", 1))
    (copy / "alerts.json").unlink()
    (copy / "extra.txt").write_text("added")
    assert verify_pack(copy).problems == [
        "facts.json: changed (sha256 differs from the manifest)",
        "alerts.json: missing from the pack",
        "extra.txt: not in the manifest (added later)",
    ]


def test_a_changed_source_file_is_detected(pack, workspace):
    source = workspace.parent / "sources" / "declarations.csv"
    original = source.read_bytes()
    try:
        source.write_bytes(original + b"\n")
        problems = verify_pack(pack.zip).problems
        assert len(problems) == 1 and "declarations.csv: sha256 differs from the one loaded" in problems[0]
    finally:
        source.write_bytes(original)
