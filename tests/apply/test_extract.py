"""Field sets, comparisons and merges of the schema-typed building blocks."""

from __future__ import annotations

import pytest

from kubepy.apiserver.apply.compare import MISSING, compare
from kubepy.apiserver.apply.extract import check_typed, ensure_named_members, field_set
from kubepy.apiserver.apply.merge import drop_nulls, merge, remove_items
from kubepy.apiserver.apply.typed import LEAF, MAP, SET, STRUCT, node_of
from tests.apply.schemas import Deployment

NODE = node_of(Deployment)
NGINX = 'k:{"name":"nginx"}'
P80 = 'k:{"containerPort":80,"protocol":"TCP"}'
CONTAINERS = ("f:spec", "f:template", "f:spec", "f:containers")


def pod(*containers: dict) -> dict:
    return {"spec": {"template": {"spec": {"containers": list(containers)}}}}


def test_node_kinds() -> None:
    from kubepy.apiserver.apply.typed import child

    spec = child(NODE, "spec")
    assert spec.kind == STRUCT
    assert child(spec, "selector").kind == LEAF  # LabelSelector is an atomic struct
    assert child(spec, "tags").kind == SET
    assert child(spec, "extra").kind == LEAF  # Raw JSON
    assert child(child(NODE, "metadata"), "labels").kind == MAP
    assert child(spec, "unknownField").kind == LEAF


