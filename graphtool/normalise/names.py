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
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from rapidfuzz import fuzz

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

    @property
    def compact(self) -> str:
        """The Latin form without spaces: "ningbo hengda" and "ning bo heng da" meet here."""
        return self.latin.replace(" ", "")

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.latin.split())


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
    """Words many unrelated firms share (in their Latin comparable form)."""
    return frozenset(_singular(w) for w in _words()["generic"])


@dataclass(frozen=True)
class _LegalForms:
    suffixes: dict[int, frozenset[tuple[str, ...]]]  # by number of words, longest first
    prefixes: dict[int, frozenset[tuple[str, ...]]]
    chinese: tuple[str, ...]  # longest first
    glued: tuple[str, ...]
    glued_min_rest: int


@cache
def _legal_forms() -> _LegalForms:
    data = _reference("legal_forms.yaml")

    def forms(values: list[str]) -> dict[int, frozenset[tuple[str, ...]]]:
        found: dict[int, set[tuple[str, ...]]] = {}
        for value in values:
            norm = name_norm(value)
            for form in (tuple(norm.split()), (norm.replace(" ", ""),)):  # "b v" is also written "bv"
                found.setdefault(len(form), set()).add(form)
        return {size: frozenset(found[size]) for size in sorted(found, reverse=True)}

    chinese = tuple(sorted((name_norm(v) for v in data["chinese_suffixes"]), key=len, reverse=True))
    glued = data["glued"]
    return _LegalForms(
        forms(data["suffixes"]), forms(data["prefixes"]), chinese, tuple(glued["forms"]), glued["min_rest"]
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
            out.extend(_split_syllables(_singular(word)))
    return tuple(out)


def _latin_tokens(tokens: list[str]) -> list[str]:
    """Abbreviations spelled out, stop words dropped, plurals made singular, pinyin split in syllables."""
    return [word for token in tokens for word in _latin_word(token)]


def _strip_latin_forms(tokens: list[str]) -> list[str]:
    """Legal forms removed from the end (repeatedly: "GmbH & Co. KG") and the start ("PT ...")."""
    forms = _legal_forms()
    changed = True
    while changed:
        changed = False
        for size, suffixes in forms.suffixes.items():
            if len(tokens) > size and tuple(tokens[-size:]) in suffixes:
                tokens, changed = tokens[:-size], True
                break
        for size, prefixes in forms.prefixes.items():
            if len(tokens) > size and tuple(tokens[:size]) in prefixes:
                tokens, changed = tokens[size:], True
                break
    if tokens:
        last = tokens[-1]
        for form in forms.glued:
            if last.endswith(form) and len(last) - len(form) >= forms.glued_min_rest:
                tokens = [*tokens[:-1], last[: -len(form)]]
                break
    return tokens


def _strip_chinese_form(text: str) -> str:
    """Remove a Chinese legal form at the end, also one mistyped by one character (有眼公司)."""
    forms = _legal_forms().chinese
    for form in forms:
        if text.endswith(form) and len(text) > len(form):
            return text[: -len(form)].rstrip()
    for form in forms:
        tail = text[-len(form) :]
        if (
            len(form) >= 4
            and len(text) > len(form)
            and sum(a != b for a, b in zip(tail, form, strict=False)) == 1
        ):
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
        latin = _latin_tokens(_strip_latin_forms(latin_words))
        return NameForm(name, text, hanzi, " ".join(latin))
    tokens = _strip_latin_forms(norm.split())
    return NameForm(name, " ".join(tokens), "", " ".join(_latin_tokens(tokens)))


def similarity(a: NameForm, b: NameForm) -> float:
    """0..1: how alike two names are once legal forms, script and spelling are set aside.

    Two Chinese names compare in characters (pinyin would make 恒达 and 恒大 one name); otherwise
    the Latin forms compare as whole strings and as sorted words (surname-first people).
    """
    if a.hanzi and b.hanzi:
        return fuzz.ratio(a.hanzi, b.hanzi) / 100
    if not a.latin or not b.latin:
        return 0.0
    return max(fuzz.ratio(a.compact, b.compact), fuzz.token_sort_ratio(a.latin, b.latin)) / 100


def distinctive(form: NameForm) -> tuple[str, ...]:
    """The words of a name that are not generic ("LIMMT Economic and Trade" -> ("limmt",))."""
    generic = generic_words()
    return tuple(t for t in form.tokens if t not in generic)


def containment(a: NameForm, b: NameForm) -> float:
    """0..1: one name's distinctive words all found in the other's ("LIMMT" in "LIMMT Economic and
    Trade Co."): how a short alias on a list meets a party's full name. Needs 5 letters at least."""
    da, db = "".join(distinctive(a)), "".join(distinctive(b))
    if min(len(da), len(db)) < 5:
        return 0.0
    short, long = sorted((" ".join(distinctive(a)), " ".join(distinctive(b))), key=len)
    return fuzz.token_set_ratio(short, long) / 100 if set(short.split()) <= set(long.split()) else 0.0
