"""py-lmdb itself, the twin of the `lmdb_c` binding: the same names, so the storage runs on either.

py-lmdb releases the GIL around every put, delete and cursor step; `lmdb_c` keeps it for those and
releases it only for I/O (opening, committing). Both read and write ordinary LMDB files.
"""

from __future__ import annotations

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
]
