"""The LMDB engine across restarts: data and revisions survive; damaged files are refused loudly."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import lmdb
import pytest

from kubepy.storage.interface import CorruptStore
from kubepy.storage.lmdb_engine import LmdbStorage
from kubepy.storage.lmdb_files import StoreInUse
from kubepy.storage.lmdb_format import (
    DB_KV,
    DB_META,
    META_MAGIC,
    META_REVISION,
    BadRecord,
    encode_stored,
    encode_u64,
)
from kubepy.storage.ops import Stored
from tests.storage.fakes import FakeClock, pod

ROOT = Path(__file__).resolve().parents[2]


async def build(path: Path, n: int = 40) -> dict[str, tuple[bytes, int]]:
    """A closed store with creates, updates, deletes and some compaction; returns its contents."""
    store = await LmdbStorage.open(str(path), clock=FakeClock(), compact_interval=None)
    for i in range(n):
        await store.create(f"/pods/ns/p{i}", pod(f"p{i}", spec={"marker": f"MARK{i:04d}", "pad": "x" * 100}))
    for i in range(0, n, 3):
        await store.guaranteed_update(f"/pods/ns/p{i}", lambda o: {**o, "status": {"phase": "Running"}})
    for i in range(1, n, 5):
        await store.delete(f"/pods/ns/p{i}")
    await store.compact(5)
    contents = {r.key: (r.value, r.revision) for r in (await store.list("/")).records}
    await store.close()
    return contents


def data_file(path: Path) -> Path:
    return path / "data.mdb"


async def test_reopen_keeps_data_and_revisions_continue(tmp_path: Path) -> None:
    contents = await build(tmp_path / "db")
    store = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)
    try:
        assert store.current_revision() == 40 + 14 + 8
        assert store.oldest_revision() == 5
        listed = await store.list("/")
        assert {r.key: (r.value, r.revision) for r in listed.records} == contents
        old = await store.list("/pods/", revision=5)  # history survives too
        assert [r.key for r in old.records] == sorted(f"/pods/ns/p{i}" for i in range(5))
        events = [e async for e in _take(store.watch("/pods/", 60), 2)]
        assert [(e.type, e.revision) for e in events] == [("DELETED", 61), ("DELETED", 62)]
        rec = await store.create("/pods/ns/new", pod("new"))
        assert rec.revision == 63
    finally:
        await store.close()
    again = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)
    try:
        assert again.current_revision() == 63
        assert (await again.get("/pods/ns/new")) == rec
    finally:
        await again.close()


def _triple(key: str, revision: int, value: bytes) -> tuple[str, int, bytes]:
    return key, revision, value


@pytest.mark.parametrize("preload", [True, False])
@pytest.mark.parametrize("verify", [True, False])
async def test_load_after_reopen_is_the_stored_state(tmp_path: Path, preload: bool, verify: bool) -> None:
    """With `preload` the first load takes what the open check read; any way, the same state."""
    contents = await build(tmp_path / "db")
    store = await LmdbStorage.open(
        str(tmp_path / "db"), compact_interval=None, preload=preload, verify=verify
    )
    try:
        made, revision = await store.load("/pods/", _triple)
        assert {k: (v, r) for k, r, v in made} == contents and [k for k, _, _ in made] == sorted(contents)
        assert revision == store.current_revision()
        again, _ = await store.load("/pods/ns/p1", _triple)  # a second load reads the store
        assert again == [m for m in made if m[0].startswith("/pods/ns/p1")] and len(again) > 1
    finally:
        await store.close()


async def test_preloaded_state_is_not_handed_out_once_a_write_moved_on(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    store = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None, preload=True)
    try:
        await store.delete("/pods/ns/p0")
        await store.create("/pods/ns/new", pod("new"))
        made, revision = await store.load("/pods/", _triple)
        listed = await store.list("/pods/")
        assert made == [(r.key, r.revision, r.value) for r in listed.records]
        keys = [k for k, _, _ in made]
        assert "/pods/ns/p0" not in keys and "/pods/ns/new" in keys and revision == listed.revision
    finally:
        await store.close()


async def test_load_checks_checksums_the_open_did_not(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    good = Stored(b'{"metadata":{"resourceVersion":"7"}}', 7, 7)
    damaged = encode_stored(good)[:-2] + b"?}"  # same header, other bytes
    _poke(tmp_path / "db", DB_KV, b"/pods/ns/p0", damaged)
    store = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None, verify=False)
    try:
        with pytest.raises(BadRecord, match="checksum"):
            await store.load("/pods/", _triple)
    finally:
        await store.close()


async def _take(it: Any, n: int) -> Any:
    for _ in range(n):
        yield await it.__anext__()


async def test_missing_directory_makes_a_new_store(tmp_path: Path) -> None:
    store = await LmdbStorage.open(str(tmp_path / "a" / "b"), compact_interval=None)
    try:
        assert (store.current_revision(), store.oldest_revision()) == (0, 0)
        assert (await store.create("/x", {"metadata": {}})).revision == 1
    finally:
        await store.close()


def open_fails(path: Path) -> str:
    with pytest.raises(CorruptStore) as err:
        LmdbStorage(str(path))
    msg = str(err.value)
    assert str(data_file(path)) in msg
    return msg


async def test_truncated_file(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    f = data_file(tmp_path / "db")
    os.truncate(f, f.stat().st_size // 2)
    assert "truncated" in open_fails(tmp_path / "db")


async def test_truncated_below_its_header(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    os.truncate(data_file(tmp_path / "db"), 100)
    assert "not a readable LMDB file" in open_fails(tmp_path / "db")


async def test_emptied_file(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    os.truncate(data_file(tmp_path / "db"), 0)
    assert "empty" in open_fails(tmp_path / "db")


async def test_overwritten_object_bytes(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    f = data_file(tmp_path / "db")
    raw = f.read_bytes()
    at = raw.rfind(b"MARK0039")  # in the current value of p39 (never updated)
    assert at > 0
    with open(f, "r+b") as fh:
        fh.seek(at)
        fh.write(b"MARK9999")
    assert "damaged" in open_fails(tmp_path / "db")


async def test_overwritten_header_pages(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    with open(data_file(tmp_path / "db"), "r+b") as fh:
        fh.write(random.Random(1).randbytes(8192))
    open_fails(tmp_path / "db")


async def test_wrong_magic(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    _poke(tmp_path / "db", DB_META, META_MAGIC, b"etcd-v3")
    assert "not a kubepy store" in open_fails(tmp_path / "db")


async def test_foreign_lmdb_file(tmp_path: Path) -> None:
    env = lmdb.open(str(tmp_path / "db"))
    with env.begin(write=True) as txn:
        txn.put(b"hello", b"world")
    env.close()
    assert "not a kubepy store" in open_fails(tmp_path / "db")


async def test_meta_revision_disagrees_with_the_log(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    _poke(tmp_path / "db", DB_META, META_REVISION, encode_u64(1000))
    assert "event log ends at 62" in open_fails(tmp_path / "db")


async def test_object_whose_revision_disagrees(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    bad = Stored(b'{"metadata":{"resourceVersion":"3"}}', 7, 7)
    _poke(tmp_path / "db", DB_KV, b"/pods/ns/p0", encode_stored(bad))
    assert "resourceVersion '3' at revision 7" in open_fails(tmp_path / "db")


async def test_object_that_is_not_json_behind_a_valid_checksum(tmp_path: Path) -> None:
    await build(tmp_path / "db")
    _poke(tmp_path / "db", DB_KV, b"/pods/ns/p0", encode_stored(Stored(b'{"metadata":', 7, 7)))
    assert "object b'/pods/ns/p0' is damaged" in open_fails(tmp_path / "db")


async def test_object_whose_revision_disagrees_among_other_revisions(tmp_path: Path) -> None:
    """The cheap text check misses, so the object is decoded and its own metadata judged."""
    await build(tmp_path / "db")
    bad = Stored(b'{"metadata":{"resourceVersion":"3"},"x":{"resourceVersion":"8"}}', 7, 7)
    _poke(tmp_path / "db", DB_KV, b"/pods/ns/p0", encode_stored(bad))
    assert "resourceVersion '3' at revision 7" in open_fails(tmp_path / "db")


async def test_random_damage_is_refused_or_harmless(tmp_path: Path) -> None:
    """Bytes overwritten anywhere: the store refuses to open, or (the damage hit free pages) opens
    with exactly the data written. Run in a child so a crash would show as a failure, not kill
    the test run."""
    contents = await build(tmp_path / "db", n=120)
    expected = {k: [v.decode(), r] for k, (v, r) in contents.items()}
    (tmp_path / "expected.json").write_text(json.dumps(expected))
    proc = subprocess.run(
        [sys.executable, "-c", _DAMAGE_SCRIPT, str(tmp_path), "12"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    outcomes = proc.stdout.split()
    assert len(outcomes) == 12 and set(outcomes) <= {"corrupt", "intact"}
    assert "corrupt" in outcomes


_DAMAGE_SCRIPT = r"""
import asyncio, json, random, shutil, sys
from pathlib import Path
from kubepy.storage.interface import CorruptStore
from kubepy.storage.lmdb_engine import LmdbStorage
from kubepy.storage.lmdb_files import StoreInUse

