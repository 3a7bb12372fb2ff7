"""Benchmark of the app in a real browser on the 1,000,000-declaration demo (issue 6).

Serves ``app.py`` with ``streamlit run`` on a writable copy of the demo workspace (the app writes
its audit log) and drives Debian's Chromium with Playwright. Figures come from the page's own
clock (``performance.now()``, milliseconds since the page's navigation started), median of 10:

- first page interactive: a new tab opens the app until the search box can be typed in, in a browser
  profile that has visited the app before (Streamlit's scripts cached), and in a fresh profile each time;
- network view of a busy company (300 nodes shown) until vis-network has drawn them: from the entity
  page's "Show in network" button in an open tab (what an investigator does), and as a full page
  load (cached and fresh profile); cold = the first view after the app started (graph index built);
- expanding a node: double-click on a node until the grown picture is drawn (each a different node).

    python bench/app_browser.py [--workspace /work/bench-data/demo-1m.duckdb]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save  # noqa: E402

from graphtool.app.i18n import strings  # noqa: E402
from tests.e2e.conftest import CHROMIUM, start_app, stop_app  # noqa: E402

RUNS = 10
VIEWPORT = {"width": 1400, "height": 1000}
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


def wait_drawn(page, more_than: int = 0, timeout_ms: int = 120_000) -> tuple[float, int, float]:
    """When the graph was drawn, how many nodes, and how long after its data reached the browser."""
    page.wait_for_function(
        f"n => Number(({ROOT_JS})?.dataset.nodes ?? 0) > n", arg=more_than, timeout=timeout_ms
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


SEARCH_BOX = strings()["search.box"]["en"]


def tabs(browser, url: str, cached: bool) -> Iterator:
    """RUNS new tabs. ``cached``: in one browser profile that has visited ``url`` once already (a
    returning investigator: Streamlit's scripts come from the browser cache); else each in a fresh
    profile (the first visit ever)."""
    shared = browser.new_context(viewport=VIEWPORT) if cached else None
    if shared:
        priming = shared.new_page()
        priming.goto(url)  # the visit that fills the cache
        priming.close()  # no idle session beside the measured ones
    for _ in range(RUNS):
        context = shared or browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        yield page
        page.close()
        if not shared:
            context.close()
    if shared:
        shared.close()


def first_page(browser, url: str, cached: bool) -> tuple[list[float], list[float]]:
    """Times until the search box can be typed in, and until the static page was parsed (DOM ready)."""
    interactive, dom_ready = [], []
    for page in tabs(browser, url, cached):
        page.goto(url)
        page.get_by_label(SEARCH_BOX).wait_for(state="visible", timeout=60_000)
        interactive.append(page.evaluate("performance.now()"))
        dom_ready.append(
            page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        )
    return interactive, dom_ready


def network_loads(browser, url: str, busy: str, cached: bool) -> tuple[list[float], list[float]]:
    """Full page loads of the network view: times until drawn, drawing only."""
    drawn_at, drawing = [], []
    for page in tabs(browser, url, cached):
        page.goto(f"{url}/network?id={busy}")
        drawn, _, draw = wait_drawn(page)
        drawn_at.append(drawn)
        drawing.append(draw)
    return drawn_at, drawing


def network_in_app(browser, url: str, busy: str) -> list[float]:
    """What an investigator does: on the entity page, "Show in network", until the picture is drawn
    (the app is already open in the tab, so only the page's own work counts)."""
    times = []
    context = browser.new_context(viewport=VIEWPORT)
    for _ in range(RUNS):
        page = context.new_page()
        page.goto(f"{url}/entity?id={busy}")
        button = page.get_by_role("button", name="Show in network")
        button.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(500)
        started = page.evaluate("performance.now()")
        button.click()
        drawn, _, _ = wait_drawn(page)
        times.append(drawn - started)
        page.close()
    context.close()
    return times


def expansions(browser, url: str, busy: str, neighbours: list[str]) -> tuple[list[float], list[float]]:
    """Double-click on a shown node until the grown picture is drawn (each a different node)."""
    expand, drawing = [], []
    context = browser.new_context(viewport=VIEWPORT)
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
            drawn, _, draw = wait_drawn(page, before, timeout_ms=20_000)
        except Exception:  # the neighbour added nothing new (earlier expansions showed it): nothing to time
            continue
        expand.append(drawn - started)
        drawing.append(draw)
        page.wait_for_timeout(300)
    context.close()
    return expand, drawing


def network_loads_once(browser, url: str, busy: str) -> tuple[float, int, float]:
    """The first network view after the app started: the graph index is built on first use."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{url}/network?id={busy}")
    result = wait_drawn(page)
    context.close()
    return result


def step(name: str, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return result


def figures(times: list[float]) -> dict:
    return {"median": statistics.median(times), "all": times} if times else {"median": None, "all": []}


def measure(url: str, busy: str, neighbours: list[str]) -> dict:
    """The first network view (graph index built on first use) comes first, so that every later
    figure is of an app that has finished warming up."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        cold, shown, _ = step("first network view", network_loads_once, browser, url, busy)
        first_fresh, dom_fresh = step("first page, fresh profile", first_page, browser, url, cached=False)
        first_cached, dom_cached = step("first page, cached", first_page, browser, url, cached=True)
        in_app = step("network view from the entity page", network_in_app, browser, url, busy)
        load_cached, draw_cached = step("network page load, cached", network_loads, browser, url, busy, True)
        load_fresh, draw_fresh = step("network page load, fresh", network_loads, browser, url, busy, False)
        expand, expand_draw = step("expanding nodes", expansions, browser, url, busy, neighbours)
        browser.close()
    return {
        "network_view_cold_ms": cold,
        "network_nodes_shown": shown,
        "first_page_interactive_ms": figures(first_cached),
        "first_page_dom_ready_ms": figures(dom_cached),
        "first_page_interactive_fresh_profile_ms": figures(first_fresh),
        "first_page_dom_ready_fresh_profile_ms": figures(dom_fresh),
        "network_view_in_app_ms": figures(in_app),
        "network_view_page_load_ms": figures(load_cached),
        "network_view_page_load_fresh_profile_ms": figures(load_fresh),
        "network_draw_only_ms": figures(draw_cached + draw_fresh),
        "expand_node_ms": figures(expand),
        "expand_draw_only_ms": figures(expand_draw),
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
