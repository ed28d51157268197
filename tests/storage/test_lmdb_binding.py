"""The `lmdb_c` binding against its twin py-lmdb: the same answers for the calls the engine makes,
files either one reads, and the GIL kept for in-memory steps (released for the commit only)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kubepy._fast import lmdb as facade
from kubepy.storage.lmdb_engine import LmdbStorage
from tests.storage import lmdb_bindings
from tests.storage.fakes import pod


@pytest.fixture(params=lmdb_bindings.NAMES)
def lib(request: pytest.FixtureRequest) -> ModuleType:
    return lmdb_bindings.binding(request.param)


def _open(lib: ModuleType, path: Path) -> Any:
    return lib.open(str(path), map_size=1 << 24, max_dbs=4, sync=True, metasync=True, readahead=False)


def test_the_calls_the_engine_makes(lib: ModuleType, tmp_path: Path) -> None:
    env = _open(lib, tmp_path / "db")
    try:
        with env.begin(write=True) as txn:
            db = env.open_db(b"kv", txn=txn)
            assert txn.put(b"b", b"2", db=db) is True
            assert txn.put(b"b", b"other", db=db, overwrite=False) is False  # kept, not replaced
            assert txn.put(b"a", b"1", db=db) is True
            assert txn.cursor(db=db).putmulti([(b"c", b"3"), (b"d", b"4")], append=True) == (2, 2)
            assert txn.delete(b"zz", db=db) is False
            with pytest.raises(lib.BadValsizeError):
                txn.put(b"k" * 600, b"v", db=db)  # longer than LMDB's key limit
        with env.begin(buffers=True) as txn:
            got = txn.get(b"b", db=db)
            assert isinstance(got, memoryview) and bytes(got) == b"2"
            assert txn.get(b"nope", db=db) is None
            cur = txn.cursor(db=db)
            assert cur.set_range(b"bb") is True
            assert [(bytes(k), bytes(v)) for k, v in cur.iternext()] == [(b"c", b"3"), (b"d", b"4")]
            assert txn.cursor(db=db).set_range(b"e") is False
            assert [bytes(k) for k, _ in txn.cursor()] == [b"kv"]  # the unnamed database
        with env.begin(write=True) as txn:
            cur = txn.cursor(db=db)
            assert cur.first() is True and cur.key() == b"a" and cur.value() == b"1"
            assert cur.delete() is True and cur.key() == b"b"  # on to the next
            assert txn.delete(b"d", db=db) is True
        with env.begin() as txn:
            assert list(txn.cursor(db=db)) == [(b"b", b"2"), (b"c", b"3")]
            assert txn.get(b"c", db=db) == b"3"
        txn = env.begin(write=True)
        txn.put(b"x", b"never", db=db)
        txn.abort()
        with env.begin() as txn:
            assert txn.get(b"x", db=db) is None
        with pytest.raises(lib.Error):
            txn.get(b"b", db=db)  # the transaction has ended
        with pytest.raises(lib.NotFoundError):
            with env.begin(write=True) as txn:
                env.open_db(b"missing", txn=txn, create=False)
        assert env.stat()["psize"] > 0 and env.info()["last_pgno"] > 0
        assert env.reader_check() == 0
    finally:
        env.close()


def test_write_many_puts_deletes_and_commits(lib: ModuleType, tmp_path: Path) -> None:
    env = _open(lib, tmp_path / "db")
    try:
        with env.begin(write=True) as txn:
            kv = env.open_db(b"kv", txn=txn)
            log = env.open_db(b"log", txn=txn)
            txn.put(b"gone", b"x", db=kv)
        txn = env.begin(write=True)
        items = [
            (kv, b"a", b"1", False),
            (kv, b"gone", None, False),
            (kv, b"never-there", None, False),  # an absent key's delete is no failure
            (kv, b"a", b"2", False),  # later items see earlier ones: the last value stays
            (log, b"\x00\x01", b"e1", True),
            (log, b"\x00\x02", b"e2", True),
            (None, b"main", b"m", False),
        ]
        lib.write_many(txn, items, commit=True)
        txn.abort()  # committed: nothing left to abort
        with env.begin() as rtxn:
            assert list(rtxn.cursor(db=kv)) == [(b"a", b"2")]
            assert list(rtxn.cursor(db=log)) == [(b"\x00\x01", b"e1"), (b"\x00\x02", b"e2")]
            assert rtxn.get(b"main") == b"m"
        txn = env.begin(write=True)
        lib.write_many(txn, [(kv, b"b", b"3", False)])  # not committed: the caller goes on
        assert txn.get(b"b", db=kv) == b"3"
        with pytest.raises(TypeError):
            lib.write_many(txn, [(kv, "text", b"v", False)])
        with pytest.raises(TypeError):
            lib.write_many(txn, [(kv, b"k", memoryview(b"v"), False)])
        with pytest.raises(lib.BadValsizeError):
            lib.write_many(txn, [(kv, b"c", b"4", False), (kv, b"k" * 600, b"v", False)])
        txn.abort()
        with env.begin() as rtxn:
            assert rtxn.get(b"b", db=kv) is None and rtxn.get(b"c", db=kv) is None
    finally:
        env.close()


def _ran_meanwhile(step: Callable[[], object]) -> bool:
    """Whether another thread got the GIL while `step` ran. The switch interval is made so long
    that the other thread, woken and wanting the GIL, gets it only if `step` gives it up."""
    ran: list[bool] = []
    go = threading.Lock()
    go.acquire()

    def other() -> None:
        with go:  # waits without the GIL; then needs it to go on
            ran.append(True)

    before = sys.getswitchinterval()
    thread = threading.Thread(target=other)
    thread.start()
    sys.setswitchinterval(100.0)
    try:
        go.release()  # `other` wakes and waits for the GIL ...
        deadline = time.perf_counter() + 0.05
        while time.perf_counter() < deadline:  # ... which this thread keeps, so it is waiting
            pass
        step()
        seen = bool(ran)
    finally:
        sys.setswitchinterval(before)
        thread.join()
    return seen


def _seen_in_some(tries: Callable[[], object]) -> bool:
    """A release seen in one of a few tries: the other thread may not have been scheduled to wait
    yet on a busy machine (not seeing it is the answer that proves nothing)."""
    return any(_ran_meanwhile(tries) for _ in range(5))


def test_the_probe_sees_a_call_that_gives_up_the_gil() -> None:
    assert _seen_in_some(lambda: time.sleep(0.001))
    assert not _ran_meanwhile(lambda: sum(range(1000)))


def test_c_binding_keeps_the_gil_except_for_the_commit_and_write_many(tmp_path: Path) -> None:
    lib = lmdb_bindings.binding("c")
    env = _open(lib, tmp_path / "db")
    try:
        with env.begin(write=True) as txn:
            db = env.open_db(b"kv", txn=txn)
        txn = env.begin(write=True)

        def steps() -> None:
            for i in range(200):
                txn.put(b"k%03d" % i, b"v" * 100, db=db)
                txn.get(b"k%03d" % i, db=db)
            txn.cursor(db=db).putmulti([(b"m%03d" % i, b"v") for i in range(200)], append=True)
            cur = txn.cursor(db=db)
            cur.first()
            cur.delete()
            txn.delete(b"k100", db=db)
            for _ in cur.iternext():
                pass

        assert not _ran_meanwhile(steps)
        txn.commit()

        def write_many() -> None:  # a batch's writes: B-tree work and copies, no I/O
            with env.begin(write=True) as more:
                lib.write_many(more, [(db, b"w%04d" % i, b"v" * 100, False) for i in range(2000)])

        assert _seen_in_some(write_many)

        def commit() -> None:  # the fsync
            with env.begin(write=True) as more:
                more.put(b"one", b"more", db=db)

        assert _seen_in_some(commit)
        with env.begin() as rtxn:
            assert not _ran_meanwhile(lambda: [rtxn.get(b"k%03d" % i, db=db) for i in range(200)])
    finally:
        env.close()


@pytest.mark.parametrize(("first", "second"), [("c", "py"), ("py", "c")])
async def test_either_binding_reads_the_others_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str, second: str
) -> None:
    """Ordinary LMDB files: a store written by one binding opens (checked) and goes on in the other."""
    path = str(tmp_path / "db")
    lmdb_bindings.use(monkeypatch, first)
    store = await LmdbStorage.open(path, compact_interval=None)
    for i in range(50):
        await store.create(f"/p/{i}", pod(str(i)))
    await store.delete("/p/7")
    await store.compact(10)
    before = {r.key: (r.value, r.revision) for r in (await store.list("/p/")).records}
    await store.close()

    lmdb_bindings.use(monkeypatch, second)
    again = await LmdbStorage.open(path, compact_interval=None)  # verifies every record
    try:
        assert {r.key: (r.value, r.revision) for r in (await again.list("/p/")).records} == before
        assert (again.current_revision(), again.oldest_revision()) == (51, 10)
        assert (await again.create("/p/new", pod("new"))).revision == 52
    finally:
        await again.close()

    lmdb_bindings.use(monkeypatch, first)
    third = await LmdbStorage.open(path, compact_interval=None)
    try:
        assert (await third.get("/p/new")) is not None and third.current_revision() == 52
    finally:
        await third.close()


def test_facade_loads_the_binding_that_was_built() -> None:
    import kubepy._fast as fast

    if fast.extensions_disabled():
        assert facade.IMPLEMENTATION == "py"
        return
    expected = "c" if "lmdb_c" in fast.built_modules() else "py"
    assert facade.IMPLEMENTATION == expected
    assert facade._impl.__name__ == f"kubepy._fast.lmdb_{expected}"
