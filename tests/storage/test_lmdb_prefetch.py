"""The open check's read-ahead pass: it streams the data file in while the check walks the store,
stops when asked, never fails the open, and is gone once the open returns."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kubepy.storage import lmdb_files
from kubepy.storage.lmdb_engine import LmdbStorage
from tests.storage.test_lmdb_persistence import build


def test_prefetch_reads_the_whole_file_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lmdb_files, "PREFETCH_CHUNK", 1000)
    f = tmp_path / "data.mdb"
    f.write_bytes(os.urandom(3 * 1000 + 17))
    assert lmdb_files.prefetch(str(f), threading.Event()) == 3017


def test_prefetch_stops_when_asked_and_ignores_a_missing_file(tmp_path: Path) -> None:
    f = tmp_path / "data.mdb"
    f.write_bytes(b"x" * 100)
    stop = threading.Event()
    stop.set()
    assert lmdb_files.prefetch(str(f), stop) == 0
    assert lmdb_files.prefetch(str(tmp_path / "absent.mdb"), threading.Event()) == 0


@pytest.mark.parametrize("verify", [True, False])
async def test_open_leaves_no_prefetch_thread_behind(tmp_path: Path, verify: bool) -> None:
    contents = await build(tmp_path / "db")
    read: list[int] = []
    real = lmdb_files.prefetch

    def counting(data: str, stop: threading.Event) -> int:
        read.append(real(data, stop))
        return read[-1]

    lmdb_files.prefetch = counting  # the thread's target is looked up when the check starts it
    try:
        store = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None, verify=verify)
    finally:
        lmdb_files.prefetch = real
    try:
        assert not [t for t in threading.enumerate() if t.name == "kubepy-store-prefetch"]
        assert len(read) == (1 if verify else 0)  # only the full check walks the whole file
        listed = await store.list("/")
        assert {r.key: (r.value, r.revision) for r in listed.records} == contents
    finally:
        await store.close()
