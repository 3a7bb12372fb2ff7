"""The investigator's day in a real browser: search → entity → expand a node in the graph → path to a
listed party → an alert; then Chinese; hostile names stay text; nothing leaves the app's origin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from graphtool.app.i18n import strings
from graphtool.config import load_settings
from graphtool.store import open_store
from graphtool.workspace import Workspace
from tests.e2e.demo_workspace import HOVER_NAME, SCRIPT_NAME

LOCAL = ("blob:", "data:")
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def subject(app_server) -> dict[str, str]:
    """An exporter with a path to a listed party, and a neighbour whose expansion adds nodes."""
    store = open_store(load_settings(workspace=app_server.workspace, env={}))
    with Workspace.open(app_server.workspace, read_only=True) as ws:
        exporters = [
            r[0]
            for r in ws.con.execute(
                "SELECT src FROM graph_edges WHERE type = 'EXPORTED' GROUP BY src ORDER BY count(*), src"
            ).fetchall()
        ]
    for exporter in exporters:
        if not store.paths(exporter, None, max_hops=4):
            continue
        around = store.neighbourhood([exporter], hops=1, limit=300)
        for other in sorted(around.nodes):
            grown = store.neighbourhood([other], hops=1, limit=300)
            if other != exporter and set(grown.nodes) - set(around.nodes):
                node = store.node(exporter)
                return {"id": exporter, "name": node.properties["name"], "expand": other}
    raise AssertionError("the demo workspace has no exporter with a path to a listed party")


def settle(page: Page) -> None:
    """Wait until Streamlit has finished the current run (its status widget goes away)."""
    page.wait_for_timeout(200)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=30_000)


def go_to(page: Page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    settle(page)


def search(page: Page, text: str) -> None:
    box = page.get_by_label(strings()["search.box"]["en"])
    box.fill(text)
    box.press("Enter")
    settle(page)


def button(page: Page, name: str):
    """A Streamlit button by its exact label (widgets' own open/close toggles are not buttons of ours)."""
    return (
        page.locator("button[data-testid^='stBaseButton']")
        .filter(has_text=name)
        .get_by_text(name, exact=True)
    )


def node_point(page: Page, node_id: str) -> tuple[float, float]:
    """Where a graph node is on screen (vis-network's canvas coordinates, offset by the canvas box)."""
    return page.locator(".gt-root").first.evaluate(
        """(el, id) => { const n = el.gtNetwork; const d = n.canvasToDOM(n.getPosition(id));
             const r = el.querySelector('canvas').getBoundingClientRect(); return [d.x + r.left, d.y + r.top]; }""",
        node_id,
    )


def drawn_nodes(page: Page) -> int:
    return int(page.locator(".gt-root").first.get_attribute("data-nodes") or 0)


def test_an_investigation_from_search_to_alert(app_server, watched, subject):
    page = watched.page
    page.goto(app_server.url)
    # the server's first run imports everything and starts the graph index: give it time
    expect(page.get_by_role("heading", name="Search")).to_be_visible(timeout=120_000)
    watched.shot("01-search")

    search(page, subject["id"])
    button(page, "Open").click()
    settle(page)
    expect(page.get_by_role("heading", name="Entity")).to_be_visible()
    expect(page.get_by_text(subject["name"], exact=True).first).to_be_visible()
    expect(page.get_by_text("Unexpected error")).to_have_count(0)
    watched.shot("02-entity")

    button(page, "Show in network").click()
    settle(page)
    page.locator(".gt-root[data-drawn]").wait_for(state="attached")
    before = drawn_nodes(page)
    x, y = node_point(page, subject["expand"])
    page.mouse.dblclick(x, y)
    page.wait_for_function(
        "n => Number(document.querySelector('.gt-root')?.dataset.nodes "
        "?? [...document.querySelectorAll('*')].map(e => e.shadowRoot?.querySelector('.gt-root'))"
        ".find(Boolean)?.dataset.nodes) > n",
        arg=before,
    )
    settle(page)
    assert drawn_nodes(page) > before
    expect(page.get_by_text("Selected:")).to_be_visible()  # the double-clicked node is selected in Python
    watched.shot("03-network-expanded")

    go_to(page, "Paths")
    button(page, "Find paths").click()
    settle(page)
    expect(page.get_by_text(re.compile(r"^\d+ paths$"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^1 · .*—\w+→")).first).to_be_attached()
    watched.shot("04-path-to-listed-party")

    go_to(page, "Alerts")
    expect(page.get_by_text("Evidence")).to_be_visible()
    page.locator(".gt-root[data-drawn]").first.wait_for(state="attached")
    watched.shot("05-alert")

    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="简体中文").click()
    settle(page)
    expect(page.get_by_role("heading", name="预警")).to_be_visible()
    watched.shot("06-alert-zh")

    foreign = [u for u in watched.requests if not u.startswith((app_server.url, *LOCAL))]
    assert not foreign, foreign
    assert not watched.dialogs


def test_names_written_as_markup_show_as_text_and_never_run(app_server, watched):
    page = watched.page
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Search")).to_be_visible(timeout=120_000)
    search(page, "script")
    button(page, "Open").click()
    settle(page)
    expect(page.get_by_role("heading", name=SCRIPT_NAME, exact=True)).to_be_visible()
    button(page, "Show in network").click()
    settle(page)
    page.locator(".gt-root[data-drawn]").wait_for(state="attached")
    store = open_store(load_settings(workspace=app_server.workspace, env={}))
    hover_id = store.search("Hover Trading", limit=1)[0]["id"]
    page.mouse.move(*node_point(page, hover_id))
    tooltip = page.locator(".vis-tooltip")
    expect(tooltip).to_contain_text(HOVER_NAME)  # the tooltip shows the markup as characters
    page.mouse.move(5, 5)
    watched.shot("07-hostile-names")
    assert page.locator("b[onmouseover]").count() == 0
    assert not watched.dialogs
    foreign = [u for u in watched.requests if not u.startswith((app_server.url, *LOCAL))]
    assert not foreign, foreign
