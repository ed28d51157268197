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


# ---- per-heartbeat work: what a renewal or a status report costs ----------------------------
@pytest.mark.parametrize(
    ("old", "new", "affected"),
    [
        (_node(), _node(heartbeat="t2"), False),  # a status report
        (_node(), _node(ready="Unknown"), True),  # Ready changed: the book's eviction timer
        (_node(), _node(taints=[{"key": "k", "effect": "NoSchedule"}]), False),  # not NoExecute
        (_node(), _node(taints=[{"key": "k", "effect": "NoExecute"}]), True),
        (
            _node(taints=[{"key": "k", "effect": "NoExecute"}]),
            _node(heartbeat="t2", taints=[{"key": "k", "effect": "NoExecute"}]),
            False,
        ),
    ],
)
def test_pods_affected(old, new, affected) -> None:
    assert nl.pods_affected(old, new) is affected


def _tm_pod(node: str = "n1", tolerations: list | None = None, phase: str = "Running", **meta) -> dict:
    spec: dict = {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}]}
    if tolerations is not None:
        spec["tolerations"] = tolerations
    status = {"phase": phase, "conditions": [{"type": "Ready", "status": "True"}]}
    return {"metadata": {"name": "p", "namespace": "default", **meta}, "spec": spec, "status": status}


