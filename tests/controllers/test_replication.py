"""The replication manager against the real apiserver: RCs and ReplicaSets keep exact counts."""

from __future__ import annotations

import pytest

from kubepy.client.resources import EVENTS, PODS, REPLICATIONCONTROLLERS
from kubepy.controllers.podindex import PodIndex
from kubepy.controllers.replication import (
    RC_KIND,
    RS_KIND,
    ReplicationManager,
    calculate_status,
    pod_from_template,
)
from tests.controllers.conftest import (
    START,
    eventually,
    eventually_async,
    pod,
    run_controller,
    set_pod_status,
    stop,
)

TEMPLATE = {
    "metadata": {"labels": {"app": "frontend"}, "annotations": {"a": "b"}},
    "spec": {"containers": [{"name": "php", "image": "php-redis"}]},
}


def rc(name: str = "frontend", replicas: int = 3, **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"app": "frontend"}, "template": TEMPLATE, **spec},
    }


def rs(name: str = "web", replicas: int = 2) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]},
            "template": {"metadata": {"labels": {"tier": "web"}}, "spec": TEMPLATE["spec"]},
        },
    }


def test_pod_from_template_copies_labels_and_sets_controller_ref() -> None:
    owner = {**rc(), "metadata": {"name": "frontend", "namespace": "default", "uid": "u1"}}
    p = pod_from_template(owner, RC_KIND)
    assert p["metadata"]["generateName"] == "frontend-"
    assert p["metadata"]["labels"] == {"app": "frontend"} and p["metadata"]["annotations"] == {"a": "b"}
    assert p["metadata"]["ownerReferences"] == [
        {
            "apiVersion": "v1",
            "kind": "ReplicationController",
            "name": "frontend",
            "uid": "u1",
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    assert p["spec"] == TEMPLATE["spec"]


@pytest.mark.parametrize(
    ("ready", "min_ready", "expect"),
    [(False, 0, (0, 0)), (True, 0, (1, 1)), (True, 60, (1, 0))],
)
def test_calculate_status(ready: bool, min_ready: int, expect: tuple[int, int]) -> None:
    owner = {**rc(minReadySeconds=min_ready), "metadata": {"generation": 4}}
    p = {
        "metadata": {"labels": {"app": "frontend"}},
        "status": {
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "lastTransitionTime": "2026-01-02T03:04:00Z",
                }
            ]
        },
    }
    partial = {"metadata": {"labels": {"other": "x"}}}
    s = calculate_status(owner, [p, partial], "", START)
    assert (s["readyReplicas"], s["availableReplicas"]) == expect
    assert s["replicas"] == 2 and s["fullyLabeledReplicas"] == 1 and s["observedGeneration"] == 4
    failed = calculate_status(owner, [], "quota exceeded", START)
    assert failed["conditions"][0]["reason"] == "FailedCreate"


def _names(items: list[dict]) -> list[str]:
    return sorted(p["metadata"]["name"] for p in items)


async def _pods(client, label: str = "app=frontend") -> list[dict]:
    items, _ = await client.list_all(PODS, "default", label_selector=label)
    return [p for p in items if not p["metadata"].get("deletionTimestamp")]


