"""A throw-away local Neo4j Community server, started from Maven Central jars (no Docker, no tarball).

The test suite uses it to run against a real server; anyone can use it for a scratch database::

    from graphtool.neo4j_server import LocalNeo4j

    with LocalNeo4j() as server:          # ~20-30 s to ready; jars are fetched once and cached
        driver = neo4j.GraphDatabase.driver(server.uri, auth=None)
        ...
    # the server is stopped and its data directory removed here

or from a shell (prints the Bolt URI, stops on Ctrl-C)::

    python -m graphtool.neo4j_server run
    python -m graphtool.neo4j_server fetch     # only download the jars (e.g. to warm a CI cache)

How it works:

* ``neo4j/pom.xml`` depends on ``org.neo4j:neo4j`` (5.26 LTS, runs on Java 17). That artifact *is* the
  server: its runtime dependencies hold Bolt, Cypher and the start-up entry point. :func:`ensure_jars`
  lets Maven copy them into one ``lib/`` folder (downloaded once into ``~/.m2``, copied once into
  ``~/.cache/graphtool/neo4j-<version>/lib``).
* :class:`LocalNeo4j` writes a minimal ``neo4j.conf`` into a fresh temporary home, starts
  ``java -cp "lib/*" <EntryPoint>`` in its own process group, waits until database ``neo4j`` answers
  ``RETURN 1`` over Bolt, and on :meth:`LocalNeo4j.stop` sends SIGTERM (SIGKILL after a timeout).

The server listens on 127.0.0.1 only, on a free port, **with authentication off**: it is meant for
tests and scratch work on one machine, never as a deployment. POSIX only (process groups, ``flock``).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

import neo4j
from neo4j.exceptions import DriverError, Neo4jError

from graphtool.errors import BackendError

#: The Maven project that pins the server version (a source checkout's ``neo4j/pom.xml``).
POM_PATH = Path(__file__).resolve().parent.parent / "neo4j" / "pom.xml"

#: What to do when no local server can be started: said in every such error.
PROVIDE_SERVER_HINT = (
    "Either install Java 17+ and Maven (Debian/Ubuntu: apt-get install openjdk-17-jre-headless maven), "
    "or use an existing Neo4j 5.26+ server: set NEO4J_URI (e.g. bolt://127.0.0.1:7687), NEO4J_USER and "
    "NEO4J_PASSWORD."
)

#: JVM options besides the heap (``LocalNeo4j(heap=...)``; the page cache is set in neo4j.conf); the
#: --add-opens and the netty property are what Neo4j 5.x's own launcher passes by default on Java 17.
JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
)

_ENTRY_POINT_SERVICE = "META-INF/services/org.neo4j.server.startup.EntryPoint"
_MARKER = ".graphtool-complete"
_LOG_TAIL_LINES = 40


def pinned_version(pom: Path = POM_PATH) -> str:
    """The Neo4j version that ``pom`` pins (its ``neo4j.version`` property)."""
    if not pom.is_file():
        raise BackendError(
            f"Cannot start a local Neo4j server: {pom} is missing (it ships with a source checkout of "
            f"graphtool). {PROVIDE_SERVER_HINT}"
        )
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = ET.parse(pom).getroot().find("m:properties/m:neo4j.version", ns)
    if node is None or not (node.text or "").strip():
        raise BackendError(f"{pom} has no <neo4j.version> property")
    return node.text.strip()


def default_jar_home(version: str) -> Path:
    """``$XDG_CACHE_HOME/graphtool/neo4j-<version>`` (``~/.cache/...`` when XDG_CACHE_HOME is unset)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "graphtool" / f"neo4j-{version}"


def require_tool(name: str) -> str:
    """Full path of executable ``name``, or a BackendError that says how to do without it."""
    found = shutil.which(name)
    if found is None:
        raise BackendError(
            f"Cannot start a local Neo4j server: `{name}` was not found on PATH. {PROVIDE_SERVER_HINT}"
        )
    return found


