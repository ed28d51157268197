"""The garbage collector with the three propagation policies, against the real apiserver (with
its garbage_collection switch on, as when a collector runs)."""

from __future__ import annotations

import pytest

from kubepy.client.errors import ApiError
from kubepy.client.resources import CONFIGMAPS, PODS, REPLICATIONCONTROLLERS
from kubepy.controllers.garbagecollector import GarbageCollector, classify, propagation_for
from tests.controllers.conftest import drain, eventually_async, pod, run_controller, stop


@pytest.mark.parametrize(
    ("state", "want"),
    [
        ({"a": "present"}, ([1], [], [])),
        ({}, ([], [1], [])),
        ({"a": "foreground"}, ([], [], [1])),
    ],
)
def test_classify(state: dict, want: tuple) -> None:
    c = classify([{"uid": "a"}], state)
    assert (len(c.solid), len(c.dangling), len(c.waiting)) == tuple(len(x) for x in want)


@pytest.mark.parametrize(
    ("finalizers", "policy"),
    [
        ([], "Background"),
        (["orphan"], "Orphan"),
        (["foregroundDeletion"], "Foreground"),
        (["x"], "Background"),
    ],
)
def test_propagation_follows_own_finalizers(finalizers: list, policy: str) -> None:
    assert propagation_for({"metadata": {"finalizers": finalizers}}) == policy


def _owned(name: str, owner: dict, block: bool = True) -> dict:
    p = pod(name, {"app": "x"})
    p["metadata"]["ownerReferences"] = [
        {
            "apiVersion": "v1",
            "kind": "ReplicationController",
            "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": block,
        }
    ]
    return p


RC = {
    "apiVersion": "v1",
    "kind": "ReplicationController",
    "metadata": {"name": "rc", "namespace": "default"},
    "spec": {
        "replicas": 0,
        "selector": {"app": "x"},
        "template": {
            "metadata": {"labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        },
    },
}


async def _exists(client, ref, name: str) -> bool:
    try:
        await client.get(ref, name, "default")
    except ApiError as e:
        if e.code == 404:
            return False
        raise
    return True


@pytest.fixture
async def gc(server, client, informers):
    server.registry.env.garbage_collection = True
    ctrl = await GarbageCollector.discover(client, informers, informers.clock)
    task = await run_controller(ctrl, informers)
    yield ctrl
    await stop(task)


async def test_background_deletion_removes_dependents(client, gc) -> None:
    owner = await client.create(REPLICATIONCONTROLLERS, RC)
    await client.create(PODS, _owned("p1", owner))
    await client.create(PODS, _owned("p2", owner, block=False))
    await client.create(CONFIGMAPS, {"metadata": {"name": "unowned", "namespace": "default"}})
    await client.delete(REPLICATIONCONTROLLERS, "rc", "default", propagation_policy="Background")

    async def pods_gone() -> bool:
        return not await _exists(client, PODS, "p1") and not await _exists(client, PODS, "p2")

    await eventually_async(pods_gone, "dependents collected")
    assert await _exists(client, CONFIGMAPS, "unowned")


async def test_dependent_created_with_a_missing_owner_is_collected(client, gc) -> None:
    ghost = {"metadata": {"name": "ghost", "uid": "00000000-0000-0000-0000-000000000000"}}
    await client.create(PODS, _owned("orphaned", ghost))

    async def gone() -> bool:
        return not await _exists(client, PODS, "orphaned")

    await eventually_async(gone, "dangling dependent collected")


async def test_orphan_deletion_keeps_dependents_without_owner_refs(client, gc) -> None:
    owner = await client.create(REPLICATIONCONTROLLERS, RC)
    await client.create(PODS, _owned("p1", owner))
    await client.delete(REPLICATIONCONTROLLERS, "rc", "default", propagation_policy="Orphan")

    async def orphaned() -> bool:
        if await _exists(client, REPLICATIONCONTROLLERS, "rc"):
            return False
        p = await client.get(PODS, "p1", "default")
        return not p["metadata"].get("ownerReferences")

    await eventually_async(orphaned, "owner gone, dependent kept and released")


async def test_foreground_deletion_waits_for_blocking_dependents(client, gc) -> None:
    owner = await client.create(REPLICATIONCONTROLLERS, RC)
    dep = _owned("held", owner)
    dep["metadata"]["finalizers"] = ["example.com/hold"]
    await client.create(PODS, dep)
    await client.create(PODS, _owned("free", owner))
    await client.delete(REPLICATIONCONTROLLERS, "rc", "default", propagation_policy="Foreground")

    async def waiting() -> bool:
        rc = await client.get(REPLICATIONCONTROLLERS, "rc", "default")
        held = await client.get(PODS, "held", "default")
        return (
            "foregroundDeletion" in rc["metadata"].get("finalizers", [])
            and bool(held["metadata"].get("deletionTimestamp"))
            and not await _exists(client, PODS, "free")
        )

    await eventually_async(waiting, "owner waits while a blocking dependent remains")
    await client.patch(PODS, "held", {"metadata": {"finalizers": None}}, "default", patch_type="merge")

    async def owner_gone() -> bool:
        return not await _exists(client, REPLICATIONCONTROLLERS, "rc")

    await eventually_async(owner_gone, "owner deleted once its dependents are gone")


async def test_resources_found_later_are_watched_too(server, client, informers) -> None:
    """A resource missing from the first discovery (as a CRD added later would be) is picked up
    by the periodic rediscovery."""
    from kubepy.controllers.discovery import discover
    from kubepy.controllers.garbagecollector import REDISCOVERY_PERIOD, deletable

    server.registry.env.garbage_collection = True
    refs = [r for r in deletable(await discover(client)) if r.plural != "configmaps"]
    ctrl = GarbageCollector(client, informers, informers.clock, refs)
    task = await run_controller(ctrl, informers)
    try:
        cm = {
            "metadata": {
                "name": "dangling",
                "namespace": "default",
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "kind": "ReplicationController",
                        "name": "gone",
                        "uid": "11111111-1111-1111-1111-111111111111",
                    }
                ],
            }
        }
        await client.create(CONFIGMAPS, cm)
        assert CONFIGMAPS not in ctrl._informers_by_ref
        informers.clock.advance(REDISCOVERY_PERIOD)

        async def gone() -> bool:
            return not await _exists(client, CONFIGMAPS, "dangling")

        await eventually_async(gone, "configmap collected after rediscovery")
    finally:
        await stop(task)


