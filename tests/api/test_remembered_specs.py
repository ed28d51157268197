"""canonical_order remembers more of a kind's specs than of its other top-level fields: a bound
pod's spec names its node, so a template's pods bring one spec per node."""

from __future__ import annotations

from typing import Any

import pytest

from kubepy.api import decode
from kubepy.api.schema import Field, Prim, Struct

_S = Field(Prim("string"))


def _kind(name: str) -> Struct:
    def part(p: str) -> Struct:
        inner = Struct(f"{name}.{p}Inner", "", {"b": _S, "a": _S})
        return Struct(f"{name}.{p}", "", {"x": _S, "inner": Field(inner)})

    meta = Struct(f"{name}.Meta", "", {"name": _S})
    return Struct(
        name, "", {"metadata": Field(meta), "spec": Field(part("Spec")), "status": Field(part("Status"))}
    )


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> tuple[Struct, dict[str, int]]:
    """A fresh kind whose spec and status orderers count their calls; sizes 4 (spec) and 2."""
    kind = _kind("test.remembered.Kind")
    monkeypatch.setattr(decode, "REMEMBERED_ORDERS", 2)
    monkeypatch.setattr(decode, "REMEMBERED_SPECS", 4)
    calls = {"spec": 0, "status": 0}
    orderer = decode._orderer

    def counting(t: Any) -> Any:
        fn = orderer(t)
        for k in ("spec", "status"):
            if t is kind.fields[k].type:

                def wrapped(v: Any, fn: Any = fn, k: str = k) -> Any:
                    calls[k] += 1
                    return fn(v)

                return wrapped
        return fn

    monkeypatch.setattr(decode, "_orderer", counting)
    return kind, calls


def test_specs_are_remembered_beyond_the_other_fields(counted: tuple[Struct, dict[str, int]]) -> None:
    kind, calls = counted

    def obj(i: int) -> dict:
        part = {"inner": {"a": "1", "b": str(i)}, "x": f"v{i}"}
        return {"metadata": {"name": f"o{i}"}, "status": dict(part), "spec": dict(part)}

    for i in range(3):  # three distinct values of each
        out = decode.canonical_order(obj(i), kind)
        assert list(out) == ["metadata", "spec", "status"] and list(out["spec"]["inner"]) == ["b", "a"]
    assert calls == {"spec": 3, "status": 3}
    again = decode.canonical_order(obj(0), kind)  # the first: still remembered as a spec only
    assert again == obj(0) and list(again["status"]["inner"]) == ["b", "a"]
    assert calls == {"spec": 3, "status": 4}
