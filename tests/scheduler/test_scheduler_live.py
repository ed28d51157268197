"""The scheduler against the real in-process apiserver: pods are bound through pods/binding."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from kubepy.client.clock import FakeClock
from kubepy.client.resources import EVENTS, NODES, PODS
from kubepy.client.rest import RESTClient
from kubepy.scheduler.options import SchedulerOptions
from kubepy.scheduler.scheduler import Scheduler
from tests.scheduler.conftest import eventually, node, pod

BOOK = Path("/work/shared/book/misc")


@pytest.fixture
async def scheduler(client: RESTClient, clock: FakeClock) -> AsyncIterator[Scheduler]:
    s = Scheduler(client, SchedulerOptions(seed=1), clock=clock)
    task = asyncio.ensure_future(s.run())
    await eventually(lambda: all(i.has_synced() for i in s.informers), "informers synced")
    yield s
    s.stop()
    await asyncio.wait_for(task, 5)


async def node_of(client: RESTClient, name: str, namespace: str = "default") -> str:
    return ((await client.get(PODS, name, namespace)).get("spec") or {}).get("nodeName") or ""


async def bound(client: RESTClient, name: str) -> str:
    return await eventually(lambda: node_of(client, name), f"{name} bound")


async def events_of(client: RESTClient, name: str, reason: str) -> list[dict]:
    items = (await client.list(EVENTS, "default")).get("items") or []
    return [e for e in items if e["involvedObject"]["name"] == name and e["reason"] == reason]


async def test_pod_is_bound_to_the_only_node_that_fits(client: RESTClient, scheduler: Scheduler) -> None:
    for n in (node("small", cpu="1"), node("big", cpu="8")):
        await client.create(NODES, n)
    await client.create(PODS, pod("web", cpu="2"))
    assert await bound(client, "web") == "big"
    got = await client.get(PODS, "web", "default")
    assert {"type": "PodScheduled", "status": "True"}.items() <= got["status"]["conditions"][0].items()
    ev = await eventually(lambda: events_of(client, "web", "Scheduled"), "Scheduled event")
    assert ev[0]["message"] == "Successfully assigned default/web to big"
    assert ev[0]["source"]["component"] == "default-scheduler"
    assert ev[0]["type"] == "Normal"


async def test_requests_add_up_across_pods(client: RESTClient, scheduler: Scheduler) -> None:
    for name in ("n1", "n2"):
        await client.create(NODES, node(name, cpu="1"))
    await client.create(PODS, pod("a", cpu="600m"))
    first = await bound(client, "a")
    await client.create(PODS, pod("b", cpu="600m"))
    second = await bound(client, "b")
    assert {first, second} == {"n1", "n2"}  # 1200m do not fit on one 1-cpu node


async def test_insufficient_cpu_is_reported_then_retried_when_a_node_is_added(
    client: RESTClient, scheduler: Scheduler
) -> None:
    for name in ("n1", "n2", "n3"):
        await client.create(NODES, node(name, cpu="1"))
    await client.create(PODS, pod("huge", cpu="2"))
    ev = await eventually(lambda: events_of(client, "huge", "FailedScheduling"), "FailedScheduling event")
    assert ev[0]["message"] == "0/3 nodes are available: 3 Insufficient cpu."
    assert ev[0]["type"] == "Warning"
    assert ev[0]["source"]["component"] == "default-scheduler"

    async def condition() -> dict | None:
        got = await client.get(PODS, "huge", "default")
        conds = [c for c in (got.get("status") or {}).get("conditions") or () if c["type"] == "PodScheduled"]
        return conds[0] if conds and conds[0]["status"] == "False" else None

    cond = await eventually(condition, "PodScheduled=False")
    assert cond["reason"] == "Unschedulable"
    assert cond["message"] == "0/3 nodes are available: 3 Insufficient cpu."
    assert await node_of(client, "huge") == ""
    attempts = scheduler.metrics()["scheduler_schedule_attempts_total"]
    assert attempts['result="unschedulable"'] >= 1 and attempts['result="scheduled"'] == 0
    await client.create(NODES, node("n4", cpu="4"))
    scheduler.clock.advance(2)  # the pod's 1 s backoff runs on the injected clock
    assert await bound(client, "huge") == "n4"


async def test_no_nodes_at_all(client: RESTClient, scheduler: Scheduler) -> None:
    await client.create(PODS, pod("lonely"))
    ev = await eventually(lambda: events_of(client, "lonely", "FailedScheduling"), "FailedScheduling event")
    assert ev[0]["message"] == "no nodes available to schedule pods"


async def test_node_selector_of_the_book_places_the_pod(client: RESTClient, scheduler: Scheduler) -> None:
    """§4.3.5: redis-master's template selects zone=north."""
    rc = yaml.safe_load((BOOK / "redis-master-controller-nodeselector.yaml").read_text())
    template = rc["spec"]["template"]
    await client.create(NODES, node("south-1", labels={"zone": "south"}))
    await client.create(NODES, node("plain"))
    p = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "redis-master-x", **template["metadata"]},
        "spec": template["spec"],
    }
    await client.create(PODS, p, "default")
    ev = await eventually(
        lambda: events_of(client, "redis-master-x", "FailedScheduling"), "FailedScheduling event"
    )
    assert ev[0]["message"] == "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."
    await client.create(NODES, node("north-1", labels={"zone": "north"}))
    scheduler.clock.advance(2)
    assert await bound(client, "redis-master-x") == "north-1"


