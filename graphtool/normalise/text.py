"""Text cleaning and the normalised name form used for search and as an id key.

Sources mix full-width and half-width characters, traditional and simplified Chinese and stray
punctuation; two spellings of one name must give one key, and Chinese must never be garbled.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

import opencc
import pyarrow as pa
import pyarrow.compute as pc

# Invisible characters that survive NFKC (zero-width spaces and joiners, word joiner, BOM).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_INVISIBLE_RE = "[\u200b\u200c\u200d\u2060\ufeff]"
# Anything clean() would change besides NFKC and trimming: invisibles, non-space whitespace, double spaces.
_UNUSUAL_SPACE_RE = r"  |[^ \PZ]|[\t\n\v\f\r\x1c-\x1f\x{85}\x{200b}-\x{200d}\x{2060}\x{feff}]"
# Candidates for removal in names: anything that is not a letter or digit (marks are checked apart).
_NON_WORD = re.compile(r"[\W_]")
_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`"))
# The dictionaries behind OpenCC's "t2s" configuration (opencc/config/t2s.json).
_T2S_DICTIONARIES = ("TSPhrases.txt", "TSCharacters.txt")


def clean(text: str) -> str:
    """NFKC (full-width ASCII becomes half-width), invisible characters dropped, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())


def clean_array(values: pa.Array) -> pa.Array:
    """``clean`` for a whole Arrow string column at once (same result, no Python call per value)."""
    values = pc.utf8_normalize(values, "NFKC")
    if pc.any(pc.match_substring_regex(values, _UNUSUAL_SPACE_RE)).as_py():  # rare: skip two passes
        values = pc.replace_substring_regex(values, _INVISIBLE_RE, "")
        values = pc.replace_substring_regex(values, r"[\s\p{Z}\x0b\x1c-\x1f\x85]+", " ")
    return pc.utf8_trim(values, " ")


@cache
def _t2s() -> opencc.OpenCC:
    """The traditional-to-simplified converter; built on first use because loading it takes time."""
    return opencc.OpenCC("t2s")


@cache
def _trigger_chars() -> frozenset[str]:
    """One character of every t2s dictionary entry that changes text: the first character it changes.

    A text containing none of them cannot match such an entry, so t2s would return it unchanged;
    checking this first skips the slow converter for Latin-script and already simplified names.
    """
    folder = resources.files("opencc").joinpath("dictionary")
    triggers = set()
    for name in _T2S_DICTIONARIES:
        for line in folder.joinpath(name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            simplified = values.split(" ")[0]  # the converter uses the first candidate
            if simplified != key:
                triggers.add(next((k for k, v in zip(key, simplified, strict=False) if k != v), key[0]))
    return frozenset(triggers)


def _keep_mark(match: re.Match[str]) -> str:
    # Combining marks (Thai vowels, Devanagari signs) are part of a word, not punctuation.
    char = match.group()
    return char if unicodedata.category(char).startswith("M") else " "


def name_norm(name: str) -> str:
    """The search/matching form of a name: case-folded, simplified Chinese, punctuation removed.

    Apostrophes are deleted ("O'Brien" -> "obrien"); other punctuation and symbols become a space.
    Legal-form suffixes are kept: removing them is a separate, later step.
    """
    text = clean(name).casefold().translate(_APOSTROPHES)
    if not _trigger_chars().isdisjoint(text):
        text = _t2s().convert(text)
    return " ".join(_NON_WORD.sub(_keep_mark, text).split())