def test_granular_map_and_struct_members() -> None:
    fs = field_set({"metadata": {"name": "x", "labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 1}}, NODE)
    assert fs == {
        ("f:metadata", "f:name"),
        ("f:metadata", "f:labels", "f:a"),
        ("f:metadata", "f:labels", "f:b"),
        ("f:spec", "f:replicas"),
    }


def test_empty_and_null_structs_are_members_but_empty_lists_are_not() -> None:
    fs = field_set({"spec": {"template": {}, "selector": None, "tags": [], "paused": None}}, NODE)
    assert fs == {("f:spec", "f:template"), ("f:spec", "f:selector"), ("f:spec", "f:paused")}


def test_atomic_values_are_single_members() -> None:
    obj = {
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "extra": {"any": {"json": [1]}},
            "template": {
                "spec": {
                    "nodeSelector": {"disk": "ssd"},
                    "containers": [{"name": "nginx", "args": ["a", "b"]}],
                }
            },
        }
    }
    fs = field_set(obj, NODE)
    assert fs == {
        ("f:spec", "f:selector"),
        ("f:spec", "f:extra"),
        ("f:spec", "f:template", "f:spec", "f:nodeSelector"),
        CONTAINERS + (NGINX,),
        CONTAINERS + (NGINX, "f:name"),
        CONTAINERS + (NGINX, "f:args"),
    }


def test_associative_list_with_multi_key_items() -> None:
    obj = pod(
        {
            "name": "nginx",
            "ports": [
                {"containerPort": 80, "protocol": "TCP"},
                {"protocol": "UDP", "containerPort": 80, "name": "dns"},
            ],
        }
    )
    udp = 'k:{"containerPort":80,"protocol":"UDP"}'
    fs = field_set(obj, NODE)
    ports = CONTAINERS + (NGINX, "f:ports")
    assert fs == {
        CONTAINERS + (NGINX,),
        CONTAINERS + (NGINX, "f:name"),
        ports + (P80,),
        ports + (P80, "f:containerPort"),
        ports + (P80, "f:protocol"),
        ports + (udp,),
        ports + (udp, "f:containerPort"),
        ports + (udp, "f:protocol"),
        ports + (udp, "f:name"),
    }


def test_missing_key_takes_published_default() -> None:
    fs = field_set(pod({"name": "nginx", "ports": [{"containerPort": 80}]}), NODE)
    assert CONTAINERS + (NGINX, "f:ports", P80) in fs


def test_set_items() -> None:
    fs = field_set({"spec": {"tags": ["x", "y"]}, "metadata": {"finalizers": ["f1"]}}, NODE)
    assert fs == {
        ("f:spec", "f:tags", 'v:"x"'),
        ("f:spec", "f:tags", 'v:"y"'),
        ("f:metadata", "f:finalizers", 'v:"f1"'),
    }


def test_duplicated_live_items_are_owned_whole() -> None:
    fs = field_set({"spec": {"tags": ["x", "x", "y"]}}, NODE)
    assert fs == {("f:spec", "f:tags", 'v:"x"'), ("f:spec", "f:tags", 'v:"y"')}
    fs = field_set(pod({"name": "a", "image": "1"}, {"name": "a", "image": "2"}), NODE)
    assert fs == {CONTAINERS + ('k:{"name":"a"}',)}


def test_ensure_named_members_adds_struct_fields_only() -> None:
    fs = frozenset({("f:metadata", "f:labels", "f:app"), CONTAINERS + (NGINX, "f:image")})
    got = ensure_named_members(fs, NODE)
    assert got - fs == {
        ("f:metadata",),
        ("f:metadata", "f:labels"),
        ("f:spec",),
        ("f:spec", "f:template"),
        ("f:spec", "f:template", "f:spec"),
        CONTAINERS,
    }  # not the label key's parent map entries nor the list item


def test_check_typed_reports_like_smd() -> None:
    bad = pod({"name": "a"}, {"name": "a"})
    assert [str(e) for e in check_typed(bad, NODE)] == [
        '.spec.template.spec.containers: duplicate entries for key [name="a"]'
    ]
    assert [str(e) for e in check_typed(pod({"image": "x"}), NODE)] == [
        ".spec.template.spec.containers: element 0: associative list with keys has an element that omits "
        'all key fields ["name"] (and doesn\'t have default values for any key fields)'
    ]
    assert [str(e) for e in check_typed({"spec": {"tags": [{"a": 1}]}}, NODE)] == [
        ".spec.tags: element 0: associative list without keys has an element that's a map type"
    ]


# ---- compare --------------------------------------------------------------------------------
def test_compare_added_modified_removed() -> None:
    old = {"spec": {"replicas": 1, "paused": True, "tags": ["a"]}}
    new = {"spec": {"replicas": 2, "tags": ["a", "b"], "template": {"metadata": {"labels": {"x": "y"}}}}}
    c = compare(old, new, NODE)
    assert c.modified == {("f:spec", "f:replicas")}
    assert c.removed == {("f:spec", "f:paused")}
    assert c.added == {
        ("f:spec", "f:tags", 'v:"b"'),
        ("f:spec", "f:template"),
        ("f:spec", "f:template", "f:metadata"),
        ("f:spec", "f:template", "f:metadata", "f:labels"),
        ("f:spec", "f:template", "f:metadata", "f:labels", "f:x"),
    }


def test_compare_tells_true_from_one() -> None:
    c = compare({"spec": {"extra": 1}}, {"spec": {"extra": True}}, NODE)
    assert c.modified == {("f:spec", "f:extra")}


def test_compare_atomic_struct_as_one_leaf() -> None:
    c = compare(
        {"spec": {"selector": {"matchLabels": {"a": "1"}}}},
        {"spec": {"selector": {"matchLabels": {"a": "2"}}}},
        NODE,
    )
    assert (c.added, c.modified, c.removed) == (set(), {("f:spec", "f:selector")}, set())


# ---- merge ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("live", "applied", "out"),
    [
        (["a", "b", "c"], ["a", "b"], ["a", "b", "c"]),
        (["a", "b"], ["b", "a"], ["b", "a"]),
        (["a", "b", "c"], ["d", "e"], ["a", "b", "c", "d", "e"]),
        (["a", "b", "c", "g", "f"], ["c", "d", "e", "f"], ["a", "b", "c", "g", "d", "e", "f"]),
        (["c", "a", "g", "f"], ["c", "f", "a", "g"], ["c", "f", "a", "g"]),
        (["a", "b", "c", "d"], ["d", "e", "f", "a"], ["b", "c", "d", "e", "f", "a"]),
    ],
)
def test_set_merge_order(live: list, applied: list, out: list) -> None:
    spec = {"spec": {"tags": live}}
    assert merge(spec, {"spec": {"tags": applied}}, NODE) == {"spec": {"tags": out}}


def test_merge_associative_items_field_by_field() -> None:
    live = pod({"name": "a", "image": "1", "args": ["x"]}, {"name": "b", "image": "2"})
    applied = pod({"name": "b", "image": "3"})
    assert merge(live, applied, NODE) == pod(
        {"name": "a", "image": "1", "args": ["x"]}, {"name": "b", "image": "3"}
    )


def test_merge_replaces_atomic_values_whole() -> None:
    live = {
        "spec": {
            "selector": {"matchLabels": {"a": "1", "b": "2"}},
            "template": {"spec": {"nodeSelector": {"x": "1"}}},
        }
    }
    applied = {
        "spec": {"selector": {"matchLabels": {"c": "3"}}, "template": {"spec": {"nodeSelector": {"y": "2"}}}}
    }
    assert merge(live, applied, NODE) == applied


def test_merge_granular_map_keeps_other_keys() -> None:
    live = {"metadata": {"labels": {"a": "1", "b": "2"}}}
    assert merge(live, {"metadata": {"labels": {"b": "3", "c": "4"}}}, NODE) == {
        "metadata": {"labels": {"a": "1", "b": "3", "c": "4"}}
    }


def test_merge_into_nothing_is_the_config() -> None:
    cfg = pod({"name": "a", "ports": [{"containerPort": 1, "protocol": "TCP"}]})
    assert merge({}, cfg, NODE) == cfg
    assert merge(MISSING, MISSING, NODE) is MISSING


def test_remove_items_and_nulls() -> None:
    obj = {"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 1, "tags": ["x", "y"]}}
    fs = frozenset({("f:metadata", "f:labels", "f:a"), ("f:spec", "f:tags", 'v:"x"')})
    removed = remove_items(obj, fs, NODE)
    # an emptied map is left null, as SMD leaves it; decoding into Go types then drops it
    assert removed == {"metadata": {"labels": None}, "spec": {"replicas": 1, "tags": ["y"]}}
    assert drop_nulls(removed, NODE) == {"metadata": {}, "spec": {"replicas": 1, "tags": ["y"]}}


def test_owner_references_items_are_atomic_and_finalizers_a_set() -> None:
    meta = {
        "ownerReferences": [
            {"apiVersion": "v1", "kind": "RS", "name": "r", "uid": "u-1", "controller": True}
        ],
        "finalizers": ["a/b"],
    }
    fs = field_set({"metadata": meta}, NODE)
    assert fs == {
        ("f:metadata", "f:ownerReferences", 'k:{"uid":"u-1"}'),
        ("f:metadata", "f:finalizers", 'v:"a/b"'),
    }
    # an owner reference is replaced whole, never merged field by field
    live = {"metadata": {"ownerReferences": [{"uid": "u-1", "name": "old", "controller": True}]}}
    applied = {"metadata": {"ownerReferences": [{"uid": "u-1", "name": "new"}]}}
    assert merge(live, applied, NODE) == applied