async def test_cordoned_node_gets_no_new_pods(client: RESTClient, scheduler: Scheduler) -> None:
    """§4.3.1: spec.unschedulable true (the book's patch) keeps new pods off; existing ones stay."""
    await client.create(NODES, node("a"))
    await client.create(PODS, pod("before"))
    assert await bound(client, "before") == "a"
    await client.patch(NODES, "a", {"spec": {"unschedulable": True}}, patch_type="merge")
    await client.create(NODES, node("b"))
    await eventually(lambda: len(scheduler.table) == 2 and scheduler.table.flagged, "cordon seen")
    for i in range(3):
        await client.create(PODS, pod(f"after-{i}"))
    assert [await bound(client, f"after-{i}") for i in range(3)] == ["b", "b", "b"]
    assert await node_of(client, "before") == "a"
    await client.patch(NODES, "b", {"spec": {"unschedulable": True}}, patch_type="merge")
    await eventually(lambda: len(scheduler.table.flagged) == 2, "second cordon seen")
    await client.create(PODS, pod("stuck"))
    ev = await eventually(lambda: events_of(client, "stuck", "FailedScheduling"), "FailedScheduling event")
    assert ev[0]["message"] == "0/2 nodes are available: 2 node(s) were unschedulable."
    await client.patch(NODES, "a", {"spec": {"unschedulable": False}}, patch_type="merge")
    scheduler.clock.advance(2)
    assert await bound(client, "stuck") == "a"


async def test_taints_and_reasons_are_counted_per_node(client: RESTClient, scheduler: Scheduler) -> None:
    await client.create(
        NODES, node("tainted", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}])
    )
    await client.create(NODES, node("tiny", cpu="100m"))
    await client.create(NODES, node("tiny2", cpu="100m"))
    await client.create(PODS, pod("p", cpu="1"))
    ev = await eventually(lambda: events_of(client, "p", "FailedScheduling"), "FailedScheduling event")
    assert ev[0]["message"] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu."
    )
    tolerating = pod("q", cpu="1", tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu"}])
    await client.create(PODS, tolerating)
    assert await bound(client, "q") == "tainted"


async def test_repeated_failures_bump_one_event(client: RESTClient, scheduler: Scheduler) -> None:
    await client.create(NODES, node("n1", cpu="1"))
    await client.create(PODS, pod("huge", cpu="2"))
    await eventually(lambda: events_of(client, "huge", "FailedScheduling"), "first FailedScheduling")
    await client.create(NODES, node("n2", cpu="1"))  # a cluster change: another attempt after backoff
    scheduler.clock.advance(2)

    async def twice() -> list[dict]:
        evs = await events_of(client, "huge", "FailedScheduling")
        return [e for e in evs if e["message"] == "0/2 nodes are available: 2 Insufficient cpu."]

    ev = await eventually(twice, "second FailedScheduling")
    assert ev[0]["count"] == 1
    # a node update that changes nothing the pod needs: another attempt, the same verdict
    await client.patch(NODES, "n2", {"metadata": {"labels": {"touched": "yes"}}}, patch_type="merge")
    scheduler.clock.advance(8)

    async def bumped() -> list[dict]:
        evs = await events_of(client, "huge", "FailedScheduling")
        return [
            e
            for e in evs
            if e["message"] == "0/2 nodes are available: 2 Insufficient cpu." and e["count"] >= 2
        ]

    assert await eventually(bumped, "count bumped")


async def test_pods_of_other_schedulers_are_left_alone(client: RESTClient, scheduler: Scheduler) -> None:
    await client.create(NODES, node("n1"))
    await client.create(PODS, pod("theirs", schedulerName="my-scheduler"))
    await client.create(PODS, pod("ours"))
    assert await bound(client, "ours") == "n1"
    assert await node_of(client, "theirs") == ""


async def test_deleting_a_pod_frees_room(client: RESTClient, scheduler: Scheduler) -> None:
    await client.create(NODES, node("n1", cpu="1"))
    await client.create(PODS, pod("first", cpu="800m"))
    assert await bound(client, "first") == "n1"
    await client.create(PODS, pod("second", cpu="800m"))
    await eventually(lambda: events_of(client, "second", "FailedScheduling"), "FailedScheduling")
    await client.delete(PODS, "first", "default", grace_period_seconds=0)
    scheduler.clock.advance(2)
    assert await bound(client, "second") == "n1"
