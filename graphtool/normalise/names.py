"""Name normal forms for matching firms and people across scripts, spellings and legal forms.

宁波恒达稀有金属有限公司, "Ningbo Hengda Rare Metals Co., Ltd." and "NINGBO HENGDA RARE METAL CO LTD"
must compare as one name, while 深圳恒达 and 深圳恒大 (two firms whose names romanise alike) must not.
``name_form`` keeps the original text untouched beside three comparable forms:

- ``core``: the normalised name (``text.name_norm``: case, width, punctuation, traditional ->
  simplified) without its legal form and with abbreviations spelled out;
- ``hanzi``: for a Chinese name, the core in characters, with industry words that were mistyped
  by a character of the same sound (贸义 for 贸易) put right: two Chinese names compare here;
- ``latin``: the core in Latin letters: place and trade name romanised (pinyin, one token per
  syllable), industry words translated, so a Chinese name meets its English registration.

Legal forms, industry words, places and abbreviations are data (``reference/legal_forms.yaml``,
``reference/name_words.yaml``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from graphtool.normalise.text import name_norm

_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HANZI_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_MAX_TERM = 6  # longest Chinese term in name_words.yaml
_MAX_PHRASE = 4  # longest pypinyin phrase looked up when romanising (enough for place and trade names)
_VOWEL = re.compile("[aeiouv]")
_PLURAL = re.compile(r"(?<=[a-z]{3})(?<!s)(?<!u)(?<!i)s$")


@dataclass(frozen=True)
class NameForm:
    """A name as written and its comparable forms (see the module docstring)."""

    original: str
    core: str
    hanzi: str
    latin: str
    legal_form: str = ""  # kind of Latin legal form (legal_forms.yaml), "" when none or Chinese

    @cached_property
    def compact(self) -> str:
        """The Latin form without spaces: "ningbo hengda" and "ning bo heng da" meet here."""
        return self.latin.replace(" ", "")

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.latin.split())

    @cached_property
    def distinctive(self) -> tuple[str, ...]:
        """The words that are not generic ("LIMMT Economic and Trade" -> ("limmt",))."""
        generic = generic_words()
        return tuple(t for t in self.tokens if t not in generic)

    @cached_property
    def pinyin_only(self) -> bool:
        """Its distinctive words are two or more pinyin syllables (a romanised place + trade name)."""
        return len(self.distinctive) >= 2 and all(t in _syllables() for t in self.distinctive)

    @property
    def key(self) -> tuple[str, str, str]:
        """Names with one key compare as identical."""
        return (self.latin, self.hanzi, self.legal_form)


@cache
def _reference(name: str) -> dict[str, Any]:
    return yaml.safe_load(resources.files("graphtool.reference").joinpath(name).read_text(encoding="utf-8"))


@cache
def _words() -> dict[str, Any]:
    return _reference("name_words.yaml")


@cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    return {k: tuple(str(v).split()) for k, v in _words()["synonyms"].items()}


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(_words()["stopwords"])


@cache
def generic_words() -> frozenset[str]:
    """Words many unrelated firms share, in their Latin comparable form: the generic list and every
    word of the industry table ("Shenzhen Runtong Customs Brokerage" and "Shenzhen Ruifeng Customs
    Brokerage" differ in their trade name, which must carry the comparison)."""
    return _english_words()


@cache
def _english_words() -> frozenset[str]:
    """Generic and industry words: English words, never split as pinyin ("mining" is not "mi ning")."""
    words = {_singular(w) for w in _words()["generic"]}
    for english in _words()["industry"].values():
        words.update(_singular(w) for w in name_norm(english).split() if w not in _stopwords())
    return frozenset(words)


@cache
def _vocabulary() -> tuple[str, ...]:
    """Common words a clerk may mistype ("Mrnufacturing", "CORPORTION"): generic and legal-form words."""
    forms = _legal_forms()
    legal = {w for table in forms.suffixes.values() for form in table for w in form if len(w) >= 5}
    return tuple(sorted({w for w in generic_words() if len(w) >= 5} | legal))


@cache
def _single_word_forms() -> tuple[str, ...]:
    forms = _legal_forms()
    words = {form[0] for table in forms.suffixes.values() for form in table if len(form) == 1}
    return tuple(sorted(w for w in words if len(w) >= 3))


@lru_cache(maxsize=65536)
def _spelled_form(token: str) -> str:
    """The last word of a name, if one slip from a one-word legal form ("LTTD", "GbH"), is that form."""
    if len(token) < 3 or not token.isalpha() or token in _single_word_forms() or token in _syllables():
        return token
    found = process.extractOne(token, _single_word_forms(), scorer=OSA.distance, score_cutoff=1)
    return found[0] if found else token


def _spelled_words(words: list[str]) -> list[str]:
    spelled = [_spelled(w) for w in words]
    if len(spelled) > 1:
        spelled[-1] = _spelled_form(spelled[-1])
    return spelled


@lru_cache(maxsize=262144)
def _spelled(token: str) -> str:
    """A word within one slip (two for long words) of a common word becomes that word."""
    if len(token) < 5 or not token.isalpha() or token in _vocabulary() or len(_split_syllables(token)) > 1:
        return token
    limit = 1 if len(token) < 9 else 2
    found = process.extractOne(token, _vocabulary(), scorer=OSA.distance, score_cutoff=limit)
    if found is None:
        singular = _singular(token)
        found = process.extractOne(singular, _vocabulary(), scorer=OSA.distance, score_cutoff=limit)
    return found[0] if found else token


ANY_FORM = "any"  # the kind of "Company" / "Co.": compatible with every other kind
_VAGUE_KINDS = ("", ANY_FORM, "limited")  # a more specific kind next to these wins


def _specificity(kind: str) -> int:
    return _VAGUE_KINDS.index(kind) if kind in _VAGUE_KINDS else len(_VAGUE_KINDS)


@dataclass(frozen=True)
class _LegalForms:
    suffixes: dict[int, dict[tuple[str, ...], str]]  # by number of words, longest first: form -> kind
    prefixes: dict[int, dict[tuple[str, ...], str]]
    chinese: tuple[str, ...]  # longest first
    glued: tuple[str, ...]
    glued_min_rest: int


@cache
def _legal_forms() -> _LegalForms:
    data = _reference("legal_forms.yaml")

    def forms(kinds: dict[str, list[str]]) -> dict[int, dict[tuple[str, ...], str]]:
        found: dict[int, dict[tuple[str, ...], str]] = {}
        for kind, values in kinds.items():
            for value in values:
                norm = name_norm(value)
                for form in (tuple(norm.split()), (norm.replace(" ", ""),)):  # "b v" is also written "bv"
                    found.setdefault(len(form), {})[form] = kind
        return {size: found[size] for size in sorted(found, reverse=True)}

    chinese = tuple(sorted((name_norm(v) for v in data["chinese_suffixes"]), key=len, reverse=True))
    glued = data["glued"]
    return _LegalForms(
        forms(data["suffixes"]),
        forms(data["prefixes"]),
        chinese,
        tuple(glued["forms"]),
        glued["min_rest"],
    )


@cache
def _chinese_terms() -> dict[str, str]:
    """Chinese industry words and places -> English words (already in Latin comparable form)."""
    terms = {**_words()["industry"], **_words()["places"]}
    return {name_norm(zh): " ".join(_latin_tokens(name_norm(en).split())) for zh, en in terms.items()}


@cache
def _terms_by_sound() -> dict[tuple[str, ...], str]:
    """Pinyin of each Chinese term -> the term: a clerk's same-sound typo (希有 for 稀有) still reads right."""
    return {tuple(_char_pinyin(c) for c in term): term for term in _chinese_terms() if len(term) > 1}


@cache
def _pinyin_data() -> tuple[dict[int, str], dict[str, list[list[str]]]]:
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict, phrases_dict


def _toneless(syllable: str) -> str:
    text = unicodedata.normalize("NFD", syllable.replace("ü", "u").replace("ǘ", "u").replace("ǚ", "u"))
    return "".join(c for c in text if not unicodedata.combining(c)).replace("ü", "u")


@lru_cache(maxsize=65536)
def _char_pinyin(char: str) -> str:
    reading = _pinyin_data()[0].get(ord(char))
    return _toneless(reading.split(",")[0]) if reading else char


@lru_cache(maxsize=262144)
def romanise(text: str) -> str:
    """Pinyin of a run of Chinese characters, without tones, one syllable per character.

    Words the pinyin dictionary knows get their reading in context (长沙 -> chang sha, not zhang).
    """
    phrases = _pinyin_data()[1]
    out: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(_MAX_PHRASE, len(text) - i), 1, -1):
            reading = phrases.get(text[i : i + size])
            if reading:
                out.extend(_toneless(r[0]) for r in reading)
                i += size
                break
        else:
            out.append(_char_pinyin(text[i]))
            i += 1
    return " ".join(out)


