"""Choosing the backend: embedded by default, Neo4j when a URI is given; secrets never shown."""

from __future__ import annotations

import pytest

from graphtool.config import ConfigError, load_settings, safe_uri


def test_the_embedded_workspace_is_the_default(tmp_path):
    s = load_settings(env={}, config_path=tmp_path / "none.toml")
    assert s.backend == "embedded" and s.workspace.name == "graphtool.duckdb"


@pytest.mark.parametrize(
    "uri",
    ["bolt://db:7687", "neo4j://cluster:7687", "neo4j+s://x.databases.neo4j.io", "bolt+ssc://10.0.0.5:7687"],
)
def test_each_neo4j_scheme_selects_neo4j(tmp_path, uri):
    s = load_settings(neo4j_uri=uri, env={}, config_path=tmp_path / "none.toml")
    assert s.backend == "neo4j" and s.neo4j.uri == uri
    assert s.neo4j.routing == uri.startswith("neo4j")


def test_command_line_beats_environment_beats_config_file(tmp_path):
    config = tmp_path / "graphtool.toml"
    config.write_text('workspace = "case.duckdb"\n[neo4j]\nuri = "bolt://from-file:7687"\nuser = "reader"\n')
    env = {"NEO4J_URI": "bolt://from-env:7687", "NEO4J_PASSWORD": "s3cret"}
    assert load_settings(env={}, config_path=config).neo4j.uri == "bolt://from-file:7687"
    s = load_settings(env=env, config_path=config)
    assert (s.neo4j.uri, s.neo4j.user, s.neo4j.password, s.source) == (
        "bolt://from-env:7687",
        "reader",
        "s3cret",
        "NEO4J_URI",
    )
    assert (
        load_settings(neo4j_uri="bolt://cli:7687", env=env, config_path=config).neo4j.uri == "bolt://cli:7687"
    )
    assert load_settings(env=env, config_path=config).workspace.name == "case.duckdb"


def test_credentials_written_into_the_uri_are_taken_out_and_never_shown(tmp_path):
    s = load_settings(
        neo4j_uri="neo4j+s://alice:p%40ss@db.example.org:7687", env={}, config_path=tmp_path / "none.toml"
    )
    assert s.neo4j.uri == "neo4j+s://db.example.org:7687"
    assert (s.neo4j.user, s.neo4j.password) == ("alice", "p@ss")
    assert "p@ss" not in repr(s) and "p%40ss" not in repr(s)
    assert safe_uri("bolt://u:pw@h:1") == "bolt://h:1"


def test_a_bad_uri_is_refused_without_echoing_the_password(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_settings(neo4j_uri="http://admin:hunter2@db:7474", env={}, config_path=tmp_path / "none.toml")
    message = str(err.value)
    assert "hunter2" not in message and "the command line" in message and "neo4j+s://" in message
