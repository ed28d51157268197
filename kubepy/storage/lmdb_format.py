"""The LMDB engine's on-disk layout: pure encoders/decoders, each record checksummed.

Three named databases:
  kv    key (UTF-8) -> mod revision u64 | create revision u64 | crc32 u32 | object JSON
  log   revision (u64 big-endian, so byte order is revision order) -> type u8 | commit time f64 |
        prev revision u64 | key length u32 | value length u32 | crc32 u32 | key | value | prev value
  meta  magic, format version, current revision, compacted revision
LMDB keeps its B-tree consistent but does not checksum pages; the crc32 per record lets the open
check tell a damaged value from a valid one instead of handing clients garbage.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from kubepy.storage.interface import Event, EventType
from kubepy.storage.ops import LogEntry, Stored

T = TypeVar("T")

MAGIC = b"kubepy-storage"
FORMAT_VERSION = 1
DB_KV, DB_LOG, DB_META = b"kv", b"log", b"meta"
META_MAGIC, META_FORMAT, META_REVISION, META_COMPACTED = b"magic", b"format", b"revision", b"compacted"

_KV = struct.Struct(">QQI")
_LOG = struct.Struct(">BdQIII")
_REV = struct.Struct(">Q")
_TYPES: tuple[EventType, ...] = ("ADDED", "MODIFIED", "DELETED")
_TYPE_CODE = {t: i for i, t in enumerate(_TYPES)}


class BadRecord(ValueError):
    """A stored record does not decode (wrong size, checksum mismatch)."""


def rev_key(revision: int) -> bytes:
    return _REV.pack(revision)


def rev_of(key: bytes) -> int:
    if len(key) != _REV.size:
        raise BadRecord(f"log key of {len(key)} bytes")
    return _REV.unpack(key)[0]


def encode_stored(stored: Stored) -> bytes:
    value = stored.value
    return _KV.pack(stored.mod_revision, stored.create_revision, zlib.crc32(value)) + value


def stored_revisions(data: bytes | memoryview) -> tuple[int, int]:
    """Only the (mod, create) revisions of an encoded kv value: a write checks these alone."""
    if len(data) < _KV.size:
        raise BadRecord(f"value of {len(data)} bytes is shorter than its header")
    mod, create, _ = _KV.unpack_from(data)
    return mod, create


def decode_stored(data: bytes | memoryview) -> Stored:
    return Stored(*split_stored(data))


def split_stored(data: bytes | memoryview) -> tuple[bytes, int, int]:
    """(value, mod revision, create revision) of an encoded kv value, checksum checked."""
    if len(data) < _KV.size:
        raise BadRecord(f"value of {len(data)} bytes is shorter than its header")
    mod, create, crc = _KV.unpack_from(data)
    value = bytes(data[_KV.size :])  # one copy, from bytes or from a buffer into the map
    if zlib.crc32(value) != crc:
        raise BadRecord("checksum mismatch")
    return value, mod, create


def decode_all(
    pairs: Iterable[tuple[bytes | memoryview, bytes | memoryview]],
    make: Callable[[str, int, bytes], T],
    *,
    checksum: bool = True,
) -> list[T]:
    """`make(key, mod revision, value)` for each (key, kv value) pair, the value copied once:
    the loop that fills the watch cache at start-up (650,000 objects at 5,000 nodes), so nothing
    per record but the copy, the checksum when asked and `make`. `checksum=False` is for a store
    whose every record the open check already proved (lmdb_files) and which only this process
    has written since."""
    size, unpack, crc32 = _KV.size, _KV.unpack_from, zlib.crc32
    out: list[T] = []
    append = out.append
    for k, v in pairs:
        if len(v) < size:
            raise BadRecord(f"value of {len(v)} bytes is shorter than its header")
        mod, _, crc = unpack(v)
        value = bytes(v[size:])
        if checksum and crc32(value) != crc:
            raise BadRecord("checksum mismatch")
        append(make(str(k, "utf-8"), mod, value))
    return out


def encode_entry(entry: LogEntry) -> bytes:
    ev = entry.event
    key = ev.key.encode()
    body = key + ev.value + (ev.prev_value or b"")
    head = _LOG.pack(
        _TYPE_CODE[ev.type], ev.timestamp, entry.prev_revision, len(key), len(ev.value), zlib.crc32(body)
    )
    return head + body


def entry_key(data: bytes | memoryview) -> str:
    """Only the key of an encoded entry (a watch filters on it before decoding the rest)."""
    klen = _LOG.unpack_from(data)[3]
    return str(data[_LOG.size : _LOG.size + klen], "utf-8")


def entry_timestamp(data: bytes | memoryview) -> float:
    """Only the commit time of an encoded entry (what compaction looks at)."""
    return float(_LOG.unpack_from(data)[1])


def decode_entry(revision: int, data: bytes | memoryview) -> LogEntry:
    """Each part copied once, out of `data` (bytes or a buffer into the map)."""
    if len(data) < _LOG.size:
        raise BadRecord(f"log entry of {len(data)} bytes is shorter than its header")
    code, ts, prev_rev, klen, vlen, crc = _LOG.unpack_from(data)
    body = memoryview(data)[_LOG.size :]
    if code >= len(_TYPES) or klen + vlen > len(body) or zlib.crc32(body) != crc:
        raise BadRecord("checksum mismatch")
    key = str(body[:klen], "utf-8")
    value = bytes(body[klen : klen + vlen])
    prev = bytes(body[klen + vlen :]) if code else None
    return LogEntry(Event(_TYPES[code], key, value, revision, prev, ts), prev_rev)


def encode_u64(n: int) -> bytes:
    return _REV.pack(n)


def decode_u64(data: bytes | None, name: str) -> int:
    if data is None or len(data) != _REV.size:
        raise BadRecord(f"meta {name} is {'missing' if data is None else f'{len(data)} bytes'}")
    return _REV.unpack(data)[0]
