"""A labelled benchmark for resolution and screening, built from the demo generator's ground truth.

Every firm of the demo world with several written forms (``name_clusters``: registered Chinese
name, English name, declaration and B/L spellings, list names) becomes an entity; look-alike
pairs that are different firms (``distinct_names``) are entities of their own. Each entity yields
records the way sources write it: one of its names, often changed as clerks change names (legal
form swapped or dropped, case, punctuation, abbreviations, plural, a one-letter typo; for Chinese:
another legal form, traditional characters, a same-sound character typo outside the trade name),
with some of its USCC (a few mistyped), country, address, phone and e-mail from companies.csv
(business-centre addresses shared by different firms included). Seeded: same inputs, same records.
"""

from __future__ import annotations

import csv
import json
import random
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import opencc

from graphtool.demo import generate
from graphtool.normalise.uscc import ALPHABET

OUT = Path(__file__).resolve().parent / "out"
DEMO_LINES = 1_000_000  # the demo world of this size has about 7,200 firms with several names

LATIN_FORMS = [
    "Co., Ltd.",
    "CO LTD",
    "Co.,Ltd",
    "Company Limited",
    "COMPANY LIMITED",
    "Limited",
    "Ltd",
    "Ltd.",
    "",
]
CHINESE_FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
ABBREVIATIONS = {
    "International": "Intl",
    "INTERNATIONAL": "INT'L",
    "Technology": "Tech",
    "TECHNOLOGY": "TECH",
    "Industrial": "Ind.",
    "Manufacturing": "Mfg",
    "Import and Export": "Imp. & Exp.",
    "IMPORT AND EXPORT": "IMP & EXP",
    "Company": "Co.",
}
_FORM_RE = re.compile(
    r"[ ,]*(Co\.,? ?Ltd\.?|CO\.?,? ?LTD\.?|Company Limited|COMPANY LIMITED|Limited|LIMITED|Ltd\.?|LTD\.?)$"
)


@dataclass
class Entity:
    key: str
    names: list[str]
    country: str | None
    uscc: str | None
    address: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass
class Benchmark:
    records: list[dict] = field(default_factory=list)  # Company node rows (id, name, ..., entity)
    entries: list[dict] = field(default_factory=list)  # ListEntry rows (id, name, aliases, ..., entity)


def demo_dir() -> Path:
    """The demo world the benchmark is built from (generated once into bench/out)."""
    path = OUT / "resolution-demo"
    if not (path / "ground_truth.json").exists():
        generate(path, declarations=DEMO_LINES, seed=7, encoding="utf-8")
    return path


def entities(path: Path) -> list[Entity]:
    truth = json.loads((path / "ground_truth.json").read_text(encoding="utf-8"))
    with (path / "companies.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_uscc = {r["uscc"]: r for r in rows if r["uscc"]}
    by_name = {r["name"]: r for r in rows}
    out = []
    known = set()
    for c in truth["name_clusters"]:
        row = by_uscc.get(c["uscc"] or "") or next((by_name[n] for n in c["names"] if n in by_name), {})
        out.append(
            Entity(c["entity"], c["names"], c["country"], c["uscc"], row.get("address") or None,
                   row.get("phone") or None, row.get("email") or None)
        )  # fmt: skip
        known.update(c["names"])
    for n, pair in enumerate(truth["distinct_names"]):
        for k, name in enumerate(pair):
            if name not in known:
                row = by_name.get(name, {})
                out.append(Entity(f"D{n}-{k}", [name], row.get("country") or None, row.get("uscc") or None,
                                  row.get("address") or None, row.get("phone") or None))  # fmt: skip
                known.add(name)
    return out


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


@cache
def _homophones() -> dict[str, list[str]]:
    """Character -> other common characters of the same toneless pinyin (for IME typos)."""
    from pypinyin import lazy_pinyin

    pool = (
        "稀有金属材料贸易科技实业有色新国际进出口电子矿业冶炼石墨碳素合金钨锑稀土磁性供应链管理物流报关代理"
    )
    common = "希西息习锦今进近书树数术才财采彩料了聊毛茂帽义意亿议颗可课记技计时使市石业页也叶色射鑫心星姓际计记口扣"
    by_sound: dict[str, list[str]] = {}
    for char in common + pool:
        by_sound.setdefault(lazy_pinyin(char)[0], []).append(char)
    others = {c: sorted({o for o in by_sound[lazy_pinyin(c)[0]] if o != c}) for c in pool}
    return {c: o for c, o in others.items() if o}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    letter = rng.choice("aeiounrst")
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1 :]


def latin_variant(name: str, rng: random.Random) -> str:
    changes = rng.sample(["form", "case", "punct", "abbrev", "plural", "typo"], rng.randint(1, 2))
    for change in changes:
        if change == "form" and _FORM_RE.search(name):
            form = rng.choice(LATIN_FORMS)
            name = _FORM_RE.sub((" " + form) if form else "", name)
        elif change == "case":
            name = rng.choice([name.upper(), name.title(), name.lower()])
        elif change == "punct":
            name = name.replace(".", "").replace(",", "") if rng.random() < 0.5 else name.replace(", ", ",")
        elif change == "abbrev":
            for full, short in ABBREVIATIONS.items():
                if full in name:
                    name = name.replace(full, short, 1)
                    break
        elif change == "plural":
            name = re.sub(r"(?i)\b(metal|material|product|alloy|chemical|resource)s\b", r"\1", name, count=1)
        elif change == "typo":
            words = name.split()
            k = rng.randrange(len(words))
            words[k] = _typo(words[k], rng)
            name = " ".join(words)
    return name


