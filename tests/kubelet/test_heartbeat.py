"""Heartbeats on their own timers: the pure scheduling parts, and the host's Leases renewed every
10 s whatever the pod queue holds, with a restart that renews at once and registers for free."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.clock import FakeClock
from kubepy.client.errors import ApiError
from kubepy.client.resources import EVENTS, LEASES, NODES, PODS
from kubepy.client.rest import RESTClient, user_agent
from kubepy.kubelet.heartbeat import Heartbeats, Timers, next_due
from kubepy.kubelet.host import KubeletHost, KubeletOptions
from kubepy.kubelet.lifecycle import Defaults
from kubepy.kubelet.nodestatus import NodeConfig, nth_node
from kubepy.kubelet.runtime.simulated import SimulatedRuntime
from tests.kubelet.conftest import eventually, pod, until


def _node(i: int) -> NodeConfig:
    name, cidr, ip = nth_node(i)
    return NodeConfig(name=name, pod_cidr=cidr, internal_ip=ip)


# ---- pure -----------------------------------------------------------------------------------------
def test_timers_keep_the_earliest_time_and_pop_in_order() -> None:
    t = Timers()
    assert t.schedule("a", 5.0) and t.schedule("b", 3.0)
    assert not t.schedule("a", 7.0)  # later than what it has: kept at 5
    assert t.schedule("a", 1.0)
    assert t.next_at() == 1.0 and len(t) == 2
    assert t.pop_due(0.5) == []
    assert t.pop_due(3.0) == ["a", "b"]
    assert t.next_at() is None and len(t) == 0
    t.schedule("c", 2.0)
    t.cancel("c")
    assert t.pop_due(10.0) == [] and t.at("c") is None


@pytest.mark.parametrize("u", [0.0, 0.5, 0.999])
def test_next_due_is_within_one_period_of_the_start(u: float) -> None:
    due = next_due(started=100.0, now=100.2, period=10.0, jitter=0.04, u=u)
    assert 109.6 <= due <= 110.0
    assert due == pytest.approx(110.0 - 0.4 * u)


def test_next_due_never_in_the_past() -> None:
    assert next_due(started=0.0, now=25.0, period=10.0, jitter=0.04, u=0.5) == 25.0


async def test_beats_run_every_period_and_concurrently() -> None:
    clock = FakeClock()
    hb = Heartbeats(clock, jitter=0.0)
    runs: dict[str, list[float]] = {"a": [], "b": []}
    gate = asyncio.Event()

    def beat(name: str) -> Callable[[], Awaitable[None]]:
        async def fn() -> None:
            runs[name].append(clock.now())
            await gate.wait()  # both in flight at once: neither waits for the other

        return fn

    hb.every("a", 10.0, beat("a"))
    hb.every("b", 10.0, beat("b"), delay=5.0)
    task = asyncio.ensure_future(hb.run())
    try:
        await eventually(lambda: runs["a"] == [0.0], "a at once")
        clock.advance(5)
        await eventually(lambda: runs["b"] == [5.0], "b after its delay, while a still runs")
        gate.set()
        await eventually(lambda: hb.beats == 2, "both done")
        for _ in range(6, 26):
            clock.advance(1)
            await asyncio.sleep(0.01)
        assert runs == {"a": [0.0, 10.0, 20.0], "b": [5.0, 15.0, 25.0]}
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_failed_beat_is_retried_soon() -> None:
    clock = FakeClock()
    hb = Heartbeats(clock, jitter=0.0)
    calls: list[float] = []

    async def flaky() -> None:
        calls.append(clock.now())
        if len(calls) == 1:
            raise RuntimeError("apiserver unavailable")

    hb.every("x", 10.0, flaky)
    task = asyncio.ensure_future(hb.run())
    try:
        await eventually(lambda: calls == [0.0], "first try")
        clock.advance(1)
        await eventually(lambda: calls == [0.0, 1.0], "retried after 1 s, not 10")
        assert hb.failures == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


# ---- the host -------------------------------------------------------------------------------------
class _Recorder:
    """ASGI middleware remembering (method, path) of every request."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            self.seen.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)  # type: ignore[operator]


def _client(app: object, clock: FakeClock) -> RESTClient:
    return RESTClient(
        "http://kubepy",
        transport=StreamingASGITransport(app),  # type: ignore[arg-type]
        user_agent=user_agent("kubelet"),
        clock=clock,
    )


