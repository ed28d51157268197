"""Field path elements are shared strings: one object per name, up to a cap, so the paths every
write builds hash and compare cheaply; the sets they make are the same as with fresh strings."""

from __future__ import annotations

from typing import Any

import pytest

from kubepy._fast import fieldset
from kubepy.apiserver.apply import fieldpath
from kubepy.apiserver.apply.compare import compare_views
from kubepy.apiserver.apply.created import created_fields
from kubepy.apiserver.apply.fieldpath import EMPTY, field_pe
from kubepy.apiserver.apply.typed import node_of
from tests.apply.test_fast_paths import RES


def test_field_pe_is_one_string_per_name() -> None:
    name = "".join(["some", "Field"])  # built at run time: not an interned constant
    first = field_pe(name)
    assert first == "f:someField"
    assert field_pe("".join(["some", "Field"])) is first


def test_field_pe_past_the_cap_is_built_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    impl = fieldset._impl  # the loaded twin, whose module globals field_pe reads
    monkeypatch.setattr(impl, "FIELD_PES", {})
    monkeypatch.setattr(impl, "FIELD_PES_MAX", 2)
    a, b = field_pe("a"), field_pe("b")
    c1, c2 = field_pe("c"), field_pe("c")
    assert (a, b, c1) == ("f:a", "f:b", "f:c")
    assert c1 == c2 and c1 is not c2  # not remembered: the cap is reached
    assert list(impl.FIELD_PES) == ["a", "b"]
    assert field_pe("a") is a


def _pes(paths: Any) -> set[str]:
    return {pe for p in paths for pe in p}


def test_walks_build_paths_from_the_shared_elements() -> None:
    node = node_of(RES["Pod"].schema)
    old = {"metadata": {"name": "p", "labels": {"app": "x"}}, "status": {"phase": "Pending"}}
    new = {
        "metadata": {"name": "p", "labels": {"app": "y", "tier": "web"}},
        "status": {"phase": "Running", "podIP": "10.0.0.1", "hostIP": "10.1.0.1"},
    }
    cmp = compare_views(old, new, node)
    created = created_fields(new, node, EMPTY)
    for pe in _pes(cmp.added | cmp.modified | cmp.removed) | _pes(created):
        assert pe.startswith("f:")
        assert pe is fieldpath.FIELD_PES[pe[2:]]
    assert ("f:metadata", "f:labels", "f:tier") in cmp.added
    assert ("f:status", "f:phase") in cmp.modified