@cache
def _syllables() -> frozenset[str]:
    found = {_toneless(r) for v in _pinyin_data()[0].values() for r in v.split(",")}
    return frozenset(s for s in found if _VOWEL.search(s))  # not the interjections m, n, ng, hm


@lru_cache(maxsize=65536)
def _split_syllables(word: str) -> tuple[str, ...]:
    """ "hengda" -> ("heng", "da") when the word is pinyin through and through, else (word,).

    Fewest syllables win; both sides of a comparison go through this same function, so a Chinese
    name's pinyin and its English spelling split alike.
    """
    syllables = _syllables()
    if len(word) > 30 or not word.isascii() or not word.isalpha():
        return (word,)
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            if before is not None and word[start:end] in syllables:
                candidate = (*before, word[start:end])
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1] or (word,)


def _singular(word: str) -> str:
    return _PLURAL.sub("", word)


@lru_cache(maxsize=262144)
def _latin_word(token: str) -> tuple[str, ...]:
    out: list[str] = []
    for word in _synonyms().get(token, (token,)):
        if word not in _stopwords():
            word = _singular(word)
            out.extend((word,) if word in _english_words() else _split_syllables(word))
    return tuple(out)


def _latin_tokens(tokens: list[str]) -> list[str]:
    """Abbreviations spelled out, stop words dropped, plurals made singular, pinyin split in syllables."""
    return [word for token in tokens for word in _latin_word(token)]