class _StuckRuntime(SimulatedRuntime):
    """A runtime whose sandboxes never come up: every pod sync hangs."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.started = 0

    async def run_pod_sandbox(self, pod: dict) -> str:
        self.started += 1
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def _renew_time(client: RESTClient, name: str = "node-1") -> str:
    return (await client.get(LEASES, name, "kube-node-lease"))["spec"]["renewTime"]


async def test_lease_renewed_every_10s_while_pod_syncs_hang(client: RESTClient, clock: FakeClock) -> None:
    """One pod worker, stuck in a pod sync with more pods queued behind it: the Lease and the
    status check are not in that queue, so the Lease is renewed every 10 s all the same."""
    runtimes: list[_StuckRuntime] = []

    def factory(cfg: NodeConfig, clk: object, defaults: Defaults) -> _StuckRuntime:
        runtimes.append(_StuckRuntime(cfg.pod_cidr, clk, defaults))
        return runtimes[-1]

    opts = KubeletOptions(nodes=[_node(1)], workers=1)
    h = KubeletHost(client, opts, clock=clock, runtime_factory=factory)
    h.heartbeats.rand = lambda: 0.0  # no jitter: due exactly every 10 s
    task = asyncio.ensure_future(h.run())
    try:
        await until(lambda: _has_lease(client), "lease created")
        for i in range(5):
            await client.create(PODS, pod(f"p{i}"))
        await eventually(lambda: runtimes[0].started == 1, "the only worker is stuck in a pod sync")
        await eventually(lambda: len(h.queue) >= 1, "more pods wait behind it")
        seen = [await _renew_time(client)]
        for _ in range(3):
            clock.advance(10)
            await until(lambda: _renewed_since(client, seen[-1]), "lease renewed after 10 s")
            seen.append(await _renew_time(client))
        assert len(set(seen)) == 4 and runtimes[0].started == 1
    finally:
        h.stop()
        await task


async def _has_lease(client: RESTClient) -> bool:
    try:
        await client.get(LEASES, "node-1", "kube-node-lease")
        return True
    except ApiError:
        return False


async def _renewed_since(client: RESTClient, before: str) -> bool:
    return await _renew_time(client) != before


async def test_restart_registers_an_existing_node_without_create(server: APIServer, clock: FakeClock) -> None:
    """A second process for nodes that exist: no POST of the Node (so no 409 and no GET), the
    Leases read in one LIST and renewed at once, a Starting Event per node as the kubelet records."""
    nodes = [_node(i) for i in (1, 2, 3)]
    check = _client(server.app, clock)  # the test's own reads, not counted
    first = KubeletHost(check, KubeletOptions(nodes=nodes), clock=clock)
    task = asyncio.ensure_future(first.run())
    await until(lambda: _all_leases(check, 3), "3 leases")
    first.stop()
    await task
    before = {n.name: await _renew_time(check, n.name) for n in nodes}

    clock.advance(3)
    rec = _Recorder(server.app)
    client = _client(rec, clock)
    second = KubeletHost(client, KubeletOptions(nodes=nodes), clock=clock)
    task = asyncio.ensure_future(second.run())
    try:
        for n in nodes:
            await until(
                lambda n=n: _renewed_since(check, before[n.name]), f"{n.name} renewed without waiting"
            )
        await eventually(lambda: all(x.registered for x in second.nodes.values()), "registered")
        await eventually(lambda: second.node_status_writes == 3, "a fresh status per node")
        writes = [(m, p) for m, p in rec.seen if m != "GET"]
        assert not [p for m, p in writes if p.endswith("/nodes") or p.endswith("/leases")], writes
        lease_gets = [p for m, p in rec.seen if m == "GET" and "/leases" in p]
        assert lease_gets == ["/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"]
        assert sum(m == "PUT" and "/leases/" in p for m, p in writes) == 3
        events = (await check.list(EVENTS, "default", field_selector="reason=Starting"))["items"]
        per_node: dict[str, int] = {}
        for e in events:
            name = e["involvedObject"]["name"]
            per_node[name] = per_node.get(name, 0) + (e.get("count") or 1)
        assert per_node == {"node-1": 2, "node-2": 2, "node-3": 2}  # one per start of each kubelet
        for n in nodes:
            assert (await check.get(LEASES, n.name, "kube-node-lease"))["spec"]["holderIdentity"] == n.name
    finally:
        second.stop()
        await task
        await client.aclose()
        await check.aclose()


async def _all_leases(client: RESTClient, n: int) -> bool:
    return len((await client.list(LEASES, "kube-node-lease"))["items"]) == n


async def test_node_deleted_is_registered_again(client: RESTClient, clock: FakeClock) -> None:
    h = KubeletHost(client, KubeletOptions(nodes=[_node(1)]), clock=clock)
    task = asyncio.ensure_future(h.run())
    try:
        await until(lambda: _has_lease(client), "lease")
        await eventually(lambda: h.node_status_writes >= 1, "first status written")
        uid = (await client.get(NODES, "node-1"))["metadata"]["uid"]
        await client.delete(NODES, "node-1")
        for _ in range(3):  # a status check finds it gone and registers it again
            clock.advance(10)
            await asyncio.sleep(0.05)
        await until(lambda: _new_uid(client, uid), "node-1 registered again")
        assert h.nodes["node-1"].uid != uid and h.nodes["node-1"].registered
    finally:
        h.stop()
        await task


async def _new_uid(client: RESTClient, old: str) -> bool:
    try:
        return (await client.get(NODES, "node-1"))["metadata"]["uid"] != old
    except ApiError:
        return False
