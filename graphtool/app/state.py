"""The app's connection to data: one store per process, results cached by workspace version.

``store()`` is opened once per process (``st.cache_resource``) and shared by every session, so it
is never mutated per user. Query results go through ``cached``: the key includes
``store.version``, which a load from the CLI bumps, so new data shows on the next page run
without a restart. Writes (judgements, reviews, uploads, the audit log) open the workspace only
for the action itself (``writable``), so a load from the CLI can run while the app is up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st

from graphtool.config import Settings, load_settings
from graphtool.workspace import Workspace

T = TypeVar("T")
BUSY_WAIT_S = 3.0  # how long a write waits for a load elsewhere to release the workspace


def settings() -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def _store(config: Settings) -> Any:
    from graphtool.store import open_store

    store = open_store(config)
    if hasattr(store, "index"):  # embedded: build the graph index now, not on the first graph asked for
        threading.Thread(target=_warm, args=(store,), daemon=True, name="graphtool-index").start()
    return store


def _warm(store: Any) -> None:
    """Build the index at the lowest CPU priority: pages people are looking at come first."""
    # Linux takes a thread id here; Windows has no setpriority: the index is then built at normal priority
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    try:
        store.index()
    except Exception:  # the first page that needs the index reports the problem as a message
        logging.getLogger("graphtool.app").exception("building the graph index failed")


def store() -> Any:
    return _store(settings())


def version() -> Any:
    return store().version


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(name: str, version: Any, args: tuple, kwargs: tuple) -> Any:
    return getattr(store(), name)(*args, **dict(kwargs))


def cached(name: str, *args: Any, **kwargs: Any) -> Any:
    """``store().<name>(*args, **kwargs)``, computed once per workspace version and arguments."""
    return _cached(name, version(), args, tuple(sorted(kwargs.items())))


@contextmanager
def writable(wait_s: float = BUSY_WAIT_S) -> Iterator[Workspace]:
    """The workspace open for writing, for one action only; waits briefly if a load holds it."""
    with Workspace.open(settings().workspace, wait_s=wait_s) as ws:
        yield ws


@contextmanager
def case_book(write: bool = False) -> Iterator[Any]:
    """Cases where the team keeps them: on Neo4j when it is the backend (shared with the CLI and
    colleagues, through the store's driver), else in the workspace (opened for this action only)."""
    from graphtool.cases import open_book

    config = settings()
    if config.neo4j is not None:
        yield open_book(config, driver=store().driver)
        return
    if write:
        with writable() as ws:
            yield open_book(config, ws)
    else:
        with Workspace.open(config.workspace, read_only=True) as ws:
            yield open_book(config, ws)


def with_workspace(fn: Callable[[Workspace], T]) -> T:
    """``fn`` on the workspace opened read-only just for this call (status, quarantine)."""
    with Workspace.open(settings().workspace, read_only=True) as ws:
        return fn(ws)


def nodes(ids: list[str]) -> dict[str, Any]:
    """Nodes by id (those that exist), cached like every store answer."""
    if not ids:
        return {}
    found = cached("nodes", tuple(sorted(set(ids))))
    return found if isinstance(found, dict) else {n.id: n for n in found}


def captions(ids: list[str]) -> dict[str, str]:
    """What to call each id: the node's name (as recorded) or, if unknown, the id itself."""
    found = nodes(ids)
    return {i: (found[i].caption if i in found else i) for i in ids}


@st.cache_data(show_spinner=False, max_entries=16)
def _sql(version: Any, sql: str) -> Any:
    return with_workspace(lambda ws: ws.con.execute(sql).fetchdf())


def cached_sql(sql: str) -> Any:
    """A fixed, read-only SQL query on the workspace as a DataFrame (no user text in ``sql``)."""
    return _sql(version(), sql)
