"""semantically_equal (the store's no-op check) answers as comparing both objects without their
resourceVersion and managedFields times, its shortcut on status and spec included."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kubepy.apiserver.registry.objectmeta import semantically_equal

_LEAVES = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, 1.0, "", "a"]))
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.sampled_from("ab"), inner, max_size=2)
    ),
    max_leaves=5,
)
_ENTRY = st.fixed_dictionaries(
    {"manager": st.sampled_from(["m", "n"])}, optional={"time": st.sampled_from(["t1", "t2"])}
)
_META = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["x", "y"]),
        "resourceVersion": st.sampled_from(["1", "2"]),
        "managedFields": st.lists(_ENTRY, max_size=2),
    },
)
_OBJECTS = st.fixed_dictionaries(
    {}, optional={"kind": st.sampled_from(["Pod"]), "metadata": _META, "spec": _VALUES, "status": _VALUES}
)


def _reference(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def strip(o: dict[str, Any]) -> dict[str, Any]:
        m = dict(o.get("metadata") or {})
        m.pop("resourceVersion", None)
        m["managedFields"] = [
            {k: v for k, v in e.items() if k != "time"} for e in m.pop("managedFields", None) or []
        ]
        return {**o, "metadata": m}

    return strip(a) == strip(b)


@settings(max_examples=1500, deadline=None)
@given(_OBJECTS, _OBJECTS, st.booleans())
@example({"spec": None}, {}, False)
@example({"status": {"a": 1}}, {"status": {"a": True}}, False)
@example(
    {"spec": 1, "metadata": {"resourceVersion": "1"}},
    {"spec": 1.0, "metadata": {"resourceVersion": "2"}},
    False,
)
def test_semantically_equal_is_the_stripped_comparison(a: dict, b: dict, twin: bool) -> None:
    if twin:  # b a copy of a but for what the comparison ignores
        b = copy.deepcopy(a)
        meta = b.setdefault("metadata", {})
        meta["resourceVersion"] = "other"
        for e in meta.get("managedFields") or []:
            e["time"] = "later"
    assert semantically_equal(a, b) == _reference(a, b)
