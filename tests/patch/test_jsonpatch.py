"""RFC 6902 JSON patch as Kubernetes applies it (evanphx/json-patch v4 semantics and texts)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from kubepy.apiserver.patch import PatchError
from kubepy.apiserver.patch.errors import GENERIC_422
from kubepy.apiserver.patch.jsonpatch import COPY_SIZE_LIMIT, apply_json_patch

BOOK = Path("/work/shared/book/api-client")


def cause(doc: Any, patch: Any) -> str:
    """evanphx's error text for a patch that does not apply (the client sees a generic 422)."""
    with pytest.raises(PatchError) as info:
        apply_json_patch(doc, patch)
    err = info.value
    assert (err.code, err.reason, err.message, err.details) == (422, "Invalid", GENERIC_422, {})
    return err.cause


# ---- RFC 6902 appendix A -----------------------------------------------------------------
RFC6902 = [
    ("A.1", {"foo": "bar"}, [{"op": "add", "path": "/baz", "value": "qux"}], {"baz": "qux", "foo": "bar"}),
    (
        "A.2",
        {"foo": ["bar", "baz"]},
        [{"op": "add", "path": "/foo/1", "value": "qux"}],
        {"foo": ["bar", "qux", "baz"]},
    ),
    ("A.3", {"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
    ("A.4", {"foo": ["bar", "qux", "baz"]}, [{"op": "remove", "path": "/foo/1"}], {"foo": ["bar", "baz"]}),
    (
        "A.5",
        {"baz": "qux", "foo": "bar"},
        [{"op": "replace", "path": "/baz", "value": "boo"}],
        {"baz": "boo", "foo": "bar"},
    ),
    (
        "A.6",
        {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
        [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
        {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}},
    ),
    (
        "A.7",
        {"foo": ["all", "grass", "cows", "eat"]},
        [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
        {"foo": ["all", "cows", "eat", "grass"]},
    ),
    (
        "A.8",
        {"baz": "qux", "foo": ["a", 2, "c"]},
        [{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}],
        {"baz": "qux", "foo": ["a", 2, "c"]},
    ),
    (
        "A.10",
        {"foo": "bar"},
        [{"op": "add", "path": "/child", "value": {"grandchild": {}}}],
        {"foo": "bar", "child": {"grandchild": {}}},
    ),
    (
        "A.11",
        {"foo": "bar"},
        [{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}],
        {"foo": "bar", "baz": "qux"},
    ),
    ("A.14", {"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": 10}], {"/": 9, "~1": 10}),
    (
        "A.16",
        {"foo": ["bar"]},
        [{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}],
        {"foo": ["bar", ["abc", "def"]]},
    ),
]


@pytest.mark.parametrize(("doc", "patch", "expected"), [c[1:] for c in RFC6902], ids=[c[0] for c in RFC6902])
def test_rfc6902_examples(doc: Any, patch: Any, expected: Any) -> None:
    assert apply_json_patch(doc, patch) == expected


def test_rfc6902_a9_failed_test() -> None:
    assert cause({"baz": "qux"}, [{"op": "test", "path": "/baz", "value": "bar"}]) == (
        "testing value /baz failed: test failed"
    )


def test_rfc6902_a12_add_to_a_nonexistent_target() -> None:
    assert cause({"foo": "bar"}, [{"op": "add", "path": "/baz/bat", "value": "qux"}]) == (
        'add operation does not apply: doc is missing path: "/baz/bat": missing value'
    )


def test_rfc6902_a15_strings_are_not_numbers() -> None:
    assert cause({"/": 9, "~1": 10}, [{"op": "test", "path": "/~01", "value": "10"}]) == (
        "testing value /~01 failed: test failed"
    )


def test_rfc6902_pointer_escapes() -> None:
    doc = {"a/b": {"m~n": 1}}
    assert apply_json_patch(doc, [{"op": "replace", "path": "/a~1b/m~0n", "value": 2}]) == {"a/b": {"m~n": 2}}


# ---- the book's example ------------------------------------------------------------------
def test_book_json_patch_op_example() -> None:
    patch = orjson.loads((BOOK / "json-patch-op-example.json").read_bytes())
    assert apply_json_patch({"a": {"b": {}}}, patch) == {"a": {"b": {"c": ["foo", "bar"]}}}
    assert (
        cause({"a": {}}, patch)
        == 'add operation does not apply: doc is missing path: "/a/b/c": missing value'
    )


# ---- evanphx/json-patch v4 behaviour Kubernetes clients see ------------------------------
def test_replace_of_a_missing_member_adds_it() -> None:
    assert apply_json_patch({}, [{"op": "replace", "path": "/a", "value": 1}]) == {"a": 1}


def test_replace_of_a_missing_element_fails() -> None:
    assert cause({"a": [1]}, [{"op": "replace", "path": "/a/3", "value": 1}]) == (
        "replace operation does not apply: doc is missing key: /a/3: missing value"
    )


def test_replace_of_the_whole_document() -> None:
    assert apply_json_patch({"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}]) == {"b": 2}
    assert cause({"a": 1}, [{"op": "replace", "path": "", "value": 3}]) == (
        "replace operation value must be object or array: %!w(<nil>)"
    )


def test_add_to_the_whole_document_is_refused() -> None:
    assert cause({"a": 1}, [{"op": "add", "path": "", "value": {}}]) == (
        'add operation does not apply: doc is missing path: "": missing value'
    )


def test_copy_from_a_missing_member_copies_null() -> None:
    assert apply_json_patch({"a": 1}, [{"op": "copy", "from": "/nope", "path": "/b"}]) == {"a": 1, "b": None}


def test_copy_deep_copies() -> None:
    result = apply_json_patch({"a": {"x": [1]}}, [{"op": "copy", "from": "/a", "path": "/b"}])
    result["b"]["x"].append(2)
    assert result["a"] == {"x": [1]}


def test_negative_indices_count_from_the_end() -> None:
    doc = {"a": [1, 2, 3]}
    assert apply_json_patch(doc, [{"op": "remove", "path": "/a/-1"}]) == {"a": [1, 2]}
    assert apply_json_patch(doc, [{"op": "add", "path": "/a/-1", "value": 9}]) == {"a": [1, 2, 3, 9]}
    assert apply_json_patch(doc, [{"op": "test", "path": "/a/-3", "value": 1}]) == doc


def test_a_path_without_leading_slash_skips_its_first_token() -> None:
    assert apply_json_patch({}, [{"op": "add", "path": "ignored/b", "value": 1}]) == {"b": 1}


def test_test_tells_integers_from_floats_and_booleans() -> None:
    assert (
        cause({"a": 1}, [{"op": "test", "path": "/a", "value": 1.0}])
        == "testing value /a failed: test failed"
    )
    assert (
        cause({"a": 1}, [{"op": "test", "path": "/a", "value": True}])
        == "testing value /a failed: test failed"
    )


def test_test_for_null_matches_absent_and_null_members() -> None:
    doc = {"a": None}
    assert apply_json_patch(doc, [{"op": "test", "path": "/a", "value": None}]) == doc
    assert apply_json_patch(doc, [{"op": "test", "path": "/b"}]) == doc
    assert cause({"a": 1}, [{"op": "test", "path": "/a"}]) == "testing value /a failed: test failed"


def test_test_compares_structures() -> None:
    doc = {"a": {"b": [1, {"c": None}]}}
    assert apply_json_patch(doc, [{"op": "test", "path": "/a", "value": {"b": [1, {"c": None}]}}]) == doc
    assert (
        cause(doc, [{"op": "test", "path": "", "value": {"a": {"b": [1]}}}])
        == "testing value  failed: test failed"
    )


def test_add_without_value_adds_null() -> None:
    assert apply_json_patch({}, [{"op": "add", "path": "/a"}]) == {"a": None}


# ---- failure texts -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "op", "text"),
    [
        ({}, {"op": "frobnicate", "path": "/a"}, "Unexpected kind: frobnicate"),
        ({}, {"path": "/a"}, "Unexpected kind: unknown"),
        ({}, {"op": 3, "path": "/a"}, "Unexpected kind: unknown"),
        ({}, {"op": "add", "value": 1}, "add operation failed to decode path: missing value"),
        ({}, {"op": "remove", "path": 7}, "remove operation failed to decode path: missing value"),
        (
            {},
            {"op": "replace", "path": 7},
            "replace operation failed to decode path: json: cannot unmarshal number into Go value of type string",
        ),
        (
            {},
            {"op": "test"},
            "test operation failed to decode path: operation missing path field: missing value",
        ),
        (
            {},
            {"op": "move", "path": "/a"},
            "move operation failed to decode from: operation, missing from field: missing value",
        ),
        ({"a": 1}, {"op": "copy", "from": "/a"}, "copy operation failed to decode path: missing value"),
        (
            {"a": 1},
            {"op": "remove", "path": "/x"},
            "error in remove for path: '/x': Unable to remove nonexistent key: x: missing value",
        ),
        (
            {"a": [1]},
            {"op": "add", "path": "/a/5", "value": 0},
            "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced",
        ),
        (
            {"a": [1]},
            {"op": "add", "path": "/a/x", "value": 0},
            "error in add for path: '/a/x': value was not a proper array index: 'x': "
            'strconv.Atoi: parsing "x": invalid syntax',
        ),
        (
            {"a": [1]},
            {"op": "remove", "path": "/a/-"},
            "error in remove for path: '/a/-': strconv.Atoi: parsing \"-\": invalid syntax",
        ),
        (
            {"a": 1},
            {"op": "remove", "path": "/a/b"},
            'remove operation does not apply: doc is missing path: "/a/b": missing value',
        ),
        (
            {"a": 1},
            {"op": "move", "from": "/nope", "path": "/b"},
            "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value",
        ),
        (
            {"a": 1},
            {"op": "move", "from": "/a", "path": "/x/y"},
            "move operation does not apply: doc is missing destination path: /x/y: missing value",
        ),
        (
            {"a": [1]},
            {"op": "copy", "from": "/a/4", "path": "/b"},
            "error in copy for from: '/a/4': Unable to access invalid index: 4: invalid index referenced",
        ),
        (
            {"a": [1]},
            {"op": "test", "path": "/a/4", "value": 1},
            "error in test for path: '/a/4': Unable to access invalid index: 4: invalid index referenced",
        ),
        (
            {"a": 1},
            {"op": "test", "path": "/x/y", "value": 1},
            "test operation does not apply: is missing path: /x/y: missing value",
        ),
    ],
)
def test_failure_texts(doc: Any, op: dict[str, Any], text: str) -> None:
    assert cause(doc, [op]) == text


def test_the_client_sees_kubernetes_generic_422() -> None:
    with pytest.raises(PatchError) as info:
        apply_json_patch({"a": 1}, [{"op": "test", "path": "/a", "value": 2}])
    assert info.value.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid",
        "details": {},
        "code": 422,
    }


def test_a_failing_operation_leaves_the_document_alone() -> None:
    doc = {"a": [1, 2]}
    patch = [{"op": "remove", "path": "/a/0"}, {"op": "test", "path": "/a/0", "value": 1}]
    with pytest.raises(PatchError):
        apply_json_patch(doc, patch)
    assert doc == {"a": [1, 2]}


def test_inputs_are_never_modified() -> None:
    doc = {"a": {"b": [1]}, "c": {"d": 1}}
    patch = [
        {"op": "add", "path": "/a/b/-", "value": {"x": [1]}},
        {"op": "move", "from": "/c", "path": "/a/c"},
        {"op": "replace", "path": "/e", "value": {"y": 1}},
    ]
    before_doc, before_patch = copy.deepcopy(doc), copy.deepcopy(patch)
    result = apply_json_patch(doc, patch)
    assert result == {"a": {"b": [1, {"x": [1]}], "c": {"d": 1}}, "e": {"y": 1}}
    result["a"]["b"][1]["x"].append(2)
    result["e"]["y"] = 2
    assert doc == before_doc and patch == before_patch


# ---- malformed patch documents -------------------------------------------------------------
@pytest.mark.parametrize(
    ("patch", "kind"), [({"op": "add"}, "object"), ("x", "string"), (1, "number"), (False, "bool")]
)
def test_a_patch_that_is_not_a_list_is_400(patch: Any, kind: str) -> None:
    with pytest.raises(PatchError) as info:
        apply_json_patch({}, patch)
    assert (info.value.code, info.value.reason) == (400, "BadRequest")
    assert info.value.message == f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch"


def test_an_operation_that_is_not_an_object_is_400() -> None:
    with pytest.raises(PatchError) as info:
        apply_json_patch({}, [{"op": "add", "path": "/a", "value": 1}, "remove"])
    assert (info.value.code, info.value.message) == (
        400,
        "json: cannot unmarshal string into Go value of type jsonpatch.Operation",
    )


def test_null_patch_and_null_operation() -> None:
    assert apply_json_patch({"a": 1}, None) == {"a": 1}
    assert cause({"a": 1}, [None]) == "Unexpected kind: unknown"


def test_more_than_ten_thousand_operations_is_413() -> None:
    ops = [{"op": "test", "path": "/a", "value": 1}] * 10001
    with pytest.raises(PatchError) as info:
        apply_json_patch({"a": 1}, ops)
    assert (info.value.code, info.value.reason) == (413, "RequestEntityTooLarge")
    assert info.value.message == (
        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001"
    )
    assert apply_json_patch({"a": 1}, ops[:10000]) == {"a": 1}


def test_copies_are_bounded_by_the_apiserver_copy_limit() -> None:
    big = "x" * (COPY_SIZE_LIMIT // 2)
    ops = [{"op": "copy", "from": "/a", "path": f"/b{i}"} for i in range(3)]
    text = cause({"a": big}, ops)
    assert text.startswith("Unable to complete the copy, the accumulated size increase of copy is ")
    assert text.endswith(f", exceeding the limit {COPY_SIZE_LIMIT}")