def chinese_variant(name: str, rng: random.Random) -> str:
    change = rng.choice(["form", "traditional", "width", "typo"])
    if change == "form":
        for form in CHINESE_FORMS:
            if name.endswith(form):
                return name[: -len(form)] + rng.choice(CHINESE_FORMS)
    if change == "traditional":
        return _s2t().convert(name)
    if change == "width":
        return name.replace("(", "（").replace(")", "）") + rng.choice(["", " "])
    positions = [i for i, c in enumerate(name) if i >= 4 and c in _homophones()]
    if positions:
        i = rng.choice(positions)
        return name[:i] + rng.choice(_homophones()[name[i]]) + name[i + 1 :]
    return name


def _is_chinese(name: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in name)


def variant(name: str, rng: random.Random) -> str:
    if rng.random() < 0.45:
        return name
    return chinese_variant(name, rng) if _is_chinese(name) else latin_variant(name, rng)


def _mistyped_uscc(code: str, rng: random.Random) -> str:
    i = rng.randrange(8, 17)
    return code[:i] + rng.choice([c for c in ALPHABET if c != code[i]]) + code[i + 1 :]


def build(path: Path, records: int, listed: int, seed: int = 11, extra_entries: int = 0) -> Benchmark:
    """``records`` Company records over the demo's entities; a list of ``listed`` of those entities
    (plus ``extra_entries`` look-alike entries of unlisted names, for the speed test)."""
    rng = random.Random(seed)
    world = entities(path)
    per_entity = records / len(world)
    bench = Benchmark()
    for entity in world:
        count = max(1, round(rng.uniform(0.3, 1.7) * per_entity))
        for _ in range(count):
            if len(bench.records) >= records:
                break
            uscc = entity.uscc if entity.uscc and rng.random() < 0.35 else None
            if uscc and rng.random() < 0.05:
                uscc = _mistyped_uscc(uscc, rng)
            bench.records.append(
                {
                    "id": f"Company:bench:{len(bench.records)}",
                    "name": variant(rng.choice(entity.names), rng),
                    "country": entity.country if rng.random() < 0.85 else None,
                    "uscc": uscc,
                    "address": entity.address if rng.random() < 0.35 else None,
                    "phone": entity.phone if rng.random() < 0.25 else None,
                    "email": entity.email if rng.random() < 0.15 else None,
                    "entity": entity.key,
                }
            )
    for n, entity in enumerate(rng.sample(world, min(listed, len(world)))):
        latin = [x for x in entity.names if not _is_chinese(x)] or entity.names
        name = rng.choice(latin).upper()
        aliases = [
            variant(x, rng) for x in rng.sample(entity.names, min(len(entity.names), rng.randint(0, 2)))
        ]
        bench.entries.append(_entry(n, name, aliases, entity, rng))
    for n in range(extra_entries):
        entity = rng.choice(world)
        names = [variant(x, rng) for x in entity.names]
        bench.entries.append(_entry(listed + n, names[0].upper() + " HOLDINGS", names[1:], None, rng))
    return bench


def _entry(n: int, name: str, aliases: list[str], entity: Entity | None, rng: random.Random) -> dict:
    country = entity.country if entity and rng.random() < 0.9 else None
    uscc = entity.uscc if entity and entity.uscc and rng.random() < 0.2 else None
    return {
        "id": f"ListEntry:bench:{n}",
        "list_name": "Benchmark list",
        "list_ref": str(n),
        "name": name,
        "aliases": [a for a in aliases if a != name] or None,
        "entity_type": "company",
        "country": country,
        "address": entity.address if entity and rng.random() < 0.3 else None,
        "identifiers": [f"USCC {uscc}"] if uscc else None,
        "entity": entity.key if entity else None,
    }


def write_workspace(bench: Benchmark, path: Path):
    """A fresh workspace holding the benchmark's records as Company nodes and its list as ListEntry
    nodes (written straight into the node tables: the benchmark measures matching, not loading)."""
    import pyarrow as pa

    from graphtool.workspace import Workspace

    path.unlink(missing_ok=True)
    ws = Workspace.open(path)
    company = ["id", "name", "country", "uscc", "address", "phone", "email"]
    entry = [
        "id",
        "list_name",
        "list_ref",
        "name",
        "aliases",
        "entity_type",
        "country",
        "address",
        "identifiers",
    ]
    for table, rows, columns in (
        ("node_company", bench.records, company),
        ("node_listentry", bench.entries, entry),
    ):
        data = pa.Table.from_pylist([{c: r[c] for c in columns} for r in rows])
        ws.con.register("b_rows", data)
        ws.con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM b_rows")
        ws.con.unregister("b_rows")
    return ws
