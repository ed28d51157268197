"""Write-path micro-benchmarks: Store.create and managedFields tracking (no assertions on speed).

.venv/bin/pytest benchmarks/test_write_path_bench.py --benchmark-only -q

The load script's CREATE line (benchmarks/load/run.py) is this path behind HTTP. On the 2-core
development machine (shared, so expect noise) a small generateName Pod took, per call:

    Store.create, memory storage             ~170 us   (before the create fast path: ~300 us)
    track_update, create (fast path)          ~28 us   (general comparison path: ~115 us)
    track_update, update of one label         ~95 us
    encode_fields, a Pod's set: cached ~2 us, uncached ~13 us
"""

from __future__ import annotations

import asyncio
import copy
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from kubepy.api.catalog import all_resources
from kubepy.apiserver.apply import manager as mgr
from kubepy.apiserver.apply import updater
from kubepy.apiserver.apply.fieldpath import _encode, encode_fields
from kubepy.apiserver.apply.managed import Managed
from kubepy.apiserver.apply.typed import node_of
from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.params import WriteOptions
from kubepy.apiserver.server import APIServer

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"generateName": "p-", "labels": {"app": "x"}},
    "spec": {"containers": [{"name": "c", "image": "nginx:1.7.9", "ports": [{"containerPort": 80}]}]},
}
NOW = "2026-01-01T00:00:00Z"
PODS = next(r for r in all_resources() if r.kind == "Pod" and r.plural == "pods")


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    lp = asyncio.new_event_loop()
    yield lp
    lp.close()


@pytest.fixture(params=["memory", "lmdb"])
def server(request: Any, loop: asyncio.AbstractEventLoop) -> Iterator[APIServer]:
    with tempfile.TemporaryDirectory() as d:
        srv = APIServer(ServerConfig(storage=StorageConfig(engine=request.param, data_dir=d)))
        loop.run_until_complete(srv.start())
        yield srv
        loop.run_until_complete(srv.stop())


def test_store_create_64_concurrent(
    benchmark: Any, server: APIServer, loop: asyncio.AbstractEventLoop
) -> None:
    """64 creates at once, as the load script's 64 clients: durable (group commit) with lmdb."""
    store = server.registry.store("", "pods")

    async def batch() -> None:
        await asyncio.gather(
            *(store.create("default", copy.deepcopy(POD), WriteOptions(), "bench") for _ in range(64))
        )

    benchmark.pedantic(lambda: loop.run_until_complete(batch()), rounds=20, iterations=1, warmup_rounds=2)


def test_store_create_one(benchmark: Any, server: APIServer, loop: asyncio.AbstractEventLoop) -> None:
    store = server.registry.store("", "pods")
    benchmark.pedantic(
        lambda: loop.run_until_complete(store.create("default", copy.deepcopy(POD), WriteOptions(), "bench")),
        rounds=300,
        iterations=1,
        warmup_rounds=20,
    )


@pytest.fixture(scope="module")
def created(request: Any) -> dict:
    """A defaulted Pod as Store.create hands it to track_update (without managedFields)."""
    loop = asyncio.new_event_loop()
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory")))
    loop.run_until_complete(srv.start())
    res = loop.run_until_complete(
        srv.registry.store("", "pods").create("default", copy.deepcopy(POD), WriteOptions(), "bench")
    )
    loop.run_until_complete(srv.stop())
    loop.close()
    obj = res.record.obj()
    obj["metadata"].pop("managedFields")
    return obj


def test_track_update_create(benchmark: Any, created: dict) -> None:
    benchmark(
        lambda: mgr.track_update(None, created, manager="m", schema=PODS.schema, api_version="v1", now=NOW)
    )


def test_track_update_create_general_path(benchmark: Any, created: dict) -> None:
    """What the fast path replaces: the comparison against an empty object."""
    node, reset = node_of(PODS.schema), mgr.reset_fields(PODS.schema, "")
    benchmark(lambda: updater.update({}, created, Managed(), "v1", node, reset))


def test_track_update_update(benchmark: Any, created: dict) -> None:
    old = mgr.track_update(None, created, manager="m", schema=PODS.schema, api_version="v1", now=NOW)
    new = copy.deepcopy(old)
    new["metadata"]["labels"]["tier"] = "web"
    benchmark(lambda: mgr.track_update(old, new, manager="k", schema=PODS.schema, api_version="v1", now=NOW))


def test_encode_fields(benchmark: Any, created: dict) -> None:
    node, reset = node_of(PODS.schema), mgr.reset_fields(PODS.schema, "")
    fs = updater.update({}, created, Managed(), "v1", node, reset)
    benchmark(lambda: encode_fields(fs))


def test_encode_fields_uncached(benchmark: Any, created: dict) -> None:
    node, reset = node_of(PODS.schema), mgr.reset_fields(PODS.schema, "")
    fs = updater.update({}, created, Managed(), "v1", node, reset)
    benchmark(lambda: _encode(fs))