async def test_rc_creates_scales_and_reports(client, informers) -> None:
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(REPLICATIONCONTROLLERS, rc(replicas=3))
        await eventually_async(lambda: _count(client, 3), "3 pods")
        pods = await _pods(client)
        assert all(
            p["metadata"]["name"].startswith("frontend-") and len(p["metadata"]["name"]) == 14 for p in pods
        )
        assert all(p["metadata"]["ownerReferences"][0]["controller"] for p in pods)

        async def status_is(n: int) -> bool:
            got = (await client.get(REPLICATIONCONTROLLERS, "frontend", "default")).get("status") or {}
            return got.get("replicas") == n and got.get("observedGeneration") == 1 + (n != 3)

        await eventually_async(lambda: status_is(3), "status.replicas 3")
        events, _ = await client.list_all(EVENTS, "default")
        created = [e for e in events if e["reason"] == "SuccessfulCreate"]
        assert sorted(e["message"] for e in created) == sorted(
            f"Created pod: {p['metadata']['name']}" for p in pods
        )
        assert all(e["source"]["component"] == "replication-controller" for e in created)

        # the only ready pod survives a scale-down to 1
        survivor = pods[1]["metadata"]["name"]
        await set_pod_status(client, survivor, ready=True, node="n1")
        await client.patch(REPLICATIONCONTROLLERS, "frontend", {"spec": {"replicas": 1}}, "default")
        await eventually_async(lambda: _count(client, 1), "1 pod")
        assert _names(await _pods(client)) == [survivor]
        await eventually_async(lambda: status_is(1), "status.replicas 1")
        events, _ = await client.list_all(EVENTS, "default")
        assert len([e for e in events if e["reason"] == "SuccessfulDelete"]) == 2
    finally:
        await stop(task)


async def _count(client, n: int, label: str = "app=frontend") -> bool:
    return len(await _pods(client, label)) == n


async def test_deleted_pod_is_replaced(client, informers) -> None:
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(REPLICATIONCONTROLLERS, rc(replicas=2))
        await eventually_async(lambda: _count(client, 2), "2 pods")
        victim = (await _pods(client))[0]["metadata"]["name"]
        await client.delete(PODS, victim, "default", grace_period_seconds=0)
        await eventually_async(lambda: _names_without(client, victim), "a replacement")
    finally:
        await stop(task)


async def _names_without(client, victim: str) -> bool:
    names = _names(await _pods(client))
    return len(names) == 2 and victim not in names


async def test_orphan_is_adopted_instead_of_creating(client, informers) -> None:
    await client.create(PODS, pod("cassandra", {"app": "frontend"}))
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    task = await run_controller(ctrl, informers)
    try:
        owner = await client.create(REPLICATIONCONTROLLERS, rc(replicas=1))

        async def adopted() -> bool:
            p = await client.get(PODS, "cassandra", "default")
            return any(
                r["uid"] == owner["metadata"]["uid"] for r in p["metadata"].get("ownerReferences") or ()
            )

        await eventually_async(adopted, "adoption")
        await eventually_async(lambda: _status(client, 1), "status 1")
        assert _names(await _pods(client)) == ["cassandra"]
    finally:
        await stop(task)


async def _status(client, n: int) -> bool:
    return ((await client.get(REPLICATIONCONTROLLERS, "frontend", "default")).get("status") or {}).get(
        "replicas"
    ) == n


async def test_relabelled_pod_is_released_and_replaced(client, informers) -> None:
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(REPLICATIONCONTROLLERS, rc(replicas=1))
        await eventually_async(lambda: _count(client, 1), "1 pod")
        name = (await _pods(client))[0]["metadata"]["name"]
        await client.patch(PODS, name, {"metadata": {"labels": {"app": "debug"}}}, "default")

        async def released() -> bool:
            p = await client.get(PODS, name, "default")
            return not p["metadata"].get("ownerReferences")

        await eventually_async(released, "release")
        await eventually_async(lambda: _count(client, 1), "replacement")
        assert name not in _names(await _pods(client))
    finally:
        await stop(task)


async def test_expectations_prevent_double_creates(client, informers) -> None:
    """Two syncs before the watch shows the first sync's pods create them once."""
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    informers.start()
    await informers.wait_for_sync()
    await client.create(REPLICATIONCONTROLLERS, rc(replicas=3))
    await eventually(lambda: ctrl.owners.store.get("default/frontend"), "rc in cache")
    pods_seen = len(ctrl.pods.store)
    await ctrl.sync("default/frontend")
    assert ctrl.expectations.pending("default/frontend")[0] == 3 - (len(ctrl.pods.store) - pods_seen)
    await ctrl.sync("default/frontend")
    assert len(await _pods(client)) == 3
    await eventually(lambda: ctrl.expectations.satisfied("default/frontend"), "all creates observed")
    await ctrl.sync("default/frontend")
    assert len(await _pods(client)) == 3


