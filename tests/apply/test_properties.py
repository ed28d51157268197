"""Properties of apply over generated Deployment configurations."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kubepy.apiserver.apply import apply
from kubepy.apiserver.apply.extract import field_set
from kubepy.apiserver.apply.fieldpath import decode_fields, recursive_difference
from kubepy.apiserver.apply.manager import STRIPPED
from kubepy.apiserver.apply.typed import LEAF, descend, item_pe, json_equal, node_of
from tests.apply.schemas import Deployment

NODE = node_of(Deployment)
T0, T1, T2, T3 = (f"2026-01-01T00:0{i}:00Z" for i in range(4))

labels = st.dictionaries(st.sampled_from(["app", "tier", "x"]), st.sampled_from(["1", "2"]), max_size=3)
ports = st.lists(
    st.fixed_dictionaries(
        {"containerPort": st.sampled_from([53, 80, 443]), "protocol": st.sampled_from(["TCP", "UDP"])},
        optional={"name": st.sampled_from(["p", "q"])},
    ),
    max_size=3,
    unique_by=lambda p: (p["containerPort"], p["protocol"]),
)
container = st.fixed_dictionaries(
    {"name": st.sampled_from(["a", "b", "c", "d"])},
    optional={
        "image": st.sampled_from(["x:1", "x:2"]),
        "args": st.lists(st.sampled_from(["-v", "-q"]), max_size=2),
        "ports": ports,
    },
)
spec = st.fixed_dictionaries(
    {},
    optional={
        "replicas": st.integers(0, 5),
        "paused": st.booleans(),
        "tags": st.lists(st.sampled_from(["t1", "t2", "t3"]), unique=True, max_size=3),
        "selector": st.fixed_dictionaries({"matchLabels": labels}),
        "template": st.fixed_dictionaries(
            {},
            optional={
                "metadata": st.fixed_dictionaries({"labels": labels}),
                "spec": st.fixed_dictionaries(
                    {"containers": st.lists(container, max_size=3, unique_by=lambda c: c["name"])}
                ),
            },
        ),
        "extra": st.one_of(
            st.integers(), st.dictionaries(st.sampled_from(["k", "l"]), st.integers(), max_size=2)
        ),
    },
)
configs = st.builds(
    lambda lab, sp: {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": lab},
        "spec": sp,
    },
    labels,
    spec,
)


def run(live: dict | None, body: dict, manager: str, now: str, force: bool = False) -> dict:
    return apply(live, body, manager=manager, force=force, schema=Deployment, api_version="apps/v1", now=now)


def strip(obj: dict) -> dict:
    out = copy.deepcopy(obj)
    out["metadata"].pop("managedFields", None)
    return out


def non_empty(v: Any) -> Any:
    """Drop empty maps and lists, which apply treats like absent fields once pruned."""
    if isinstance(v, dict):
        out = {k: non_empty(x) for k, x in v.items()}
        return {k: x for k, x in out.items() if x not in ({}, [])}
    if isinstance(v, list):
        return [non_empty(x) for x in v]
    return v


def owned(obj: dict, manager: str) -> frozenset:
    for e in obj["metadata"].get("managedFields") or []:
        if e["manager"] == manager:
            return decode_fields(e["fieldsV1"])
    return frozenset()


@settings(max_examples=80, deadline=None)
@given(configs)
def test_create_returns_the_config_and_reapply_is_idempotent(x: dict) -> None:
    once = run(None, x, "m", T0)
    assert strip(once) == x
    twice = run(once, x, "m", T1)
    assert twice == once
    assert owned(once, "m") == recursive_difference(field_set(x, NODE), frozenset({("f:status",)})) - STRIPPED


@settings(max_examples=80, deadline=None)
@given(configs, configs)
def test_sole_applier_converges_to_its_latest_config(x: dict, y: dict) -> None:
    live = run(run(None, x, "m", T0), y, "m", T1)
    assert non_empty(strip(live)) == non_empty(y)
    again = run(live, y, "m", T2)
    if non_empty(y) == y:
        assert again == live
    else:
        # a map or list y sends empty was pruned to nothing and comes back as empty on the next
        # apply (Kubernetes bumps the time on every such apply, since Go omits the empty map)
        assert run(again, y, "m", T3) == again


def value_at(obj: Any, path: tuple) -> Any:
    node = NODE
    for pe in path:
        if pe.startswith("f:"):
            obj = obj[pe[2:]]
        else:
            obj = next(v for v in obj if item_pe(node, v) == pe)
        node = descend(node, pe)
    return obj


@settings(max_examples=80, deadline=None)
@given(configs, configs)
def test_forced_second_applier_wins_its_fields_then_is_idempotent(x: dict, y: dict) -> None:
    live = run(run(None, x, "alice", T0), y, "bob", T1, force=True)
    assert run(live, y, "bob", T2) == live
    bob = owned(live, "bob")
    assert bob == recursive_difference(field_set(y, NODE), frozenset({("f:status",)})) - STRIPPED
    for path in bob:
        node = NODE
        for pe in path:
            node = descend(node, pe)
        if node.kind == LEAF:  # every value bob applied is the one in place
            assert json_equal(value_at(live, path), value_at(y, path))
    # alice keeps only fields bob did not take from her
    for path in owned(live, "alice"):
        if path in bob:
            assert json_equal(value_at(x, path), value_at(y, path)) or descend_kind(path) != LEAF


def descend_kind(path: tuple) -> str:
    node = NODE
    for pe in path:
        node = descend(node, pe)
    return node.kind


@settings(max_examples=80, deadline=None)
@given(configs, configs, configs)
def test_update_takes_exactly_what_it_changed(x: dict, y: dict, z: dict) -> None:
    from kubepy.apiserver.apply import track_update
    from kubepy.apiserver.apply.compare import compare, with_zero_structs

    live = run(run(None, x, "alice", T0), y, "bob", T1, force=True)
    live["metadata"]["uid"] = "u1"
    new = copy.deepcopy(z)
    new["metadata"]["uid"] = "u1"
    new["metadata"]["managedFields"] = live["metadata"]["managedFields"]
    out = track_update(live, new, manager="editor", schema=Deployment, api_version="apps/v1", now=T2)
    assert strip(out) == strip(new)
    cmp = compare(with_zero_structs(strip(live), NODE), with_zero_structs(strip(new), NODE), NODE)
    changed = (cmp.modified | cmp.added) - STRIPPED
    assert owned(out, "editor") >= changed  # it had no entry before, so exactly what it changed
    assert owned(out, "editor") == changed
    for other in ("alice", "bob"):
        assert not (owned(out, other) & (changed | cmp.removed))
        assert owned(out, other) <= owned(live, other)
