"""UI text in English and Simplified Chinese, from ``strings.yaml``; the language is per browser session.

Only interface text is translated. Names, addresses and other data are shown exactly as recorded,
in their own script.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from typing import Any

import streamlit as st
import yaml

LANGUAGES = {"zh": "简体中文", "en": "English"}
STATE_KEY = "lang"


@cache
def strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load(resources.files("graphtool.app").joinpath("strings.yaml").read_text("utf-8"))


def default() -> str:
    """Simplified Chinese unless GRAPHTOOL_LANG names another supported language."""
    chosen = os.environ.get("GRAPHTOOL_LANG", "zh")
    return chosen if chosen in LANGUAGES else "zh"


def language() -> str:
    return st.session_state.get(STATE_KEY) or default()


def text(key: str, lang: str, **values: Any) -> str:
    """The string ``key`` in ``lang`` with ``values`` filled in (pure: used by ``t`` and by tests)."""
    return strings()[key][lang].format(**values)


def t(key: str, **values: Any) -> str:
    """The string ``key`` in this session's language."""
    return text(key, language(), **values)


def language_switch() -> None:
    """A sidebar control; changing it reruns the page in the other language."""
    st.session_state.setdefault(STATE_KEY, default())
    st.sidebar.selectbox(
        text("app.language", "en") + " / " + text("app.language", "zh"),
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=STATE_KEY,
    )
