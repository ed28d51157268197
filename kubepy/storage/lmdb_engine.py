"""The embedded default engine: LMDB, durable writes, group commit.

Reads open an LMDB read transaction in the event loop (a consistent snapshot, no locks, no
copies beyond the values returned). Writes go through `GroupCommitter`: one thread applies every
pending write in one transaction and commits it with one fsync (sync=True, metasync=True, no
writemap), so a write is acknowledged only once it is on disk. The same writer runs compaction,
keeping revisions and the log under a single writer.

    store = await LmdbStorage.open("/var/lib/kubepy/data")   # opens, verifies, starts compaction
    ...
    await store.close()
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from kubepy._fast import lmdb
from kubepy.storage.base import LogEngine, View
from kubepy.storage.group_commit import GroupCommitter, while_waiting
from kubepy.storage.interface import Record, StorageError
from kubepy.storage.lmdb_files import open_store
from kubepy.storage.lmdb_format import (
    META_COMPACTED,
    META_REVISION,
    decode_all,
    decode_entry,
    decode_stored,
    encode_entry,
    encode_stored,
    encode_u64,
    entry_key,
    entry_timestamp,
    rev_key,
    rev_of,
    stored_revisions,
)
from kubepy.storage.ops import LogEntry, Stored, Write, apply
from kubepy.storage.retention import explicit_target

T = TypeVar("T")

_COMPACT_CHUNK = 10_000  # log entries dropped per transaction, so writers never wait long


@dataclass(frozen=True, slots=True)
class _Compact:
    revision: int | None  # None: per the retention policy


class _View:
    """`base.View` over one LMDB read transaction. Values come as buffers into the map (valid
    only inside the transaction), so each is copied once, when decoded, and never otherwise."""

    def __init__(self, txn: lmdb.Transaction, kv: Any, log: Any, meta: Any) -> None:
        self.txn, self.kv, self.log, self.meta = txn, kv, log, meta

    # read on first use: a point read (every guaranteed_update starts with one) needs neither,
    # and each is an LMDB call (under py-lmdb, one that gives up the GIL to the writer thread)
    @functools.cached_property
    def revision(self) -> int:
        return int.from_bytes(self.txn.get(META_REVISION, db=self.meta), "big")

    @functools.cached_property
    def compacted(self) -> int:
        return int.from_bytes(self.txn.get(META_COMPACTED, db=self.meta), "big")

    def get(self, key: str) -> Record | None:
        raw = self.txn.get(key.encode(), db=self.kv)
        return None if raw is None else decode_stored(raw).record(key)

    def items(self, prefix: str, start: str) -> Iterator[tuple[str, object]]:
        cur = self.txn.cursor(db=self.kv)
        if not cur.set_range(start.encode()):
            return
        bprefix = prefix.encode()
        n = len(bprefix)
        for k, v in cur.iternext():
            if k[:n] != bprefix:
                return
            yield str(k, "utf-8"), v

    def record(self, key: str, raw: object) -> Record:
        assert isinstance(raw, (bytes, memoryview))
        return decode_stored(raw).record(key)

    def raw_items(self, prefix: str) -> Iterator[tuple[memoryview, memoryview]]:
        """(key, encoded value) buffers under `prefix`, in key order."""
        cur = self.txn.cursor(db=self.kv)
        bprefix = prefix.encode()
        if not cur.set_range(bprefix):
            return
        n = len(bprefix)
        for k, v in cur.iternext():
            if k[:n] != bprefix:
                return
            yield k, v

    def _after(self, revision: int) -> Iterator[tuple[bytes, bytes]]:
        cur = self.txn.cursor(db=self.log)
        if cur.set_range(rev_key(revision + 1)):
            yield from cur.iternext()

    def keys_after(self, revision: int) -> Iterator[tuple[int, str]]:
        for k, v in self._after(revision):
            yield rev_of(k), entry_key(v)

    def entry(self, revision: int) -> LogEntry:
        return decode_entry(revision, self.txn.get(rev_key(revision), db=self.log))


class _Txn:
    """`ops.Txn` over one LMDB write transaction (opened with buffers=True: a value read is not
    copied, only its header is looked at). The batch's writes are held here, by key, and go to
    LMDB in one `write_many` call that runs without the GIL (`writes()`, with the commit; `flush`
    when compaction is about to read the log): the B-tree work and the copying of values into
    pages would otherwise stop the event loop for as long as the writer's own Python does. Reads
    see the held writes first, so each op sees the ops before it."""

    def __init__(self, txn: lmdb.Transaction, kv: Any, log: Any, max_key: int) -> None:
        self.txn, self.kv, self.log, self.max_key = txn, kv, log, max_key
        self._held: dict[bytes, bytes | None] = {}  # the batch's kv writes; None: deleted
        self._entries: list[tuple[bytes, bytes]] = []

    def _current(self, key: bytes) -> bytes | memoryview | None:
        held = self._held
        return held[key] if key in held else self.txn.get(key, db=self.kv)

    def _key(self, key: str) -> bytes:
        """`key` encoded; one LMDB would refuse fails its op now, not the batch at the flush."""
        k = key.encode()
        if not 0 < len(k) <= self.max_key:
            raise lmdb.BadValsizeError(f"key of {len(k)} bytes (LMDB takes 1 to {self.max_key})")
        return k

    def revisions(self, key: str) -> tuple[int, int] | None:
        raw = self._current(self._key(key))
        return None if raw is None else stored_revisions(raw)

    def insert(self, key: str, stored: Stored) -> bool:
        k = self._key(key)
        if self._current(k) is not None:
            return False
        self._held[k] = encode_stored(stored)
        return True

    def put(self, key: str, stored: Stored) -> None:
        self._held[self._key(key)] = encode_stored(stored)

    def remove(self, key: str) -> None:
        self._held[self._key(key)] = None

    def append(self, entry: LogEntry) -> None:
        self._entries.append((rev_key(entry.event.revision), encode_entry(entry)))

    def writes(self) -> list[tuple[Any, bytes, bytes | None, bool]]:
        """The held writes as `write_many` items (log entries appended: revisions ascend), and
        forget them."""
        kv, log = self.kv, self.log
        items = [(kv, k, v, False) for k, v in self._held.items()]
        items += [(log, k, v, True) for k, v in self._entries]
        self._held, self._entries = {}, []
        return items

    def flush(self) -> None:
        """Write what is held (before something reads the transaction directly)."""
        items = self.writes()
        if items:
            with while_waiting():
                lmdb.write_many(self.txn, items)


class LmdbStorage(LogEngine):
    """Storage in an LMDB environment in directory `path` (data.mdb, lock.mdb, kubepy.lock)."""

    def __init__(
        self,
        path: str,
        retention_seconds: float = 300.0,
        retention_events: int = 10_000,
        clock: Callable[[], float] = time.time,
        *,
        map_size: int = 16 << 30,
        compact_interval: float | None = 10.0,
        watch_buffer: int = 10_000,
        verify: bool = True,
        preload: bool = False,
    ) -> None:
        """Open or create the store in directory `path` (CorruptStore if damaged). Writes need a
        running loop; background compaction runs after `start()` (`open()` does both).
        `preload`: keep what the open check read for the first `load()` (the watch cache's)."""
        super().__init__(retention_seconds, retention_events, clock, watch_buffer, compact_interval)
        self.path = path
        opened = open_store(path, map_size, verify, keep=preload)
        self._loaded = opened.loaded  # at opened.revision; handed to the first load() only
        self._env = opened.env
        self._lock_fd = opened.lock_fd
        self._shut = False
        self._verified = verify  # every record's checksum was checked at open
        self._kv, self._log, self._meta = opened.kv, opened.log, opened.meta
        self._max_key = self._env.max_key_size()
        # what readers in the loop are told (updated after a commit, before listeners run) ...
        self._revision, self._compacted = opened.revision, opened.compacted
        self._opened_at = opened.revision
        # ... and the writer thread's own copy
        self._w_revision, self._w_compacted = opened.revision, opened.compacted
        self.commits = 0  # durable write transactions so far (group commit makes it < writes)
        self._writer: GroupCommitter[Write | _Compact, Any] | None = None

    @classmethod
    async def open(cls, path: str, **kwargs: Any) -> LmdbStorage:
        """Open (verifying in a thread, as it reads the whole store) and start compaction."""
        store = await asyncio.to_thread(cls, path, **kwargs)
        await store.start()
        return store

    # ---- reads ----------------------------------------------------------------------------
    @contextmanager
    def _view(self) -> Iterator[View]:
        self._check_open()
        with self._env.begin(buffers=True) as txn:
            yield _View(txn, self._kv, self._log, self._meta)

    def current_revision(self) -> int:
        return self._revision

    async def load(self, prefix: str, make: Callable[[str, int, bytes], T]) -> tuple[list[T], int]:
        """One tight pass over the current records (the watch cache's start), or none: the first
        call takes what the open check read when opened with `preload` and nothing was written
        since. Checksums are not checked again when the open check proved every record: since
        then only this process, holding the directory's lock, has written."""
        loaded, self._loaded = self._loaded, None
        with self._view() as view:
            assert isinstance(view, _View)
            if loaded is not None and view.revision == self._opened_at:  # nothing written since
                return [make(k, r, v) for k, r, v in loaded if k.startswith(prefix)], view.revision
            made = decode_all(view.raw_items(prefix), make, checksum=not self._verified)
            return made, view.revision

    def oldest_revision(self) -> int:
        return self._compacted

    # ---- writes ---------------------------------------------------------------------------
    def _committer(self) -> GroupCommitter[Write | _Compact, Any]:
        if self._writer is None:
            self._writer = GroupCommitter(self._apply_batch, self._on_committed)
        return self._writer

    async def _commit(self, write: Write) -> LogEntry:
        self._check_open()
        entry: LogEntry = await self._committer().submit(write)
        return entry

    async def compact(self, revision: int | None = None) -> int:
        self._check_open()
        while True:
            compacted, more = await self._committer().submit(_Compact(revision))
            if not more:
                return compacted

    def _apply_batch(self, ops: list[Write | _Compact]) -> list[Any]:
        """In the writer thread: every op in one transaction, one commit (one fsync)."""
        results: list[Any] = []
        now = self.clock()
        rev, compacted = self._w_revision, self._w_compacted
        txn = self._env.begin(write=True, buffers=True)
        try:
            tx = _Txn(txn, self._kv, self._log, self._max_key)
            for op in ops:
                if isinstance(op, _Compact):
                    tx.flush()  # compaction sees the log as the ops before it left it
                    compacted, more = self._drop(txn, op.revision, compacted, rev, now)
                    results.append((compacted, more))
                    continue
                try:
                    results.append(apply(tx, op, rev + 1, now))
                    rev += 1
                except (StorageError, TypeError, ValueError, lmdb.BadValsizeError) as exc:
                    results.append(exc)  # checked before writing: this op alone fails
            if rev == self._w_revision and compacted == self._w_compacted:
                txn.abort()
                return results
            items = tx.writes()
            items.append((self._meta, META_REVISION, encode_u64(rev), False))
            items.append((self._meta, META_COMPACTED, encode_u64(compacted), False))
            with while_waiting():  # writes and fsync without the GIL, which is wanted back promptly
                lmdb.write_many(txn, items, commit=True)
        except BaseException:
            txn.abort()
            raise
        self.commits += 1
        self._w_revision, self._w_compacted = rev, compacted
        return results

    def _drop(
        self, txn: lmdb.Transaction, revision: int | None, compacted: int, current: int, now: float
    ) -> tuple[int, bool]:
        """Delete the oldest log entries per the policy (or up to `revision`); at most a chunk."""
        target = None if revision is None else explicit_target(revision, compacted, current)
        cur = txn.cursor(db=self._log)
        for _ in range(_COMPACT_CHUNK):
            if not cur.first():
                return compacted, False
            rev = rev_of(cur.key())
            if target is not None:
                if rev > target:
                    return compacted, False
            else:
                if not self.policy.drops(rev, entry_timestamp(cur.value()), current, now):
                    return compacted, False
            cur.delete()
            compacted = rev
        return compacted, True

    def _on_committed(self, results: list[Any]) -> None:
        """In the loop, before any writer of the batch is answered. The revisions come from the
        batch's own results: the writer thread may already be a batch further."""
        events = [r.event for r in results if isinstance(r, LogEntry)]
        if events:
            self._revision = events[-1].revision
        for r in reversed(results):
            if isinstance(r, tuple):  # a compaction's (compacted revision, more to drop)
                self._compacted = r[0]
                break
        self._publish(events)

    async def close(self) -> None:
        """Finish queued writes, end watches, stop compaction, close the files."""
        if self._shut:
            return
        self._shut = True
        await self._stop()
        if self._writer is not None:
            await self._writer.stop()
        self._env.close()
        os.close(self._lock_fd)
