"""fabric8 (the Java client, 8.0.0 on the JDK's HTTP/WebSocket client) against a live kubepy apiserver.

The Maven project beside this file replays the book's chapter 3 Java programs (JAVA-010..023) and the
idioms fabric8 users write (edit, server-side apply, createOr, a WebSocket watch, informers, scale),
printing `PASS name` / `FAIL name: reason` per scenario. This wrapper builds it once (`mvn -q -B
package`, skipped while the jar is newer than every source), runs it against a fresh apiserver (LMDB, so
the server can be restarted under a running informer), writes conformance/results/fabric8.json and
turns each scenario into a test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conformance import REPO, LiveServer, start_apiserver

HERE = Path(__file__).resolve().parent
JAR = HERE / "target" / "fabric8-conformance.jar"
RESULTS = HERE.parent / "results" / "fabric8.json"
BOOK = REPO.parent / "shared" / "book"
#: The Java program's scenarios, in the order it runs them (test_every_scenario_ran checks the match).
SCENARIOS = (
    "create-namespace",
    "create-pods",
    "list-pods-all-namespaces",
    "list-label-equality",
    "list-label-set-in",
    "list-field-selector",
    "replace-pod",
    "merge-patch",
    "strategic-merge-patch",
    "update-status",
    "delete-pod",
    "edit-pod",
    "server-side-apply",
    "create-or-update",
    "service-node-port",
    "rc-scale",
    "watch-pods",
    "informer-configmaps",
    "informer-after-restart",
)
BUILD_TIMEOUT = 900.0  # a first build downloads ~35 jars
RUN_TIMEOUT = 240.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_UNRESOLVED = re.compile(
    r"Could not resolve dependencies|could not be resolved|Could not find artifact|"
    r"Could not transfer artifact|Non-resolvable|Failed to read artifact descriptor"
)


def sources() -> list[Path]:
    return [HERE / "pom.xml", *sorted((HERE / "src").rglob("*.java"))]


def jar_is_current(jar: Path, inputs: list[Path]) -> bool:
    """True when the jar and its lib/ exist and the jar is newer than every build input."""
    if not jar.exists() or not (jar.parent / "lib").is_dir():
        return False
    return jar.stat().st_mtime > max(p.stat().st_mtime for p in inputs)


def unresolved(output: str) -> list[str]:
    """Maven's lines naming what it could not download (artifacts, import POMs, plugins)."""
    lines = (_ANSI.sub("", line).removeprefix("[ERROR]").strip() for line in output.splitlines())
    found = [line for line in lines if _UNRESOLVED.search(line)]
    return list(dict.fromkeys(found))  # in order, once each


def parse_line(line: str) -> tuple[str, bool, str] | None:
    """`PASS name` → (name, True, ""); `FAIL name: reason` → (name, False, reason); else None."""
    if line.startswith("PASS "):
        return line[5:].strip(), True, ""
    if line.startswith("FAIL "):
        name, _, reason = line[5:].partition(": ")
        return name.strip(), False, reason.strip()
    return None