def ensure_jars(home: Path, *, pom: Path = POM_PATH, timeout: float = 1800.0) -> Path:
    """Make sure ``home/lib`` holds the complete server jars of the version ``pom`` pins; return it.

    Runs ``mvn dependency:copy-dependencies`` once (Maven keeps its downloads in ``~/.m2``); later calls
    see the marker file ``lib/.graphtool-complete`` (it holds the version) and return at once. Maven
    writes into a scratch folder that is renamed only when complete, and a file lock keeps two processes
    from fetching at the same time, so an interrupted run never leaves a half-filled ``lib``.
    """
    version = pinned_version(pom)
    lib = home / "lib"
    if _is_complete(lib, version):
        return lib
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_complete(lib, version):  # another process finished while we waited
            return lib
        mvn = require_tool("mvn")
        require_tool("java")
        partial = home / "lib.partial"
        shutil.rmtree(partial, ignore_errors=True)
        cmd = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies", f"-Dneo4j.lib.dir={partial}"]
        try:
            run = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise BackendError(
                f"Fetching the Neo4j {version} jars with Maven took over {timeout:.0f} s"
            ) from exc
        if run.returncode != 0 or not (partial / f"neo4j-{version}.jar").is_file():
            output = "\n".join((run.stdout + run.stderr).splitlines()[-_LOG_TAIL_LINES:])
            raise BackendError(
                f"Maven could not fetch the Neo4j {version} jars (exit {run.returncode}): "
                f"{' '.join(cmd)}\n{output}\n{PROVIDE_SERVER_HINT}"
            )
        (partial / _MARKER).write_text(version + "\n", encoding="utf-8")
        shutil.rmtree(lib, ignore_errors=True)
        partial.rename(lib)
    return lib


def _is_complete(lib: Path, version: str) -> bool:
    marker = lib / _MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == version


def entry_point(lib: Path, version: str) -> str:
    """The server's main class, as the neo4j jar declares it (5.26: ``org.neo4j.server.CommunityEntryPoint``)."""
    with zipfile.ZipFile(lib / f"neo4j-{version}.jar") as jar:
        lines = jar.read(_ENTRY_POINT_SERVICE).decode("utf-8").splitlines()
    classes = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if len(classes) != 1:
        raise BackendError(f"Expected one entry point in neo4j-{version}.jar, found {classes}")
    return classes[0]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_settings(port: int) -> dict[str, str]:
    """``neo4j.conf`` for a private test server. Every key must exist in 5.26: the server validates the
    config strictly and refuses to start on an unknown ``server.``/``dbms.``/``db.`` key."""
    return {
        "server.default_listen_address": "127.0.0.1",  # nothing reachable from outside this machine
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",  # defaults to on (port 7474): would clash between servers
        "server.https.enabled": "false",
        "dbms.routing.enabled": "false",  # defaults to a second listener on 7688
        "dbms.security.auth_enabled": "false",  # tests only: no password to manage
        "dbms.usage_report.enabled": "false",  # never phone home
        "server.memory.pagecache.size": "128m",  # default is half the machine's free memory
        "db.tx_log.preallocate": "false",  # no 256 MiB log files up front
        "db.tx_log.rotation.retention_policy": "1 files",
    }


def write_home(home: Path, settings: Mapping[str, str]) -> Path:
    """Lay out a server home: ``conf/neo4j.conf`` holding ``settings``, and ``logs/``. Returns ``conf``."""
    conf = home / "conf"
    conf.mkdir()
    (home / "logs").mkdir()
    text = "".join(f"{key}={value}\n" for key, value in settings.items())
    (conf / "neo4j.conf").write_text(text, encoding="utf-8")
    return conf


