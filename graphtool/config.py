"""Which backend to use, from the command line, the environment or a config file — in that order.

The embedded workspace is the default. A Neo4j URI (``--neo4j-uri``, ``NEO4J_URI``, or
``[neo4j] uri`` in ``graphtool.toml``) selects Neo4j. Credentials are kept apart from the URI and
never shown: ``Neo4jSettings`` hides the password in its repr, and every message uses
``safe_uri``, which drops any user:password written into the URI.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from graphtool.errors import GraphtoolError

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
CONFIG_FILE = "graphtool.toml"
DEFAULT_WORKSPACE = "graphtool.duckdb"


class ConfigError(GraphtoolError):
    """The configuration cannot be used; the message says which setting and where it came from."""


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str  # without credentials
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str = "neo4j"

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password or "") if self.user else None

    @property
    def routing(self) -> bool:
        """``neo4j://`` URIs route across a cluster; ``bolt://`` talks to one server."""
        return self.uri.startswith("neo4j")


@dataclass(frozen=True)
class Settings:
    workspace: Path
    neo4j: Neo4jSettings | None = None
    source: str = "defaults"  # where the backend choice came from, for messages

    @property
    def backend(self) -> str:
        return "neo4j" if self.neo4j else "embedded"


def safe_uri(uri: str) -> str:
    """The URI without any user or password, safe for logs, errors and exports."""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def parse_neo4j_uri(uri: str, where: str) -> tuple[str, str | None, str | None]:
    """(uri without credentials, user, password) — credentials may be written into the URI."""
    parts = urlsplit(uri.strip())
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ConfigError(
            f"Neo4j URI from {where} is not usable: {safe_uri(uri)!r}; expected one of "
            f"{', '.join(s + '://host:port' for s in SCHEMES)}"
        )
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return safe_uri(uri), user, password


def read_config_file(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def load_settings(
    workspace: str | Path | None = None,
    neo4j_uri: str | None = None,
    env: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Settings from the command line (arguments), then the environment, then the config file."""
    env = os.environ if env is None else env
    path = config_path or Path(env.get("GRAPHTOOL_CONFIG", CONFIG_FILE))
    file = read_config_file(path) if path.exists() else {}
    section = file.get("neo4j", {})
    if not isinstance(section, dict):
        raise ConfigError(f"config file {path}: [neo4j] must be a table")

    chosen = [
        (neo4j_uri, "the command line"),
        (env.get("NEO4J_URI"), "NEO4J_URI"),
        (section.get("uri"), f"{path} [neo4j] uri"),
    ]
    uri, where = next(((u, w) for u, w in chosen if u), (None, "defaults"))
    neo4j = None
    if uri:
        clean, user, password = parse_neo4j_uri(uri, where)
        password_env = section.get("password_env", "NEO4J_PASSWORD")
        neo4j = Neo4jSettings(
            uri=clean,
            user=user or env.get("NEO4J_USER") or section.get("user"),
            password=password or env.get(password_env) or section.get("password"),
            database=env.get("NEO4J_DATABASE") or section.get("database", "neo4j"),
        )
    ws = workspace or env.get("GRAPHTOOL_WORKSPACE") or file.get("workspace") or DEFAULT_WORKSPACE
    return Settings(Path(ws), neo4j, where)
