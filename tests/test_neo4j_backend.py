"""Connecting to a real Neo4j server, and failing clearly when it is not there."""

from __future__ import annotations

import pytest

from graphtool.config import Neo4jSettings
from graphtool.errors import BackendError
from graphtool.neo4j_backend import connect
from graphtool.neo4j_server import free_port


def test_a_running_server_answers(neo4j_target):
    settings = Neo4jSettings(neo4j_target.uri, *(neo4j_target.auth or (None, None)))
    with connect(settings) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_="neo4j")
        assert records[0]["one"] == 1


def test_a_server_that_is_not_there_is_one_sentence_with_the_uri_and_without_the_password():
    settings = Neo4jSettings(f"bolt://127.0.0.1:{free_port()}", "neo4j", "hunter2")
    with pytest.raises(BackendError) as err:
        connect(settings)
    message = str(err.value)
    assert settings.uri in message and "hunter2" not in message and "running" in message
