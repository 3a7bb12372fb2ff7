"""The named investigations' pure logic, shared by both backends: filters, UBO, goods flow, paths.

Backends fetch facts (edges, nodes, candidate shipments); the functions here turn facts into
answers, so the embedded workspace and Neo4j answer alike by construction.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def parameters() -> dict[str, Any]:
    """``parameters.yaml``: bounds and defaults of every investigation."""
    text = resources.files(__name__).joinpath("parameters.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