def _strip_latin_forms(tokens: list[str]) -> tuple[list[str], str]:
    """Legal forms removed from the end (repeatedly: "GmbH & Co. KG") and the start ("PT ...");
    returns the remaining words and the kind of the outermost telling form ("" if none)."""
    forms = _legal_forms()
    kind = ""
    changed = True
    while changed:
        changed = False
        for size, suffixes in forms.suffixes.items():
            if len(tokens) > size and tuple(tokens[-size:]) in suffixes:
                found = suffixes[tuple(tokens[-size:])]
                if _specificity(found) > _specificity(kind):
                    kind = found  # "Pvt. Co., Ltd." is an Indian private limited company
                tokens, changed = tokens[:-size], True
                break
        for size, prefixes in forms.prefixes.items():
            if len(tokens) > size and tuple(tokens[:size]) in prefixes:
                kind = kind or prefixes[tuple(tokens[:size])]
                tokens, changed = tokens[size:], True
                break
    if tokens:
        last = tokens[-1]
        for form in forms.glued:
            if last.endswith(form) and len(last) - len(form) >= forms.glued_min_rest:
                tokens = [*tokens[:-1], last[: -len(form)]]
                break
    return tokens, kind


def _strip_chinese_form(text: str) -> str:
    """Remove a Chinese legal form at the end, also one mistyped by one character (有眼公司)."""
    for form in _legal_forms().chinese:  # longest first: 有眼公司 is 有限公司 mistyped, not 公司
        if len(text) <= len(form):
            continue
        wrong = sum(a != b for a, b in zip(text[-len(form) :], form, strict=True))
        if wrong == 0 or (wrong == 1 and len(form) >= 4):
            return text[: -len(form)].rstrip()
    return text


