"""The case, export, evidence, verify and audit commands, with users configured: each role does
what it may, is refused what it may not, and every attempt is in the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import networkx as nx
import pytest
from click.testing import CliRunner

from graphtool.cli import cli
from tests.support import EXPORTER_USCC, declaration_file, users_config

FTM_SAMPLE = Path(__file__).parent / "fixtures" / "ftm_sample.jsonl"
EXPORTER_ID = f"Company:uscc:{EXPORTER_USCC}"
ROLES = {"zhao": "viewer", "wu": "investigator", "qian": "analyst", "chen": "prosecutor", "admin": "admin"}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    config = users_config(
        folder / "graphtool.toml",
        {name: (role, f"{name}-pw") for name, role in ROLES.items()},
        (f'workspace = "{folder / "ws.duckdb"}"',),
    )
    run = Runner(config)
    assert (
        run("admin", "load", str(FTM_SAMPLE), str(declaration_file(folder / "declarations.csv"))).exit_code
        == 0
    )
    return folder, run


class Runner:
    def __init__(self, config: Path) -> None:
        self.config = config

    def __call__(self, user: str, *args: str, password: str | None = None):
        env = {
            "GRAPHTOOL_CONFIG": str(self.config),
            "GRAPHTOOL_USER": user,
            "GRAPHTOOL_PASSWORD": password or f"{user}-pw",
            "NEO4J_URI": "",
        }
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_a_viewer_is_blocked_from_exporting_and_the_attempt_is_logged(setup):
    folder, run = setup
    out = folder / "blocked.gexf"
    result = run("zhao", "export", "--node", EXPORTER_ID, "--format", "gexf", "--out", str(out))
    assert result.exit_code == 2 and not out.exists()
    assert "zhao (viewer) may not export: that needs the analyst role or higher" in result.output
    log = json.loads(run("admin", "--json", "audit", "log").output)
    assert any(e["user"] == "zhao" and e["action"] == "denied:export" for e in log)


def test_a_wrong_password_is_refused(setup):
    _, run = setup
    result = run("qian", "case", "list", password="guess")
    assert result.exit_code == 2 and "unknown user or wrong password" in result.output


def test_an_analyst_exports_a_neighbourhood_that_gephi_tools_read(setup):
    folder, run = setup
    out = folder / "n.gexf"
    result = run(
        "qian", "export", "--node", EXPORTER_ID, "--hops", "1", "--format", "gexf", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert EXPORTER_ID in nx.read_gexf(out)


def test_case_life_cycle_then_export_and_evidence_by_role(setup):
    folder, run = setup
    created = json.loads(run("wu", "--json", "case", "create", "Sb via TH", "--tag", "antimony").output)
    case_id = created["case_id"]
    added = run(
        "wu", "--json", "case", "add", case_id, "--entity", EXPORTER_ID, "--hops", "1", "--note", "核对提单"
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["nodes"] > 1
    shown = run("zhao", "case", "show", case_id).output
    assert "核对提单" in shown and EXPORTER_ID in shown
    assert (
        run("wu", "export", "--case", case_id, "--format", "csv", "--out", str(folder / "c.zip")).exit_code
        == 2
    )
    assert (
        run(
            "qian", "export", "--case", case_id, "--format", "cypher", "--out", str(folder / "c.cypher")
        ).exit_code
        == 0
    )
    assert "MERGE" in (folder / "c.cypher").read_text()

    refused = run("qian", "evidence", case_id, "--out", str(folder / "packs"))
    assert refused.exit_code == 2 and "needs the prosecutor role" in refused.output
    built = run("chen", "evidence", case_id, "--out", str(folder / "packs"))
    assert built.exit_code == 0, built.output
    pack = folder / "packs" / case_id
    assert run("zhao", "verify", str(pack)).exit_code == 0
    (pack / "report.html").write_text("<p>changed</p>")
    tampered = run("zhao", "verify", str(pack.parent / f"{case_id}.zip"))
    assert tampered.exit_code == 0  # the zip was not touched
    tampered = run("zhao", "verify", str(pack))
    assert tampered.exit_code == 1 and "report.html: changed" in tampered.output


def test_audit_verify_finds_an_edited_entry(setup):
    folder, run = setup
    run("qian", "case", "list")
    assert run("admin", "audit", "verify").exit_code == 0
    assert run("qian", "audit", "verify").exit_code == 2  # the log is for admins
    with duckdb.connect(str(folder / "ws.duckdb")) as con:
        con.execute("UPDATE audit_log SET user_name = 'someone' WHERE seq = 2")
    result = run("admin", "audit", "verify")
    assert result.exit_code == 1 and "entry 2 was altered" in result.output


def test_a_password_hash_is_made_without_echoing_the_password():
    result = CliRunner().invoke(cli, ["user", "hash"], input="s3cret\ns3cret\n")
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1].startswith("scrypt$")
    assert "s3cret" not in result.output


def test_the_neo4j_admin_format_writes_the_whole_graph_as_import_files(setup):
    folder, run = setup
    out = folder / "import"
    result = run("qian", "--json", "export", "--format", "neo4j-admin", "--out", str(out))
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert "neo4j-admin database import full" in plan["command"] and plan["nodes"]
    assert (out / "constraints.cypher").exists()


def test_ad_hoc_queries_need_an_analyst_and_judgements_an_investigator(setup):
    folder, run = setup
    with duckdb.connect(str(folder / "ws.duckdb"), read_only=True) as con:
        (other,) = con.execute("SELECT min(id) FROM node_company WHERE id <> ?", [EXPORTER_ID]).fetchone()
    query = run("zhao", "cypher", "MATCH (n) RETURN n LIMIT 1")
    assert query.exit_code == 2
    assert "zhao (viewer) may not query: that needs the analyst role or higher" in query.output
    judged = run("zhao", "match", "reject", EXPORTER_ID, "Company:x", "--reason", "different firms")
    assert judged.exit_code == 2
    assert "zhao (viewer) may not judge: that needs the investigator role or higher" in judged.output
    allowed = run("wu", "--json", "match", "reject", EXPORTER_ID, other, "--reason", "different firms")
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.output)["user_name"] == "wu"
    log = json.loads(run("admin", "--json", "audit", "log").output)
    assert {"denied:query", "denied:judge", "judge"} <= {e["action"] for e in log}
