"""The write path's shortcuts give the results of the long way, on random objects of real schemas:
well-formed and not (nulls, wrong shapes, unknown fields, duplicate or unnamed list items), under
the reset fields of the main resource, of /status, and deeper ones.

- track_update's create fast path (created.py) equals the general comparison;
- an update's comparison skips top-level fields equal on both sides without changing its result;
- FieldsV1 decoding and encoding through their caches give fresh, equal results."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kubepy.api.catalog import all_resources
from kubepy.api.schema import ListOf, MapOf, Prim, Struct, Type
from kubepy.apiserver.apply import manager as mgr
from kubepy.apiserver.apply import updater
from kubepy.apiserver.apply.compare import compare, compare_views, with_zero_structs
from kubepy.apiserver.apply.created import created_fields
from kubepy.apiserver.apply.extract import field_set
from kubepy.apiserver.apply.fieldpath import decode_fields, encode_fields, field_pe
from kubepy.apiserver.apply.managed import Managed, Owned
from kubepy.apiserver.apply.typed import node_of

KINDS = ("Pod", "Service", "Deployment", "ConfigMap")
RES = {r.kind: r for r in all_resources() if r.kind in KINDS and "/" not in r.plural}
# Fields worth reaching often: the ones every real object of these kinds has.
HOT = frozenset(
    "metadata spec status containers initContainers ports template selector matchLabels labels "
    "annotations name image protocol containerPort port targetPort resources env volumes data "
    "replicas strategy rollingUpdate conditions podIP hostIP clusterIP type".split()
)
#: sampled values are built afresh per draw (`.map(copy.deepcopy)`): a test that writes into a drawn
#: object (history() stamps metadata.uid) must not change what later draws hand out, or hypothesis
#: replays an example differently from how it first ran (FlakyStrategyDefinition)
WRONG = st.sampled_from([0, 1.5, "x", True, [], {}, [1], {"z": 1}]).map(copy.deepcopy)


def _prim(t: Prim) -> st.SearchStrategy[Any]:
    if t.enum:
        return st.sampled_from(list(t.enum))
    return {
        "string": st.sampled_from(["", "a", "b", "TCP", "UDP"]),
        "integer": st.integers(0, 3),
        "number": st.sampled_from([0, 0.5, 2]),
        "boolean": st.booleans(),
    }.get(t.type, st.sampled_from(["a", 1]))


@st.composite
def value_of(draw: st.DrawFn, t: Type, depth: int) -> Any:
    roll = draw(st.integers(0, 24))
    if roll == 0:
        return None
    if roll == 1:
        return draw(WRONG)
    if isinstance(t, Prim):
        return draw(_prim(t))
    if depth <= 0 or not isinstance(t, (Struct, ListOf, MapOf)):
        return draw(st.sampled_from([{}, [], "raw", {"k": 1}]).map(copy.deepcopy))
    if isinstance(t, ListOf):
        return [draw(value_of(t.item, depth - 1)) for _ in range(draw(st.integers(0, 3)))]
    if isinstance(t, MapOf):
        keys = draw(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True))
        return {k: draw(value_of(t.value, depth - 1)) for k in keys}
    names = sorted(t.fields)
    hot = [n for n in names if n in HOT]
    chosen = draw(st.lists(st.sampled_from(hot), max_size=len(hot), unique=True)) if hot else []
    chosen += draw(st.lists(st.sampled_from(names), max_size=3, unique=True)) if names else []
    out = {n: draw(value_of(t.fields[n].type, depth - 1)) for n in dict.fromkeys(chosen)}
    if draw(st.integers(0, 9)) == 0:
        out["unknownField"] = draw(st.sampled_from([1, {"a": 1}, [1, 2]]).map(copy.deepcopy))
    return out


@st.composite
def case(draw: st.DrawFn) -> tuple[str, dict, frozenset]:
    kind = draw(st.sampled_from(KINDS))
    schema = RES[kind].schema
    obj = draw(value_of(schema, 7))
    if not isinstance(obj, dict):
        obj = {}
    obj.pop("status", None) if draw(st.booleans()) else None
    reset = draw(
        st.sampled_from(
            [
                mgr.reset_fields(schema, ""),
                mgr.reset_fields(schema, "status"),
                frozenset(),
                frozenset(
                    {(field_pe("spec"), field_pe("containers")), (field_pe("metadata"), field_pe("labels"))}
                ),
            ]
        )
    )
    return kind, obj, reset


def _general(obj: dict, kind: str, reset: frozenset) -> frozenset:
    node = node_of(RES[kind].schema)
    return updater.update({}, copy.deepcopy(obj), Managed(), RES[kind].api_version, node, reset)


POD = {
    "metadata": {"name": "p", "labels": {"app": "x"}},
    "spec": {
        "containers": [
            {"name": "c", "image": "redis:7", "ports": [{"containerPort": 6379}, {"containerPort": 6379}]},
            {"name": "d", "resources": {"limits": {"cpu": "1"}}},
            {"image": "unnamed"},
        ],
        "volumes": [],
    },
    "status": {"phase": "Pending"},
}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case())
@example(("Pod", POD, frozenset({(field_pe("status"),)})))
@example(("Deployment", {"spec": {"template": {"spec": {"containers": None}}}}, frozenset()))
@example(("Service", {"spec": {"ports": [{"port": 80}, {"port": 80, "protocol": "UDP"}]}}, frozenset()))
@example(
    ("Pod", {"spec": {"volumes": [{"name": "v", "rbd": {}}, {"name": "w", "cephfs": None}]}}, frozenset())
)
@example(("ConfigMap", {"data": {"a": "1"}, "binaryData": None}, frozenset()))
def test_created_fields_equal_the_general_comparison(c: tuple[str, dict, frozenset]) -> None:
    kind, obj, reset = c
    node = node_of(RES[kind].schema)
    before = copy.deepcopy(obj)
    assert created_fields(obj, node, reset) == _general(obj, kind, reset)
    assert obj == before  # the walk reads only


@st.composite
def update_case(draw: st.DrawFn) -> tuple[str, dict, dict, frozenset]:
    """An old object and a new one that keeps some of its top-level fields (as most writes do)."""
    kind, old, reset = draw(case())
    fresh = draw(value_of(RES[kind].schema, 7))
    new = dict(fresh) if isinstance(fresh, dict) else {}
    for k, v in old.items():
        if draw(st.integers(0, 2)):
            new[k] = copy.deepcopy(v)
    if draw(st.booleans()) and new:
        new.pop(draw(st.sampled_from(sorted(new))))
    return kind, old, new, reset


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(update_case())
@example(
    (
        "Pod",
        POD,
        {**POD, "metadata": {"name": "p", "labels": {"app": "y"}}},
        frozenset({(field_pe("status"),)}),
    )
)
@example(("ConfigMap", {"data": {"a": True}}, {"data": {"a": 1}}, frozenset()))
def test_settle_skipping_equal_fields_changes_nothing(c: tuple[str, dict, dict, frozenset]) -> None:
    kind, old, new, reset = c
    node = node_of(RES[kind].schema)
    owners = Managed(
        {
            "a": Owned(field_set(old, node), "v1", False),
            "b": Owned(frozenset({(field_pe("metadata"), field_pe("labels"))}), "v1", True),
        }
    )
    want_managed = Managed(dict(owners.fields))
    want = updater.update(old, new, want_managed, "v1", node, reset)  # with the shortcut
    long_managed = Managed(dict(owners.fields))
    real = updater._without_equal_fields
    try:
        updater._without_equal_fields = lambda o, n, _node, _reset=None: (o, n, False)
        long = updater.update(old, new, long_managed, "v1", node, reset)
    finally:
        updater._without_equal_fields = real
    assert want == long
    assert want_managed.fields == long_managed.fields


def test_fields_v1_caches_hand_out_fresh_equal_values() -> None:
    fs = frozenset({("f:metadata", "f:labels", "f:app"), ("f:spec", "f:containers", 'k:{"name":"c"}')})
    first, second = encode_fields(fs), encode_fields(fs)
    assert first == second and first is not second
    first["f:spec"].clear()  # a caller editing its copy does not touch the next one
    assert encode_fields(fs) == second
    assert decode_fields(second) == fs == decode_fields(copy.deepcopy(second))
    with pytest.raises(ValueError):
        decode_fields({"f:a": 1})


@pytest.mark.parametrize("kind", KINDS)
def test_track_update_on_create_matches_the_general_path(kind: str) -> None:
    """The whole entry point: same managedFields as crediting the update the long way."""
    res = RES[kind]
    obj = {"apiVersion": res.api_version, "kind": kind, "metadata": {"name": "x", "labels": {"a": "b"}}}
    if kind == "ConfigMap":
        obj["data"] = {"k": "v"}
    elif kind != "Pod":
        obj["spec"] = {"replicas": 2} if kind == "Deployment" else {"ports": [{"port": 80}]}
    else:
        obj.update(copy.deepcopy({k: POD[k] for k in ("spec", "status")}))
    now = "2026-01-01T00:00:00Z"
    fast = mgr.track_update(None, obj, manager="m", schema=res.schema, api_version=res.api_version, now=now)
    node = node_of(res.schema)
    long = copy.deepcopy(obj)
    managed = Managed()
    mgr._credit_update(
        {}, long, managed, "m", res.api_version, "", now, node, mgr.reset_fields(res.schema, "")
    )
    assert fast == mgr._store(long, managed)
    assert fast["metadata"]["managedFields"][0]["fieldsV1"]  # something is owned


VOLATILE_META = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["p-1", "p-2", "", None, {"z": 1}]),
        "uid": st.sampled_from(["u1", "u2"]),
        "creationTimestamp": st.sampled_from(["2026-01-01T00:00:00Z", None]),
        "generation": st.sampled_from([1, 2]),
        "managedFields": st.sampled_from(
            [
                [],
                [{}],
                "junk",
                [
                    {
                        "manager": "kubectl",
                        "operation": "Update",
                        "apiVersion": "v1",
                        "fieldsType": "FieldsV1",
                        "fieldsV1": {"f:metadata": {"f:labels": {"f:x": {}}}},
                    }
                ],
            ]
        ),
    },
)


def _old_create(obj: dict, requested: dict | None, res: Any, now: str) -> dict:
    """What Store.create did before track_create: track the object, then take the managedFields
    of the requested one when admission had changed it."""
    kw = {"manager": "m", "schema": res.schema, "api_version": res.api_version, "now": now}
    out = mgr.track_update(None, copy.deepcopy(obj), **kw)
    if requested is not None:
        owned = mgr.track_update(None, copy.deepcopy(requested), **kw)["metadata"]
        out["metadata"].pop("managedFields", None)
        if "managedFields" in owned:
            out["metadata"]["managedFields"] = owned["managedFields"]
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case(), VOLATILE_META, st.booleans())
def test_track_create_equals_tracking_a_copy(
    c: tuple[str, dict, frozenset], extra: dict, admitted: bool
) -> None:
    """In place, remembered per shape and per entry (the second call hits the caches, at another
    time), with or without a requested object: the same object and bytes as the copying path."""
    import orjson

    kind, obj, _ = c
    res = RES[kind]
    obj["metadata"] = {**obj["metadata"], **extra} if isinstance(obj.get("metadata"), dict) else dict(extra)
    requested = None
    if admitted:  # admission added a label after the manager's request was recorded
        requested = copy.deepcopy(obj)
        obj["metadata"]["labels"] = {"admitted": "yes"}
    # the second call hits the caches (shape, then entry) and must still carry its own time
    for now in ("2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"):
        want = _old_create(obj, requested, res, now)
        got = mgr.track_create(
            copy.deepcopy(obj),
            manager="m",
            schema=res.schema,
            api_version=res.api_version,
            now=now,
            requested=copy.deepcopy(requested),
        )
        assert got == want
        assert orjson.dumps(got) == orjson.dumps(want)


def test_track_create_shape_cache_keeps_sets_apart() -> None:
    """Objects differing only in owned content never share a cached set; ones differing only in
    unowned metadata do."""
    res = RES["Pod"]
    kw = {"manager": "m", "schema": res.schema, "api_version": "v1", "now": "2026-01-01T00:00:00Z"}

    def pod(name: str, label: str) -> dict:
        return {"metadata": {"name": name, "uid": name, "labels": {label: "v"}}, "spec": {"containers": []}}

    a, b, c = (mgr.track_create(pod(n, lb), **kw) for n, lb in (("a", "x"), ("b", "x"), ("c", "y")))
    fields = [o["metadata"]["managedFields"][0]["fieldsV1"]["f:metadata"]["f:labels"] for o in (a, b, c)]
    assert fields[0] == fields[1] and "f:x" in fields[0]
    assert "f:y" in fields[2] and "f:x" not in fields[2]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(update_case())
@example(("Pod", POD, {**POD, "spec": {}}, frozenset()))
@example(("Pod", {"spec": None}, {"spec": {}}, frozenset()))
@example(("Deployment", {"spec": {"template": {}}}, {"spec": "x"}, frozenset()))
@example(
    (
        "Service",
        {"spec": {"ports": [{"port": 80}, {"port": 80}]}},
        {"spec": {"ports": [{"port": 80}]}},
        frozenset(),
    )
)
def test_compare_views_equals_comparing_filled_copies(c: tuple[str, dict, dict, frozenset]) -> None:
    """The update's comparison fills Go's zero structs as it walks: same sets as filling first."""
    kind, old, new, _ = c
    node = node_of(RES[kind].schema)
    before = (copy.deepcopy(old), copy.deepcopy(new))
    want = compare(with_zero_structs(old, node), with_zero_structs(new, node), node)
    assert compare_views(old, new, node) == want
    assert compare_views(new, old, node) == compare(
        with_zero_structs(new, node), with_zero_structs(old, node), node
    )
    assert (old, new) == before  # nothing is filled in place


@st.composite
def nested_update_case(draw: st.DrawFn) -> tuple[str, dict, dict]:
    """An old object and a copy of it changed at one place deep inside (as a status or label write
    changes it): the comparison meets equal subtrees beside the change, and subtrees only one
    side has."""
    kind, old, _ = draw(case())
    new = copy.deepcopy(old)
    parent: Any = new
    for _ in range(draw(st.integers(0, 6))):
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        nested = [k for k in keys if isinstance(parent[k], (dict, list)) and parent[k]]
        if not nested:
            break
        parent = parent[draw(st.sampled_from(nested))]
    if isinstance(parent, dict):
        key = draw(st.sampled_from([*parent, "name", "labels", "x"]))
        if draw(st.booleans()) and key in parent:
            del parent[key]
        else:
            parent[key] = draw(
                st.sampled_from([0, 1, True, "y", None, {}, [], {"name": "z"}, [{"name": "c"}]])
            )
    elif isinstance(parent, list):
        if draw(st.booleans()):
            parent.append(copy.deepcopy(parent[0]) if parent and draw(st.booleans()) else {"name": "n"})
        elif parent:
            parent.pop(draw(st.integers(0, len(parent) - 1)))
    return kind, old, new


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_update_case())
@example(("Pod", {"spec": {"x": {"a": True}}}, {"spec": {"x": {"a": 1}}}))
@example(
    ("ConfigMap", {"metadata": {"labels": {"a": "1"}}}, {"metadata": {"labels": {"a": "1"}, "name": "n"}})
)
def test_compare_views_skips_equal_subtrees_and_walks_added_ones_alike(c: tuple[str, dict, dict]) -> None:
    """compare_views passes over subtrees equal on both sides and reads a subtree missing on one
    side in created.py's closed form: the sets of comparing the filled copies all the way."""
    kind, old, new = c
    node = node_of(RES[kind].schema)
    for lhs, rhs in ((old, new), (new, old), ({}, new), (old, {})):
        want = compare(with_zero_structs(lhs, node), with_zero_structs(rhs, node), node)
        assert compare_views(lhs, rhs, node) == want


