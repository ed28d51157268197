"""Node lifecycle controller: table tests of its decisions, then a simulated node that stops
heartbeating against the real in-process apiserver (fake clock)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.clock import FakeClock
from kubepy.client.errors import ApiError
from kubepy.client.resources import EVENTS, NODES, PODS
from kubepy.client.rest import RESTClient, user_agent
from kubepy.controllers import nodelifecycle as nl
from kubepy.controllers.informers import SharedInformers
from kubepy.kubelet.host import KubeletHost, KubeletOptions
from kubepy.kubelet.nodestatus import NodeConfig

NOW = "2026-01-02T03:04:05Z"


def _node(ready: str | None = "True", heartbeat: str = "t1", **spec) -> dict:
    conds = [] if ready is None else [{"type": "Ready", "status": ready, "lastHeartbeatTime": heartbeat}]
    return {
        "metadata": {"name": "n1", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": spec,
        "status": {"conditions": conds},
    }


def _lease(renew: str) -> dict:
    return {"spec": {"renewTime": renew}}


# ---- observe: when the probe time moves -----------------------------------------------------
@pytest.mark.parametrize(
    ("prev", "node", "lease", "expected_probe"),
    [
        (None, _node(), _lease("r1"), 100.0),  # first sight
        (nl.NodeHealth(50.0, "t1", "r1"), _node(), _lease("r1"), 50.0),  # nothing new
        (nl.NodeHealth(50.0, "t1", "r1"), _node(heartbeat="t2"), _lease("r1"), 100.0),  # status posted
        (nl.NodeHealth(50.0, "t1", "r1"), _node(), _lease("r2"), 100.0),  # lease renewed
        (nl.NodeHealth(50.0, "t1", ""), _node(), None, 50.0),  # no lease at all
    ],
)
def test_observe(prev, node, lease, expected_probe) -> None:
    assert nl.observe(prev, node, lease, 100.0).probe_timestamp == expected_probe


def test_grace_period_for_a_node_that_never_posted() -> None:
    opts = nl.NodeLifecycleOptions()
    assert nl.grace_period(_node(ready=None), opts) == 60.0
    assert nl.grace_period(_node(), opts) == 40.0


def test_unknown_conditions() -> None:
    conds = nl.unknown_conditions(_node(), NOW)
    by = {c["type"]: c for c in conds}
    assert by["Ready"]["status"] == "Unknown" and by["Ready"]["reason"] == "NodeStatusUnknown"
    assert by["Ready"]["message"] == "Kubelet stopped posting node status."
    assert by["Ready"]["lastHeartbeatTime"] == "t1" and by["Ready"]["lastTransitionTime"] == NOW
    assert by["MemoryPressure"]["reason"] == "NodeStatusNeverUpdated"
    assert by["MemoryPressure"]["lastHeartbeatTime"] == "2026-01-01T00:00:00Z"
    node = _node()
    node["status"]["conditions"] = conds
    assert nl.unknown_conditions(node, NOW) is None  # already Unknown: no write


@pytest.mark.parametrize(
    ("ready", "spec", "expected"),
    [
        ("True", {}, []),
        ("Unknown", {}, [(nl.TAINT_UNREACHABLE, "NoSchedule"), (nl.TAINT_UNREACHABLE, "NoExecute")]),
        ("False", {}, [(nl.TAINT_NOT_READY, "NoSchedule"), (nl.TAINT_NOT_READY, "NoExecute")]),
        ("True", {"unschedulable": True}, [(nl.TAINT_UNSCHEDULABLE, "NoSchedule")]),
    ],
)
def test_desired_taints(ready, spec, expected) -> None:
    assert nl.desired_taints(_node(ready, **spec)) == expected


def test_reconcile_taints_keeps_foreign_and_times_noexecute() -> None:
    mine = {"key": "dedicated", "value": "db", "effect": "NoSchedule"}
    out = nl.reconcile_taints([mine], [(nl.TAINT_UNREACHABLE, "NoExecute")], NOW)
    assert out == [mine, {"key": nl.TAINT_UNREACHABLE, "effect": "NoExecute", "timeAdded": NOW}]
    assert nl.reconcile_taints(out, [(nl.TAINT_UNREACHABLE, "NoExecute")], "later") is None
    assert nl.reconcile_taints(out, [], NOW) == [mine]


UNREACH = {"key": nl.TAINT_UNREACHABLE, "effect": "NoExecute"}


@pytest.mark.parametrize(
    ("toleration", "taint", "ok"),
    [
        ({"key": nl.TAINT_UNREACHABLE, "operator": "Exists"}, UNREACH, True),
        ({"operator": "Exists"}, UNREACH, True),  # tolerates everything
        ({"key": nl.TAINT_UNREACHABLE, "operator": "Exists", "effect": "NoSchedule"}, UNREACH, False),
        ({"key": "a", "value": "b"}, {"key": "a", "value": "b", "effect": "NoExecute"}, True),
        ({"key": "a", "value": "c"}, {"key": "a", "value": "b", "effect": "NoExecute"}, False),
        ({"key": "other", "operator": "Exists"}, UNREACH, False),
    ],
)
def test_tolerates(toleration, taint, ok) -> None:
    assert nl.tolerates(toleration, taint) is ok


@pytest.mark.parametrize(
    ("tolerations", "taints", "expected"),
    [
        ([], [], None),
        ([], [UNREACH], 0.0),  # not tolerated: evict at once
        ([{"operator": "Exists"}], [UNREACH], None),  # for ever
        ([{"key": nl.TAINT_UNREACHABLE, "operator": "Exists", "tolerationSeconds": 30}], [UNREACH], 30.0),
        (
            [
                {"operator": "Exists", "tolerationSeconds": 60},
                {"operator": "Exists", "tolerationSeconds": 20},
            ],
            [UNREACH],
            20.0,
        ),
        ([{"operator": "Exists", "tolerationSeconds": -5}], [UNREACH], 0.0),
        ([], [{"key": "x", "effect": "NoSchedule"}], None),  # NoSchedule never evicts
    ],
)
def test_toleration_seconds(tolerations, taints, expected) -> None:
    assert nl.toleration_seconds(tolerations, taints) == expected


def test_token_bucket() -> None:
    b = nl.TokenBucket(qps=0.1, burst=2, now=0.0)
    assert [b.wait(0.0), b.wait(0.0)] == [0.0, 0.0]
    assert b.wait(0.0) == pytest.approx(10.0)  # one token per 10 s
    assert b.wait(10.0) == 0.0 and b.wait(10.0) == pytest.approx(10.0)


def test_default_tolerations_are_added_unless_present() -> None:
    got = nl.with_default_tolerations([], 300)
    assert {t["key"] for t in got} == {nl.TAINT_NOT_READY, nl.TAINT_UNREACHABLE}
    assert all(t["tolerationSeconds"] == 300 for t in got)
    own = [{"key": nl.TAINT_UNREACHABLE, "operator": "Exists", "effect": "NoExecute"}]
    got = nl.with_default_tolerations(own, 300)
    assert got[0] is own[0] and [t["key"] for t in got[1:]] == [nl.TAINT_NOT_READY]
    assert nl.with_default_tolerations([], None) == []


# ---- against the real apiserver -------------------------------------------------------------
async def until(fn: Callable, what: str, tries: int = 500) -> None:
    for _ in range(tries):
        if await fn():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


@pytest.fixture
async def cluster(request) -> AsyncIterator[tuple[RESTClient, FakeClock, KubeletHost]]:
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory")))
    await srv.start()
    clock = FakeClock()
    client = RESTClient(
        "http://kubepy", transport=StreamingASGITransport(srv.app), user_agent=user_agent("test"), clock=clock
    )
    host = KubeletHost(
        client,
        KubeletOptions(
            nodes=[
                NodeConfig("n1", "10.244.1.0/24", "172.18.0.3"),
                NodeConfig("n2", "10.244.2.0/24", "172.18.0.4"),
            ]
        ),
        clock=clock,
    )
    informers = SharedInformers(client, clock)
    ctrl = nl.NodeLifecycleController(client, informers, clock, getattr(request, "param", None))
    informers.start()
    tasks = [asyncio.ensure_future(host.run()), asyncio.ensure_future(ctrl.run())]
    try:
        yield client, clock, host
    finally:
        host.stop()
        for t in tasks[1:]:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await informers.stop()
        await client.aclose()
        await srv.stop()


async def _ready(client: RESTClient, node: str) -> str:
    try:
        n = await client.get(NODES, node)
    except ApiError:
        return ""
    return next((c["status"] for c in n["status"].get("conditions", []) if c["type"] == "Ready"), "")


async def _advance(clock: FakeClock, seconds: float, step: float = 5.0) -> None:
    """Move time in steps, letting heartbeats and watches through between them."""
    while seconds > 0:
        clock.advance(min(step, seconds))
        seconds -= step
        await asyncio.sleep(0.03)


async def test_silent_node_goes_unknown_and_its_pods_are_evicted(cluster) -> None:
    client, clock, host = cluster
    await until(lambda: _is(client, "n1", "True"), "n1 Ready")
    await until(lambda: _is(client, "n2", "True"), "n2 Ready")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx"}]},
    }
    await client.create(PODS, pod)
    tolerant = {**pod, "metadata": {"name": "patient", "namespace": "default"}}
    tolerant["spec"] = {**pod["spec"], "tolerations": [{"operator": "Exists"}]}
    await client.create(PODS, tolerant)

    async def running() -> bool:
        return (await client.get(PODS, "web", "default"))["status"]["phase"] == "Running"

    await until(running, "pod Running")
    await _advance(clock, 30)
    assert await _ready(client, "n1") == "True"  # heartbeats keep it healthy

    host.pause("n1")
    await _advance(clock, 35)
    assert await _ready(client, "n1") == "True"  # within the 40 s grace
    await _advance(clock, 15)
    await until(lambda: _is(client, "n1", "Unknown"), "n1 Unknown")
    node = await client.get(NODES, "n1")
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert ready["reason"] == "NodeStatusUnknown"

    async def tainted() -> bool:
        taints = (await client.get(NODES, "n1"))["spec"].get("taints", [])
        return {(t["key"], t["effect"]) for t in taints} == {
            (nl.TAINT_UNREACHABLE, "NoSchedule"),
            (nl.TAINT_UNREACHABLE, "NoExecute"),
        }

    await until(tainted, "unreachable taints")
    assert await _ready(client, "n2") == "True"

    async def pod_not_ready() -> bool:
        conds = (await client.get(PODS, "web", "default"))["status"]["conditions"]
        return next(c for c in conds if c["type"] == "Ready")["status"] == "False"

    try:
        await until(pod_not_ready, "pod marked not ready")
    except AssertionError:
        print((await client.get(PODS, "web", "default"))["status"])
        raise
    await _advance(clock, 280, step=20)
    assert not (await client.get(PODS, "web", "default"))["metadata"].get("deletionTimestamp")
    await _advance(clock, 30, step=10)

    async def evicted() -> bool:
        return bool((await client.get(PODS, "web", "default"))["metadata"].get("deletionTimestamp"))

    await until(evicted, "pod evicted after 300 s")
    conds = (await client.get(PODS, "web", "default"))["status"]["conditions"]
    assert any(c["type"] == "DisruptionTarget" and c["reason"] == "DeletionByTaintManager" for c in conds)
    assert not (await client.get(PODS, "patient", "default"))["metadata"].get("deletionTimestamp")
    events = (await client.list(EVENTS, "default"))["items"]
    seen = {
        (e["source"]["component"], e["reason"], e["involvedObject"]["name"], e["message"]) for e in events
    }
    assert ("node-controller", "NodeNotReady", "n1", "Node n1 status is now: NodeNotReady") in seen
    assert ("node-controller", "NodeNotReady", "web", "Node is not ready") in seen
    assert (
        "taint-eviction-controller",
        "TaintManagerEviction",
        "web",
        "Marking for deletion Pod default/web",
    ) in seen

    host.pause("n1", False)  # the kubelet comes back: Ready, taints gone, the pod removed
    await _advance(clock, 10)
    await until(lambda: _is(client, "n1", "True"), "n1 Ready again")

    async def untainted() -> bool:
        return not (await client.get(NODES, "n1"))["spec"].get("taints")

    await until(untainted, "taints removed")

    async def gone() -> bool:
        try:
            await client.get(PODS, "web", "default")
            return False
        except ApiError as e:
            return e.code == 404

    await until(gone, "the evicted pod is removed by its kubelet")


async def _is(client: RESTClient, node: str, status: str) -> bool:
    return await _ready(client, node) == status


BOOK = nl.NodeLifecycleOptions(taint_based_eviction=False)


@pytest.mark.parametrize("cluster", [BOOK], indirect=True)
async def test_book_mode_evicts_every_pod_after_the_timeout(cluster) -> None:
    """The book's 1.0 node controller: tolerations do not matter, --pod-eviction-timeout does."""
    client, clock, host = cluster
    await until(lambda: _is(client, "n1", "True"), "n1 Ready")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "patient", "namespace": "default"},
        "spec": {
            "nodeName": "n1",
            "containers": [{"name": "c", "image": "nginx"}],
            "tolerations": [{"operator": "Exists"}],
        },
    }
    await client.create(PODS, pod)

    async def running() -> bool:
        return (await client.get(PODS, "patient", "default"))["status"]["phase"] == "Running"

    await until(running, "pod Running")
    host.pause("n1")
    await _advance(clock, 50)
    await until(lambda: _is(client, "n1", "Unknown"), "n1 Unknown")
    await _advance(clock, 280, step=20)
    assert not (await client.get(PODS, "patient", "default"))["metadata"].get("deletionTimestamp")
    await _advance(clock, 30, step=10)

    async def evicted() -> bool:
        return bool((await client.get(PODS, "patient", "default"))["metadata"].get("deletionTimestamp"))

    await until(evicted, "pod deleted after the eviction timeout")
    events = (await client.list(EVENTS, "default"))["items"]
    assert any(
        e["reason"] == "NodeControllerEviction"
        and e["message"] == "Marking for deletion Pod patient from Node n1"
        for e in events
    )
