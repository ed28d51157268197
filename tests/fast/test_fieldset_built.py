"""The managedFields walk facade must load the compiled module whenever the build says it compiled
one, and the apply layer must walk with what the facade loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import kubepy._fast as fast
from kubepy._fast import fieldset
from kubepy.apiserver.apply import fieldpath
from kubepy.apiserver.apply.compare import info_of
from kubepy.apiserver.apply.typed import LEAF_NODE


def test_facade_loads_what_was_built() -> None:
    if fast.extensions_disabled():
        pytest.skip("KUBEPY_NO_EXTENSIONS=1 forces the pure-Python twins")
    expected = "c" if "fieldset_c" in fast.built_modules() else "py"
    assert fieldset.IMPLEMENTATION == expected, (
        f"build marker {fast.BUILT_MARKER} lists {fast.built_modules()} but the fieldset facade loaded "
        f"{fieldset.IMPLEMENTATION!r}"
    )
    assert fieldset.Info.__module__ == f"kubepy._fast.fieldset_{expected}"


def test_apply_layer_uses_the_loaded_twin() -> None:
    assert isinstance(info_of(LEAF_NODE), fieldset.Info)
    assert fieldpath.field_pe is fieldset.field_pe
    assert fieldpath.FIELD_PES is fieldset.FIELD_PES


def test_no_extensions_forces_the_twin() -> None:
    env = {**os.environ, "KUBEPY_NO_EXTENSIONS": "1"}
    code = "from kubepy._fast import fieldset; print(fieldset.IMPLEMENTATION, fieldset.Info.__module__)"
    root = Path(fast.__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["py", "kubepy._fast.fieldset_py"]
