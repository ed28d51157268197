"""Typed APIs of the official client and a namespace per test module."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

kubernetes = pytest.importorskip("kubernetes")
client = kubernetes.client


@pytest.fixture(scope="session")
def core(api_client: Any) -> Any:
    return client.CoreV1Api(api_client)


@pytest.fixture(scope="session")
def apps(api_client: Any) -> Any:
    return client.AppsV1Api(api_client)


@pytest.fixture(scope="session")
def batch(api_client: Any) -> Any:
    return client.BatchV1Api(api_client)


@pytest.fixture(scope="module")
def ns(core: Any, request: pytest.FixtureRequest) -> str:
    """A namespace of this test module's own (test_watch.py → ns-watch)."""
    stem = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    name = "ns-" + re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return name


# ---- recording outcomes for the scenario × client table (conformance/report.py) ---------------
_outcomes: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    rep = outcome.get_result()
    if "python_client" not in str(item.fspath):
        return
    module = Path(str(item.fspath)).stem.removeprefix("test_")
    scenario = f"{module}/{item.name.removeprefix('test_')}"
    if rep.when == "call" or (rep.when == "setup" and not rep.passed):
        _outcomes[scenario] = "pass" if rep.passed else ("skip" if rep.skipped else "fail")
    elif rep.when == "teardown" and rep.failed:
        _outcomes[scenario] = "fail"


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _outcomes:
        from conformance import report

        previous = report.load_all().get("python", {})
        report.write_results("python", {**previous, **_outcomes})
        report.write_markdown()
