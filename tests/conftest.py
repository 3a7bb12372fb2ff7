"""Shared test fixtures.

Neo4j: tests that ask for ``neo4j_uri``, ``neo4j_driver`` or ``clean_neo4j`` get a real server. With
NEO4J_URI (and NEO4J_USER / NEO4J_PASSWORD) set they use that server; otherwise one local Neo4j
Community server is started for the whole session, lazily (a run that needs no Neo4j starts nothing),
and stopped at the end. See docs/testing.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import neo4j
import pytest

from graphtool.errors import BackendError
from graphtool.neo4j_server import LocalNeo4j

# ---------------------------------------------------------------------------------------------- Neo4j

NEO4J_DATABASE = "neo4j"  # Community has one user database


@dataclass(frozen=True)
class Neo4jTarget:
    """Where the tests' Neo4j is: ``server`` is the LocalNeo4j this session started, or None."""

    uri: str
    auth: tuple[str, str] | None
    server: LocalNeo4j | None


@pytest.fixture(scope="session")
def neo4j_target() -> Iterator[Neo4jTarget]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        password = os.environ.get("NEO4J_PASSWORD")
        auth = (os.environ.get("NEO4J_USER", "neo4j"), password) if password else None
        yield Neo4jTarget(uri, auth, None)
        return
    server = _start_local_neo4j()
    if isinstance(server, str):
        # Fail, never skip: a suite that silently drops its Neo4j tests would look green.
        pytest.fail(server, pytrace=False)
    try:
        yield Neo4jTarget(server.uri, None, server)
    finally:
        server.stop()


def _start_local_neo4j() -> LocalNeo4j | str:
    """A started server, or the message saying why none could be started and what to do instead."""
    try:
        return LocalNeo4j().start()
    except BackendError as exc:
        return str(exc)


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_target: Neo4jTarget) -> str:
    return neo4j_target.uri


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_target: Neo4jTarget) -> Iterator[neo4j.Driver]:
    with neo4j.GraphDatabase.driver(neo4j_target.uri, auth=neo4j_target.auth) as driver:
        driver.verify_connectivity()
        yield driver


@pytest.fixture
def clean_neo4j(neo4j_driver: neo4j.Driver) -> neo4j.Driver:
    """The session's driver, on a database emptied first: no nodes, relationships, constraints or
    indexes (the built-in LOOKUP indexes stay). NB: with NEO4J_URI this empties THAT database."""
    with neo4j_driver.session(database=NEO4J_DATABASE) as session:
        # Auto-commit query (session.run): CALL ... IN TRANSACTIONS cannot run in a managed transaction.
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        for name in session.run("SHOW CONSTRAINTS YIELD name").value("name"):
            session.run(f"DROP CONSTRAINT {_quote(name)}").consume()  # also drops its backing index
        for name in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").value("name"):
            session.run(f"DROP INDEX {_quote(name)}").consume()
    return neo4j_driver


def _quote(name: str) -> str:
    """A schema name (as the server reported it) as a Cypher identifier."""
    return "`" + name.replace("`", "``") + "`"
