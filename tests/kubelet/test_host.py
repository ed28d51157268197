"""A simulated kubelet against the real in-process apiserver, time moved by hand."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator

import pytest

from kubepy.client.clock import FakeClock
from kubepy.client.errors import ApiError
from kubepy.client.resources import EVENTS, LEASES, NODES, PODS
from kubepy.client.rest import RESTClient
from kubepy.kubelet.host import KubeletHost, KubeletOptions
from kubepy.kubelet.lifecycle import Defaults
from kubepy.kubelet.nodestatus import NodeConfig, nth_node
from kubepy.kubelet.podstatus import stage_of
from tests.kubelet.conftest import eventually, pod, until


def _node(i: int) -> NodeConfig:
    name, cidr, ip = nth_node(i)
    return NodeConfig(name=name, pod_cidr=cidr, internal_ip=ip)


@pytest.fixture
async def host(client: RESTClient, clock: FakeClock) -> AsyncIterator[KubeletHost]:
    h = KubeletHost(
        client, KubeletOptions(nodes=[_node(1)], defaults=Defaults(startup_seconds=2)), clock=clock
    )
    task = asyncio.ensure_future(h.run())
    await until(lambda: _exists(client, NODES, "node-1"), "node registered")
    yield h
    h.stop()
    await task


async def _exists(client: RESTClient, ref, name: str, ns: str = "") -> bool:
    try:
        await client.get(ref, name, ns)
        return True
    except ApiError:
        return False


async def test_node_registers_and_heartbeats(host: KubeletHost, client: RESTClient, clock: FakeClock) -> None:
    node = await client.get(NODES, "node-1")
    assert node["metadata"]["labels"]["kubernetes.io/hostname"] == "node-1"
    assert node["metadata"]["labels"]["kubernetes.io/os"] == "linux"
    assert node["spec"]["podCIDR"] == "10.244.1.0/24"
    st = node["status"]
    assert st["capacity"]["pods"] == "110" and st["allocatable"]["cpu"] == "4"
    assert {"type": "InternalIP", "address": "172.18.0.3"} in st["addresses"]
    assert st["daemonEndpoints"]["kubeletEndpoint"]["Port"] == 10250
    assert st["nodeInfo"]["containerRuntimeVersion"].startswith("simulated://")
    await until(lambda: _exists(client, LEASES, "node-1", "kube-node-lease"), "lease created")
    lease = await client.get(LEASES, "node-1", "kube-node-lease")
    assert lease["spec"]["holderIdentity"] == "node-1"
    assert lease["spec"]["leaseDurationSeconds"] == 40
    assert lease["metadata"]["ownerReferences"][0]["kind"] == "Node"
    first = lease["spec"]["renewTime"]
    clock.advance(10)

    async def renewed() -> bool:
        return (await client.get(LEASES, "node-1", "kube-node-lease"))["spec"]["renewTime"] != first

    await until(renewed, "lease renewed after 10 s")
    ready = next(
        c for c in (await client.get(NODES, "node-1"))["status"]["conditions"] if c["type"] == "Ready"
    )
    assert ready["status"] == "True" and ready["reason"] == "KubeletReady"
    wanted = {"Starting", "NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeReady"}
    events: list[dict] = []

    async def recorded() -> bool:  # Events are written by the recorder's own task, not in step
        events[:] = (await client.list(EVENTS, "default", field_selector="involvedObject.kind=Node"))["items"]
        return wanted <= {e["reason"] for e in events if e["involvedObject"]["name"] == "node-1"}

    await until(recorded, f"events {sorted(wanted)} recorded")
    ready_ev = next(e for e in events if e["reason"] == "NodeReady")
    assert ready_ev["message"] == "Node node-1 status is now: NodeReady"


async def _pod(client: RESTClient, name: str) -> dict:
    return await client.get(PODS, name, "default")


async def test_pod_goes_creating_then_running(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    await client.create(PODS, pod("web"))
    await until(lambda: _stage(client, "web", "ContainerCreating"), "ContainerCreating")
    p = await _pod(client, "web")
    assert p["status"]["phase"] == "Pending"
    assert p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ContainerCreating"
    await _running(client, clock, "web")
    p = await _pod(client, "web")
    st = p["status"]
    assert st["phase"] == "Running"
    assert ipaddress.ip_address(st["podIP"]) in ipaddress.ip_network("10.244.1.0/24")
    assert st["podIPs"] == [{"ip": st["podIP"]}] and st["hostIP"] == "172.18.0.3"
    cs = st["containerStatuses"][0]
    assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0
    assert cs["containerID"].startswith("simulated://") and "running" in cs["state"]
    conds = {c["type"]: c["status"] for c in st["conditions"]}
    assert conds["Ready"] == "True" and conds["ContainersReady"] == "True" and conds["Initialized"] == "True"
    events = (await client.list(EVENTS, "default", field_selector="involvedObject.name=web"))["items"]
    assert [e["reason"] for e in sorted(events, key=lambda e: e["metadata"]["name"])] == [
        "Pulled",
        "Created",
        "Started",
    ]
    assert {(e["source"]["component"], e["source"]["host"]) for e in events} == {("kubelet", "node-1")}
    assert events[0]["message"] == 'Container image "nginx" already present on machine'


async def test_each_stage_is_written_once(host: KubeletHost, client: RESTClient, clock: FakeClock) -> None:
    """ContainerCreating, then Running: two status writes. The watch echo of each write brings
    no further write, not even for the binding's PodScheduled (lastProbeTime: null, pruned by the
    merge patch)."""
    body = pod("once")
    del body["spec"]["nodeName"]
    await client.create(PODS, body)
    binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "once"}}
    binding["target"] = {"apiVersion": "v1", "kind": "Node", "name": "node-1"}
    await client.request("POST", "/api/v1/namespaces/default/pods/once/binding", body=binding)
    await _running(client, clock, "once")
    for _ in range(20):  # let the echo of the Running write come back and be handled
        await asyncio.sleep(0.01)
    assert host.status.writes == 2
    current = await _pod(client, "once")
    assert host.status.is_echo(current)


async def _running(client: RESTClient, clock: FakeClock, name: str) -> None:
    """Wait for the kubelet to create the pod's containers, then let their 2 s startup pass."""
    await until(lambda: _stage(client, name, "ContainerCreating"), f"{name} ContainerCreating")
    clock.advance(2)
    await until(lambda: _stage(client, name, "Running"), f"{name} Running")


