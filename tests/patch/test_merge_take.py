"""A merge patch given away (`take`): its values go in as they are, with the result the copying
merge gives (the handler's side: tests/apiserver/test_merge_take_handler.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubepy.apiserver.patch.mergepatch import apply_merge_patch

# null-free patches (what `take` is for): nested merges, added objects, arrays over objects
CASES = [
    ({"a": {"b": 1, "c": {"d": 2}}}, {"a": {"c": {"e": [1, {"f": 3}]}, "g": {"h": "i"}}}),
    ({"a": {"x": 1}}, {"a": [{"b": 2}]}),
    ({"a": [1], "s": "t"}, {"a": {"b": {"c": 1}}, "s": {"u": []}}),
    (
        {"status": {"phase": "Pending", "conditions": [{"type": "PodScheduled"}]}},
        {
            "metadata": {"uid": "u1"},
            "status": {
                "phase": "Running",
                "conditions": [{"type": "Ready", "status": "True"}],
                "podIPs": [{"ip": "10.0.0.1"}],
            },
        },
    ),
    ({"a": 1}, ["b", {"c": 1}]),
]


@pytest.mark.parametrize(("doc", "patch"), CASES)
def test_a_taken_patch_merges_as_a_copied_one(doc: Any, patch: Any) -> None:
    want = apply_merge_patch(copy.deepcopy(doc), copy.deepcopy(patch))
    assert apply_merge_patch(copy.deepcopy(doc), copy.deepcopy(patch), own=True, take=True) == want


def test_a_taken_patch_s_containers_are_put_in_as_they_are() -> None:
    patch = {"status": {"conditions": [{"type": "Ready"}], "extra": {"k": "v"}}, "spec": ["x"]}
    doc = {"status": {"phase": "Running"}, "spec": {"was": "an object"}}
    out = apply_merge_patch(doc, patch, own=True, take=True)
    assert out is doc
    assert out["status"]["conditions"] is patch["status"]["conditions"]
    assert out["status"]["extra"] is patch["status"]["extra"]
    assert out["spec"] is patch["spec"]
    copied = apply_merge_patch({"status": {}}, patch)
    assert copied["status"]["conditions"] is not patch["status"]["conditions"]
