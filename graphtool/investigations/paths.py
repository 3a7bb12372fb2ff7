"""Path answers in one order on both backends: fewest hops first, then by node ids, then relationship ids."""

from __future__ import annotations

from graphtool.errors import GraphtoolError
from graphtool.investigations import parameters


def check_hops(max_hops: int) -> None:
    bound = parameters()["paths"]["max_hops"]
    if not 1 <= max_hops <= bound:
        raise GraphtoolError(f"max_hops must be between 1 and {bound}, not {max_hops}")


def order_paths(found: list[tuple[list[str], list[str]]], limit: int) -> list[tuple[list[str], list[str]]]:
    unique = {(tuple(n), tuple(e)) for n, e in found}
    ordered = sorted(unique, key=lambda p: (len(p[1]), p[0], p[1]))
    return [(list(n), list(e)) for n, e in ordered[:limit]]