async def test_replicaset_with_set_based_selector_and_min_ready(client, informers) -> None:
    ctrl = ReplicationManager(client, informers, informers.clock, RS_KIND)
    task = await run_controller(ctrl, informers)
    try:
        spec = rs(replicas=2)
        spec["spec"]["minReadySeconds"] = 30
        await client.create(RS_KIND.ref, spec)
        await eventually_async(lambda: _count(client, 2, "tier=web"), "2 pods")
        for p in await _pods(client, "tier=web"):
            await set_pod_status(client, p["metadata"]["name"], ready=True, since=START)

        async def status(ready: int, available: int) -> bool:
            s = (await client.get(RS_KIND.ref, "web", "default")).get("status") or {}
            return (s.get("readyReplicas"), s.get("availableReplicas") or 0) == (ready, available)

        await eventually_async(lambda: status(2, 0), "ready but not yet available")
        informers.clock.advance(31)
        await eventually_async(lambda: status(2, 2), "available after minReadySeconds")
    finally:
        await stop(task)


async def test_failing_creates_stop_the_slow_start_and_are_reported(client, informers) -> None:
    """A failure in the first batch (of 1) stops the other 9 creates; the RC reports
    ReplicaFailure and a FailedCreate event, and expectations do not wait for pods never made."""
    from kubepy.client.errors import ApiError

    attempts: list[str] = []
    real_create, real_create_named = client.create, client.create_named

    async def failing_create(ref, obj, namespace="", **kw):
        if ref == PODS:
            attempts.append(obj["metadata"]["generateName"])
            raise ApiError(
                {
                    "kind": "Status",
                    "code": 403,
                    "reason": "Forbidden",
                    "message": 'pods "frontend-" is forbidden: exceeded quota: quota',
                }
            )
        return await real_create(ref, obj, namespace, **kw)

    client.create = client.create_named = failing_create
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    informers.start()
    await informers.wait_for_sync()
    await real_create(REPLICATIONCONTROLLERS, rc(replicas=10))
    await eventually(lambda: ctrl.owners.store.get("default/frontend"), "rc in cache")
    with pytest.raises(RuntimeError, match="exceeded quota"):
        await ctrl.sync("default/frontend")
    assert attempts == ["frontend-"]
    assert ctrl.expectations.satisfied("default/frontend")
    status = (await client.get(REPLICATIONCONTROLLERS, "frontend", "default"))["status"]
    (cond,) = status["conditions"]
    assert (cond["type"], cond["reason"]) == ("ReplicaFailure", "FailedCreate")
    events, _ = await client.list_all(EVENTS, "default")
    assert [e["message"] for e in events if e["reason"] == "FailedCreate"] == [
        'Error creating: pods "frontend-" is forbidden: exceeded quota: quota'
    ]
    # the next sync tries again (and would go on in batches 1, 2, 4, ... once creates succeed)
    client.create, client.create_named = real_create, real_create_named
    await ctrl.sync("default/frontend")
    assert len(await _pods(client)) == 10


async def test_no_failure_reported_while_the_namespace_terminates(client, informers) -> None:
    from kubepy.client.resources import NAMESPACES

    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    informers.start()
    await informers.wait_for_sync()
    await client.create(NAMESPACES, {"metadata": {"name": "going"}})
    body = rc(replicas=2)
    body["metadata"]["namespace"] = "going"
    await client.create(REPLICATIONCONTROLLERS, body)
    await client.delete(NAMESPACES, "going")  # no namespace controller: it stays Terminating
    await eventually(lambda: ctrl.owners.store.get("going/frontend"), "rc in cache")
    assert await ctrl.sync("going/frontend") is None  # no error to retry
    events, _ = await client.list_all(EVENTS, "going")
    assert [e for e in events if e["reason"] == "FailedCreate"] == []


async def _rc_status(client) -> dict:
    return (await client.get(REPLICATIONCONTROLLERS, "frontend", "default")).get("status") or {}


