"""Connecting to Neo4j: one driver per settings, and failures told in one clear sentence.

The message names the URI without credentials and says what to check; the password never
appears in it. The named investigations on Neo4j build on this module.
"""

from __future__ import annotations

import neo4j
from neo4j import exceptions as neo4j_errors

from graphtool.config import Neo4jSettings
from graphtool.errors import BackendError

CONNECT_TIMEOUT = 10.0  # seconds to reach a server before giving up


def connect(settings: Neo4jSettings) -> neo4j.Driver:
    """A driver whose server answered; ``BackendError`` with a readable reason otherwise."""
    driver = neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth, connection_timeout=CONNECT_TIMEOUT)
    try:
        driver.verify_connectivity()
    except neo4j_errors.AuthError as exc:
        driver.close()
        who = f"user {settings.user!r}" if settings.user else "no user"
        raise BackendError(
            f"Neo4j at {settings.uri} refused the credentials ({who}); check NEO4J_USER and NEO4J_PASSWORD "
            "or the [neo4j] section of graphtool.toml"
        ) from exc
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.DriverError, OSError) as exc:
        driver.close()
        raise BackendError(
            f"cannot reach Neo4j at {settings.uri}: is the server running and the host and port right? "
            f"(for a cluster use neo4j://, for one server bolt://; TLS needs +s)"
        ) from exc
    return driver