# ---- the create-time shape key: every real schema -----------------------------------------------
EVERY = {r.kind: r for r in all_resources() if "/" not in r.plural}


@st.composite
def masked_pair(draw: st.DrawFn) -> tuple[Any, dict, dict]:
    """An object of any real kind and a twin with the same skeleton: every scalar outside lists
    redrawn (another value, maybe another type), lists and keys kept."""
    res = EVERY[draw(st.sampled_from(sorted(EVERY)))]
    obj = draw(value_of(res.schema, 6))
    if not isinstance(obj, dict):
        obj = {}

    def twin(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: twin(x) for k, x in v.items()}
        if v is None or isinstance(v, list):
            return v
        return draw(st.sampled_from([0, 7, 1.5, "", "other", True, False]))

    return res, obj, twin(obj)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(masked_pair())
@example(
    (
        EVERY["Event"],
        {"message": "a", "count": 1, "involvedObject": {"name": "p"}},
        {"message": "", "count": 0, "involvedObject": {"name": 3}},
    )
)
@example((EVERY["Pod"], {"metadata": {"finalizers": ["a"]}}, {"metadata": {"finalizers": ["a"]}}))
def test_created_set_depends_on_the_skeleton_alone(c: tuple[Any, dict, dict]) -> None:
    """created_fields reads no scalar outside lists; so the skeleton-keyed cache, primed by the
    twin, answers for the object what the walk does."""
    res, obj, twin = c
    node = node_of(res.schema)
    for reset in (mgr.reset_fields(res.schema, ""), mgr.reset_fields(res.schema, "status")):
        want = created_fields(obj, node, reset) - mgr.STRIPPED
        assert created_fields(twin, node, reset) - mgr.STRIPPED == want
        mgr._created_set(copy.deepcopy(twin), node, reset)
        assert mgr._created_set(copy.deepcopy(obj), node, reset) == want
        assert mgr.skeleton(obj) == mgr.skeleton(twin)


