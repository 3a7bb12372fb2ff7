"""``generate``: write a complete, seeded synthetic export-control case with its ground truth.

One ``numpy.random.Generator(PCG64(seed))`` drives every draw in a fixed order, so the same seed
and scale give byte-identical files. The order of work:

1. the register: exporters, producers, brokers, forwarders, foreign consignees (entities.py);
2. planted schemes and decoys with their own firms, declarations, licences and list entries
   (schemes.py), sized by ``Scale.instances``;
3. the background declarations, vectorised, filling the requested number of lines (background.py);
4. sorting, numbering and rendering of all lines, then a few deliberately bad rows (declarations.py);
5. bills of lading, trade statistics, register files, ground_truth.json.
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from graphtool.demo import background, bills, files, schemes, tradestats, truth
from graphtool.demo.common import Context, Strings, build_pools
from graphtool.demo.declarations import assemble, planted_columns
from graphtool.demo.entities import Scale, World, assign_customers, build_background
from graphtool.demo.vocab import load

MIN_DECLARATIONS = 1_000
FILES = (
    "declarations.csv",
    "companies.csv",
    "people.csv",
    "ownership.csv",
    "officers.csv",
    "licences.csv",
    "bills_of_lading.csv",
    "trade_stats.csv",
    "restricted_list.csv",
    "ground_truth.json",
)


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate`` wrote: paths, row counts per file, planted instances per typology."""

    out_dir: Path
    seed: int
    declarations: int  # declaration lines written (= rows of declarations.csv)
    encoding: str  # of declarations.csv; every other file is UTF-8
    files: Mapping[str, Path]
    rows: Mapping[str, int]  # data rows per CSV file (header excluded)
    schemes: Mapping[str, int]  # planted instances per typology
    decoys: Mapping[str, int]  # decoy instances per kind
    flagged_lines: Mapping[str, int]  # declaration lines that belong to each typology's instances
    bad_rows: int
    seconds: float

    @property
    def declarations_csv(self) -> Path:
        return self.files["declarations.csv"]

    @property
    def ground_truth(self) -> Path:
        return self.files["ground_truth.json"]


def generate(
    out_dir: Path, declarations: int = 20_000, seed: int = 7, encoding: str = "gb18030"
) -> DemoSummary:
    """Write the demo case into ``out_dir`` and return a summary.

    ``declarations`` is the number of declaration lines (rows of declarations.csv); entity counts
    and planted instances grow with its square root. ``encoding`` applies to declarations.csv
    (GB18030 by default, as Chinese customs extracts come; "utf-8" and "gbk" work too).
    """
    if declarations < MIN_DECLARATIONS:
        raise ValueError(f"declarations must be at least {MIN_DECLARATIONS}, got {declarations}")
    encoding = codecs.lookup(encoding).name
    if 'a,"\n'.encode(encoding) != b'a,"\n' or encoding.startswith("utf-8-"):
        raise ValueError(
            f"encoding {encoding!r} is not supported: use an ASCII-compatible one such as gb18030"
        )
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    vocab = load()
    rng = np.random.Generator(np.random.PCG64(seed))
    scale = Scale(declarations)
    world = World(vocab, rng)
    build_background(world, scale)
    strings = Strings()
    ctx = Context(vocab, world, strings, build_pools(vocab, strings, rng), rng)
    planter = schemes.plant_all(ctx, scale)
    assign_customers(world)
    fa = background.firm_arrays(ctx)

    n_planted = sum(len(d.lines) for d in planter.decls)
    if n_planted > declarations // 2:
        raise ValueError(f"{declarations} lines are too few for {n_planted} planted lines")
    cols = background.generate(ctx, fa, declarations - n_planted)
    first_key = int(cols["decl"].max()) + 1
    planted = planted_columns(ctx, fa, planter.decls, first_key)
    merged = {k: np.concatenate([cols[k], planted[k]]) for k in cols}
    del cols, planted
    asm = assemble(ctx, fa, merged, first_key, encoding)
    del merged
    paths = {name: out_dir / name for name in FILES}
    rows = {"declarations.csv": asm.table.num_rows}
    files.write_csv(asm.table, paths["declarations.csv"], encoding)
    asm.table = None  # the largest object: free it before the bills of lading are built
    bl = bills.build(ctx, asm, planter.onward)
    trade = tradestats.build(vocab, rng)

    tables = {
        "companies.csv": files.companies(ctx),
        "people.csv": files.people(ctx),
        "ownership.csv": files.ownership(ctx),
        "officers.csv": files.officers(ctx),
        "licences.csv": files.licences(ctx),
        "bills_of_lading.csv": bl.table,
        "trade_stats.csv": trade.table,
        "restricted_list.csv": files.restricted_list(planter.list_entries),
    }
    for name, table in tables.items():
        rows[name] = table.num_rows
        files.write_csv(table, paths[name])
    del tables

    meta: dict[str, Any] = {
        "generator": {
            "module": "graphtool.demo",
            "seed": seed,
            "declarations": declarations,
            "encoding": encoding,
            "period": [str(vocab.raw["period"]["start"]), str(vocab.raw["period"]["end"])],
            "instances_per_typology": scale.instances,
            "rows": "1-based data rows: row 1 is the first line after the header",
        },
        "files": {
            name: {"rows": rows.get(name), "encoding": encoding if name == "declarations.csv" else "utf-8"}
            for name in FILES
            if name != "ground_truth.json"
        },
    }
    gt = truth.build(ctx, asm, bl, trade, planter.truths, planter.list_entries, meta)
    paths["ground_truth.json"].write_text(
        json.dumps(gt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return DemoSummary(
        out_dir=out_dir,
        seed=seed,
        declarations=rows["declarations.csv"],
        encoding=encoding,
        files=MappingProxyType(paths),
        rows=MappingProxyType(rows),
        schemes=MappingProxyType(gt["counts"]["schemes"]),
        decoys=MappingProxyType(gt["counts"]["decoys"]),
        flagged_lines=MappingProxyType(gt["counts"]["flagged_lines"]),
        bad_rows=len(asm.bad_rows),
        seconds=round(time.perf_counter() - started, 2),
    )
