"""Fixtures: one live `kubepy apiserver` per session, and real clients configured for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance import LiveServer, start_apiserver, write_kubeconfig


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A fresh `kubepy apiserver` (memory backend, a free loopback port, a tmp data dir),
    ready (/readyz 200); stopped with SIGTERM (SIGKILL after a timeout) at the end, when it must
    exit 0 having logged no traceback (an internal error, or a background task that died)."""
    srv = start_apiserver(tmp_path_factory.mktemp("apiserver"), backend="memory")
    yield srv
    status = srv.stop()
    err = srv.stderr()
    assert status == 0, err[-4000:]
    assert "Traceback" not in err, err[-4000:]


@pytest.fixture(scope="session")
def server_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def kubeconfig_path(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kubeconfig(tmp_path_factory.mktemp("kube") / "config", server_url)


@pytest.fixture(scope="session")
def api_client(server_url: str) -> Iterator[object]:
    """The official Python client's ApiClient, Configuration.host = the live server."""
    kubernetes = pytest.importorskip("kubernetes")
    cfg = kubernetes.client.Configuration()
    cfg.host = server_url
    with kubernetes.client.ApiClient(cfg) as client:
        yield client
