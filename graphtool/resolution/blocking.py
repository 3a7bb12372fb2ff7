"""Candidate pairs without comparing everything with everything.

Comparing 200,000 names pairwise is 2e10 comparisons; instead each distinct name gets a few keys
(adjacent word pairs of its Latin form, the start and the end of its compact form, its
distinctive words and their first and last four letters, character pairs of its Chinese form) and
only names sharing a key are compared, in C (rapidfuzz ``cdist``). A key shared by more names than
``max_block`` says nothing (every "... rare metal" firm) and is skipped, so the cost grows about
linearly with the number of names. A typo breaks one key, not all of them.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from graphtool.normalise.names import NameForm

_EDGE = 8  # letters at the start and at the end of the compact form used as keys


def name_keys(form: NameForm) -> set[str]:
    """Blocking keys of one name (see the module docstring)."""
    tokens = form.tokens
    keys = {f"w:{a} {b}" for a, b in itertools.pairwise(tokens)}
    compact = form.compact
    if len(tokens) == 1 or len(compact) <= _EDGE:
        keys.add(f"w:{compact}")
    if len(compact) > _EDGE:
        keys.add(f"s:{compact[:_EDGE]}")
        keys.add(f"e:{compact[-_EDGE:]}")
    for word in form.distinctive:
        if len(word) >= 5:  # the word, its start and its end: a typo in a short name breaks one of them
            keys.update((f"d:{word}", f"d<:{word[:4]}", f"d>:{word[-4:]}"))
    if form.hanzi:
        keys.update(f"h:{form.hanzi[i : i + 2]}" for i in range(len(form.hanzi) - 1))
    return keys


def _blocks(forms: Sequence[NameForm], ids: Iterable[int]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for i in ids:
        for key in name_keys(forms[i]):
            blocks[key].append(i)
    return blocks


def similar_names(
    forms: Sequence[NameForm], cutoff: float, max_block: int, right: Sequence[NameForm] | None = None
) -> set[tuple[int, int]]:
    """Index pairs of names whose Latin forms are at least ``cutoff`` alike (token-sorted).

    With ``right``, pairs (i in forms, j in right) only: screening a party list against a list.
    """
    if right is None:
        blocks = _blocks(forms, range(len(forms)))
        pairs: set[tuple[int, int]] = set()
        for members in blocks.values():
            if 1 < len(members) <= max_block:
                pairs.update(_block_pairs(forms, members, forms, members, cutoff, same=True))
        return pairs
    left_blocks = _blocks(forms, range(len(forms)))
    right_blocks = _blocks(right, range(len(right)))
    pairs = set()
    for key, rights in right_blocks.items():
        lefts = left_blocks.get(key)
        if lefts and len(lefts) <= max_block and len(rights) <= max_block:
            pairs.update(_block_pairs(forms, lefts, right, rights, cutoff, same=False))
    return pairs


def _block_pairs(
    left: Sequence[NameForm],
    lefts: list[int],
    right: Sequence[NameForm],
    rights: list[int],
    cutoff: float,
    same: bool,
) -> Iterable[tuple[int, int]]:
    a = [left[i].latin for i in lefts]
    b = [right[j].latin for j in rights]
    scores = process.cdist(a, b, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff * 100, dtype=np.uint8)
    rows, cols = np.nonzero(scores)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        i, j = lefts[r], rights[c]
        if not same or i < j:
            yield i, j


def shared_value_groups(values: dict[int, Iterable[str]], max_block: int) -> list[list[int]]:
    """Groups of records sharing a value (an identifier, an address...); oversized groups are left out."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, keys in values.items():
        for key in keys:
            groups[key].append(i)
    return [g for g in groups.values() if 1 < len(g) <= max_block]


def shared_words(
    forms: Sequence[NameForm], right: Sequence[NameForm], max_block: int
) -> set[tuple[int, int]]:
    """Pairs (i in forms, j in right) sharing a distinctive word of 5+ letters: a short list alias
    ("LIMMT") and the full name it stands in ("LIMMT Economic and Trade Co.") meet here."""
    left_words: dict[str, list[int]] = defaultdict(list)
    for i, form in enumerate(forms):
        for word in set(form.distinctive):
            if len(word) >= 5:
                left_words[word].append(i)
    pairs: set[tuple[int, int]] = set()
    for j, form in enumerate(right):
        for word in set(form.distinctive):
            lefts = left_words.get(word, ())
            if len(word) >= 5 and len(lefts) <= max_block:
                pairs.update((i, j) for i in lefts)
    return pairs
