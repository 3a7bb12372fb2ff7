"""Behaviour of the real Neo4j server the test suite runs against, and of LocalNeo4j that starts it."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import ClientError, ConstraintError

from graphtool.errors import BackendError
from graphtool.neo4j_server import LocalNeo4j, default_jar_home, ensure_jars, entry_point, pinned_version

DB = "neo4j"
NAME = "宁波恒达稀有金属有限公司"


def count(driver: neo4j.Driver, label: str) -> int:
    records, _, _ = driver.execute_query(
        f"MATCH (n:{label}) RETURN count(n) AS n", database_=DB, routing_=neo4j.RoutingControl.READ
    )
    return records[0]["n"]


def test_server_answers_return_1(neo4j_driver: neo4j.Driver) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "RETURN 1 AS one", database_=DB, routing_=neo4j.RoutingControl.READ
    )
    assert [r["one"] for r in records] == [1]


def test_write_then_read_round_trip_keeps_parameters_intact(clean_neo4j: neo4j.Driver) -> None:
    def write(tx: neo4j.ManagedTransaction, id_: str, name: str, aliases: list[str]) -> None:
        tx.run(
            "CREATE (:Company {id: $id, name: $name, aliases: $aliases})", id=id_, name=name, aliases=aliases
        )

    def read(tx: neo4j.ManagedTransaction, id_: str) -> list[dict]:
        return tx.run(
            "MATCH (c:Company {id: $id}) RETURN c.name AS name, c.aliases AS aliases", id=id_
        ).data()

    with clean_neo4j.session(database=DB) as session:
        session.execute_write(write, "c1", NAME, ["NINGBO HENGDA RARE METALS CO., LTD.", "恒达"])
        rows = session.execute_read(read, "c1")

    assert rows == [{"name": NAME, "aliases": ["NINGBO HENGDA RARE METALS CO., LTD.", "恒达"]}]


def test_uniqueness_constraint_rejects_a_duplicate(clean_neo4j: neo4j.Driver) -> None:
    clean_neo4j.execute_query(
        "CREATE CONSTRAINT company_id_unique IF NOT EXISTS FOR (c:Company) REQUIRE c.id IS UNIQUE",
        database_=DB,
    )
    create = "CREATE (:Company {id: $id, name: $name})"
    clean_neo4j.execute_query(create, id="c1", name=NAME, database_=DB)

    with pytest.raises(ConstraintError, match="already exists"):
        clean_neo4j.execute_query(create, id="c1", name="duplicate", database_=DB)

    constraints, _, _ = clean_neo4j.execute_query("SHOW CONSTRAINTS YIELD name, type", database_=DB)
    assert [(r["name"], r["type"]) for r in constraints] == [("company_id_unique", "UNIQUENESS")]
    assert count(clean_neo4j, "Company") == 1


def test_read_session_refuses_a_write_and_changes_nothing(clean_neo4j: neo4j.Driver) -> None:
    with (
        clean_neo4j.session(database=DB, default_access_mode=neo4j.READ_ACCESS) as session,
        pytest.raises(ClientError) as refused,
    ):
        session.run("CREATE (:Probe {name: $name})", name=NAME).consume()

    assert refused.value.code == "Neo.ClientError.Statement.AccessMode"
    assert "read" in refused.value.message.lower()
    assert count(clean_neo4j, "Probe") == 0


def test_clean_fixture_starts_each_test_empty(clean_neo4j: neo4j.Driver) -> None:
    # Runs after tests that left a node and a constraint behind (file order); both are gone.
    records, _, _ = clean_neo4j.execute_query(
        "MATCH (n) RETURN count(n) AS nodes", database_=DB, routing_=neo4j.RoutingControl.READ
    )
    constraints, _, _ = clean_neo4j.execute_query("SHOW CONSTRAINTS", database_=DB)
    assert records[0]["nodes"] == 0
    assert constraints == []


def test_jars_are_cached_with_the_pinned_entry_point() -> None:
    version = pinned_version()
    lib = ensure_jars(default_jar_home(version))  # fetched once (make test does it first), then cached

    assert version.startswith("5.26.")
    assert (lib / ".graphtool-complete").read_text(encoding="utf-8").strip() == version
    assert entry_point(lib, version) == "org.neo4j.server.CommunityEntryPoint"


def test_local_server_starts_answers_and_stops(neo4j_uri: str) -> None:
    with LocalNeo4j() as server:
        assert server.uri != neo4j_uri  # its own port, next to the session's server
        home = server.home
        assert home is not None and (home / "conf" / "neo4j.conf").is_file()
        with neo4j.GraphDatabase.driver(server.uri, auth=None) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one", database_=DB)
        assert records[0]["one"] == 1
        port = server.port

    assert not server.running()
    assert not home.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_a_server_that_cannot_start_reports_its_log() -> None:
    server = LocalNeo4j(settings={"dbms.graphtool.no_such_setting": "1"}, startup_timeout=60)
    try:
        with pytest.raises(BackendError, match="exited during start-up") as failed:
            server.start()
        assert "Unrecognized setting" in str(failed.value)  # strict config validation, quoted from the log
        assert not server.running()
        assert server.home is not None and server.log_path.is_file()  # kept for reading
    finally:
        if server.home is not None:
            shutil.rmtree(server.home, ignore_errors=True)


def test_missing_java_says_how_to_provide_a_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # neither java nor mvn on it

    with pytest.raises(BackendError, match="`java` was not found") as missing:
        LocalNeo4j(jar_home=tmp_path / "jars").start()
    assert "NEO4J_URI" in str(missing.value) and "NEO4J_PASSWORD" in str(missing.value)

    with pytest.raises(BackendError, match="`mvn` was not found"):
        ensure_jars(tmp_path / "jars")
