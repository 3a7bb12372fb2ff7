"""Both cores for pure Python work: a function mapped over chunks of a list in worker processes.

Matching spends seconds in pure Python on independent items (the normal forms of 100,000
distinct names), which one process runs on one core. Workers are forked where the system allows
(Linux), so they start with the parent's modules and caches loaded and only their chunk and its
result travel (pickled). A worker must not touch the workspace (a DuckDB connection does not
survive a fork): ``fn`` takes and returns plain data and must be a module-level function. Small
inputs run in-process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_CHUNKS_PER_WORKER = 4  # a slow chunk holds up the end of the run less when chunks are smaller


def cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_chunks(
    fn: Callable[[list[T]], list[R]], items: Sequence[T], min_chunk: int = 5_000, workers: int | None = None
) -> list[R]:
    """``fn`` over consecutive chunks of ``items`` (one result per item), results in input order.

    Runs in-process when one worker is asked for or available, or when ``items`` would not fill
    two chunks of ``min_chunk``.
    """
    workers = min(workers or cores(), len(items) // min_chunk)
    if workers < 2:
        return fn(list(items))
    size = max(min_chunk, -(-len(items) // (workers * _CHUNKS_PER_WORKER)))
    chunks = [list(items[k : k + size]) for k in range(0, len(items), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return [result for part in pool.map(fn, chunks) for result in part]
