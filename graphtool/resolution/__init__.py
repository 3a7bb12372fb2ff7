"""Entity resolution: which records are one firm or person (see docs/resolution.md).

``resolve(ws)`` runs blocking, scoring and clustering and writes ``matches``, ``clusters`` and
``SAME_AS`` relationships; ``judge(ws, left, right, decision, user, reason)`` records a person's
decision, which every later run applies.
"""

from graphtool.resolution.judgements import judge
from graphtool.resolution.resolve import resolve

__all__ = ["judge", "resolve"]
