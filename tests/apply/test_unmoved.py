"""track_update's fast path for writes that move no ownership (apply/unmoved.py) against the
general path, on random objects of real schemas and random writes by their managers."""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kubepy.api.catalog import all_resources
from kubepy.api.jsonkey import json_key
from kubepy.apiserver.apply import manager as mgr
from kubepy.apiserver.apply.managed import decode_managed
from tests.apply.test_fast_paths import value_of

KINDS = ("Pod", "Lease", "Event", "ConfigMap", "Node")
RES = {r.kind: r for r in all_resources() if r.kind in KINDS and "/" not in r.plural}
MANAGERS = ("kubelet", "kubectl", "controller")
TIMES = ("2026-01-01T00:00:00Z", "2026-01-01T00:00:05Z", "2026-01-01T00:01:00Z")


def _revalued(draw: st.DrawFn, v: Any) -> Any:
    """`v` with some scalars replaced (the shape kept) and, now and then, one key dropped or added."""
    if isinstance(v, dict):
        # managedFields sent back as they were read (what the API validates them into)
        out = {k: x if k == "managedFields" else _revalued(draw, x) for k, x in v.items()}
        roll = draw(st.integers(0, 12))
        if roll == 0 and out:
            out.pop(draw(st.sampled_from(sorted(out))))
        elif roll == 1:
            out[draw(st.sampled_from(["name", "labels", "x", "type"]))] = draw(
                st.sampled_from(["y", 2, None, {}]).map(copy.deepcopy)
            )
        return out
    if isinstance(v, list):
        return [_revalued(draw, x) for x in v]
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(["a", "b", "2026-01-01T00:00:09Z", 0, 7, True, False, None]))
    return v


@st.composite
def history(draw: st.DrawFn) -> tuple[str, dict, dict, str, str]:
    """An object written by one to three managers, the next object (mostly the same shape), the
    next writer and its subresource."""
    kind = draw(st.sampled_from(KINDS))
    res = RES[kind]
    obj = draw(value_of(res.schema, 6))
    obj = obj if isinstance(obj, dict) else {}
    meta = obj["metadata"] = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    meta["uid"] = "u"
    live = mgr.track_update(
        None, obj, manager=MANAGERS[0], schema=res.schema, api_version=res.api_version, now=TIMES[0]
    )
    for i in range(draw(st.integers(0, 2))):
        nxt = _revalued(draw, live)
        sub = draw(st.sampled_from(["", "status"]))
        live = mgr.track_update(
            live,
            nxt,
            manager=draw(st.sampled_from(MANAGERS)),
            schema=res.schema,
            api_version=res.api_version,
            now=TIMES[i + 1],
            subresource=sub,
        )
    new = _revalued(draw, live)
    if draw(st.integers(0, 3)) == 0:
        new.get("metadata", {}).pop("managedFields", None)  # a PUT without them keeps the live ones
    return kind, live, new, draw(st.sampled_from(MANAGERS)), draw(st.sampled_from(["", "", "status"]))


def _track(kind: str, live: dict, new: dict, manager: str, sub: str) -> bytes:
    res = RES[kind]
    out = mgr.track_update(
        live,
        copy.deepcopy(new),
        manager=manager,
        schema=res.schema,
        api_version=res.api_version,
        now="2026-01-01T00:02:00Z",
        subresource=sub,
    )
    return orjson.dumps(out)


LEASE = {
    "apiVersion": "coordination.k8s.io/v1",
    "kind": "Lease",
    "metadata": {
        "name": "n1",
        "namespace": "kube-node-lease",
        "uid": "u",
        "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": "n"}],
    },
    "spec": {"holderIdentity": "n1", "leaseDurationSeconds": 40, "renewTime": "2026-01-01T00:00:00.000000Z"},
}


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history())
@example(("Lease", LEASE, {**LEASE, "spec": {**LEASE["spec"], "renewTime": "x"}}, "kubelet", ""))
def test_fast_path_equals_the_general_path(c: tuple[str, dict, dict, str, str]) -> None:
    kind, live, new, manager, sub = c
    fast = _track(kind, live, new, manager, sub)
    real = mgr.unmoved
    mgr.unmoved = lambda *_a: None
    try:
        general = _track(kind, live, new, manager, sub)
    finally:
        mgr.unmoved = real
    assert fast == general


