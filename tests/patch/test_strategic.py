"""Strategic merge patch against Kubernetes' behaviour (strategicpatch.StrategicMergeMapPatch)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kubepy.api.schema import STRING, f, list_of, struct
from kubepy.apiserver.patch import PatchError
from kubepy.apiserver.patch.errors import GENERIC_422
from kubepy.apiserver.patch.mergepatch import apply_merge_patch
from kubepy.apiserver.patch.strategic import apply_strategic_merge_patch
from tests.patch.minipod import Pod

BOOK = Path("/work/shared/book/api-client")


def smp(doc: dict[str, Any], patch: Any) -> dict[str, Any]:
    return apply_strategic_merge_patch(doc, patch, Pod)


def smp_error(doc: dict[str, Any], patch: Any) -> PatchError:
    with pytest.raises(PatchError) as info:
        smp(doc, patch)
    return info.value


def containers(*specs: tuple[str, str]) -> dict[str, Any]:
    return {"spec": {"containers": [{"name": n, "image": i} for n, i in specs]}}


def names(obj: dict[str, Any], field: str = "containers") -> list[str]:
    return [c["name"] for c in obj["spec"][field]]


# ---- the book's examples -------------------------------------------------------------------
def book_yaml(name: str) -> Any:
    return yaml.safe_load((BOOK / name).read_text())


def book_json(name: str) -> Any:
    return orjson.loads((BOOK / name).read_bytes())


def test_book_strategic_merge_keeps_nginx_and_adds_log_tailer() -> None:
    original, patch = book_yaml("smp-example-original.yaml"), book_yaml("smp-example-patch.yaml")
    result = smp(original, patch)
    # Today's Kubernetes puts a container the live list lacks before the live ones.
    assert result == {
        "spec": {
            "containers": [
                {"name": "log-tailer", "image": "log-tailer-1.0"},
                {"name": "nginx", "image": "nginx-1.0"},
            ]
        }
    }


def test_book_merge_patch_replaces_the_container_list() -> None:
    original, patch = book_yaml("smp-example-original.yaml"), book_yaml("smp-example-patch.yaml")
    assert apply_merge_patch(original, patch) == patch


def test_book_pod4_strategic_merge_updates_the_named_container() -> None:
    live = {
        "spec": {
            "containers": [
                {"name": "mycontainer", "image": "old", "ports": [{"containerPort": 80}]},
                {"name": "sidecar", "image": "s"},
            ]
        }
    }
    result = smp(live, book_json("pod4StrategicMerge.json"))
    first = result["spec"]["containers"][0]
    assert names(result) == ["mycontainer", "sidecar"]
    assert first["image"] == "192.168.1.128:1180/centos"
    assert first["ports"] == [{"containerPort": 80}]
    # The book's "patchStrategy"/"patchMergeKey" keys are plain unknown fields, merged like any other.
    assert first["patchStrategy"] == "merge"


def test_book_pod4_merge_json_patch_merges_labels() -> None:
    live = {"metadata": {"name": "p", "labels": {"kkk": "aaa", "keep": "me"}}}
    patch = book_json("pod4MergeJsonPatch.json")
    expected_labels = {"keep": "me", **patch["metadata"]["labels"]}
    assert apply_merge_patch(live, patch)["metadata"]["labels"] == expected_labels
    assert smp(live, patch)["metadata"]["labels"] == expected_labels


# ---- maps ----------------------------------------------------------------------------------
def test_maps_merge_recursively_and_null_deletes() -> None:
    live = {"metadata": {"name": "p", "labels": {"a": "1", "b": "2"}}, "spec": {"nodeSelector": {"d": "x"}}}
    patch = {"metadata": {"labels": {"a": None, "c": "3"}}, "spec": {"nodeSelector": {"e": "y"}}}
    assert smp(live, patch) == {
        "metadata": {"name": "p", "labels": {"b": "2", "c": "3"}},
        "spec": {"nodeSelector": {"d": "x", "e": "y"}},
    }


def test_unmatched_nulls_are_dropped_everywhere_in_new_values() -> None:
    result = smp(
        {}, {"gone": None, "metadata": {"labels": {"a": None, "b": "1"}}, "x": [{"k": None, "j": 1}]}
    )
    assert result == {"metadata": {"labels": {"b": "1"}}, "x": [{"j": 1}]}


def test_a_value_of_another_type_replaces() -> None:
    assert smp({"spec": {"extension": [1, 2]}}, {"spec": {"extension": {"a": None, "b": 1}}}) == {
        "spec": {"extension": {"b": 1}}
    }


def test_inputs_are_never_modified() -> None:
    live = {
        "metadata": {"finalizers": ["a"], "labels": {"x": "1"}},
        "spec": {"containers": [{"name": "a", "image": "1", "env": [{"name": "E", "value": "v"}]}]},
    }
    patch = {
        "$setElementOrder/x": [],
        "metadata": {"finalizers": ["b"], "labels": {"x": None}},
        "spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [
                {"name": "b", "image": "2"},
                {"name": "a", "env": [{"name": "E", "$patch": "delete"}]},
            ],
        },
    }
    before_live, before_patch = copy.deepcopy(live), copy.deepcopy(patch)
    result = smp(live, patch)
    assert live == before_live and patch == before_patch
    result["spec"]["containers"][0]["image"] = "mutated"
    assert patch == before_patch


# ---- merge lists of objects ----------------------------------------------------------------
def test_list_items_merge_by_key_and_new_ones_come_first() -> None:
    live = {"spec": {"containers": [{"name": "a", "image": "1", "args": ["x"]}, {"name": "b", "image": "2"}]}}
    patch = {"spec": {"containers": [{"name": "c", "image": "3"}, {"name": "a", "image": "9"}]}}
    result = smp(live, patch)
    assert names(result) == ["c", "a", "b"]
    assert result["spec"]["containers"][1] == {"name": "a", "image": "9", "args": ["x"]}


def test_existing_items_keep_the_patch_order_around_server_only_items() -> None:
    live = containers(("1", "a"), ("2", "b"), ("3", "c"))
    result = smp(live, {"spec": {"containers": [{"name": "3", "image": "C"}, {"name": "1", "image": "A"}]}})
    assert [c["image"] for c in result["spec"]["containers"]] == ["b", "C", "A"]


def test_nested_merge_lists_merge_by_their_own_keys() -> None:
    live = {
        "spec": {
            "containers": [
                {
                    "name": "a",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443}],
                    "env": [{"name": "X", "value": "1"}],
                }
            ]
        }
    }
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "a",
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "env": [{"name": "Y", "value": "2"}],
                }
            ]
        }
    }
    result = smp(live, patch)["spec"]["containers"][0]
    assert result["ports"] == [
        {"containerPort": 80, "protocol": "TCP", "name": "http"},
        {"containerPort": 443},
    ]
    assert result["env"] == [{"name": "Y", "value": "2"}, {"name": "X", "value": "1"}]


def test_lists_without_merge_strategy_are_replaced() -> None:
    live = {"spec": {"containers": [{"name": "a", "args": ["1", "2"]}], "tolerations": [{"key": "k"}]}}
    patch = {
        "spec": {"containers": [{"name": "a", "args": ["3"]}], "tolerations": [{"key": "j", "value": None}]}
    }
    result = smp(live, patch)
    assert result["spec"]["containers"] == [{"name": "a", "args": ["3"]}]
    # a replacing list is taken as sent, nulls included (the typed decode drops them later)
    assert result["spec"]["tolerations"] == [{"key": "j", "value": None}]


def test_owner_references_merge_on_uid() -> None:
    live = {"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}, {"uid": "2", "name": "b"}]}}
    result = smp(live, {"metadata": {"ownerReferences": [{"uid": "2", "name": "B"}]}})
    assert result["metadata"]["ownerReferences"] == [{"uid": "1", "name": "a"}, {"uid": "2", "name": "B"}]


def test_merge_key_missing_in_a_patch_item_is_kubernetes_500() -> None:
    err = smp_error(containers(("a", "1")), {"spec": {"containers": [{"image": "nginx:1.25"}]}})
    assert (err.code, err.reason) == (500, "")
    assert err.message == "map: map[image:nginx:1.25] does not contain declared merge key: name"
    assert "reason" not in err.status()


# ---- primitive merge lists ----------------------------------------------------------------
def test_primitive_merge_lists_are_unioned_in_patch_then_live_order() -> None:
    live = {"metadata": {"finalizers": ["a", "b"]}}
    assert smp(live, {"metadata": {"finalizers": ["c", "a", "c"]}})["metadata"]["finalizers"] == [
        "c",
        "a",
        "b",
    ]


def test_primitive_lists_must_hold_one_go_type_and_int_is_not_float() -> None:
    live = {"metadata": {"finalizers": [1, 2]}}
    assert smp(live, {"metadata": {"finalizers": [3, 1]}})["metadata"]["finalizers"] == [3, 1, 2]
    err = smp_error(live, {"metadata": {"finalizers": [2.0]}})
    assert (err.code, err.message) == (500, "list element types are not identical: [[1 2] [2]]")


def test_delete_from_primitive_list() -> None:
    live = {"metadata": {"finalizers": ["a", "b", "c", "b"]}}
    patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b", "zz"]}}
    assert smp(live, patch) == {"metadata": {"finalizers": ["a", "c"]}}


def test_delete_from_primitive_list_never_creates_the_list() -> None:
    assert smp({"metadata": {}}, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}) == {
        "metadata": {}
    }


def test_delete_from_primitive_list_works_on_lists_without_merge_strategy() -> None:
    live = {"spec": {"containers": [{"name": "a", "args": ["1", "2"]}]}}
    patch = {"spec": {"containers": [{"name": "a", "$deleteFromPrimitiveList/args": ["1"]}]}}
    assert smp(live, patch)["spec"]["containers"] == [{"name": "a", "args": ["2"]}]


def test_bad_delete_from_primitive_list_key_is_400() -> None:
    err = smp_error(
        {"metadata": {"finalizers": ["a"]}}, {"metadata": {"$deleteFromPrimitiveListfinalizers": ["a"]}}
    )
    assert (err.code, err.reason, err.message) == (
        400,
        "BadRequest",
        "invalid patch format of primitive list",
    )


# ---- $patch directives -------------------------------------------------------------------
def test_patch_replace_on_a_map_replaces_it() -> None:
    live = {"metadata": {"labels": {"a": "1", "b": "2"}}}
    patch = {"metadata": {"labels": {"$patch": "replace", "c": "3"}}}
    assert smp(live, patch) == {"metadata": {"labels": {"c": "3"}}}


def test_patch_delete_on_a_map_empties_it() -> None:
    assert smp({"spec": {"nodeSelector": {"a": "1"}}}, {"spec": {"nodeSelector": {"$patch": "delete"}}}) == {
        "spec": {"nodeSelector": {}}
    }


def test_patch_delete_on_an_absent_map_adds_nothing() -> None:
    assert smp({"spec": {}}, {"spec": {"nodeSelector": {"$patch": "delete"}}}) == {"spec": {}}


def test_patch_replace_on_an_absent_map_adds_nothing() -> None:
    # removeDirectives drops any object carrying $patch when there is nothing to merge into
    assert smp({"spec": {}}, {"spec": {"nodeSelector": {"$patch": "replace", "a": "1"}}}) == {"spec": {}}


def test_patch_replace_at_the_top_returns_the_patch() -> None:
    assert smp({"a": 1, "b": 2}, {"$patch": "replace", "c": 3}) == {"c": 3}


def test_patch_replace_element_replaces_the_whole_list() -> None:
    live = containers(("a", "1"), ("b", "2"))
    patch = {"spec": {"containers": [{"name": "c", "image": "3"}, {"$patch": "replace"}]}}
    assert smp(live, patch) == containers(("c", "3"))


def test_patch_delete_element_removes_by_merge_key() -> None:
    live = containers(("a", "1"), ("b", "2"), ("c", "3"))
    patch = {"spec": {"containers": [{"name": "b", "$patch": "delete"}, {"name": "d", "image": "4"}]}}
    assert names(smp(live, patch)) == ["d", "a", "c"]


def test_patch_delete_element_without_merge_key_is_500() -> None:
    err = smp_error(containers(("a", "1")), {"spec": {"containers": [{"$patch": "delete"}]}})
    assert (err.code, err.message) == (
        500,
        "map: map[$patch:delete] does not contain declared merge key: name",
    )


def test_patch_merge_element_is_refused_as_kubernetes_does() -> None:
    err = smp_error(containers(("a", "1")), {"spec": {"containers": [{"name": "a", "$patch": "merge"}]}})
    assert (err.code, err.message) == (500, "merging lists cannot yet be specified in the patch")


def test_unknown_patch_directive_on_a_map_is_500() -> None:
    err = smp_error({"metadata": {"labels": {}}}, {"metadata": {"labels": {"$patch": "merge", "a": "1"}}})
    assert (err.code, err.message) == (500, "unknown patch type: merge in map: map[$patch:merge a:1]")


def test_unknown_patch_directive_in_a_list_is_500() -> None:
    err = smp_error(containers(("a", "1")), {"spec": {"containers": [{"name": "a", "$patch": 7}]}})
    assert err.message == "unknown patch type: %!s(int64=7) in map: map[$patch:7 name:a]"


def test_directives_are_stripped_from_values_added_whole() -> None:
    patch = {"spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "$patch": "delete"}]}}
    assert smp({"spec": {}}, patch) == containers(("a", "1"))


# ---- $retainKeys ------------------------------------------------------------------------
def test_retain_keys_clears_unlisted_fields() -> None:
    live = {"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "1"}}}}
    patch = {"spec": {"updateStrategy": {"type": "Recreate", "$retainKeys": ["type"]}}}
    assert smp(live, patch) == {"spec": {"updateStrategy": {"type": "Recreate"}}}


def test_retain_keys_on_merge_list_items_switches_a_volume_source() -> None:
    live = {"spec": {"volumes": [{"name": "v", "hostPath": {"path": "/x"}}, {"name": "w", "emptyDir": {}}]}}
    patch = {
        "spec": {
            "volumes": [{"name": "v", "emptyDir": {"medium": "Memory"}, "$retainKeys": ["emptyDir", "name"]}]
        }
    }
    assert smp(live, patch)["spec"]["volumes"] == [
        {"name": "v", "emptyDir": {"medium": "Memory"}},
        {"name": "w", "emptyDir": {}},
    ]


def test_retain_keys_must_list_every_field_the_patch_sets() -> None:
    live = {"spec": {"updateStrategy": {"type": "RollingUpdate"}}}
    err = smp_error(
        live, {"spec": {"updateStrategy": {"type": "Recreate", "$retainKeys": ["rollingUpdate"]}}}
    )
    assert (err.code, err.reason, err.message) == (400, "BadRequest", "invalid patch format of retainKeys")
    nulls_are_fine = {"spec": {"updateStrategy": {"rollingUpdate": None, "$retainKeys": ["type"]}}}
    assert smp(live, nulls_are_fine) == live


def test_retain_keys_must_be_a_list() -> None:
    err = smp_error({"spec": {}}, {"spec": {"$retainKeys": "type"}})
    assert (err.code, err.message) == (400, "invalid patch format of retainKeys")


# ---- $setElementOrder -------------------------------------------------------------------
def test_set_element_order_reorders_a_merged_list() -> None:
    live = containers(("1", "a"), ("2", "b"), ("3", "c"))
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "2"}, {"name": "3"}, {"name": "1"}],
            "containers": [{"name": "3", "image": "x"}],
        }
    }
    result = smp(live, patch)
    assert names(result) == ["2", "3", "1"]
    assert result["spec"]["containers"][1] == {"name": "3", "image": "x"}


def test_set_element_order_places_new_items_and_keeps_server_only_ones() -> None:
    live = containers(("1", "a"), ("2", "b"), ("9", "server"))
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "1"}, {"name": "4"}, {"name": "2"}],
            "containers": [{"name": "4", "image": "d"}],
        }
    }
    assert names(smp(live, patch)) == ["1", "4", "2", "9"]


def test_set_element_order_interleaves_server_only_items_by_live_position() -> None:
    order = {"spec": {"$setElementOrder/containers": [{"name": "3"}, {"name": "1"}, {"name": "2"}]}}
    assert names(smp(containers(("1", "a"), ("2", "b"), ("3", "c"), ("9", "s")), order)) == [
        "3",
        "1",
        "2",
        "9",
    ]
    assert names(smp(containers(("1", "a"), ("9", "s"), ("2", "b"), ("3", "c")), order)) == [
        "9",
        "3",
        "1",
        "2",
    ]


def test_set_element_order_for_a_list_only_in_the_patch() -> None:
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "x"}, {"name": "a"}],
            "containers": [{"name": "b"}, {"name": "a"}, {"name": "z", "$patch": "delete"}],
        }
    }
    assert smp({"spec": {}}, patch) == {"spec": {"containers": [{"name": "b"}, {"name": "a"}]}}


def test_set_element_order_with_deletion_orders_by_the_shifted_live_list() -> None:
    # Kubernetes orders by its live slice after deleting in place; its own test data expects this.
    live = {"spec": {"containers": [{"name": "1"}, {"name": "2", "image": "b"}, {"name": "4", "image": "c"}]}}
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "2"}, {"name": "3"}],
            "containers": [{"name": "3"}, {"name": "1", "$patch": "delete"}],
        }
    }
    assert names(smp(live, patch)) == ["2", "4", "3"]


def test_set_element_order_on_primitive_lists() -> None:
    live = {"metadata": {"finalizers": ["a", "b", "c"]}}
    patch = {"metadata": {"$setElementOrder/finalizers": ["c", "a", "b"]}}
    assert smp(live, patch)["metadata"]["finalizers"] == ["c", "a", "b"]


def test_set_element_order_out_of_step_with_the_patch_is_500() -> None:
    live = containers(("1", "a"), ("2", "b"))
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "1"}, {"name": "2"}],
            "containers": [{"name": "2", "image": "x"}, {"name": "1", "image": "y"}],
        }
    }
    err = smp_error(live, patch)
    assert err.code == 500
    assert err.message == (
        "The order in patch list:\n[map[image:x name:2] map[image:y name:1]]\n doesn't match "
        "$setElementOrder list:\n[map[name:1] map[name:2]]\n"
    )


def test_set_element_order_must_be_a_list() -> None:
    err = smp_error(containers(("1", "a")), {"spec": {"$setElementOrder/containers": {"name": "1"}}})
    assert (err.code, err.message) == (
        500,
        "expected a []interface {}, but received a map[string]interface {}",
    )


def test_set_element_order_key_needs_a_field() -> None:
    err = smp_error(containers(("1", "a")), {"spec": {"$setElementOrder": []}})
    assert (err.code, err.message) == (400, "invalid patch format of setElementOrder list")


# ---- Raw and unknown fields --------------------------------------------------------------
def test_raw_fields_merge_like_json_merge_patch() -> None:
    live = {"spec": {"extension": {"a": {"b": 1, "c": 2}, "list": [{"name": "x", "v": 1}], "keep": True}}}
    patch = {"spec": {"extension": {"a": {"b": None, "d": 3}, "list": [{"name": "x", "w": 2}]}}}
    assert smp(live, patch) == {
        "spec": {"extension": {"a": {"c": 2, "d": 3}, "list": [{"name": "x", "w": 2}], "keep": True}}
    }


def test_unknown_fields_merge_like_json_merge_patch() -> None:
    live = {"status": {"conditions": [{"type": "A"}], "phase": "Running", "extra": {"a": 1}}}
    patch = {"status": {"conditions": [{"type": "B"}], "extra": {"b": 2}}}
    assert smp(live, patch) == {
        "status": {"conditions": [{"type": "B"}], "phase": "Running", "extra": {"a": 1, "b": 2}}
    }


# ---- malformed patches -------------------------------------------------------------------
@pytest.mark.parametrize(("patch", "kind"), [([1], "array"), ("x", "string"), (3, "number"), (True, "bool")])
def test_a_patch_that_is_not_an_object_is_400(patch: Any, kind: str) -> None:
    err = smp_error({}, patch)
    assert (err.code, err.reason) == (400, "BadRequest")
    assert err.message == f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"


def test_a_null_patch_changes_nothing() -> None:
    assert smp({"a": 1}, None) == {"a": 1}


def test_lists_of_lists_are_422() -> None:
    err = smp_error({"spec": {"matrix": [["a"]]}}, {"spec": {"matrix": [["b"]]}})
    assert (err.code, err.reason, err.message) == (422, "Invalid", GENERIC_422)
    assert err.cause == "lists of lists are not supported"


def test_mixed_item_types_in_a_merge_list_are_500() -> None:
    err = smp_error({"metadata": {"finalizers": ["a"]}}, {"metadata": {"finalizers": [{"x": 1}]}})
    assert (err.code, err.message) == (500, "list element types are not identical: [[a] [map[x:1]]]")


def test_objects_in_a_primitive_merge_list_need_a_merge_key() -> None:
    err = smp_error({"metadata": {"finalizers": []}}, {"metadata": {"finalizers": [{"x": 1}]}})
    assert err.message == "cannot merge lists without merge key for string"


# ---- property: with no merge strategies SMP is JSON merge patch ------------------------------
FLAT = struct("test.Flat", "", anything=f(list_of(STRING)))
keys = st.text(st.characters(codec="utf-8", exclude_characters="$"), max_size=3)
scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3)
# inside lists, objects without null members: SMP keeps a replacing list as sent, merge patch
# prunes nulls from objects inside it (both as in Kubernetes)
list_items = st.recursive(
    st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(keys, c, max_size=3),
    max_leaves=6,
)
json_maps = st.recursive(
    st.dictionaries(keys, scalars | st.lists(list_items, max_size=3), max_size=4),
    lambda c: st.dictionaries(keys, scalars | c | st.lists(list_items, max_size=3), max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(json_maps, json_maps)
def test_without_merge_strategies_smp_equals_json_merge_patch(
    doc: dict[str, Any], patch: dict[str, Any]
) -> None:
    assert apply_strategic_merge_patch(doc, patch, FLAT) == apply_merge_patch(doc, patch)


def test_nulls_inside_a_replacing_list_are_where_smp_and_merge_patch_differ() -> None:
    doc, patch = {"a": [1]}, {"a": [{"b": None}]}
    assert apply_strategic_merge_patch(doc, patch, FLAT) == {"a": [{"b": None}]}
    assert apply_merge_patch(doc, patch) == {"a": [{}]}


@settings(max_examples=300, deadline=None)
@given(json_maps, json_maps)
def test_merge_patch_into_a_copy_of_its_own_gives_the_same_object(
    doc: dict[str, Any], patch: dict[str, Any]
) -> None:
    """own=True merges into the document handed over (the PATCH handler's fresh copy) and
    answers what merging into a copy does; the patch is left as it was."""
    want = apply_merge_patch(doc, patch)
    kept = copy.deepcopy(patch)
    mine = copy.deepcopy(doc)
    got = apply_merge_patch(mine, patch, own=True)
    assert got == want and got is mine
    assert patch == kept
