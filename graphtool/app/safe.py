"""Untrusted text from data, made safe for the few places that interpret markup.

Streamlit's tables, ``st.text``, ``st.code`` and widget labels show text as text. ``st.markdown``
(and captions, headers, ``st.error``) interpret Markdown, so a company named ``**x**`` or
``[x](http://…)`` would be changed or linked; ``md`` escapes every Markdown and HTML character so
the name shows exactly as recorded. The graph component writes data only through ``textContent``
and canvas text, never through ``innerHTML``.
"""

from __future__ import annotations

import html
import re
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=$:])")  # < > & " ' become HTML entities
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain(value: Any) -> str:
    """Text without control characters (a NUL or escape code from a file must not reach the page)."""
    return _CONTROL.sub("\ufffd", "" if value is None else str(value))


def md(value: Any) -> str:
    """Text for Markdown: HTML characters as entities, Markdown characters backslash-escaped."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", plain(value)), quote=True).replace("\n", " ")


def short(value: Any, limit: int = 40) -> str:
    """A label that fits a graph node: whole up to ``limit`` characters, else cut with an ellipsis."""
    text = plain(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
