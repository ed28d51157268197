"""Fixtures: every scenario runs once per kubectl version, against a fresh kubepy per (module, version).

A module may set `SERVER_ARGS` (extra apiserver flags, e.g. a wider --service-cluster-ip-range).
Each scenario's outcome is recorded per version in conformance/results/kubectl-<version>.json
(merged: a partial run updates only what it ran; delete the file to drop renamed scenarios) and
the scenario × client table (conformance/report.py) is printed and written at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance import LiveServer, report, start_apiserver
from conformance.kubectl.runner import VERSIONS, Kubectl

_outcomes: dict[str, dict[str, str]] = {}  # version -> scenario -> pass|fail|skip


@pytest.fixture(scope="module", params=VERSIONS)
def kubectl_version(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def kubectl_binary(kubectl_version: str) -> Path:
    from kubepy import kubectl as fetcher

    try:
        return fetcher.fetch(kubectl_version)
    except (fetcher.KubectlUnavailable, OSError) as e:
        pytest.skip(f"kubectl {kubectl_version} cannot be fetched: {e}")


@pytest.fixture(scope="module")
def server(
    kubectl_version: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A fresh `kubepy apiserver` (memory backend) for this module and kubectl version."""
    extra = list(getattr(request.module, "SERVER_ARGS", ()))
    srv = start_apiserver(tmp_path_factory.mktemp(f"kubepy-{kubectl_version}"), extra_args=extra)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def kubectl(
    kubectl_binary: Path, kubectl_version: str, server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Kubectl:
    """kubectl with a kubeconfig made the way the book's §5.5 makes one (config set-cluster,
    set-context, use-context) and a private HOME, so discovery is cached per server."""
    home = tmp_path_factory.mktemp(f"home-{kubectl_version}")
    k = Kubectl(kubectl_binary, kubectl_version, home / ".kube" / "config", home)
    k("config", "set-cluster", "kubepy", f"--server={server.url}")
    k("config", "set-context", "kubepy", "--cluster=kubepy")
    k("config", "use-context", "kubepy")
    return k


# ---- recording outcomes -------------------------------------------------------------------------
def scenario_name(item: pytest.Item) -> tuple[str, str] | None:
    """(version, scenario) of a test item; scenario = module stem / test name [other params]."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or "kubectl_version" not in callspec.params:
        return None
    version = callspec.params["kubectl_version"]
    rest = [p for p in callspec.id.split("-") if p != version]
    module = Path(str(item.fspath)).stem.removeprefix("test_")
    name = getattr(item, "originalname", item.name).removeprefix("test_")
    return version, f"{module}/{name}" + (f"[{'-'.join(rest)}]" if rest else "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()
    key = scenario_name(item)
    if key is None:
        return
    version, scenario = key
    per = _outcomes.setdefault(version, {})
    if rep.when == "call" or (rep.when == "setup" and not rep.passed):
        per[scenario] = "pass" if rep.passed else ("skip" if rep.skipped else "fail")
    elif rep.when == "teardown" and rep.failed:
        per[scenario] = "fail"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Merge into the results files, so a run of a few scenarios (-k) updates just those."""
    previous = report.load_all()
    for version, results in _outcomes.items():
        client = f"kubectl-{version}"
        report.write_results(client, {**previous.get(client, {}), **results})
    if _outcomes:
        report.write_markdown()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _outcomes:
        terminalreporter.write_sep("=", "scenario × client (conformance/results.md)")
        terminalreporter.write_line(report.render(report.load_all()))
