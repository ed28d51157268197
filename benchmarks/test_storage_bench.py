"""Storage engine micro-benchmarks (no assertions on speed).

.venv/bin/pytest benchmarks/test_storage_bench.py --benchmark-only -q
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubepy.storage.lmdb_engine import LmdbStorage
from kubepy.storage.memory import MemoryStorage

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "default", "uid": "5f1c", "labels": {"app": "web"}},
    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.7.9", "ports": [{"containerPort": 80}]}]},
}


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    lp = asyncio.new_event_loop()
    yield lp
    lp.close()


@pytest.fixture(params=["memory", "lmdb"])
def store(request: Any, loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        s: Any = MemoryStorage(compact_interval=None)
    else:
        s = loop.run_until_complete(LmdbStorage.open(str(tmp_path / "db"), compact_interval=None))
    yield s
    loop.run_until_complete(s.close())


def test_get(benchmark: Any, store: Any, loop: asyncio.AbstractEventLoop) -> None:
    loop.run_until_complete(store.create("/pods/default/web", POD))
    benchmark(lambda: loop.run_until_complete(store.get("/pods/default/web")))


def test_create(benchmark: Any, store: Any, loop: asyncio.AbstractEventLoop) -> None:
    counter = itertools.count()
    benchmark.pedantic(
        lambda: loop.run_until_complete(store.create(f"/pods/default/web{next(counter)}", POD)),
        rounds=200,
        iterations=1,
    )


def _lmdb(loop: asyncio.AbstractEventLoop, tmp_path: Path) -> LmdbStorage:
    return loop.run_until_complete(LmdbStorage.open(str(tmp_path / "db"), compact_interval=None))


def test_lmdb_64_concurrent_creates(benchmark: Any, loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    """64 writers at once: group commit shares the fsyncs."""
    store, batch = _lmdb(loop, tmp_path), itertools.count()

    async def run() -> None:
        b = next(batch)
        await asyncio.gather(*(store.create(f"/pods/c{b}/p{i}", POD) for i in range(64)))

    benchmark.pedantic(lambda: loop.run_until_complete(run()), rounds=10, iterations=1)
    benchmark.extra_info["commits_per_64_writes"] = store.commits / 10
    loop.run_until_complete(store.close())


def test_lmdb_64_sequential_creates(benchmark: Any, loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
    """The same 64 writes one after the other: one durable commit each."""
    store, batch = _lmdb(loop, tmp_path), itertools.count()

    async def run() -> None:
        b = next(batch)
        for i in range(64):
            await store.create(f"/pods/s{b}/p{i}", POD)

    benchmark.pedantic(lambda: loop.run_until_complete(run()), rounds=10, iterations=1)
    loop.run_until_complete(store.close())