_TOL = [{"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]


@pytest.mark.parametrize(
    ("old", "new", "affected"),
    [
        (_tm_pod(), _tm_pod(), False),  # a resync
        (_tm_pod(phase="Pending"), _tm_pod(), False),  # a status report
        (_tm_pod(), {**_tm_pod(), "status": {"phase": "Running", "podIP": "10.0.0.1"}}, False),
        (_tm_pod(), _tm_pod(labels={"a": "b"}), False),  # metadata other than deletion
        (_tm_pod(node=""), _tm_pod(), True),  # bound: PodUpdated's nodeName
        (_tm_pod(), _tm_pod(tolerations=_TOL), True),  # PodUpdated's tolerations
        (_tm_pod(tolerations=_TOL), _tm_pod(tolerations=[{**_TOL[0], "tolerationSeconds": 60}]), True),
        (_tm_pod(tolerations=_TOL), _tm_pod(tolerations=[dict(_TOL[0])]), False),  # equal, new copy
        (_tm_pod(), _tm_pod(deletionTimestamp="2024-01-01T00:00:00Z"), True),  # sync_pod drops it
        (_tm_pod(), _tm_pod(phase="Succeeded"), True),  # terminal: no longer evicted
        (_tm_pod(phase="Succeeded"), _tm_pod(phase="Failed"), False),
    ],
)
def test_pod_affected(old, new, affected) -> None:
    """The taint manager's filter on pod updates (PodUpdated), plus what sync_pod reads."""
    assert nl.pod_affected(old, new) is affected


@pytest.fixture
def offline() -> tuple[nl.NodeLifecycleController, FakeClock]:
    """The controller with hand-filled informer stores (nothing started, no apiserver)."""
    clock = FakeClock()
    informers = SharedInformers(RESTClient("http://unused"), clock)
    ctrl = nl.NodeLifecycleController(RESTClient("http://unused"), informers, clock)
    ctrl.nodes.store.add(_node())
    pod = {"metadata": {"name": "p", "namespace": "default"}, "spec": {"nodeName": "n1"}}
    ctrl.pods.store.add(pod)
    return ctrl, clock


def _lease_obj(renew: str) -> dict:
    return {"metadata": {"name": "n1", "namespace": nl.NODE_LEASE_NAMESPACE}, "spec": {"renewTime": renew}}


def test_a_renewal_of_a_known_node_moves_its_probe_time_without_a_sync(offline) -> None:
    ctrl, clock = offline
    ctrl._lease_changed(_lease_obj("r1"))  # first sight: a full sync
    assert len(ctrl.queue) == 1
    ctrl.health["n1"] = nl.NodeHealth(0.0, "t1", "r1")
    ctrl.not_ready_since.clear()
    before = len(ctrl.queue)
    clock.advance(10)
    ctrl._lease_changed(_lease_obj("r2"))
    assert len(ctrl.queue) == before  # nothing queued
    assert ctrl.health["n1"] == nl.NodeHealth(10.0, "t1", "r2")


def test_a_renewal_after_the_grace_period_goes_to_a_worker(offline) -> None:
    ctrl, clock = offline
    ctrl.health["n1"] = nl.NodeHealth(0.0, "t1", "r1")
    clock.advance(41)
    ctrl._lease_changed(_lease_obj("r2"))
    assert len(ctrl.queue) == 1
    assert ctrl.health["n1"].probe_timestamp == 0.0  # sync_node observes it, with the deadline


def test_a_status_report_queues_the_node_not_its_pods(offline) -> None:
    ctrl, _ = offline
    ctrl._node_updated(_node(), _node(heartbeat="t2"))
    assert len(ctrl.queue) == 1  # ("node", "n1") only
    ctrl._node_updated(_node(), _node(taints=[{"key": "k", "effect": "NoExecute"}]))
    assert len(ctrl.queue) == 2  # and ("pod", "default/p")


def test_the_monitor_syncs_only_nodes_with_something_to_do(offline) -> None:
    ctrl, clock = offline
    assert ctrl._needs_sync("n1")  # never seen
    ctrl.health["n1"] = nl.NodeHealth(0.0, "t1", "")
    clock.advance(20)
    assert not ctrl._needs_sync("n1")  # healthy, Ready, untainted
    ctrl.leases.store.add(_lease_obj("r9"))
    assert not ctrl._needs_sync("n1")
    assert ctrl.health["n1"].probe_timestamp == 20.0  # the renewal was noticed in place
    clock.advance(41)
    assert ctrl._needs_sync("n1")  # silent past the grace period
    ctrl.health["n1"] = nl.NodeHealth(clock.now(), "t1", "r9")
    ctrl.nodes.store.add(_node(ready="False"))
    assert ctrl._needs_sync("n1")  # not Ready but no timer, no taint yet


# ---- the zone tainter: NoExecute taints at --node-eviction-rate per zone ---------------------
@pytest.mark.parametrize(
    ("not_ready", "total", "state"),
    [
        (0, 10, nl.NORMAL_ZONE),
        (2, 3, nl.NORMAL_ZONE),  # not more than 2
        (3, 5, nl.PARTIAL_DISRUPTION),
        (3, 6, nl.NORMAL_ZONE),  # below 55 %
        (4, 4, nl.FULL_DISRUPTION),
        (1, 1, nl.FULL_DISRUPTION),
    ],
)
def test_zone_state(not_ready, total, state) -> None:
    assert nl.zone_state(not_ready, total, 0.55) == state


def test_zone_tainting_rate() -> None:
    o = nl.NodeLifecycleOptions()
    assert nl.zone_tainting_rate(nl.NORMAL_ZONE, 10, o) == 0.1
    assert nl.zone_tainting_rate(nl.FULL_DISRUPTION, 10, o) == 0.1
    assert nl.zone_tainting_rate(nl.PARTIAL_DISRUPTION, 51, o) == 0.01
    assert nl.zone_tainting_rate(nl.PARTIAL_DISRUPTION, 50, o) == 0.0


def test_zone_key() -> None:
    zoned = {"metadata": {"labels": {"topology.kubernetes.io/zone": "a"}}}
    assert nl.zone_key(zoned) == ":\x00:a"
    assert nl.zone_key(_node()) == ""


def _named(name: str, ready: str = "True", taints: list | None = None) -> dict:
    node = _node(ready=ready, **({"taints": taints} if taints else {}))
    node["metadata"] = {**node["metadata"], "name": name}
    return node


UNREACHABLE = [(nl.TAINT_UNREACHABLE, "NoSchedule"), (nl.TAINT_UNREACHABLE, "NoExecute")]


def test_noexecute_taints_are_added_at_the_zone_rate(offline) -> None:
    ctrl, clock = offline
    for i in range(10):
        ctrl.nodes.store.add(_named(f"n{i}", "Unknown" if i < 2 else "True"))
    first, held = ctrl._gate_no_execute(_named("n0", "Unknown"), [], UNREACHABLE, clock.now())
    assert first == UNREACHABLE and held is None  # a token: at once
    second, held = ctrl._gate_no_execute(_named("n1", "Unknown"), [], UNREACHABLE, clock.now())
    assert second == [(nl.TAINT_UNREACHABLE, "NoSchedule")]  # NoSchedule is never held back
    assert held == 5.0  # looked at again (10 s to the next token at 0.1/s, capped by the monitor)
    clock.advance(10)
    again, held = ctrl._gate_no_execute(_named("n1", "Unknown"), [], UNREACHABLE, clock.now())
    assert again == UNREACHABLE and held is None


def test_a_held_back_swap_keeps_the_noexecute_taint_the_node_has(offline) -> None:
    ctrl, clock = offline
    for i in range(10):
        ctrl.nodes.store.add(_named(f"n{i}", "Unknown" if i < 2 else "True"))
    ctrl._gate_no_execute(_named("n0", "Unknown"), [], UNREACHABLE, clock.now())  # takes the token
    had = [{"key": nl.TAINT_NOT_READY, "effect": "NoExecute"}]
    desired, held = ctrl._gate_no_execute(_named("n1", "Unknown", had), had, UNREACHABLE, clock.now())
    assert set(desired) == {(nl.TAINT_UNREACHABLE, "NoSchedule"), (nl.TAINT_NOT_READY, "NoExecute")}
    assert held is not None


def test_no_noexecute_taints_while_every_zone_is_fully_disrupted(offline) -> None:
    ctrl, clock = offline
    for i in range(3):
        ctrl.nodes.store.add(_named(f"n{i}", "Unknown"))
    had = [{"key": nl.TAINT_UNREACHABLE, "effect": "NoExecute"}]
    desired, held = ctrl._gate_no_execute(_named("n0", "Unknown", had), had, UNREACHABLE, clock.now())
    assert desired == [(nl.TAINT_UNREACHABLE, "NoSchedule")] and held is None
    # ... so reconciling removes the NoExecute taint the node had
    assert nl.reconcile_taints(had, desired, NOW) == [{"key": nl.TAINT_UNREACHABLE, "effect": "NoSchedule"}]
