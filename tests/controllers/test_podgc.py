"""The pod garbage collector: decisions as table tests, then against the real apiserver."""

from __future__ import annotations

import itertools

import pytest

from kubepy.client.errors import ApiError
from kubepy.client.resources import NODES, PODS
from kubepy.controllers.podgc import (
    PodGCController,
    on_missing_nodes,
    scan,
    terminated_to_delete,
    unscheduled_terminating,
)
from tests.controllers.conftest import eventually_async, pod, run_controller, set_pod_status, stop


def mk(
    name: str,
    phase: str = "Running",
    created: str = "2026-01-01T00:00:00Z",
    node: str = "n1",
    deleting: bool = False,
) -> dict:
    m = {"name": name, "creationTimestamp": created}
    if deleting:
        m["deletionTimestamp"] = created
    return {"metadata": m, "spec": {"nodeName": node}, "status": {"phase": phase}}


def test_terminated_beyond_threshold_oldest_first() -> None:
    pods = [
        mk("new", "Failed", "2026-01-03T00:00:00Z"),
        mk("old", "Succeeded", "2026-01-01T00:00:00Z"),
        mk("mid", "Failed", "2026-01-02T00:00:00Z"),
        mk("live"),
    ]
    assert [p["metadata"]["name"] for p in terminated_to_delete(pods, 1)] == ["old", "mid"]
    assert terminated_to_delete(pods, 3) == [] and terminated_to_delete(pods, 0) == []


def test_orphans_and_unscheduled_terminating() -> None:
    pods = [mk("a", node="gone"), mk("b", node="n1"), mk("c", node="", deleting=True), mk("d", node="")]
    assert {n: [p["metadata"]["name"] for p in ps] for n, ps in on_missing_nodes(pods, {"n1"}).items()} == {
        "gone": ["a"]
    }
    assert [p["metadata"]["name"] for p in unscheduled_terminating(pods)] == ["c"]


def _mixed_pods() -> list[dict]:
    """Every combination of phase, node (known, gone, none) and deletion, in varied age order."""
    out = []
    combos = itertools.product(
        ("Running", "Succeeded", "Failed", "Pending"), ("n1", "gone", "x", ""), (False, True)
    )
    for i, (phase, node, deleting) in enumerate(combos):
        day = 1 + (i * 7) % 28
        out.append(mk(f"p{i}", phase, f"2026-01-{day:02d}T00:00:00Z", node=node, deleting=deleting))
    return out


@pytest.mark.parametrize("threshold", [0, 1, 5, 15, 16, 100])
def test_one_pass_scan_decides_as_the_three_scans(threshold: int) -> None:
    pods = _mixed_pods()
    found = scan(pods, {"n1"}, threshold)
    names = lambda ps: [p["metadata"]["name"] for p in ps]  # noqa: E731
    assert names(found.terminated) == names(terminated_to_delete(pods, threshold))
    assert {n: names(ps) for n, ps in found.orphaned.items()} == {
        n: names(ps) for n, ps in on_missing_nodes(pods, {"n1"}).items()
    }
    assert names(found.unscheduled_terminating) == names(unscheduled_terminating(pods))
    assert set(found.orphaned) == {"gone", "x"} and len(found.unscheduled_terminating) == 4


async def _exists(client, name: str) -> bool:
    try:
        await client.get(PODS, name, "default")
    except ApiError as e:
        if e.code == 404:
            return False
        raise
    return True


async def test_pods_on_a_vanished_node_and_old_terminated_pods_go(client, informers) -> None:
    await client.create(NODES, {"metadata": {"name": "n1"}})
    for name in ("keep", "orphan", "done-1", "done-2"):
        await client.create(PODS, pod(name, {"app": "x"}))
    await set_pod_status(client, "keep", ready=True, node="n1")
    await set_pod_status(client, "orphan", ready=True, node="ghost")
    await set_pod_status(client, "done-1", ready=False, phase="Succeeded")
    await set_pod_status(client, "done-2", ready=False, phase="Failed")
    ctrl = PodGCController(
        client, informers, informers.clock, terminated_threshold=1, period=5, quarantine=10
    )
    task = await run_controller(ctrl, informers)
    try:

        async def one_terminated_left() -> bool:
            return [await _exists(client, n) for n in ("done-1", "done-2")].count(True) == 1

        await eventually_async(one_terminated_left, "terminated pods trimmed to the threshold")
        assert await _exists(client, "orphan")  # still in quarantine
        informers.clock.advance(11)

        async def orphan_gone() -> bool:
            return not await _exists(client, "orphan")

        await eventually_async(orphan_gone, "pod of a missing node deleted")
        assert await _exists(client, "keep")
    finally:
        await stop(task)
