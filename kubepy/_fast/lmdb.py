"""LMDB for the storage engine: the `lmdb_c` binding (system liblmdb, GIL held for in-memory
steps) when built, else py-lmdb (`lmdb_py`). Chosen once per process: two LMDB libraries must
never have the same environment open in one process, their locks do not see each other.

`IMPLEMENTATION` says which one was loaded ("c" or "py").
"""

from __future__ import annotations

from kubepy._fast import load

_impl, IMPLEMENTATION = load("lmdb")

BadValsizeError = _impl.BadValsizeError
CorruptedError = _impl.CorruptedError
Cursor = _impl.Cursor
Environment = _impl.Environment
Error = _impl.Error
InvalidError = _impl.InvalidError
KeyExistsError = _impl.KeyExistsError
MapFullError = _impl.MapFullError
NotFoundError = _impl.NotFoundError
PageNotFoundError = _impl.PageNotFoundError
ReadonlyError = _impl.ReadonlyError
Transaction = _impl.Transaction
VersionMismatchError = _impl.VersionMismatchError
open = _impl.open  # noqa: A001 - py-lmdb's name
version = _impl.version
write_many = _impl.write_many

__all__ = [
    "IMPLEMENTATION",
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