@lru_cache(maxsize=65536)
def _chinese_parts(run: str) -> list[tuple[str, str]]:
    """A run of characters -> (characters, Latin form) parts: known terms translated, the rest romanised.

    Longest term first; a term may be matched by sound (a same-sound typo) and is then written right.
    """
    terms, by_sound = _chinese_terms(), _terms_by_sound()
    sounds = [_char_pinyin(c) for c in run]
    parts: list[tuple[str, str]] = []
    plain = ""
    i = 0
    while i < len(run):
        for size in range(min(_MAX_TERM, len(run) - i), 0, -1):
            piece = run[i : i + size]
            term = piece if piece in terms else None
            if term is None and size > 1:
                term = by_sound.get(tuple(sounds[i : i + size]))
            if term:
                if plain:
                    parts.append((plain, romanise(plain)))
                    plain = ""
                parts.append((term, terms[term]))
                i += size
                break
        else:
            plain += run[i]
            i += 1
    if plain:
        parts.append((plain, romanise(plain)))
    return parts


def load_tables() -> None:
    """Read the word tables and the pinyin dictionary now: worker processes forked later share them."""
    for table in (
        _synonyms,
        _stopwords,
        _vocabulary,
        _single_word_forms,
        _legal_forms,
        _terms_by_sound,
        _syllables,
    ):
        table()


@lru_cache(maxsize=262144)
def name_form(name: str) -> NameForm:
    """The comparable forms of one name; the original text is kept as it was."""
    norm = name_norm(name)
    if _HANZI.search(norm):
        text = _strip_chinese_form(norm)
        hanzi_parts: list[str] = []
        latin_words: list[str] = []
        position = 0
        for match in _HANZI_RUN.finditer(text):
            between = text[position : match.start()].split()
            hanzi_parts.append(" ".join(between))
            latin_words.extend(between)
            for characters, latin in _chinese_parts(match.group()):
                hanzi_parts.append(characters)
                latin_words.extend(latin.split())
            position = match.end()
        rest = text[position:].split()
        hanzi_parts.append(" ".join(rest))
        latin_words.extend(rest)
        hanzi = "".join(hanzi_parts)
        latin = _latin_tokens(_strip_latin_forms([_spelled(w) for w in latin_words])[0])
        return NameForm(name, text, hanzi, " ".join(latin))
    tokens, kind = _strip_latin_forms(_spelled_words(norm.split()))
    return NameForm(name, " ".join(tokens), "", " ".join(_latin_tokens(tokens)), kind)


def forms_conflict(a: NameForm, b: NameForm) -> bool:
    """Both names state legal forms of different kinds ("Corp." vs "GmbH"; "Co." says nothing)."""
    kinds = {a.legal_form, b.legal_form}
    return len(kinds) == 2 and "" not in kinds and ANY_FORM not in kinds


