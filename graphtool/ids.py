"""Stable, deterministic ids: the same source facts always give the same id, so loading twice
changes nothing and separate sources that share a strong identifier meet on one node.

Node id: ``Label:scheme:key`` where ``key`` is the identifier itself (USCC, declaration
number, list reference) or, for keys built from names, the first 16 hex digits of the sha1
of the normalised key parts. Relationship ids are computed by the workspace from
(type, source id, target id, qualifier) so they are equally deterministic.
"""

from __future__ import annotations

import hashlib

SEPARATOR = "\x1f"


def key_hash(parts: tuple[str, ...] | list[str]) -> str:
    return hashlib.sha1(SEPARATOR.join(parts).encode("utf-8")).hexdigest()[:16]


def node_id(label: str, scheme: str, parts: tuple[str, ...] | list[str], hashed: bool = False) -> str:
    """``node_id("Company", "uscc", ["91350100M000100Y43"])`` -> ``Company:uscc:91350100M000100Y43``."""
    key = key_hash(parts) if hashed else ":".join(parts)
    return f"{label}:{scheme}:{key}"


def edge_id(rel_type: str, src: str, dst: str, qualifier: str = "") -> str:
    """``EXPORTED:<src>><dst>``, with ``#qualifier`` when two edges of one type join the same pair
    (e.g. two ownership periods)."""
    base = f"{rel_type}:{src}>{dst}"
    return f"{base}#{qualifier}" if qualifier else base