async def test_ready_replicas_follow_pod_updates(client, informers) -> None:
    """Counts kept from pod events (the pod index) follow a pod going ready and back."""
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(REPLICATIONCONTROLLERS, rc(replicas=2))
        await eventually_async(lambda: _count(client, 2), "2 pods")
        first, second = _names(await _pods(client))

        async def ready_is(n: int) -> bool:
            s = await _rc_status(client)
            return s.get("replicas") == 2 and s.get("readyReplicas", 0) == n

        await set_pod_status(client, first, ready=True)
        await eventually_async(lambda: ready_is(1), "readyReplicas 1")
        await set_pod_status(client, second, ready=True)
        await eventually_async(lambda: ready_is(2), "readyReplicas 2")
        assert (await _rc_status(client)).get("availableReplicas") == 2
        await set_pod_status(client, first, ready=False)
        await eventually_async(lambda: ready_is(1), "readyReplicas back to 1")
    finally:
        await stop(task)


async def test_changed_selector_releases_pods_that_stop_matching(client, informers) -> None:
    """An RC's selector may change: its pods outside the new one are released, new ones made."""
    ctrl = ReplicationManager(client, informers, informers.clock, RC_KIND)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(REPLICATIONCONTROLLERS, rc(replicas=1))
        await eventually_async(lambda: _count(client, 1), "1 pod")
        (old,) = _names(await _pods(client))
        template = {**TEMPLATE, "metadata": {"labels": {"app": "frontend", "track": "canary"}}}
        await client.patch(
            REPLICATIONCONTROLLERS,
            "frontend",
            {"spec": {"selector": {"app": "frontend", "track": "canary"}, "template": template}},
            "default",
        )

        async def released() -> bool:
            p = await client.get(PODS, old, "default")
            return not p["metadata"].get("ownerReferences")

        await eventually_async(released, "release of the pod outside the new selector")
        await eventually_async(lambda: _count(client, 1, "track=canary"), "a pod of the new selector")
        await eventually_async(
            lambda: _rc_fully_labeled(client, 1), "status counts only the new selector's pod"
        )
    finally:
        await stop(task)


async def _rc_fully_labeled(client, n: int) -> bool:
    s = await _rc_status(client)
    return s.get("replicas") == n and s.get("fullyLabeledReplicas") == n


async def test_rc_and_replicaset_managers_share_one_pod_index(client, informers, monkeypatch) -> None:
    """The two managers of one factory keep one pod index, filed once per pod event, and each
    still counts only its own owners' pods."""
    upserts = []
    upsert = PodIndex.upsert

    def counted(self: PodIndex, p: dict) -> None:
        upserts.append(p["metadata"]["name"])
        upsert(self, p)

    monkeypatch.setattr(PodIndex, "upsert", counted)
    rcm = ReplicationManager(client, informers, informers.clock, RC_KIND)
    rsm = ReplicationManager(client, informers, informers.clock, RS_KIND)
    assert rcm.index is rsm.index
    tasks = [await run_controller(rcm, informers), await run_controller(rsm, informers)]
    try:
        await client.create(REPLICATIONCONTROLLERS, rc(replicas=3))
        await client.create(RS_KIND.ref, rs(replicas=2))
        await eventually_async(lambda: _count(client, 3), "3 RC pods")
        await eventually_async(lambda: _count(client, 2, "tier=web"), "2 ReplicaSet pods")
        await eventually(lambda: len(rcm.index) == 5, "5 pods in the index")
        await eventually_async(lambda: _status(client, 3), "RC status.replicas 3")

        async def rs_replicas() -> bool:
            return ((await client.get(RS_KIND.ref, "web", "default")).get("status") or {}).get(
                "replicas"
            ) == 2

        await eventually_async(rs_replicas, "ReplicaSet status.replicas 2")
        names = _names(await _pods(client)) + _names(await _pods(client, "tier=web"))
        assert sorted(set(upserts)) == sorted(names)
        assert len(upserts) == len(set(upserts))  # each pod (created, never updated) filed once
    finally:
        for t in tasks:
            await stop(t)
