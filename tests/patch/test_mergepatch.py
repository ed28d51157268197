"""RFC 7386 JSON merge patch as Kubernetes applies it (evanphx/json-patch v4 MergePatch)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubepy.apiserver.patch import PatchError
from kubepy.apiserver.patch.mergepatch import apply_merge_patch

# RFC 7386 appendix A, except the two rows whose patch is a bare scalar or null (below).
RFC7386 = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("doc", "patch", "expected"), RFC7386)
def test_rfc7386_examples(doc: Any, patch: Any, expected: Any) -> None:
    assert apply_merge_patch(doc, patch) == expected


@pytest.mark.parametrize("patch", [None, "bar", 1, True])
def test_a_patch_that_is_neither_object_nor_array_is_400(patch: Any) -> None:
    # RFC 7386 would replace the document ({"a":"foo"} + "bar" -> "bar"); Kubernetes refuses.
    with pytest.raises(PatchError) as info:
        apply_merge_patch({"a": "foo"}, patch)
    assert (info.value.code, info.value.reason, info.value.message) == (
        400,
        "BadRequest",
        "Invalid JSON Patch",
    )


def test_a_null_document_is_a_server_error() -> None:
    with pytest.raises(PatchError) as info:
        apply_merge_patch(None, {"a": 1})
    assert (info.value.code, info.value.message) == (500, "Invalid JSON Document")


def test_nulls_are_pruned_inside_added_values_arrays_included() -> None:
    result = apply_merge_patch({"a": 1}, {"b": [{"c": None, "d": 1}, None], "e": {"f": {"g": None}}})
    assert result == {"a": 1, "b": [{"d": 1}, None], "e": {"f": {}}}


def test_an_array_replacing_an_object_keeps_its_nulls() -> None:
    # evanphx only prunes values merged into a non-object (or absent) target
    assert apply_merge_patch({"a": {"x": 1}}, {"a": [{"b": None}]}) == {"a": [{"b": None}]}
    assert apply_merge_patch({"a": [1]}, {"a": [{"b": None}]}) == {"a": [{}]}


def test_objects_merge_recursively() -> None:
    doc = {"metadata": {"labels": {"a": "1"}, "name": "p"}, "spec": {"replicas": 1}}
    patch = {"metadata": {"labels": {"b": "2"}}, "spec": {"replicas": 3}}
    assert apply_merge_patch(doc, patch) == {
        "metadata": {"labels": {"a": "1", "b": "2"}, "name": "p"},
        "spec": {"replicas": 3},
    }


def test_inputs_are_never_modified() -> None:
    doc = {"a": {"b": {"c": 1}}, "d": [1]}
    patch = {"a": {"b": {"c": None, "e": {"f": None}}}, "d": [{"g": None}], "h": {"i": None}}
    before_doc, before_patch = copy.deepcopy(doc), copy.deepcopy(patch)
    result = apply_merge_patch(doc, patch)
    assert result == {"a": {"b": {"e": {}}}, "d": [{}], "h": {}}
    result["a"]["b"]["e"]["x"] = 1
    assert doc == before_doc and patch == before_patch
