"""The scoring facade must load the compiled kernel whenever the build says it compiled one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import kubepy._fast as fast
from kubepy._fast import scoring


def test_facade_loads_what_was_built() -> None:
    if fast.extensions_disabled():
        pytest.skip("KUBEPY_NO_EXTENSIONS=1 forces the pure-Python twins")
    expected = "c" if "scoring_c" in fast.built_modules() else "py"
    assert scoring.IMPLEMENTATION == expected, (
        f"build marker {fast.BUILT_MARKER} lists {fast.built_modules()} but the scoring facade loaded "
        f"{scoring.IMPLEMENTATION!r}"
    )
    assert scoring.filter_nodes.__module__ == f"kubepy._fast.scoring_{expected}"


def test_marker_lists_the_scoring_kernel_when_built() -> None:
    built = fast.built_modules()
    if not built:
        pytest.skip("no extension was built (KUBEPY_NO_EXTENSIONS=1 or not built)")
    assert "scoring_c" in built


def test_no_extensions_forces_the_twin() -> None:
    env = {**os.environ, "KUBEPY_NO_EXTENSIONS": "1"}
    code = "from kubepy._fast import scoring; print(scoring.IMPLEMENTATION, scoring.filter_nodes.__module__)"
    root = Path(fast.__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["py", "kubepy._fast.scoring_py"]
