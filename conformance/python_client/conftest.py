"""Typed APIs of the official client and a namespace per test module."""

from __future__ import annotations

import re
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
