"""The two LMDB bindings the engine runs on, for tests that run over both.

`lmdb_c` (system liblmdb, built by setup.py) and `lmdb_py` (py-lmdb). A process normally uses the
one the `kubepy._fast.lmdb` facade chose; these tests switch the engine's binding per test, each
test on its own directories (an environment is never open in both libraries at once).
"""

from __future__ import annotations

from types import ModuleType

import pytest

import kubepy._fast as fast
from kubepy.storage import lmdb_engine, lmdb_files

NAMES = ("c", "py")


def binding(name: str) -> ModuleType:
    """The binding module; skips "c" when it was not built (test_built fails if it was)."""
    if name == "py":
        from kubepy._fast import lmdb_py

        return lmdb_py
    if fast.extensions_disabled() or "lmdb_c" not in fast.built_modules():
        pytest.skip("the lmdb_c binding is not built")
    from kubepy._fast import lmdb_c  # type: ignore[attr-defined]

    return lmdb_c


def use(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    """Make the engine open, read and write through binding `name` for this test."""
    mod = binding(name)
    monkeypatch.setattr(lmdb_engine, "lmdb", mod)
    monkeypatch.setattr(lmdb_files, "lmdb", mod)
    return mod