class LocalNeo4j:
    """A Neo4j Community server in a fresh temporary home, for the lifetime of a ``with`` block.

    ``uri`` is a ``bolt://127.0.0.1:<port>`` address; connect with ``auth=None``. Extra ``settings`` are
    added to neo4j.conf (they must be valid 5.26 keys; ``server.directories.data`` puts the databases in a
    folder of your own, which outlives the server). ``heap`` is the JVM's maximum heap. The jars live in
    ``jar_home`` (default :func:`default_jar_home`); the data, config and logs live in ``home``, a
    temporary directory that :meth:`stop` removes unless ``keep_home`` is set or start-up failed (then the
    logs stay for reading).
    """

    def __init__(
        self,
        *,
        jar_home: Path | None = None,
        pom: Path = POM_PATH,
        settings: Mapping[str, str] | None = None,
        startup_timeout: float = 120.0,
        stop_timeout: float = 30.0,
        keep_home: bool = False,
        heap: str = "1g",
    ) -> None:
        self.pom = pom
        self.version = pinned_version(pom)
        self.jar_home = jar_home or default_jar_home(self.version)
        self.extra_settings = dict(settings or {})
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.keep_home = keep_home
        self.heap = heap  # JVM maximum heap (-Xmx); a bulk load of millions of rows wants 2-4g
        self.port: int | None = None
        self.home: Path | None = None
        self.startup_seconds: float | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        if self.port is None:
            raise BackendError("LocalNeo4j has not been started")
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """Where the server's console output (the user log, and any JVM error) goes."""
        if self.home is None:
            raise BackendError("LocalNeo4j has not been started")
        return self.home / "logs" / "console.log"

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> LocalNeo4j:
        """Fetch the jars if needed, start the server and wait until it answers; stop it on any failure."""
        if self._process is not None:
            raise BackendError("LocalNeo4j is already started")
        java = require_tool("java")
        lib = ensure_jars(self.jar_home, pom=self.pom)
        main_class = entry_point(lib, self.version)
        self.home = Path(tempfile.mkdtemp(prefix="graphtool-neo4j-"))
        self.port = free_port()
        conf = write_home(self.home, {**server_settings(self.port), **self.extra_settings})
        cmd = [
            java,
            "-Xms256m",
            f"-Xmx{self.heap}",
            *JVM_FLAGS,
            "-cp",
            f"{lib}{os.sep}*",
            main_class,
            f"--home-dir={self.home}",
            f"--config-dir={conf}",
            "--console-mode",  # the user log goes to stdout (our log file) as well as to logs/neo4j.log
        ]
        started = time.monotonic()
        atexit.register(self.stop)  # a test run that dies early must not leave a server behind
        try:
            with open(self.log_path, "wb") as log:
                # Own session and process group: Ctrl-C in a terminal does not reach it, stop() does.
                self._process = subprocess.Popen(
                    cmd,
                    cwd=self.home,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self._wait_until_ready(started)
        except BaseException:
            self.keep_home = True  # keep the logs the error points to
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_until_ready(self, started: float) -> None:
        deadline = started + self.startup_timeout
        last_error: Exception | None = None
        driver = neo4j.GraphDatabase.driver(self.uri, auth=None, connection_timeout=2.0)
        try:
            while time.monotonic() < deadline:
                if not self.running():
                    raise BackendError(
                        self._failure(f"Neo4j exited during start-up (code {self._process.returncode})")
                    )
                try:
                    driver.verify_connectivity()
                    # Bolt answers before the default database is online: ask the database itself.
                    with driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as session:
                        session.run("RETURN 1").consume()
                    return
                except (DriverError, Neo4jError, OSError) as exc:
                    last_error = exc
                    time.sleep(0.25)
        finally:
            driver.close()
        raise BackendError(
            self._failure(
                f"Neo4j did not answer on {self.uri} within {self.startup_timeout:.0f} s ({last_error!r})"
            )
        )

    def _failure(self, what: str) -> str:
        return f"{what}. Last {_LOG_TAIL_LINES} lines of {self.log_path}:\n{self.log_tail()}"

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """The last ``lines`` lines of the server's console log ("" when there is none)."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return "".join(deque(log, maxlen=lines))
        except (OSError, BackendError):
            return ""

    def stop(self) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after ``stop_timeout``). Idempotent."""
        atexit.unregister(self.stop)
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
        if process is not None and self.home is not None and not self.keep_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> LocalNeo4j:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(pgid, sig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graphtool.neo4j_server", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "command", choices=("fetch", "run"), help="fetch: only download the jars; run: start a server"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            version = pinned_version()
            started = time.monotonic()
            lib = ensure_jars(default_jar_home(version))
            print(f"Neo4j {version} jars in {lib} ({time.monotonic() - started:.1f} s)")
            return 0
        with LocalNeo4j() as server:
            print(
                f"Neo4j {server.version} ready on {server.uri} (no auth) after {server.startup_seconds:.1f} s"
            )
            print(f"home: {server.home}; Ctrl-C stops it", flush=True)
            # Blocked only now, so the server (started above) keeps its own default signal handling.
            stop_signals = {signal.SIGINT, signal.SIGTERM}
            signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
            signal.sigwait(stop_signals)
    except BackendError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
