"""Compiled hot paths, each a facade over a Cython module and its pure-Python twin.

`KUBEPY_NO_EXTENSIONS=1` forces the twins. The build writes `_built.txt` here, listing the modules
it compiled, so a test can tell "built but not loaded" from "not built".
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
from pathlib import Path
from types import ModuleType

BUILT_MARKER = Path(__file__).with_name("_built.txt")


def extensions_disabled() -> bool:
    return os.environ.get("KUBEPY_NO_EXTENSIONS", "") not in ("", "0")


def built_modules() -> list[str]:
    """Module names the last build compiled (empty when none was built)."""
    try:
        text = BUILT_MARKER.read_text()
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def load(name: str) -> tuple[ModuleType, str]:
    """Import `<name>_c` if it exists as a compiled extension, else `<name>_py`; say which.

    `<name>_c.py` is the twin's source under another name, so a plain import would quietly load
    Python; the spec's origin tells a real extension from it.
    """
    if not extensions_disabled():
        spec = importlib.util.find_spec(f"{__name__}.{name}_c")
        origin = spec.origin if spec is not None else None
        if origin and origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            return importlib.import_module(f"{__name__}.{name}_c"), "c"
    return importlib.import_module(f"{__name__}.{name}_py"), "py"
