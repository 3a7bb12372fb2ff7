"""Clusters from accepted pairs: union-find that refuses merges people or identifiers forbid.

Pairs are merged strongest first. A merge is refused when it would put two records an
investigator rejected into one cluster, or two different deciding identifiers (two valid USCCs)
into one cluster, even through a chain of other records (A~B and B~C with A, C of different codes).
"""

from __future__ import annotations

from collections.abc import Iterable


class Clusters:
    """Union-find over record indices with cannot-link constraints kept per cluster."""

    def __init__(
        self, n: int, identifiers: list[dict[str, str]], rejected: Iterable[tuple[int, int]]
    ) -> None:
        self.parent = list(range(n))
        self.members: dict[int, set[int]] = {}
        self.codes: dict[int, dict[str, str]] = {}
        self.blocked: dict[int, set[int]] = {}
        for i, ids in enumerate(identifiers):
            if ids:
                self.codes[i] = dict(ids)
        for i, j in rejected:
            self.blocked.setdefault(i, set()).add(j)
            self.blocked.setdefault(j, set()).add(i)

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def _members(self, root: int) -> set[int]:
        return self.members.get(root, {root})

    def allowed(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        codes_a, codes_b = self.codes.get(a, {}), self.codes.get(b, {})
        if any(codes_b.get(k, v) != v for k, v in codes_a.items()):
            return False
        blocked_a, blocked_b = self.blocked.get(a), self.blocked.get(b)
        if blocked_a and not blocked_a.isdisjoint(self._members(b)):
            return False
        return not (blocked_b and not blocked_b.isdisjoint(self._members(a)))

    def union(self, i: int, j: int) -> bool:
        """Merge the clusters of i and j if allowed; True if they are (now) one cluster."""
        if not self.allowed(i, j):
            return False
        a, b = self.find(i), self.find(j)
        if a == b:
            return True
        if len(self._members(a)) < len(self._members(b)):
            a, b = b, a
        self.parent[b] = a
        self.members.setdefault(a, {a}).update(self.members.pop(b, {b}))
        self.codes[a] = {**self.codes.pop(b, {}), **self.codes.get(a, {})}
        blocked = self.blocked.pop(b, set())
        if blocked:
            self.blocked.setdefault(a, set()).update(blocked)
        return True

    def groups(self) -> list[list[int]]:
        """Clusters of two or more records, each sorted."""
        return [sorted(m) for m in self.members.values() if len(m) > 1]