def test_shape_key_keeps_list_members_apart() -> None:
    """Set values and merge keys live in lists, kept whole in the key: two finalizers lists or
    two container names never share a set."""
    res = EVERY["Pod"]
    node = node_of(res.schema)
    reset = mgr.reset_fields(res.schema, "")
    a = {"metadata": {"finalizers": ["x"]}, "spec": {"containers": [{"name": "a"}]}}
    b = {"metadata": {"finalizers": ["y"]}, "spec": {"containers": [{"name": "b"}]}}
    sa, sb = mgr._created_set(a, node, reset), mgr._created_set(b, node, reset)
    assert sa == created_fields(a, node, reset) - mgr.STRIPPED
    assert sb == created_fields(b, node, reset) - mgr.STRIPPED
    assert sa != sb


_SHAPE_SCALARS = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 1, 1.0, 2.5, "", "a", 2**70]))
_SHAPE_VALUES = st.recursive(
    _SHAPE_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.sampled_from("abm"), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=1500, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abm"), _SHAPE_VALUES, max_size=3),
    st.dictionaries(st.sampled_from("abm"), _SHAPE_VALUES, max_size=3),
    st.sampled_from([frozenset(), frozenset("m")]),
)
@example({"a": 1, "b": None}, {"a": "x", "b": None}, frozenset())
@example({"a": [1]}, {"a": [True]}, frozenset())
@example({"a": {}}, {"a": []}, frozenset())
@example({"a": 1, "b": 2}, {"b": 2, "a": 1}, frozenset())
@example({"m": [1], "a": 0}, {"m": [2], "a": 0}, frozenset("m"))
def test_shape_key_tells_skeletons_apart_exactly(a: dict, b: dict, drop: frozenset) -> None:
    """Two objects share a shape key exactly when their skeletons (whose JSON keyed the created
    set before) are equal; no key where the JSON would have none."""
    ka, kb = mgr.shape_key(a, drop), mgr.shape_key(b, drop)
    ja, jb = (mgr.json_key(mgr.skeleton(x, drop)) for x in (a, b))
    assert (ka is None) == (ja is None) and (kb is None) == (jb is None)
    if ka is not None and kb is not None:
        assert (ka == kb) == (ja == jb)
