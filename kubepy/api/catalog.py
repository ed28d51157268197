"""Every served resource, collected from the `RESOURCES` list of each kubepy.api.resources module."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import kubepy.api.resources as _pkg
from kubepy.api.resource import Resource


@cache
def all_resources() -> tuple[Resource, ...]:
    found: list[Resource] = []
    for info in sorted(pkgutil.iter_modules(_pkg.__path__), key=lambda i: i.name):
        mod = importlib.import_module(f"{_pkg.__name__}.{info.name}")
        found.extend(getattr(mod, "RESOURCES", ()))
    return tuple(found)