async def test_an_update_queues_the_owners_it_no_longer_names(client, informers) -> None:
    """An update dropping owner references queues those owners (one waiting for this dependent
    may be done); one keeping them queues none; either way a dependent whose owner is not in
    the caches is looked at, and one being deleted in the foreground too."""
    ctrl = GarbageCollector(client, informers, informers.clock, [])

    def version(rv: str, owners: list[str], **meta: object) -> dict:
        refs = [{"apiVersion": "v1", "kind": "ConfigMap", "name": u, "uid": u} for u in owners]
        return {"metadata": {"name": "d", "namespace": "default", "uid": "d", "resourceVersion": rv,
                             "ownerReferences": refs, **meta}}  # fmt: skip

    ctrl._updated(PODS, version("1", ["a", "b"]), version("2", ["a", "b"]))
    assert drain(ctrl.queue) == {("delete", "d")}  # its owners are not cached: in doubt
    ctrl._updated(PODS, version("2", ["a", "b"]), version("3", ["a"]))
    assert drain(ctrl.queue) == {("delete", "d"), ("delete", "b")}
    ctrl._updated(PODS, version("3", ["a"]), version("3", ["a"]))  # a resync
    assert drain(ctrl.queue) == set()
    deleting = version("4", [], deletionTimestamp="2026-01-01T00:00:00Z", finalizers=["foregroundDeletion"])
    ctrl._updated(PODS, version("3", ["a"]), deleting)
    assert drain(ctrl.queue) == {("delete", "d"), ("delete", "a")}
    orphaning = version("5", [], deletionTimestamp="2026-01-01T00:00:00Z", finalizers=["orphan"])
    ctrl._updated(PODS, deleting, orphaning)
    assert drain(ctrl.queue) == {("orphan", "d")}
