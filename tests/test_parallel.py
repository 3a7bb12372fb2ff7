"""Work spread over worker processes gives what one process gives: the same results, the same hits."""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import astuple

from graphtool.parallel import cores, map_chunks
from graphtool.resolution.records import Party, with_forms
from graphtool.screening import screen_parties

PLACES = ["Ningbo", "Shenzhen", "Xiamen", "Dalian", "Ganzhou", "Zhuzhou", "Baotou", "Hong Kong"]
TRADE = ["Hengda", "Jincheng", "Runtong", "Apex", "Orion", "Northstar", "Sunny", "Huarui", "Tengda", "Keystone",
         "Bluewater", "Limmt", "Zhongheng", "Ruifeng", "Vector", "Falcon", "Jingcheng", "Hengtong"]  # fmt: skip
TRADE += [a + b for a, b in itertools.product(["Xin", "Hua", "Jin", "Long"], ["da", "sheng", "feng", "yuan"])]
INDUSTRY = [
    "Rare Metals",
    "Alloy Trading",
    "New Materials",
    "Import and Export",
    "Tungsten Products",
    "Graphite",
]
FORMS = ["Co., Ltd.", "COMPANY LIMITED", "Limited", "GmbH", "LLC", "Corp.", "S.A.", ""]


def _pid(items: list[int]) -> list[int]:
    return [os.getpid()] * len(items)


def _squares(items: list[int]) -> list[int]:
    return [i * i for i in items]


def test_work_is_spread_over_worker_processes_and_comes_back_in_order():
    assert map_chunks(_squares, range(1000), min_chunk=50) == [i * i for i in range(1000)]
    pids = set(map_chunks(_pid, list(range(1000)), min_chunk=50))
    if cores() > 1:
        assert os.getpid() not in pids
    assert map_chunks(_pid, list(range(10)), min_chunk=50) == [os.getpid()] * 10  # small: in-process


def _typo(name: str, rng: random.Random) -> str:
    k = rng.randrange(len(name) - 1)
    return name[:k] + name[k + 1] + name[k] + name[k + 2 :]


def _parties() -> tuple[list[Party], list[Party]]:
    rng = random.Random(4)
    names = [" ".join(p).strip() for p in itertools.product(PLACES, TRADE, INDUSTRY, FORMS)]
    rng.shuffle(names)
    parties = [
        Party(f"Company:{k}", "Company", (a, b.upper()), rng.choice(["CN", "HK", None]))
        for k, (a, b) in enumerate(zip(names[:12_000:2], names[1:12_000:2], strict=True))
    ]
    listed = rng.sample(names[:12_000], 150) + rng.sample(names[12_000:], 150)
    entries = [
        Party(
            f"ListEntry:{k}",
            "ListEntry",
            (name.upper(), _typo(name, rng)),
            rng.choice(["CN", "AE"]),
            entity_type="company",
        )
        for k, name in enumerate(listed)
    ]
    return parties, entries


def test_screening_finds_the_same_hits_with_name_forms_from_workers_or_from_one_process():
    parties, entries = _parties()
    assert len({n for p in parties for n in p.names}) >= 10_000  # enough for two workers
    in_workers = screen_parties(with_forms(parties), with_forms(entries))
    in_process = screen_parties(*_parties())  # forms computed on first use, in this process
    assert len(in_workers) > 300
    assert [astuple(h) for h in in_workers] == [astuple(h) for h in in_process]
