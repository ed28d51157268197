"""py-lmdb itself, the twin of the `lmdb_c` binding: the same names, so the storage runs on either.

py-lmdb releases the GIL around every put, delete and cursor step; `lmdb_c` keeps it for those and
releases it only for I/O (opening, committing). Both read and write ordinary LMDB files.
"""

from __future__ import annotations

from typing import Any

from lmdb import (
    BadValsizeError,
    CorruptedError,
    Cursor,
    Environment,
    Error,
    InvalidError,
    KeyExistsError,
    MapFullError,
    NotFoundError,
    PageNotFoundError,
    ReadonlyError,
    Transaction,
    VersionMismatchError,
    open,  # noqa: A004 - py-lmdb's name, kept so the engine reads the same over both
    version,
)


def write_many(
    txn: Transaction, items: list[tuple[Any, bytes, bytes | None, bool]], commit: bool = False
) -> None:
    """`lmdb_c.write_many` over py-lmdb: each (db, key, value, append) put, or deleted when value
    is None (an absent key ignored), in order; then the commit if asked."""
    for db, key, value, append in items:
        if type(key) is not bytes or not (value is None or type(value) is bytes):
            raise TypeError("write_many() keys and values must be bytes")
        if value is None:
            txn.delete(key, db=db)
        elif not txn.put(key, value, append=append, db=db):
            raise KeyExistsError(f"write_many(): {key!r} is not after the last key")
    if commit:
        txn.commit()


__all__ = [
    "BadValsizeError",
    "CorruptedError",
    "Cursor",
    "Environment",
    "Error",
    "InvalidError",
    "KeyExistsError",
    "MapFullError",
    "NotFoundError",
    "PageNotFoundError",
    "ReadonlyError",
    "Transaction",
    "VersionMismatchError",
    "open",
    "version",
    "write_many",
]
