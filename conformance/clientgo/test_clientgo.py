"""client-go (k8s.io/client-go v0.37, the Go client every controller is built on) against a live
kubepy apiserver.

The Go program beside this file runs named scenarios (typed CRUD, selectors and pagination, watch
resume and the watch-list protocol, informers with the WatchListClient gate on and off, the three
patch types, fieldValidation, server-side apply, delete options, status and scale subresources,
discovery + the dynamic and metadata clients, OpenAPI, RetryOnConflict, leader election, both event
recorders, protobuf), printing `PASS name` / `FAIL name: reason`; its exit status is the number of
failures. This wrapper builds it once into a cache keyed by the sources and the Go version, runs it
against a fresh apiserver, writes conformance/results/client-go.json and turns each scenario into a
test. `-v` on the program prints every HTTP exchange, to see how client-go talked.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conformance import start_apiserver
from conformance.report import write_results

HERE = Path(__file__).resolve().parent
#: The Go program's scenarios, in the order it runs them (test_every_scenario_ran checks the match).
SCENARIOS = (
    "crud-configmaps",
    "crud-services",
    "crud-pods",
    "crud-deployments",
    "list-selectors",
    "list-pagination",
    "watch-resume",
    "watch-initial-events",
    "informer-watchlist-on",
    "informer-watchlist-off",
    "patch-strategic",
    "patch-merge",
    "patch-json",
    "field-validation",
    "apply-server-side",
    "delete-options",
    "delete-propagation",
    "update-status",
    "scale-subresource",
    "discovery-dynamic",
    "metadata-client",
    "openapi-version",
    "retry-on-conflict",
    "leader-election",
    "events-recorder",
    "core-event-recorder",
    "protobuf-default",
    "protobuf",
)
BUILD_TIMEOUT = 900.0  # a cold build compiles client-go and its dependencies (~2.5 min on 2 cores)
RUN_TIMEOUT = 240.0


def sources(root: Path = HERE) -> list[Path]:
    """What the binary is built from: go.mod, go.sum and every .go file."""
    return [root / "go.mod", root / "go.sum", *sorted(root.glob("*.go"))]


def build_key(files: list[Path], go_version: str) -> str:
    """A digest of the build inputs' names and contents and the toolchain: a new key means a
    rebuild, an unchanged one reuses the cached binary (mtimes change on every checkout)."""
    h = hashlib.sha256(go_version.encode())
    for f in files:
        h.update(b"\0" + f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:20]


def cache_dir() -> Path:
    base = os.environ.get("KUBEPY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kubepy"
    )
    return Path(base) / "clientgo"


def go(*args: str, timeout: float = BUILD_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["go", *args], cwd=HERE, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def build() -> Path:
    """The cached binary for the current sources, built when missing. Modules that cannot be
    downloaded skip the tests (naming them); a compile error fails them."""
    version = go("env", "GOVERSION", timeout=60).stdout.strip()
    target = cache_dir() / build_key(sources(), version) / "clientgo"
    if target.exists():
        return target
    dl = go("mod", "download")
    if dl.returncode != 0:
        pytest.skip("the Go modules of go.mod could not be downloaded: " + dl.stderr.strip()[-800:])
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"clientgo.{os.getpid()}.tmp")
    proc = go("build", "-buildvcs=false", "-trimpath", "-o", str(tmp), ".")
    if proc.returncode != 0:
        pytest.fail(f"go build failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}")
    tmp.replace(target)  # atomic: a concurrent run sees the old binary or the whole new one
    return target


@pytest.fixture(scope="module")
def binary() -> Path:
    if shutil.which("go") is None:
        pytest.skip("this machine has no Go toolchain (go) on PATH")
    return build()


def parse_line(line: str) -> tuple[str, bool, str] | None:
    """`PASS name` → (name, True, ""); `FAIL name: reason` → (name, False, reason); else None."""
    if line.startswith("PASS "):
        return line[5:].strip(), True, ""
    if line.startswith("FAIL "):
        name, _, reason = line[5:].partition(": ")
        return name.strip(), False, reason.strip()
    return None


@dataclass
class Run:
    """What one run of the Go program reported."""

    results: dict[str, bool] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    exit_code: int | None = None
    stderr: str = ""
    listed: list[str] = field(default_factory=list)


def run_go(binary: Path, workdir: Path) -> Run:
    run = Run()
    listed = subprocess.run([str(binary), "-list"], capture_output=True, text=True, timeout=30)
    run.listed = listed.stdout.split()
    srv = start_apiserver(workdir, backend="memory")
    try:
        proc = subprocess.run(
            [str(binary), "-server", srv.url],
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    finally:
        srv.stop()
    for line in proc.stdout.splitlines():
        if (parsed := parse_line(line)) is not None:
            name, ok, reason = parsed
            run.results[name] = ok
            run.reasons[name] = reason
    run.exit_code = proc.returncode
    run.stderr = proc.stderr
    return run


@pytest.fixture(scope="module")
def clientgo_run(binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    run = run_go(binary, tmp_path_factory.mktemp("clientgo"))
    write_results("client-go", {n: "pass" if ok else "fail" for n, ok in run.results.items()})
    yield run


def test_every_scenario_ran(clientgo_run: Run):
    assert clientgo_run.listed == list(SCENARIOS)
    assert list(clientgo_run.results) == list(SCENARIOS), clientgo_run.stderr[-2000:]
    failed = [n for n, ok in clientgo_run.results.items() if not ok]
    assert clientgo_run.exit_code == len(failed)


#: Known kubepy gaps: each scenario here fails today for the reason given (strict: fixing the gap
#: makes the mark fail, so it is removed with the fix).
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[s])) if s in KNOWN_GAPS else s
        for s in SCENARIOS
    ],
)
def test_scenario(clientgo_run: Run, scenario: str):
    assert scenario in clientgo_run.results, f"{scenario} did not run; stderr: {clientgo_run.stderr[-2000:]}"
    assert clientgo_run.results[scenario], clientgo_run.reasons[scenario]


def test_parse_line():
    assert parse_line("PASS watch-resume\n") == ("watch-resume", True, "")
    assert parse_line("FAIL protobuf: not protobuf: GET /x: y\n") == (
        "protobuf",
        False,
        "not protobuf: GET /x: y",
    )
    assert parse_line('I1126 01:18:41 warnings.go:107] "Warning: v1 Endpoints is deprecated"') is None


def test_build_key_follows_contents_and_toolchain(tmp_path: Path):
    for name in ("go.mod", "go.sum", "main.go"):
        (tmp_path / name).write_text(name)
    files = sources(tmp_path)
    assert [f.name for f in files] == ["go.mod", "go.sum", "main.go"]
    key = build_key(files, "go1.26.8")
    (tmp_path / "main.go").touch()
    assert build_key(files, "go1.26.8") == key  # a new mtime alone does not rebuild
    assert build_key(files, "go1.27.0") != key
    (tmp_path / "main.go").write_text("package main // changed")
    assert build_key(files, "go1.26.8") != key
    (tmp_path / "extra.go").write_text("package main")
    assert build_key(sources(tmp_path), "go1.26.8") != build_key(files, "go1.26.8")