base, runs = Path(sys.argv[1]), int(sys.argv[2])
expected = json.loads((base / "expected.json").read_text())

async def read_all(path):
    store = LmdbStorage(str(path), compact_interval=None)
    try:
        return {r.key: [r.value.decode(), r.revision] for r in (await store.list("/")).records}
    finally:
        await store.close()

for seed in range(runs):
    copy = base / f"copy{seed}"
    shutil.copytree(base / "db", copy)
    data = copy / "data.mdb"
    rnd = random.Random(seed)
    with open(data, "r+b") as fh:
        fh.seek(rnd.randrange(0, data.stat().st_size - 64))
        fh.write(rnd.randbytes(64))
    try:
        got = asyncio.run(read_all(copy))
    except CorruptStore:
        print("corrupt", flush=True)
        continue
    assert got == expected, f"seed {seed}: damaged store opened with different data"
    print("intact", flush=True)
"""


def _poke(path: Path, db: bytes, key: bytes, value: bytes) -> None:
    """Write one raw record, bypassing the engine (what a bug or a foreign tool might do)."""
    env = lmdb.open(str(path), max_dbs=4)
    with env.begin(write=True) as txn:
        txn.put(key, value, db=env.open_db(db, txn=txn))
    env.close()


async def test_one_store_per_directory(tmp_path: Path) -> None:
    first = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)
    with pytest.raises(StoreInUse):
        LmdbStorage(str(tmp_path / "db"))
    await first.close()
    second = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)
    await second.close()


async def test_reopen_after_compacting_everything(tmp_path: Path) -> None:
    store = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)
    for i in range(5):
        await store.create(f"/x/{i}", {"metadata": {}})
    assert await store.compact(99) == 5
    await store.close()
    again = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)
    try:
        assert (again.current_revision(), again.oldest_revision()) == (5, 5)
        assert len((await again.list("/x/")).records) == 5
        assert (await again.create("/x/new", {"metadata": {}})).revision == 6
    finally:
        await again.close()
