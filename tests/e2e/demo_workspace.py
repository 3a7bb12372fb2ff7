"""A small demo workspace for the app tests, with hostile names planted in the data.

The seeded demo case (2,000 declaration lines), loaded file by file as ``graphtool demo`` loads it,
plus two companies whose names are markup (``<script>…`` and ``<b onmouseover=…>``) tied by
ownership to a real exporter, so they appear in search results, entity pages and the graph.
Entity resolution, screening and an alert sweep run once, so matches, list hits, paths to listed
parties and alerts all have content.
"""

from __future__ import annotations

import csv
from pathlib import Path

from graphtool.alerts import run_alerts
from graphtool.cli import DEMO_LOAD_ORDER
from graphtool.demo import generate
from graphtool.resolution.resolve import resolve
from graphtool.screening import screen
from graphtool.workspace import Workspace
from loaders import load_file

SCRIPT_NAME = "<script>alert(1)</script>"
HOVER_NAME = "<b onmouseover=alert(2)>Hover Trading</b>"
DECLARATIONS = 2_000


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        headers = next(csv.reader(f))
    with path.open("a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, headers, quoting=csv.QUOTE_ALL)
        writer.writerows({h: row.get(h, "") for h in headers} for row in rows)


def plant_hostile_names(data: Path) -> dict[str, str]:
    """Add the two hostile companies; return the exporter they own (name and USCC)."""
    with (data / "companies.csv").open(newline="", encoding="utf-8") as f:
        target = next(csv.DictReader(f))
    _append(
        data / "companies.csv",
        [
            {"name": SCRIPT_NAME, "country": "HK", "registration_no": "HK-XSS-1", "sector": "trader"},
            {"name": HOVER_NAME, "country": "HK", "registration_no": "HK-XSS-2", "sector": "trader"},
        ],
    )
    company = {"owner_type": "company", "owner_country": "HK", "start_date": "2020-01-01"}
    _append(
        data / "ownership.csv",
        [
            {
                **company,
                "owner_name": SCRIPT_NAME,
                "owner_registration_no": "HK-XSS-1",
                "owned_name": target["name"],
                "owned_uscc": target["uscc"],
                "owned_country": "CN",
                "percent": "60",
            },
            {
                **company,
                "owner_name": HOVER_NAME,
                "owner_registration_no": "HK-XSS-2",
                "owned_name": SCRIPT_NAME,
                "owned_registration_no": "HK-XSS-1",
                "owned_country": "HK",
                "percent": "100",
            },
        ],
    )
    return target


def build(folder: Path) -> Path:
    """Generate, plant, load and sweep alerts; returns the workspace path."""
    summary = generate(folder / "data", declarations=DECLARATIONS, seed=7)
    plant_hostile_names(folder / "data")
    path = folder / "ws.duckdb"
    with Workspace.open(path) as ws:
        for name in DEMO_LOAD_ORDER:
            load_file(ws, summary.files[name])
        resolve(ws)
        screen(ws)
        run_alerts(ws)
    return path


_BUILT: dict[Path, Path] = {}


def shared(tmp_path_factory) -> Path:
    """One demo workspace per test session, whichever test file asks first (it takes a minute)."""
    base = tmp_path_factory.getbasetemp()
    if base not in _BUILT:
        _BUILT[base] = build(tmp_path_factory.mktemp("app-demo"))
    return _BUILT[base]
