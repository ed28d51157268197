"""The field set walks leave no reference cycles behind: they run on every managedFields update,
and a recursive inner function (it holds the cell that names it) was garbage only the cycle
collector could free, a few thousand objects per second under load."""

from __future__ import annotations

import gc

from kubepy.apiserver.apply.extract import ensure_named_members
from kubepy.apiserver.apply.fieldpath import _decode, iterate
from tests.apply.test_extract import CONTAINERS, NGINX, NODE


def _unreachable_after(fn) -> int:
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        fn()
        return gc.collect()
    finally:
        if was:
            gc.enable()


def test_decode_iterate_and_named_members_leave_no_cycles() -> None:
    raw = {"f:metadata": {"f:labels": {"f:app": {}}, ".": {}}, "f:spec": {"f:replicas": {}}}
    fs = frozenset({("f:metadata", "f:labels", "f:app"), CONTAINERS + (NGINX, "f:image")})
    assert _decode(raw)  # the walks do find something
    assert list(iterate(fs)) and ensure_named_members(fs, NODE) != fs
    assert _unreachable_after(lambda: [_decode(raw) for _ in range(50)]) == 0
    assert _unreachable_after(lambda: [list(iterate(fs)) for _ in range(50)]) == 0
    assert _unreachable_after(lambda: [ensure_named_members(fs, NODE) for _ in range(50)]) == 0