async def _stage(client: RESTClient, name: str, stage: str) -> bool:
    try:
        return stage_of(await _pod(client, name)) == stage
    except ApiError:
        return False


async def test_run_to_completion_pod_succeeds(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    ann = {"kubepy.io/simulate-run-seconds": "5"}
    await client.create(PODS, pod("job", annotations=ann, restartPolicy="Never"))
    await _running(client, clock, "job")
    clock.advance(5)
    await until(lambda: _stage(client, "job", "Succeeded"), "Succeeded")
    st = (await _pod(client, "job"))["status"]
    term = st["containerStatuses"][0]["state"]["terminated"]
    assert term["exitCode"] == 0 and term["reason"] == "Completed"
    assert st["containerStatuses"][0]["ready"] is False
    ready = next(c for c in st["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False" and ready["reason"] == "PodCompleted"


async def test_failed_pod_with_never(host: KubeletHost, client: RESTClient, clock: FakeClock) -> None:
    ann = {"kubepy.io/simulate-run-seconds": "1", "kubepy.io/simulate-exit-code": "3"}
    await client.create(PODS, pod("bad", annotations=ann, restartPolicy="Never"))
    await _running(client, clock, "bad")
    clock.advance(1)
    await until(lambda: _stage(client, "bad", "Failed"), "Failed")
    term = (await _pod(client, "bad"))["status"]["containerStatuses"][0]["state"]["terminated"]
    assert term["exitCode"] == 3 and term["reason"] == "Error"


async def test_onfailure_restarts_until_success_is_not_needed(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    """OnFailure: an exit 0 is final (Succeeded), no restart."""
    ann = {"kubepy.io/simulate-run-seconds": "1"}
    await client.create(PODS, pod("once", annotations=ann, restartPolicy="OnFailure"))
    await _running(client, clock, "once")
    clock.advance(1)
    await until(lambda: _stage(client, "once", "Succeeded"), "Succeeded")
    assert (await _pod(client, "once"))["status"]["containerStatuses"][0]["restartCount"] == 0


async def test_graceful_delete_then_removed_by_kubelet(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    ann = {"kubepy.io/simulate-stop-seconds": "4"}
    await client.create(PODS, pod("web", annotations=ann))
    await _running(client, clock, "web")
    await client.delete(PODS, "web", "default")
    p = await _pod(client, "web")
    assert p["metadata"]["deletionTimestamp"] and p["metadata"]["deletionGracePeriodSeconds"] == 30
    await asyncio.sleep(0.1)  # the kubelet sees the delete and sends SIGTERM; the container takes 4 s
    assert await _exists(client, PODS, "web", "default")
    clock.advance(4)
    await until(lambda: _gone(client, "web"), "pod removed by the kubelet")
    events = (await client.list(EVENTS, "default", field_selector="involvedObject.name=web"))["items"]
    assert any(e["reason"] == "Killing" and e["message"] == "Stopping container c" for e in events)
    assert not host.nodes["node-1"].workers.pods  # the sandbox is gone too


async def _gone(client: RESTClient, name: str) -> bool:
    return not await _exists(client, PODS, name, "default")


async def test_grace_period_cut_by_sigkill(host: KubeletHost, client: RESTClient, clock: FakeClock) -> None:
    ann = {"kubepy.io/simulate-stop-seconds": "100"}
    await client.create(PODS, pod("slow", annotations=ann, terminationGracePeriodSeconds=5))
    await _running(client, clock, "slow")
    await client.delete(PODS, "slow", "default")
    await asyncio.sleep(0.1)
    clock.advance(5)
    await until(lambda: _gone(client, "slow"), "pod removed after its 5 s grace")


async def test_crash_loop_backoff(host: KubeletHost, client: RESTClient, clock: FakeClock) -> None:
    ann = {"kubepy.io/simulate-crash-loop": "1s"}
    await client.create(PODS, pod("crash", annotations=ann))
    await _running(client, clock, "crash")
    clock.advance(1)  # exits 1; the first restart is immediate

    async def restarts(n: int) -> bool:
        cs = (await _pod(client, "crash"))["status"]["containerStatuses"][0]
        return cs["restartCount"] == n

    await until(lambda: restarts(1), "first restart")
    clock.advance(1)  # restarted at once (image present), runs 1 s, exits: now it waits 10 s
    await until(lambda: _stage(client, "crash", "CrashLoopBackOff"), "CrashLoopBackOff")
    cs = (await _pod(client, "crash"))["status"]["containerStatuses"][0]
    assert cs["state"]["waiting"]["message"].startswith(
        "back-off 10s restarting failed container=c pod=crash_default("
    )
    assert cs["lastState"]["terminated"]["exitCode"] == 1 and cs["restartCount"] == 1
    assert (await _pod(client, "crash"))["status"]["phase"] == "Running"
    events = (await client.list(EVENTS, "default", field_selector="involvedObject.name=crash"))["items"]
    backoff = [e for e in events if e["reason"] == "BackOff"]
    assert backoff and backoff[0]["type"] == "Warning"
    assert backoff[0]["message"].startswith("Back-off restarting failed container c in pod crash_default(")
    clock.advance(10)
    await until(lambda: restarts(2), "second restart after 10 s")


async def test_not_ready_injection(host: KubeletHost, client: RESTClient, clock: FakeClock) -> None:
    await client.create(PODS, pod("nr", annotations={"kubepy.io/simulate-not-ready": "true"}))
    await until(lambda: _stage(client, "nr", "ContainerCreating"), "ContainerCreating")
    clock.advance(2)
    await until(lambda: _stage(client, "nr", "NotReady"), "NotReady")
    st = (await _pod(client, "nr"))["status"]
    ready = next(c for c in st["conditions"] if c["type"] == "Ready")
    assert st["phase"] == "Running" and ready["reason"] == "ContainersNotReady"
    assert ready["message"] == "containers with unready status: [c]"


async def test_pods_of_other_nodes_are_ignored(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    await client.create(PODS, pod("elsewhere", node="node-9"))
    await client.create(PODS, pod("here"))
    await _running(client, clock, "here")
    assert (await _pod(client, "elsewhere"))["status"]["phase"] == "Pending"
    assert "containerStatuses" not in (await _pod(client, "elsewhere"))["status"]


async def test_heartbeat_annotation_stops_lease_renewal(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    await until(lambda: _exists(client, LEASES, "node-1", "kube-node-lease"), "lease")
    await client.patch(
        NODES,
        "node-1",
        {"metadata": {"annotations": {"kubepy.io/simulate-heartbeat": "stopped"}}},
        patch_type="merge",
    )
    await eventually(lambda: host._heartbeat_stopped(host.nodes["node-1"]), "annotation seen")
    before = (await client.get(LEASES, "node-1", "kube-node-lease"))["spec"]["renewTime"]
    for _ in range(3):
        clock.advance(10)
        await asyncio.sleep(0.05)
    assert (await client.get(LEASES, "node-1", "kube-node-lease"))["spec"]["renewTime"] == before


async def test_many_nodes_share_one_host(client: RESTClient, clock: FakeClock) -> None:
    nodes = [_node(i) for i in range(1, 21)]
    h = KubeletHost(client, KubeletOptions(nodes=nodes), clock=clock)
    task = asyncio.ensure_future(h.run())
    try:

        async def all_registered() -> bool:
            return len((await client.list(NODES))["items"]) == 20

        await until(all_registered, "20 nodes")
        for i in (1, 7, 20):
            await client.create(PODS, pod(f"p{i}", node=f"node-{i}"))
        for i in (1, 7, 20):
            await until(lambda i=i: _stage(client, f"p{i}", "Running"), f"p{i} Running")
            ip = (await _pod(client, f"p{i}"))["status"]["podIP"]
            assert ipaddress.ip_address(ip) in ipaddress.ip_network(f"10.244.{i}.0/24")
        assert len(h._tasks) == h.options.workers  # no task per node
        await eventually(lambda: h.node_status_writes == 20, "a first status per node")
        for _ in range(3):  # unchanged statuses are not rewritten within the 5 min report interval
            clock.advance(10)
            await asyncio.sleep(0.05)
        assert h.node_status_writes == 20
        clock.advance(300)
        await eventually(lambda: h.node_status_writes == 40, "every status reported again after 5 min")
    finally:
        h.stop()
        await task


async def test_pod_bound_through_binding(host: KubeletHost, client: RESTClient, clock: FakeClock) -> None:
    body = pod("bound")
    del body["spec"]["nodeName"]
    await client.create(PODS, body)
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "bound", "namespace": "default"},
        "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"},
    }
    await client.request("POST", "/api/v1/namespaces/default/pods/bound/binding", body=binding)
    await _running(client, clock, "bound")
    conds = {c["type"]: c["status"] for c in (await _pod(client, "bound"))["status"]["conditions"]}
    assert conds["PodScheduled"] == "True"  # the binding's condition is kept


async def test_component_runs_and_stops(server, clock: FakeClock) -> None:
    from kubepy.client.asgi import StreamingASGITransport
    from kubepy.client.rest import user_agent
    from kubepy.kubelet.component import component, options, single_node

    made: list[RESTClient] = []

    def factory(name: str) -> RESTClient:
        c = RESTClient(
            "http://kubepy", transport=StreamingASGITransport(server.app), user_agent=user_agent(name)
        )
        made.append(c)
        return c

    comp = component(factory, options([single_node("solo", pod_cidr="10.244.9.0/24")]))
    assert comp.name == "kubelet"
    task = asyncio.ensure_future(comp.run())
    await eventually(lambda: bool(made), "client made")
    await until(lambda: _exists(made[0], NODES, "solo"), "solo registered")
    comp.stop()
    await asyncio.wait_for(task, 5)
    assert task.done() and task.exception() is None
    with pytest.raises(ValueError):
        component(factory, options([single_node("x")]), runtime="docker")


async def test_restarted_kubelet_adopts_its_pods(client: RESTClient, clock: FakeClock) -> None:
    """A new process for the same simulated node (kubepy up restarted) carries on: same IP,
    container ids and start times, no status rewritten; a crash-looping pod keeps counting
    (its backoff, in memory as in the kubelet, starts over)."""
    opts = KubeletOptions(nodes=[_node(1)], defaults=Defaults(startup_seconds=2))
    first = KubeletHost(client, opts, clock=clock)
    task = asyncio.ensure_future(first.run())
    await until(lambda: _exists(client, NODES, "node-1"), "registered")
    await client.create(PODS, pod("web"))
    await client.create(PODS, pod("crash", annotations={"kubepy.io/simulate-crash-loop": "1s"}))
    await until(lambda: _stage(client, "web", "ContainerCreating"), "web creating")
    await until(lambda: _stage(client, "crash", "ContainerCreating"), "crash creating")
    clock.advance(2)
    await until(lambda: _stage(client, "web", "Running"), "web Running")
    clock.advance(1)
    await until(lambda: _restarts(client, "crash", 1), "crash restarted once")
    first.stop()
    await task
    before = {n: (await _pod(client, n))["status"] for n in ("web", "crash")}

    second = KubeletHost(client, opts, clock=clock)
    task = asyncio.ensure_future(second.run())
    try:
        await eventually(lambda: len(second.nodes["node-1"].workers.pods) == 2, "pods adopted")
        await asyncio.sleep(0.1)
        assert second.status.writes == 0
        assert {n: (await _pod(client, n))["status"] for n in ("web", "crash")} == before
        clock.advance(1)  # the adopted crash-looping container exits again: the count goes on
        await until(lambda: _restarts(client, "crash", 2), "crash restarted a second time")
        rt = second.nodes["node-1"].workers.runtime
        assert {s.ip for s in await rt.list_pod_sandboxes()} == {
            before["web"]["podIP"],
            before["crash"]["podIP"],
        }
    finally:
        second.stop()
        await task


async def _restarts(client: RESTClient, name: str, n: int) -> bool:
    cs = (await _pod(client, name))["status"].get("containerStatuses") or [{}]
    return cs[0].get("restartCount") == n and "running" in cs[0].get("state", {})


async def test_pod_that_does_not_fit_is_rejected(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    big = pod("big")
    big["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "8"}}
    await client.create(PODS, big)
    await client.create(PODS, pod("picky", nodeSelector={"disktype": "ssd"}))
    await until(lambda: _stage(client, "big", "Failed"), "big refused")
    await until(lambda: _stage(client, "picky", "Failed"), "picky refused")
    st = (await _pod(client, "big"))["status"]
    assert st["reason"] == "OutOfcpu"
    assert st["message"] == (
        "Pod was rejected: Node didn't have enough resource: cpu, requested: 8000, used: 0, capacity: 4000"
    )
    assert (await _pod(client, "picky"))["status"]["reason"] == "NodeAffinity"
    # labelling the node (kubectl label node node-1 disktype=ssd) lets the next such pod in
    await client.patch(NODES, "node-1", {"metadata": {"labels": {"disktype": "ssd"}}}, patch_type="merge")
    await eventually(
        lambda: (host.node_informer.store.get("node-1") or {})["metadata"]["labels"].get("disktype") == "ssd",
        "label seen",
    )
    await client.create(PODS, pod("picky2", nodeSelector={"disktype": "ssd"}))
    await _running(client, clock, "picky2")


async def test_finished_and_deleted_pods_free_their_requests(
    host: KubeletHost, client: RESTClient, clock: FakeClock
) -> None:
    """Admission counts only the active pods: one that completed, or was deleted, holds nothing."""

    def wants(name: str, cpu: str, **kw) -> dict:
        p = pod(name, **kw)
        p["spec"]["containers"][0]["resources"] = {"requests": {"cpu": cpu}}
        return p

    ann = {"kubepy.io/simulate-run-seconds": "5"}
    await client.create(PODS, wants("job", "3", annotations=ann, restartPolicy="Never"))
    await _running(client, clock, "job")
    await client.create(PODS, wants("early", "2"))
    await until(lambda: _stage(client, "early", "Failed"), "early refused: job holds 3 of 4 cpus")
    assert (await _pod(client, "early"))["status"]["message"].endswith(
        "requested: 2000, used: 3000, capacity: 4000"
    )
    clock.advance(5)
    await until(lambda: _stage(client, "job", "Succeeded"), "job Succeeded")
    await client.create(PODS, wants("after", "3"))
    await _running(client, clock, "after")
    await client.delete(PODS, "after", "default", grace_period_seconds=0)
    await eventually(lambda: "default/after" not in host.nodes["node-1"].workers.pods, "after forgotten")
    await client.create(PODS, wants("last", "4"))
    await _running(client, clock, "last")


async def test_register_node_false_uses_the_node_an_admin_created(
    client: RESTClient, clock: FakeClock
) -> None:
    """--register-node=false (the book's §4.1.5): the admin creates the Node; the kubelet only
    heartbeats it and runs its pods."""
    manual = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "192.168.1.129", "labels": {"zone": "a"}},
    }
    await client.create(NODES, manual)
    cfg = NodeConfig("192.168.1.129", "10.244.5.0/24", "192.168.1.129")
    h = KubeletHost(client, KubeletOptions(nodes=[cfg], register_node=False), clock=clock)
    task = asyncio.ensure_future(h.run())
    try:
        await until(lambda: _is_ready(client, "192.168.1.129"), "status posted")
        node = await client.get(NODES, "192.168.1.129")
        assert node["metadata"]["labels"] == {"zone": "a"}  # the admin's node, not re-registered
        assert node["status"]["addresses"][0] == {"type": "InternalIP", "address": "192.168.1.129"}
        await client.create(PODS, pod("p", node="192.168.1.129"))
        await until(lambda: _stage(client, "p", "Running"), "Running")
    finally:
        h.stop()
        await task


async def _is_ready(client: RESTClient, name: str) -> bool:
    conds = (await client.get(NODES, name)).get("status", {}).get("conditions", [])
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conds)


def test_room_for_backlog_keys() -> None:
    from kubepy.kubelet.host import BACKLOG_PER_WORKER, room

    assert room(0, 8) == 8 * BACKLOG_PER_WORKER
    assert room(3, 1) == 0
    assert room(1, 0) == BACKLOG_PER_WORKER - 1  # no workers configured still means one


async def test_pods_of_the_first_list_do_not_hold_up_new_ones(client: RESTClient, clock: FakeClock) -> None:
    """A restarted host finds every pod it runs in its first list: they wait in a backlog that
    tops the work queue up as workers finish, so a pod arriving after the sync is synced next,
    not after all of them (the kubelet gives every pod its own worker)."""
    from kubepy.kubelet.host import BACKLOG_PER_WORKER

    h = KubeletHost(client, KubeletOptions(nodes=[_node(1)], workers=1), clock=clock)
    for i in range(10):
        h._pod_added(pod(f"old-{i}"))  # the informer has not synced yet: its first list
    h._pod_added(pod("elsewhere", node="node-9"))  # not one of this host's nodes
    assert len(h.queue) == 0
    h._feed()
    assert len(h.queue) == BACKLOG_PER_WORKER
    h.pods._synced.set()
    h._pod_added(pod("new"))
    order = []
    while (key := h.queue.get_nowait()) is not None:  # as the worker does: done, then top up
        order.append(key[2])
        h.queue.done(key)
        h._feed()
    assert order.index("default/new") == BACKLOG_PER_WORKER
    assert sorted(order) == sorted([f"default/old-{i}" for i in range(10)] + ["default/new"])


async def test_a_worker_lets_the_loop_in_between_keys(client: RESTClient, clock: FakeClock) -> None:
    """Re-adopting a running pod waits for nothing, so without a turn given back after each key
    one worker would sync the whole backlog in one go while the rest of the process (other
    components' lists, a new pod's scheduling) waits. Keys of pods gone from the API cost no
    request either: another task gets to run between every two of them."""
    h = KubeletHost(client, KubeletOptions(nodes=[_node(1)], workers=1), clock=clock)
    for i in range(20):
        h.queue.add(("pod", "node-1", f"default/gone-{i}"))
    seen: list[int] = []

    async def other() -> None:
        while h.queue:
            seen.append(len(h.queue))
            await asyncio.sleep(0)

    worker = asyncio.ensure_future(h._worker(0))
    await other()
    h.queue.shutdown()
    await worker
    assert len(h.queue) == 0
    assert len(seen) >= 10 and seen == sorted(seen, reverse=True)


async def test_registration_does_not_wait_for_its_event(client: RESTClient, clock: FakeClock) -> None:
    """The "Starting" event goes out in the background, as the kubelet's recorder sends it: a
    registration (5,000 of them queued ahead of every pod at a restart) never waits on a write."""
    h = KubeletHost(client, KubeletOptions(nodes=[_node(1)], workers=1), clock=clock)
    h.node_informer.start()
    try:
        node = h.nodes["node-1"]
        await h._register(node)
        assert node.registered
        recorder = node.workers.recorder
        assert recorder is not None and recorder._drainer is not None  # queued, not written yet
        await recorder.flush()
        events = (await client.list(EVENTS, "default", field_selector="involvedObject.name=node-1"))["items"]
        assert [e["reason"] for e in events if e["reason"] == "Starting"] == ["Starting"]
    finally:
        await h.node_informer.stop()
