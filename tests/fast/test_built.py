"""The facade must load the compiled module whenever the build says it compiled one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import kubepy._fast as fast
from kubepy._fast import selector
from kubepy.api import labels


def test_facade_loads_what_was_built() -> None:
    if fast.extensions_disabled():
        pytest.skip("KUBEPY_NO_EXTENSIONS=1 forces the pure-Python twins")
    expected = "c" if "selector_c" in fast.built_modules() else "py"
    assert selector.IMPLEMENTATION == expected, (
        f"build marker {fast.BUILT_MARKER} lists {fast.built_modules()} but the selector facade loaded "
        f"{selector.IMPLEMENTATION!r}"
    )
    assert selector.Selector.__module__ == f"kubepy._fast.selector_{expected}"


def test_marker_lists_every_twin_when_built() -> None:
    built = fast.built_modules()
    if not built:
        pytest.skip("no extension was built (KUBEPY_NO_EXTENSIONS=1 or not built)")
    here = Path(fast.__file__).parent
    # the Cython twins of *_py.py, and the bindings written in Cython alone (lmdb_c.pyx)
    twins = sorted([p.stem for p in here.glob("*_c.py")] + [p.stem for p in here.glob("*_c.pyx")])
    assert built == twins


def test_public_facade_uses_the_loaded_module() -> None:
    assert labels.IMPLEMENTATION == selector.IMPLEMENTATION
    assert labels.Selector is selector.Selector
    assert labels.SelectorError is selector.SelectorError


def test_no_extensions_forces_the_twin() -> None:
    env = {**os.environ, "KUBEPY_NO_EXTENSIONS": "1"}
    code = "from kubepy._fast import selector; print(selector.IMPLEMENTATION, selector.Selector.__module__)"
    root = Path(fast.__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["py", "kubepy._fast.selector_py"]