@lru_cache(maxsize=1 << 20)
def similarity(a: NameForm, b: NameForm, word_order: bool = True) -> float:
    """0..1: how alike two names are once legal forms, script and spelling are set aside.

    Two Chinese names compare in characters (pinyin would make 恒达 and 恒大 one name). Otherwise
    the compact Latin forms compare as a whole and without their generic words, and the two
    scores are averaged: "Shanghai Zhongheng Metal Products" and "Shanghai Hengtong Metal
    Products" share most letters but not their trade name. Where both trade names are pinyin
    through and through they compare syllable by syllable: "Xiamen Tengda" is not a typo of
    "Xiamen Hengda" but another name. ``word_order=False`` (people) also compares sorted words:
    "LI, Fangwei" and "Fangwei Li".
    """
    if a.hanzi and b.hanzi:
        return fuzz.ratio(a.hanzi, b.hanzi) / 100
    if a.latin == b.latin:
        return 1.0 if a.latin else 0.0
    if not a.latin or not b.latin:
        return 0.0
    whole = fuzz.ratio(a.compact, b.compact)
    if not word_order:
        whole = max(whole, fuzz.token_sort_ratio(a.latin, b.latin))
    if a.distinctive and b.distinctive and (a.distinctive != a.tokens or b.distinctive != b.tokens):
        if a.pinyin_only and b.pinyin_only:
            own = fuzz.ratio(a.distinctive, b.distinctive)  # sequences of syllables
        else:
            own = fuzz.ratio("".join(a.distinctive), "".join(b.distinctive))
        if not word_order:
            own = max(own, fuzz.token_sort_ratio(" ".join(a.distinctive), " ".join(b.distinctive)))
        whole = min(whole, (whole + own) / 2)
    return whole / 100


def similarity_bounds(
    left: Sequence[NameForm], right: Sequence[NameForm], pairs: np.ndarray, word_order: np.ndarray
) -> np.ndarray:
    """For each row (i, j) of ``pairs``, a number ``similarity(left[i], right[j], word_order[row])``
    never exceeds.

    Computed in C on every core: screening has a million candidate pairs, almost all far apart,
    and only those whose bound reaches a threshold need ``similarity`` itself (in Python). The
    bound is the whole-name score before the trade-name average can lower it: the characters'
    ratio for two Chinese names, else the compact ratio (or the token-sorted one if larger, for
    names in any word order).
    """
    rows, cols = pairs[:, 0], pairs[:, 1]

    def scores(scorer, attribute: str, which: np.ndarray) -> np.ndarray:
        chosen = np.flatnonzero(which)
        a = np.array([getattr(f, attribute) for f in left], dtype=object)[rows[chosen]].tolist()
        b = np.array([getattr(f, attribute) for f in right], dtype=object)[cols[chosen]].tolist()
        found = np.zeros(len(pairs))
        found[chosen] = process.cpdist(a, b, scorer=scorer, dtype=np.float64, workers=-1)
        return found

    chinese = np.array([bool(f.hanzi) for f in left], dtype=bool)[rows]
    chinese &= np.array([bool(f.hanzi) for f in right], dtype=bool)[cols]
    any_order = ~word_order & ~chinese
    latin = np.maximum(
        scores(fuzz.ratio, "compact", ~chinese), scores(fuzz.token_sort_ratio, "latin", any_order)
    )
    return np.where(chinese, scores(fuzz.ratio, "hanzi", chinese), latin) / 100


def may_contain(left: Sequence[NameForm], right: Sequence[NameForm], pairs: np.ndarray) -> np.ndarray:
    """For each row (i, j) of ``pairs``, False where ``containment(left[i], right[j])`` is surely
    False: a name contains another only when both have the same distinctive words."""
    ids: dict[frozenset[str], int] = {}
    left_ids = np.array([ids.setdefault(frozenset(f.distinctive), len(ids)) for f in left], dtype=np.int64)
    right_ids = np.array([ids.setdefault(frozenset(f.distinctive), len(ids)) for f in right], dtype=np.int64)
    return left_ids[pairs[:, 0]] == right_ids[pairs[:, 1]]


def containment(a: NameForm, b: NameForm) -> bool:
    """One name is the other with generic words added: "LIMMT" and "LIMMT Economic and Trade Co.".

    How a short list alias meets a party's full name. Every word of the shorter name must be in
    the longer one, the longer one may add generic words only, and the shorter one needs a
    distinctive word of 5 letters or more.
    """
    short, long = sorted((a.tokens, b.tokens), key=len)
    if not short or not set(short) <= set(long):
        return False
    extra = set(long) - set(short)
    return not (extra - generic_words()) and any(len(t) >= 5 for t in short if t not in generic_words())
