"""Benchmark of the app in a real browser on the 1,000,000-declaration demo (issue 6).

Serves ``app.py`` with ``streamlit run`` on a writable copy of the demo workspace (the app writes
its audit log) and drives Debian's Chromium with Playwright. Figures come from the page's own
clock (``performance.now()``, milliseconds since the page's navigation started), median of 10:

- first page interactive: a fresh browser session opens the app until the search box can be typed in;
- network view: a fresh session opens the network page of a busy company (300 nodes shown) until
  vis-network has drawn them (cold = first time for that company, warm = cached);
- expanding a node: double-click on a node until the grown picture is drawn (each a different node).

    python bench/app_browser.py [--workspace /work/bench-data/demo-1m.duckdb]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save  # noqa: E402

from tests.e2e.conftest import CHROMIUM, start_app, stop_app  # noqa: E402

RUNS = 10
COPY = Path("/work/bench-data/app/demo-1m.duckdb")
ROOT_JS = "document.querySelector('.gt-root') ?? [...document.querySelectorAll('*')].map(e => e.shadowRoot?.querySelector('.gt-root')).find(Boolean)"


def writable_copy(source: Path) -> Path:
    """The app writes its audit log; the shared demo file stays untouched."""
    COPY.parent.mkdir(parents=True, exist_ok=True)
    if not COPY.exists() or COPY.stat().st_mtime < source.stat().st_mtime:
        shutil.copyfile(source, COPY)
    return COPY


def subjects(workspace: Path) -> tuple[str, list[str]]:
    """A busy exporter (its one-hop view is capped at 300 nodes) and ten shown nodes whose expansion adds some."""
    from graphtool.config import load_settings
    from graphtool.store import open_store
    from graphtool.workspace import Workspace

    with Workspace.open(workspace, read_only=True) as ws:
        busy = ws.con.execute(
            "SELECT src FROM graph_edges WHERE type = 'EXPORTED' GROUP BY src ORDER BY count(*) DESC LIMIT 1"
        ).fetchall()[0][0]
    store = open_store(load_settings(workspace=workspace, env={}))
    around = store.neighbourhood([busy], hops=1, limit=300)
    others = sorted(n for n in around.nodes if n != busy)
    growing = [
        n for n in others if set(store.neighbourhood([n], hops=1, limit=300).nodes) - set(around.nodes)
    ]
    return busy, growing[:RUNS]


def wait_drawn(page, more_than: int = 0) -> tuple[float, int, float]:
    """When the graph was drawn, how many nodes, and how long after its data reached the browser."""
    page.wait_for_function(
        f"n => Number(({ROOT_JS})?.dataset.nodes ?? 0) > n", arg=more_than, timeout=120_000
    )
    return page.evaluate(
        f"""() => {{ const r = {ROOT_JS};
            return [Number(r.dataset.drawn), Number(r.dataset.nodes), Number(r.dataset.drawn) - Number(r.dataset.updated)]; }}"""
    )


def node_point(page, node_id: str) -> tuple[float, float]:
    return page.evaluate(
        f"""id => {{ const el = {ROOT_JS}; const n = el.gtNetwork; const d = n.canvasToDOM(n.getPosition(id));
             const r = el.querySelector('canvas').getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }}""",
        node_id,
    )


def measure(url: str, busy: str, neighbours: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    first, dom_ready, network, draw_only, expand, expand_draw, nodes_shown = [], [], [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(RUNS):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(url)
            page.get_by_label("Name (either script), id, registration number, address or phone").wait_for(
                state="visible", timeout=60_000
            )
            first.append(page.evaluate("performance.now()"))
            dom_ready.append(
                page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
            )
            context.close()
        for _ in range(RUNS + 1):  # the first run is cold (nothing cached); the rest warm
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(f"{url}/network?id={busy}")
            drawn, count, drawing = wait_drawn(page)
            network.append(drawn)
            draw_only.append(drawing)
            nodes_shown.append(count)
            context.close()
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/network?id={busy}")
        wait_drawn(page)
        page.wait_for_timeout(1000)
        for node in neighbours:
            before = int(page.evaluate(f"() => Number(({ROOT_JS}).dataset.nodes)"))
            x, y = node_point(page, node)
            started = page.evaluate("performance.now()")
            page.mouse.dblclick(x, y)
            try:
                drawn, _, drawing = wait_drawn(page, before)
            except Exception:  # the neighbour added nothing new: nothing to time
                continue
            expand.append(drawn - started)
            expand_draw.append(drawing)
            page.wait_for_timeout(300)
        browser.close()
    med = statistics.median
    return {
        "first_page_interactive_ms": {"median": med(first), "all": first},
        "first_page_dom_ready_ms": {"median": med(dom_ready), "all": dom_ready},
        "network_view_cold_ms": network[0],
        "network_view_warm_ms": {"median": med(network[1:]), "all": network[1:]},
        "network_draw_only_ms": {"median": med(draw_only), "all": draw_only},
        "network_nodes_shown": nodes_shown[0],
        "expand_node_ms": {"median": med(expand) if expand else None, "all": expand},
        "expand_draw_only_ms": {"median": med(expand_draw) if expand_draw else None, "all": expand_draw},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=Path("/work/bench-data/demo-1m.duckdb"))
    args = parser.parse_args()
    workspace = writable_copy(args.workspace)
    busy, neighbours = subjects(workspace)
    log = COPY.parent / "streamlit.log"
    started = time.perf_counter()
    server = start_app(workspace, log, timeout_s=120)
    up_s = time.perf_counter() - started
    try:
        result = {
            "machine": machine(),
            "workspace": str(args.workspace),
            "app_start_s": up_s,
            "company": busy,
            **measure(server.url, busy, neighbours),
        }
    finally:
        stop_app(server)
    print(save("app_browser", result))
    for key, value in result.items():
        if key != "machine":
            print(key, value if not isinstance(value, dict) else value.get("median", value))


if __name__ == "__main__":
    main()
