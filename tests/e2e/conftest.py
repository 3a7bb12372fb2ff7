"""The app served by a real ``streamlit run`` on a free port, and a headless Chromium to drive it.

Chromium is Debian's (/usr/bin/chromium, installed by ``make test``); Playwright drives it through
``executable_path`` (it downloads no browser). Every request the page makes is recorded, so tests
can assert that nothing left the app's own origin.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.demo_workspace import shared

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("GRAPHTOOL_CHROMIUM", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    workspace: Path
    process: subprocess.Popen


def start_app(workspace: Path, log: Path, env: dict[str, str] | None = None, timeout_s: float = 60) -> Server:
    """``streamlit run app.py`` on a free port; returns once its health check answers."""
    port = free_port()
    environ = {
        **os.environ,
        "GRAPHTOOL_WORKSPACE": str(workspace),
        "GRAPHTOOL_CONFIG": str(workspace.parent / "graphtool.toml"),
        "GRAPHTOOL_LANG": "en",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(env or {}),
    }
    environ.pop("NEO4J_URI", None)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return Server(url, workspace, process)
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"the app did not start within {timeout_s} s; see {log}")


def stop_app(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[Server]:
    workspace = shared(tmp_path_factory)
    server = start_app(workspace, tmp_path_factory.mktemp("app-log") / "streamlit.log")
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page plus what it did: every URL requested, every dialog (alert/confirm) raised."""

    page: Page
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def watched(browser, request) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    seen = Watched(page)
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    yield seen
    seen.shot(f"last-{request.node.name}")  # where the test ended (helps when it failed)
    context.close()
