"""Runs the storage contract against every engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kubepy.storage import lmdb_engine
from kubepy.storage.codec import encode
from kubepy.storage.interface import KeyExists
from kubepy.storage.lmdb_engine import LmdbStorage
from kubepy.storage.memory import MemoryStorage
from kubepy.storage.ops import Create, Delete, Update
from tests.storage import lmdb_bindings
from tests.storage.contract import NewStore, StorageContract
from tests.storage.fakes import FakeClock, pod


class TestMemoryStorage(StorageContract):
    @pytest.fixture
    async def new_store(self) -> AsyncIterator[NewStore]:
        self.clock = FakeClock()
        stores: list[MemoryStorage] = []

        async def new(**settings: Any) -> MemoryStorage:
            store = MemoryStorage(clock=self.clock, **settings)
            stores.append(store)
            return store

        yield new
        for s in stores:
            await s.close()


class TestLmdbStorage(StorageContract):
    @pytest.fixture(autouse=True, params=lmdb_bindings.NAMES)
    def binding(self, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every contract test over both LMDB bindings."""
        lmdb_bindings.use(monkeypatch, request.param)

    @pytest.fixture
    async def new_store(self, tmp_path: Path) -> AsyncIterator[NewStore]:
        self.clock = FakeClock()
        stores: list[LmdbStorage] = []

        async def new(**settings: Any) -> LmdbStorage:
            store = await LmdbStorage.open(str(tmp_path / f"db{len(stores)}"), clock=self.clock, **settings)
            stores.append(store)
            return store

        yield new
        for s in stores:
            await s.close()

    async def test_group_commit_shares_transactions(self, store: LmdbStorage) -> None:
        before = store.commits
        recs = await asyncio.gather(*(store.create(f"/g/{i}", pod(str(i))) for i in range(64)))
        assert sorted(r.revision for r in recs) == list(range(1, 65))
        assert 1 <= store.commits - before < 64

    async def test_a_failing_write_fails_alone_in_its_batch(self, store: LmdbStorage) -> None:
        await store.create("/g/dup", pod("dup"))
        keys = [f"/g/{i}" for i in range(10)] + ["/g/dup"] + [f"/g/{i}" for i in range(10, 20)]
        results = await asyncio.gather(*(store.create(k, pod("x")) for k in keys), return_exceptions=True)
        failed = [r for r in results if isinstance(r, Exception)]
        assert len(failed) == 1 and failed[0].key == "/g/dup"  # type: ignore[attr-defined]
        assert sorted(r.revision for r in results if not isinstance(r, Exception)) == list(range(2, 22))
        assert store.current_revision() == 21
        assert len((await store.list("/g/")).records) == 21

    async def test_a_key_lmdb_refuses_fails_alone(self, store: LmdbStorage) -> None:
        results = await asyncio.gather(
            store.create("/g/a", pod("a")),
            store.create("/g/" + "k" * 600, pod("long")),
            store.create("/g/b", pod("b")),
            return_exceptions=True,
        )
        assert isinstance(results[1], lmdb_engine.lmdb.BadValsizeError)  # the binding in use
        assert [r.revision for r in (results[0], results[2])] == [1, 2]  # type: ignore[union-attr]

    async def test_ops_in_one_batch_see_each_other(self, store: LmdbStorage) -> None:
        """A batch's writes are held until its commit; each op still sees those before it."""
        await store.create("/g/old", pod("old"))
        old = await store.get("/g/old")
        assert old is not None
        ops: list[Any] = [
            Create("/g/new", encode(pod("new"))),
            Create("/g/new", encode(pod("again"))),
            Update("/g/new", encode(pod("new", spec={"n": 1})), 2, b"{}"),
            Delete("/g/old", old.revision, old.value),
            Create("/g/old", encode(pod("reborn"))),
        ]
        results = await asyncio.to_thread(store._apply_batch, ops)
        assert isinstance(results[1], KeyExists)
        assert [r.event.revision for r in results if not isinstance(r, Exception)] == [2, 3, 4, 5]
        await store.close()
        again = await LmdbStorage.open(store.path)  # verifies every record
        try:
            assert {r.key: r.obj()["metadata"]["name"] for r in (await again.list("/g/")).records} == {
                "/g/new": "new",
                "/g/old": "reborn",
            }
            assert (await again.get("/g/new")).obj()["spec"] == {"n": 1}  # type: ignore[union-attr]
            assert again.current_revision() == 5
        finally:
            await again.close()

    async def test_an_unserializable_object_fails_alone(self, store: LmdbStorage) -> None:
        bad = pod("bad", spec={"when": object()})
        results = await asyncio.gather(
            store.create("/g/a", pod("a")),
            store.create("/g/bad", bad),
            store.create("/g/b", pod("b")),
            return_exceptions=True,
        )
        assert isinstance(results[1], TypeError)
        assert [r.revision for r in (results[0], results[2])] == [1, 2]  # type: ignore[union-attr]
        assert await store.get("/g/bad") is None

    async def test_background_compaction(self, new_store: NewStore) -> None:
        store = await new_store(retention_events=2, compact_interval=0.01)
        for i in range(5):
            await store.create(f"/b/{i}", {"metadata": {}})
        for _ in range(500):
            if store.oldest_revision() == 3:
                break
            await asyncio.sleep(0.01)
        assert store.oldest_revision() == 3