def build() -> None:
    """`mvn -q -B package`; skips the tests when Maven cannot resolve artifacts, fails otherwise."""
    proc = subprocess.run(
        ["mvn", "-q", "-B", "-Dstyle.color=never", "package"],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode == 0:
        return
    output = proc.stdout + proc.stderr
    missing = unresolved(output)
    if missing:
        pytest.skip("Maven could not resolve the fabric8 client's artifacts: " + " | ".join(missing[:5]))
    pytest.fail(f"mvn package failed (exit {proc.returncode}):\n{output[-4000:]}")


@pytest.fixture(scope="module")
def jar() -> Path:
    for tool, what in (("java", "a JDK 17 (java)"), ("mvn", "Maven (mvn)")):
        if shutil.which(tool) is None:
            pytest.skip(f"this machine has no {what} on PATH")
    if not BOOK.is_dir():
        pytest.skip(f"the book's files are not here: {BOOK}")
    if not jar_is_current(JAR, sources()):
        build()
    return JAR


@dataclass
class Run:
    """What one run of the Java program reported."""

    results: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    exit_code: int | None = None
    stderr: str = ""
    restarts: int = 0


def restart(srv: LiveServer, workdir: Path) -> LiveServer:
    """Stop the apiserver and start it again on the same port over the same LMDB data."""
    assert srv.stop() == 0, srv.stderr()
    return start_apiserver(workdir, backend="lmdb", data_dir=srv.data_dir, port=srv.port)


def run_java(jar: Path, workdir: Path) -> Run:
    """Runs every scenario; answers the program's RESTART requests by restarting the server."""
    run = Run()
    srv = start_apiserver(workdir, backend="lmdb")
    argv = ["java", "-jar", str(jar), "--restart-via-stdio", srv.url, str(BOOK)]
    stderr_path = workdir / "java.stderr"
    try:
        with open(stderr_path, "w") as err:
            proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True
            )
        watchdog = threading.Timer(RUN_TIMEOUT, proc.kill)
        watchdog.start()
        try:
            assert proc.stdout is not None and proc.stdin is not None
            for line in proc.stdout:
                if line.strip() == "RESTART":
                    srv = restart(srv, workdir)
                    run.restarts += 1
                    proc.stdin.write("RESTARTED\n")
                    proc.stdin.flush()
                elif (parsed := parse_line(line)) is not None:
                    name, ok, reason = parsed
                    run.results[name] = ok
                    run.reasons[name] = reason
            run.exit_code = proc.wait()
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        srv.stop()
    run.stderr = stderr_path.read_text(errors="replace")
    return run


@pytest.fixture(scope="module")
def fabric8_run(jar: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    run = run_java(jar, tmp_path_factory.mktemp("fabric8"))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({n: "pass" if ok else "fail" for n, ok in run.results.items()}, indent=2) + "\n"
    )
    yield run


def test_every_scenario_ran(fabric8_run: Run):
    assert list(fabric8_run.results) == list(SCENARIOS), fabric8_run.stderr[-2000:]
    failed = [n for n, ok in fabric8_run.results.items() if not ok]
    assert fabric8_run.exit_code == len(failed)
    assert fabric8_run.restarts == 1


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(fabric8_run: Run, scenario: str):
    assert scenario in fabric8_run.results, f"{scenario} did not run; stderr: {fabric8_run.stderr[-2000:]}"
    assert fabric8_run.results[scenario], fabric8_run.reasons[scenario]


def test_parse_line():
    assert parse_line("PASS watch-pods\n") == ("watch-pods", True, "")
    assert parse_line("FAIL rc-scale: AssertionError: a: b\n") == ("rc-scale", False, "AssertionError: a: b")
    assert parse_line("RESTART\n") is None


def test_jar_is_current(tmp_path: Path):
    src = tmp_path / "A.java"
    src.write_text("class A {}")
    jar = tmp_path / "x.jar"
    assert not jar_is_current(jar, [src])
    (tmp_path / "lib").mkdir()
    jar.write_bytes(b"")
    src.touch()
    older = src.stat().st_mtime - 10
    os.utime(jar, (older, older))
    assert not jar_is_current(jar, [src])
    os.utime(jar, (older + 20, older + 20))
    assert jar_is_current(jar, [src])


def test_unresolved_names_the_missing_artifact():
    output = (
        "\x1b[0m[ERROR] Non-resolvable import POM: Could not find artifact "
        "io.fabric8:kubernetes-client-bom:pom:9.9.9 in central @ line 23\n"
        "[ERROR] 'dependencies.dependency.version' for io.fabric8:kubernetes-client:jar is missing.\n"
        "[ERROR]     Non-resolvable import POM: Could not find artifact "
        "io.fabric8:kubernetes-client-bom:pom:9.9.9 in central @ line 23\n"
    )
    assert unresolved(output) == [
        "Non-resolvable import POM: Could not find artifact io.fabric8:kubernetes-client-bom:pom:9.9.9 in central @ line 23"
    ]
    assert unresolved("[ERROR] COMPILATION ERROR : Main.java:[85,18] unreported exception") == []
