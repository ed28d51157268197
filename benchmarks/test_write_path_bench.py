"""Write-path micro-benchmarks: Store.create and managedFields tracking (no assertions on speed).

.venv/bin/pytest benchmarks/test_write_path_bench.py --benchmark-only -q

The load script's CREATE line (benchmarks/load/run.py) is this path behind HTTP. On the 2-core
development machine (shared, so expect noise) a small generateName Pod took, per call (medians;
"before" is the tree before the write-path session of H3, measured in the same run):

    Store.create, memory storage             ~147 us   (before: ~264 us; earlier still ~300 us)
    track_update, create                      ~11 us   (before: ~35 us; general path ~40 us)
    track_update, update of one label         ~39 us   (before: ~97 us)
    track_update, a kubelet status write      ~44 us   (compare_views ~21 us, filled copies ~28 us)
    canonical_order of a Pod: ~9 us, afresh ~12 us; pod spec validation remembered ~2 us, afresh ~19 us
    encode_fields, a Pod's set: cached ~2.5 us, uncached ~22 us
"""

from __future__ import annotations

import asyncio
import copy
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from kubepy.api import decode
from kubepy.api.catalog import all_resources
from kubepy.api.decode import canonical_order
from kubepy.api.resource import Context
from kubepy.api.validation.pod import validate_pod_spec
from kubepy.apiserver.apply import manager as mgr
from kubepy.apiserver.apply import updater
from kubepy.apiserver.apply.compare import compare, compare_views, with_zero_structs
from kubepy.apiserver.apply.fieldpath import _encode, encode_fields
from kubepy.apiserver.apply.managed import Managed
from kubepy.apiserver.apply.typed import json_copy, node_of
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


def test_track_create(benchmark: Any, created: dict) -> None:
    """What Store.create calls: in place, the field set remembered per object shape."""
    benchmark(
        lambda: mgr.track_create(
            json_copy(created), manager="m", schema=PODS.schema, api_version="v1", now=NOW
        )
    )


def _status_write(created: dict) -> tuple[dict, dict]:
    old = mgr.track_update(None, created, manager="m", schema=PODS.schema, api_version="v1", now=NOW)
    new = copy.deepcopy(old)
    new["status"].update(
        {
            "phase": "Running",
            "podIP": "10.1.0.5",
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": NOW}],
            "containerStatuses": [
                {"name": "c", "ready": True, "restartCount": 0, "state": {"running": {"startedAt": NOW}}}
            ],
        }
    )
    return old, new


def test_track_update_status(benchmark: Any, created: dict) -> None:
    """A kubelet's status write: only the status is compared (the rest is reset for /status)."""
    old, new = _status_write(created)
    benchmark(
        lambda: mgr.track_update(
            old, new, manager="kubelet", schema=PODS.schema, api_version="v1", now=NOW, subresource="status"
        )
    )


def test_compare_views_status(benchmark: Any, created: dict) -> None:
    old, new = _status_write(created)
    node = node_of(PODS.schema)
    benchmark(lambda: compare_views({"status": old["status"]}, {"status": new["status"]}, node))


def test_compare_filled_copies_status(benchmark: Any, created: dict) -> None:
    """What compare_views replaces: zero-filled copies of both sides, then the comparison."""
    old, new = _status_write(created)
    node = node_of(PODS.schema)
    o, n = {"status": old["status"]}, {"status": new["status"]}
    benchmark(lambda: compare(with_zero_structs(o, node), with_zero_structs(n, node), node))


def test_canonical_order_pod(benchmark: Any, created: dict) -> None:
    """Remembered top-level structs (spec, status): metadata alone is ordered afresh."""
    benchmark(lambda: canonical_order(created, PODS.schema))


def test_canonical_order_pod_afresh(benchmark: Any, created: dict) -> None:
    benchmark(lambda: decode._orderer(PODS.schema)(created))


def test_validate_pod_spec_remembered(benchmark: Any, created: dict) -> None:
    ctx = Context(namespace="default", now=datetime.now(UTC))
    benchmark(lambda: PODS.strategy.validate(created, ctx))


def test_validate_pod_spec_afresh(benchmark: Any, created: dict) -> None:
    benchmark(lambda: validate_pod_spec(created["spec"], "spec"))


def test_encode_fields(benchmark: Any, created: dict) -> None:
    node, reset = node_of(PODS.schema), mgr.reset_fields(PODS.schema, "")
    fs = updater.update({}, created, Managed(), "v1", node, reset)
    benchmark(lambda: encode_fields(fs))


def test_encode_fields_uncached(benchmark: Any, created: dict) -> None:
    node, reset = node_of(PODS.schema), mgr.reset_fields(PODS.schema, "")
    fs = updater.update({}, created, Managed(), "v1", node, reset)
    benchmark(lambda: _encode(fs))
