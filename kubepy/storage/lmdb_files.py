"""Opening the LMDB environment: create a new store, or prove an existing one trustworthy.

A store that cannot be trusted raises CorruptStore naming the file and the fault; it is never
silently replaced by an empty one (that would hand every client a cluster with nothing in it). The
check reads the whole store once: meta (magic, format, revisions), a log contiguous from the
compacted revision to the current one, and every object decoding with its checksum and carrying
`metadata.resourceVersion` equal to its mod revision.
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass
from typing import Any

import orjson

from kubepy._fast import lmdb
from kubepy.storage.interface import CorruptStore
from kubepy.storage.lmdb_format import (
    DB_KV,
    DB_LOG,
    DB_META,
    FORMAT_VERSION,
    MAGIC,
    META_COMPACTED,
    META_FORMAT,
    META_MAGIC,
    META_REVISION,
    BadRecord,
    decode_entry,
    decode_u64,
    encode_u64,
    rev_of,
    split_stored,
)

#: (key, mod revision, value) of every current object, in key order, as the open check read them.
Loaded = list[tuple[str, int, bytes]]

#: How much of the data file the read-ahead thread asks for at once.
PREFETCH_CHUNK = 8 << 20


@dataclass(frozen=True, slots=True)
class Opened:
    env: lmdb.Environment
    kv: Any  # lmdb._Database
    log: Any
    meta: Any
    revision: int
    compacted: int
    lock_fd: int  # holds the directory's exclusive lock until closed
    loaded: Loaded | None = None  # what the check read, when asked to keep it (open_store)


def _damage() -> tuple[type[Exception], ...]:
    """What LMDB raises for a file whose content it cannot trust (looked up when needed: the
    tests run this module over both bindings)."""
    return (lmdb.InvalidError, lmdb.CorruptedError, lmdb.PageNotFoundError, lmdb.VersionMismatchError)


class StoreInUse(RuntimeError):
    """Another process (or another store object) already has this directory open."""


def open_store(path: str, map_size: int, verify: bool = True, keep: bool = False) -> Opened:
    """Open (creating if absent) the store in directory `path`; CorruptStore if it is damaged.
    `keep` (with `verify`): hand back every object the check decoded (Opened.loaded), so a
    caller about to read them all (the watch cache) does not read and copy them a second time."""
    data = os.path.join(path, "data.mdb")
    existed = os.path.exists(data)
    if existed and os.path.getsize(data) == 0:
        raise CorruptStore(f"{data}: the file is empty (truncated?); refusing to start empty")
    os.makedirs(path, exist_ok=True)
    lock_fd = _lock(path)
    try:
        return _open(path, data, existed, map_size, verify, keep, lock_fd)
    except BaseException:
        os.close(lock_fd)
        raise


def _lock(path: str) -> int:
    """One writer per directory: the single-writer group commit counts revisions in memory."""
    fd = os.open(os.path.join(path, "kubepy.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise StoreInUse(f"{path}: already open by another kubepy store") from exc
    return fd


def _open(
    path: str, data: str, existed: bool, map_size: int, verify: bool, keep: bool, lock_fd: int
) -> Opened:
    try:
        env = lmdb.open(
            path,
            map_size=map_size,
            max_dbs=4,
            subdir=True,
            sync=True,
            metasync=True,
            writemap=False,
            map_async=False,
            readahead=False,
            lock=True,
        )
    except _damage() as exc:  # other errors (permissions, no space) are not about the data
        raise CorruptStore(f"{data}: not a readable LMDB file: {exc}") from exc
    try:
        env.reader_check()  # forget read slots left by a killed process
        if existed:
            _check_size(env, data)
        if _is_blank(env):
            return _initialize(env, lock_fd)
        return _check(env, data, verify, keep, lock_fd)
    except BaseException:
        env.close()
        raise


def _check_size(env: lmdb.Environment, data: str) -> None:
    """A file shorter than the pages its meta page claims was truncated; reading it would crash."""
    need = (env.info()["last_pgno"] + 1) * env.stat()["psize"]
    have = os.path.getsize(data)
    if have < need:
        raise CorruptStore(f"{data}: truncated: {have} bytes but its pages need {need}")


def _is_blank(env: lmdb.Environment) -> bool:
    with env.begin() as txn:
        return not txn.cursor().first()


def _initialize(env: lmdb.Environment, lock_fd: int) -> Opened:
    with env.begin(write=True) as txn:
        kv = env.open_db(DB_KV, txn=txn)
        log = env.open_db(DB_LOG, txn=txn)
        meta = env.open_db(DB_META, txn=txn)
        txn.put(META_MAGIC, MAGIC, db=meta)
        txn.put(META_FORMAT, str(FORMAT_VERSION).encode(), db=meta)
        txn.put(META_REVISION, encode_u64(0), db=meta)
        txn.put(META_COMPACTED, encode_u64(0), db=meta)
    return Opened(env, kv, log, meta, 0, 0, lock_fd)


def _check(env: lmdb.Environment, data: str, verify: bool, keep: bool, lock_fd: int) -> Opened:
    def corrupt(what: str) -> CorruptStore:
        return CorruptStore(f"{data}: {what}")

    loaded: Loaded | None = [] if keep and verify else None
    try:
        # a write transaction (committed without changes, so nothing is written): database
        # handles opened in a read transaction would not outlive it
        with env.begin(write=True) as txn:
            try:
                meta = env.open_db(DB_META, txn=txn, create=False)
                kv = env.open_db(DB_KV, txn=txn, create=False)
                log = env.open_db(DB_LOG, txn=txn, create=False)
            except lmdb.NotFoundError as exc:
                raise corrupt("not a kubepy store (its databases are missing)") from exc
            magic = txn.get(META_MAGIC, db=meta)
            if magic != MAGIC:
                raise corrupt(f"not a kubepy store (magic {magic!r}, expected {MAGIC!r})")
            fmt = txn.get(META_FORMAT, db=meta)
            if fmt != str(FORMAT_VERSION).encode():
                raise corrupt(f"unsupported format version {fmt!r} (this build reads {FORMAT_VERSION})")
            revision = decode_u64(txn.get(META_REVISION, db=meta), "revision")
            compacted = decode_u64(txn.get(META_COMPACTED, db=meta), "compacted")
            if compacted > revision:
                raise corrupt(f"compacted revision {compacted} is above the current {revision}")
        if verify:
            stop = threading.Event()
            reader = threading.Thread(target=prefetch, args=(data, stop), name="kubepy-store-prefetch")
            reader.start()
            try:
                # values as buffers into the map: each is copied once, by the check, not twice
                with env.begin(buffers=True) as txn:
                    _check_log(txn, log, compacted, revision, corrupt)
                    _check_kv(txn, kv, revision, corrupt, loaded)
            finally:
                stop.set()
                reader.join()
    except BadRecord as exc:
        raise corrupt(str(exc)) from exc
    except lmdb.Error as exc:
        raise corrupt(f"damaged LMDB pages: {exc}") from exc
    return Opened(env, kv, log, meta, revision, compacted, lock_fd, loaded)


def prefetch(data: str, stop: threading.Event) -> int:
    """Read the data file front to back (on its own thread, while the check walks the store in
    key order) until its end or `stop`; the bytes read. The environment is opened without
    read-ahead, right for a running store's random reads, so on a cold page cache (after a
    reboot) every page the walk touched was a disk read of its own: 54-65 s to open a
    2.3 GB store here, 5.6-6.2 s with this pass streaming the file in. read() gives up the GIL,
    and on a warm cache the pass ends with the check."""
    buf = bytearray(PREFETCH_CHUNK)
    total = 0
    try:
        with open(data, "rb", buffering=0) as fh:
            while not stop.is_set():
                n = fh.readinto(buf)
                if not n:
                    break
                total += n
    except OSError:  # only a hint: the check reads the store itself and names any fault
        pass
    return total


def _check_log(txn: lmdb.Transaction, db: Any, compacted: int, revision: int, corrupt: Any) -> None:
    expected = compacted + 1
    for k, v in txn.cursor(db=db):
        rev = rev_of(k)
        if rev != expected:
            raise corrupt(f"event log has a gap: expected revision {expected}, found {rev}")
        try:
            decode_entry(rev, v)
        except (BadRecord, UnicodeDecodeError) as exc:
            raise corrupt(f"event {rev} is damaged: {exc}") from exc
        expected += 1
    if expected - 1 != revision:
        raise corrupt(f"meta revision is {revision} but the event log ends at {expected - 1}")


def _check_kv(txn: lmdb.Transaction, db: Any, revision: int, corrupt: Any, keep: Loaded | None) -> None:
    """Every object decodes with its checksum and carries its revision; appended to `keep`."""
    for k, v in txn.cursor(db=db):
        try:
            key = str(k, "utf-8")
            value, mod, _ = split_stored(v)
        except (BadRecord, UnicodeDecodeError) as exc:
            raise corrupt(f"object {bytes(k)!r} is damaged: {exc}") from exc
        if not (mod <= revision and _stamped(value, mod)):
            _check_stamp(key, value, mod, revision, corrupt)
        if keep is not None:
            keep.append((key, mod, value))


def _check_stamp(key: str, value: bytes, mod: int, revision: int, corrupt: Any) -> None:
    """The slow path: decode the object to judge its own metadata.resourceVersion."""
    try:
        obj = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise corrupt(f"object {key.encode()!r} is damaged: {exc}") from exc
    rv = (obj.get("metadata") or {}).get("resourceVersion") if isinstance(obj, dict) else None
    if rv != str(mod) or mod > revision:
        raise corrupt(
            f"object {key!r} has resourceVersion {rv!r} at revision {mod} (store revision {revision})"
        )


def _stamped(value: bytes, revision: int) -> bool:
    """The cheap test first: the exact `"resourceVersion":"N"` the writer stamps (orjson, compact).
    Decoding every object would dominate a cold start; the checksum already proved the bytes are
    the writer's, and only a miss is decoded to name the fault."""
    return b'"resourceVersion":"%d"' % revision in value
