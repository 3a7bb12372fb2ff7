"""Entity resolution: one firm written many ways becomes one cluster; look-alikes stay apart; people decide."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphtool.cli import cli
from graphtool.errors import GraphtoolError
from graphtool.normalise.uscc import make_uscc
from graphtool.resolution import judge, resolve
from graphtool.workspace import Workspace
from loaders import load_file

HENGDA_USCC = make_uscc("91330206MA2AB3C4D")
OTHER_USCC = make_uscc("91440300MA5FG6H7J")
DECOY_USCC = make_uscc("91440300MA5KL8M9N")
CENTRE = "深圳市前海深港合作区前湾一路1号A栋201室"
COLUMNS = ["name", "aliases", "uscc", "country", "address", "phone"]
ROWS = [
    [
        "宁波恒达稀有金属有限公司",
        "",
        HENGDA_USCC,
        "CN",
        "浙江省宁波市北仑区梅山七星路88号",
        "+86 574 8765 4321",
    ],
    ["Ningbo Hengda Rare Metals Co., Ltd.", "", "", "CN", "", "+86 574 8765 4321"],
    ["NINGBO HENGDA RARE METAL CO LTD", "", "", "CN", "", ""],
    ["寧波恒達稀有金屬股份有限公司", "", "", "CN", "", ""],
    ["Ningbo Hengda Rare Metals Co Ltd", "", OTHER_USCC, "CN", "", ""],  # same name, another valid code
    ["深圳恒大稀有金属有限公司", "", DECOY_USCC, "CN", "", ""],  # sounds alike: another firm
    ["Shenzhen Qianhai Ruida Trading Co., Ltd.", "", "", "CN", CENTRE, ""],  # business centre:
    ["Shenzhen Jinqiao Supply Chain Co., Ltd.", "", "", "CN", CENTRE, ""],  # same address, other firms
    ["Ningbo Hengda Rare Metal Products Co., Ltd.", "", "", "CN", "", ""],  # similar, not alike enough
]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def _loaded(folder: Path) -> Workspace:
    workspace = Workspace.open(folder / "ws.duckdb")
    load_file(workspace, _write(folder / "companies.csv", ROWS))
    return workspace


@pytest.fixture
def ws(tmp_path):
    workspace = _loaded(tmp_path)
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    """One workspace resolved once, for the tests that only read the result."""
    workspace = _loaded(tmp_path_factory.mktemp("resolved"))
    summary = resolve(workspace)
    yield workspace, summary
    workspace.close()


def _id(ws: Workspace, name: str) -> str:
    return ws.con.execute("SELECT id FROM node_company WHERE name = ?", [name]).fetchall()[0][0]


def _cluster(ws: Workspace, name: str) -> set[str]:
    rows = ws.con.execute(
        """SELECT c.name FROM clusters m JOIN clusters k ON k.canonical_id = m.canonical_id
           JOIN node_company c ON c.id = k.member_id WHERE m.member_id = ?""",
        [_id(ws, name)],
    ).fetchall()
    return {r[0] for r in rows} or {name}


def test_one_firm_in_both_scripts_becomes_one_cluster_around_its_registered_record(resolved):
    ws, summary = resolved
    assert summary["labels"]["Company"]["records"] == len(ROWS)
    assert _cluster(ws, "宁波恒达稀有金属有限公司") == {
        "宁波恒达稀有金属有限公司",
        "Ningbo Hengda Rare Metals Co., Ltd.",
        "NINGBO HENGDA RARE METAL CO LTD",
        "寧波恒達稀有金屬股份有限公司",
    }
    canonical = {r[0] for r in ws.con.execute("SELECT DISTINCT canonical_id FROM clusters").fetchall()}
    assert _id(ws, "宁波恒达稀有金属有限公司") in canonical  # the record with the valid USCC


def test_same_as_relationships_carry_score_decision_and_features_and_originals_stay(resolved):
    ws, summary = resolved
    run = summary["run_id"]
    edges = ws.con.execute(
        "SELECT src, dst, score, decided_by, features, file_id, row_no, batch_id FROM edges WHERE type = 'SAME_AS'"
    ).fetchall()
    assert len(edges) == 3
    head = _id(ws, "宁波恒达稀有金属有限公司")
    for src, dst, score, decided_by, features, file_id, row_no, batch_id in edges:
        assert dst == head and src != head
        assert 0.9 <= score <= 1.0 and decided_by.startswith("rule: ")
        assert "name" in json.loads(features)
        assert (file_id, row_no, batch_id) == (None, None, run)
    assert ws.con.execute("SELECT count(*) FROM node_company").fetchall()[0][0] == len(ROWS)


def test_a_second_different_valid_code_vetoes_the_merge_whatever_the_name(resolved):
    ws, _ = resolved
    assert "Ningbo Hengda Rare Metals Co Ltd" not in _cluster(ws, "宁波恒达稀有金属有限公司")
    vetoes = ws.con.execute("SELECT decided_by FROM matches WHERE decision = 'veto'").fetchall()
    assert any("different uscc" in v[0] or "different identifiers" in v[0] for v in vetoes)


def test_look_alikes_stay_apart_and_a_shared_address_links_without_merging(resolved):
    ws, _ = resolved
    assert _cluster(ws, "深圳恒大稀有金属有限公司") == {"深圳恒大稀有金属有限公司"}
    assert _cluster(ws, "Ningbo Hengda Rare Metal Products Co., Ltd.") == {
        "Ningbo Hengda Rare Metal Products Co., Ltd."
    }
    a, b = sorted(
        [
            _id(ws, "Shenzhen Qianhai Ruida Trading Co., Ltd."),
            _id(ws, "Shenzhen Jinqiao Supply Chain Co., Ltd."),
        ]
    )
    linked = ws.con.execute(
        "SELECT decision, features FROM matches WHERE least(left_id, right_id) = ? AND greatest(left_id, right_id) = ?",
        [a, b],
    ).fetchall()
    assert linked[0][0] == "linked" and json.loads(linked[0][1])["shared"] == ["address"]
    assert _cluster(ws, "Shenzhen Qianhai Ruida Trading Co., Ltd.") == {
        "Shenzhen Qianhai Ruida Trading Co., Ltd."
    }


def test_a_rejected_pair_is_never_merged_again_not_even_through_other_records(ws):
    resolve(ws)
    chinese, english = _id(ws, "宁波恒达稀有金属有限公司"), _id(ws, "Ningbo Hengda Rare Metals Co., Ltd.")
    judge(ws, chinese, english, "reject", "analyst1", "different phone book entries")
    resolve(ws)
    assert "Ningbo Hengda Rare Metals Co., Ltd." not in _cluster(ws, "宁波恒达稀有金属有限公司")
    decided = ws.con.execute(
        "SELECT decision, decided_by FROM matches WHERE left_id = ? AND right_id = ?",
        sorted([chinese, english]),
    ).fetchall()
    assert decided == [("rejected", "judgement:analyst1: analyst1: different phone book entries")]
    assert ws.con.execute("SELECT count(*) FROM edges WHERE type = 'SAME_AS'").fetchall()[0][0] >= 1


def test_a_confirmed_pair_is_merged_whatever_the_score(ws):
    products = _id(ws, "Ningbo Hengda Rare Metal Products Co., Ltd.")
    judge(
        ws,
        products,
        _id(ws, "NINGBO HENGDA RARE METAL CO LTD"),
        "confirm",
        "analyst2",
        "same phone on invoice",
    )
    resolve(ws)
    assert "Ningbo Hengda Rare Metal Products Co., Ltd." in _cluster(ws, "宁波恒达稀有金属有限公司")
    edge = ws.con.execute(
        "SELECT score, decided_by FROM edges WHERE type = 'SAME_AS' AND src = ?", [products]
    ).fetchall()
    assert edge == [(1.0, "judgement:analyst2: analyst2: same phone on invoice")]


def test_each_run_replaces_the_previous_results(ws):
    resolve(ws)
    first = ws.con.execute("SELECT count(*) FROM edges WHERE type = 'SAME_AS'").fetchall()[0][0]
    second_run = resolve(ws)["run_id"]
    rows = ws.con.execute("SELECT count(*), min(batch_id) FROM edges WHERE type = 'SAME_AS'").fetchall()[0]
    assert rows == (first, second_run)
    assert {r[0] for r in ws.con.execute("SELECT DISTINCT run_id FROM clusters").fetchall()} == {second_run}
    assert ws.con.execute("SELECT count(*) FROM resolution_runs WHERE kind = 'resolve'").fetchall()[0][0] == 2


def test_judgements_refuse_unknown_records_and_decisions(ws):
    known = _id(ws, "NINGBO HENGDA RARE METAL CO LTD")
    with pytest.raises(GraphtoolError, match="no company, person or list entry"):
        judge(ws, known, "Company:name:nope", "reject", "a", "")
    with pytest.raises(GraphtoolError, match="decision must be one of"):
        judge(ws, known, _id(ws, "深圳恒大稀有金属有限公司"), "maybe", "a", "")


def test_the_cli_resolves_confirms_and_rejects(ws, tmp_path):
    path = str(ws.path)
    ws.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["-w", path, "--json", "resolve"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["labels"]["Company"]["clusters"] >= 1
    with Workspace.open(path) as again:
        a, b = _id(again, "深圳恒大稀有金属有限公司"), _id(again, "NINGBO HENGDA RARE METAL CO LTD")
    result = runner.invoke(
        cli, ["-w", path, "match", "reject", a, b, "--reason", "other city", "--user", "kim"]
    )
    assert result.exit_code == 0 and "takes effect at the next graphtool resolve" in result.output
    result = runner.invoke(cli, ["-w", path, "match", "confirm", a, "Company:name:nope", "--reason", "x"])
    assert result.exit_code == 2 and "error: no company, person or list entry" in result.output
    with Workspace.open(path) as again:
        rows = again.con.execute("SELECT decision, user_name, reason FROM judgements").fetchall()
    assert rows == [("reject", "kim", "other city")]
