"""Label selector micro-benchmarks: compiled module vs pure-Python twin.

Run: .venv/bin/python -m pytest benchmarks/test_selector_bench.py --benchmark-group-by=func
The match benchmarks filter 10,000 label sets of which 1% match, as a list/watch filter would.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
from types import ModuleType

import pytest

from kubepy.api.validation.names import is_qualified_name, is_valid_label_value

SELECTOR = "app=web-7,tier in (fe,be),!canary,rev>2,env!=prod"
N = 10_000


def module(name: str) -> ModuleType:
    if name == "py":
        return importlib.import_module("kubepy._fast.selector_py")
    spec = importlib.util.find_spec("kubepy._fast.selector_c")
    if spec is None or not (spec.origin or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        pytest.skip("kubepy._fast.selector_c is not built")
    return importlib.import_module("kubepy._fast.selector_c")


def label_sets() -> list[dict[str, str]]:
    """10,000 pods' labels; exactly the 1% with app=web-7 match SELECTOR."""
    out = []
    for i in range(N):
        labels = {
            "app": f"web-{i % 100}",
            "tier": ("fe", "be")[i % 2],
            "rev": str(3 + i % 5),
            "env": "dev",
            "pod-template-hash": f"{i:08x}",
        }
        if i % 7 == 3 and i % 100 != 7:
            labels["canary"] = "true"
        out.append(labels)
    return out


SETS = label_sets()


@pytest.fixture(params=["py", "c"])
def mod(request: pytest.FixtureRequest) -> ModuleType:
    return module(request.param)


def test_parse(benchmark, mod: ModuleType) -> None:
    sel = benchmark(mod.parse, SELECTOR, is_qualified_name, is_valid_label_value)
    assert str(sel) == "app=web-7,!canary,env!=prod,rev>2,tier in (be,fe)"


def test_select_indices(benchmark, mod: ModuleType) -> None:
    sel = mod.parse(SELECTOR, is_qualified_name, is_valid_label_value)
    hits = benchmark(sel.select_indices, SETS)
    assert len(hits) == N // 100


def test_matches_many(benchmark, mod: ModuleType) -> None:
    sel = mod.parse(SELECTOR, is_qualified_name, is_valid_label_value)
    flags = benchmark(sel.matches_many, SETS)
    assert sum(flags) == N // 100


def test_matches_one_by_one(benchmark, mod: ModuleType) -> None:
    sel = mod.parse(SELECTOR, is_qualified_name, is_valid_label_value)
    hits = benchmark(lambda: [labels for labels in SETS if sel.matches(labels)])
    assert len(hits) == N // 100