def test_a_lease_renewal_by_its_holder_takes_the_fast_path_and_moves_the_time() -> None:
    res = RES["Lease"]
    live = mgr.track_update(
        None, LEASE, manager="kubelet", schema=res.schema, api_version=res.api_version, now=TIMES[0]
    )
    taken: list[Any] = []
    real = mgr.unmoved

    def spy(*a: Any) -> Any:
        taken.append(real(*a))
        return taken[-1]

    mgr.unmoved = spy
    try:
        renewed = {**live, "spec": {**live["spec"], "renewTime": "2026-01-01T00:00:10.000000Z"}}
        out = mgr.track_update(
            live, renewed, manager="kubelet", schema=res.schema, api_version=res.api_version, now=TIMES[1]
        )
        other = mgr.track_update(
            live,
            renewed,
            manager="someone-else",
            schema=res.schema,
            api_version=res.api_version,
            now=TIMES[1],
        )
    finally:
        mgr.unmoved = real
    assert taken[0] == frozenset({("f:spec", "f:renewTime")})
    assert taken[1] is None  # another manager takes the field over: the general path
    (entry,) = out["metadata"]["managedFields"]
    assert entry["time"] == TIMES[1] and entry["fieldsV1"] == live["metadata"]["managedFields"][0]["fieldsV1"]
    assert [e["manager"] for e in other["metadata"]["managedFields"]] == ["kubelet", "someone-else"]


def test_an_unchanged_object_keeps_its_entries_and_times() -> None:
    res = RES["Lease"]
    live = mgr.track_update(
        None, LEASE, manager="kubelet", schema=res.schema, api_version=res.api_version, now=TIMES[0]
    )
    out = mgr.track_update(
        live,
        copy.deepcopy(live),
        manager="kubelet",
        schema=res.schema,
        api_version=res.api_version,
        now=TIMES[2],
    )
    assert out["metadata"]["managedFields"] == live["metadata"]["managedFields"]


def test_written_entries_decode_from_the_cache_as_they_would_from_scratch() -> None:
    res = RES["Lease"]
    live = mgr.track_update(
        None, LEASE, manager="kubelet", schema=res.schema, api_version=res.api_version, now=TIMES[0]
    )
    renewed = {**live, "spec": {**live["spec"], "renewTime": "y"}}
    out = mgr.track_update(
        live, renewed, manager="kubelet", schema=res.schema, api_version=res.api_version, now=TIMES[2]
    )
    entries = orjson.loads(orjson.dumps(out["metadata"]["managedFields"]))
    cached = decode_managed(entries)
    from kubepy.apiserver.apply import managed as managed_mod

    saved = dict(managed_mod._ENTRIES)
    managed_mod._ENTRIES.clear()
    try:
        fresh = decode_managed(entries)
    finally:
        managed_mod._ENTRIES.update(saved)
    assert cached == fresh and cached.times == {next(iter(cached.fields)): TIMES[2]}


def test_a_writers_entry_is_remembered_when_it_writes_again() -> None:
    """A first write's entry (a pod's first status) is not remembered as it is written, a
    writer's next write's is (its next write reads it back); both decode alike."""
    from kubepy.apiserver.apply import managed as managed_mod

    res = RES["Lease"]

    def write(old: dict | None, new: dict, manager: str, now: str) -> dict:
        return mgr.track_update(
            old, new, manager=manager, schema=res.schema, api_version=res.api_version, now=now
        )

    def remembered(out: dict) -> list[str]:
        entries = orjson.loads(orjson.dumps(out["metadata"]["managedFields"]))
        return [e["manager"] for e in entries if json_key(e) in managed_mod._ENTRIES]

    live = write(None, LEASE, "kubelet", TIMES[0])
    saved = dict(managed_mod._ENTRIES)
    managed_mod._ENTRIES.clear()
    try:
        first = write(live, {**live, "spec": {**live["spec"], "holderIdentity": "other"}}, "other", TIMES[1])
        assert remembered(first) == []
        again = write(first, {**first, "spec": {**first["spec"], "renewTime": "z"}}, "other", TIMES[2])
        assert remembered(again) == ["other"]
        managed_mod._ENTRIES.clear()
        assert decode_managed(again["metadata"]["managedFields"]) == decode_managed(
            orjson.loads(orjson.dumps(again["metadata"]["managedFields"]))
        )
    finally:
        managed_mod._ENTRIES.clear()
        managed_mod._ENTRIES.update(saved)
