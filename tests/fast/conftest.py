"""Twin fixtures: every fast-path test runs against the pure-Python twin and the compiled module."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
from dataclasses import dataclass
from types import ModuleType

import pytest

from kubepy.api.validation.names import is_qualified_name, is_valid_label_value


def compiled(name: str) -> ModuleType | None:
    """The compiled `kubepy._fast.<name>`, or None when no extension is there.

    `<name>.py` exists as the twin's source too, so the spec's origin decides, not the import.
    """
    spec = importlib.util.find_spec(f"kubepy._fast.{name}")
    if spec is None or not (spec.origin or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        return None
    return importlib.import_module(f"kubepy._fast.{name}")


@dataclass(frozen=True)
class SelectorImpl:
    """One implementation of the selector module with Kubernetes' validation bound in."""

    name: str
    mod: ModuleType

    def parse(self, s: str):
        return self.mod.parse(s, is_qualified_name, is_valid_label_value)

    def from_label_selector(self, ls: dict | None):
        return self.mod.from_label_selector(ls, is_qualified_name, is_valid_label_value)

    def new_requirement(self, key: str, op: str, values: list[str] | None):
        return self.mod.new_requirement(key, op, values, is_qualified_name, is_valid_label_value)

    @property
    def error(self) -> type[Exception]:
        return self.mod.SelectorError


def selector_impl(name: str) -> SelectorImpl:
    if name == "py":
        return SelectorImpl("py", importlib.import_module("kubepy._fast.selector_py"))
    mod = compiled("selector_c")
    if mod is None:
        pytest.skip("kubepy._fast.selector_c is not built (built with KUBEPY_NO_EXTENSIONS=1, or not built)")
    return SelectorImpl("c", mod)


@pytest.fixture(params=["py", "c"])
def sel(request: pytest.FixtureRequest) -> SelectorImpl:
    """The selector module under test: each test runs once per twin."""
    return selector_impl(request.param)
