"""Table tests of the kubelet's pure pieces: PLEG diff, phase, merge patch, backoff, scripts, IPs."""

from __future__ import annotations

import ipaddress

import pytest

from kubepy.client.clock import FakeClock
from kubepy.kubelet.backoff import Backoff
from kubepy.kubelet.lifecycle import ContainerScript, Defaults, script_for
from kubepy.kubelet.nodestatus import (
    NodeConfig,
    condition_events,
    conditions,
    node_object,
    nth_node,
    strip_heartbeats,
)
from kubepy.kubelet.pleg import EventType, PodLifecycleEvent, generate_events
from kubepy.kubelet.podstatus import pod_conditions, pod_phase
from kubepy.kubelet.podworker import differs_semantically
from kubepy.kubelet.runtime.interface import ContainerState, RuntimeError_
from kubepy.kubelet.runtime.simulated import IPAllocator, SimulatedRuntime, _dotted_quad
from kubepy.kubelet.statusmanager import StatusManager, merge_diff

R, X, C = ContainerState.RUNNING, ContainerState.EXITED, ContainerState.CREATED


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({}, {"a": ("u", R)}, [("u", EventType.CONTAINER_STARTED, "a")]),
        ({"a": ("u", R)}, {"a": ("u", R)}, []),
        ({"a": ("u", R)}, {"a": ("u", X)}, [("u", EventType.CONTAINER_DIED, "a")]),
        ({"a": ("u", X)}, {}, [("u", EventType.CONTAINER_REMOVED, "a")]),
        (
            {"a": ("u", R)},
            {},
            [("u", EventType.CONTAINER_DIED, "a"), ("u", EventType.CONTAINER_REMOVED, "a")],
        ),
        ({}, {"b": ("u", C)}, [("u", EventType.CONTAINER_CHANGED, "b")]),
        (
            {"a": ("u", R)},
            {"a": ("u", X), "b": ("v", R)},
            [("u", EventType.CONTAINER_DIED, "a"), ("v", EventType.CONTAINER_STARTED, "b")],
        ),
    ],
)
def test_generate_events(old, new, expected) -> None:
    assert generate_events(old, new) == [PodLifecycleEvent(*e) for e in expected]


def _s(state: str, exit_code: int = 0, last: bool = False) -> dict:
    body = {"terminated": {"exitCode": exit_code}} if state == "terminated" else {state: {}}
    out = {"state": body, "lastState": {"terminated": {"exitCode": 1}} if last else {}}
    return out


@pytest.mark.parametrize(
    ("policy", "statuses", "terminal", "phase"),
    [
        ("Always", [_s("waiting")], False, "Pending"),
        ("Always", [_s("running"), _s("waiting")], False, "Pending"),
        ("Always", [_s("running")], False, "Running"),
        ("Always", [_s("waiting", last=True)], False, "Running"),  # CrashLoopBackOff
        ("Always", [_s("terminated", 0)], False, "Running"),  # will restart
        ("Never", [_s("terminated", 0)], False, "Succeeded"),
        ("Never", [_s("terminated", 0), _s("terminated", 2)], False, "Failed"),
        ("OnFailure", [_s("terminated", 0)], False, "Succeeded"),
        ("OnFailure", [_s("terminated", 1)], False, "Running"),
        ("Never", [_s("running"), _s("terminated", 0)], False, "Running"),
        ("Always", [_s("terminated", 0)], True, "Succeeded"),  # deleted, stopped cleanly
        ("Always", [_s("terminated", 137)], True, "Failed"),  # deleted, killed
    ],
)
def test_pod_phase(policy, statuses, terminal, phase) -> None:
    assert pod_phase({"spec": {"restartPolicy": policy}}, statuses, terminal) == phase


@pytest.mark.parametrize(
    ("old", "new", "patch"),
    [
        ({"a": 1}, {"a": 1}, {}),
        ({"a": 1}, {"a": 2}, {"a": 2}),
        ({"a": 1, "b": 2}, {"a": 1}, {"b": None}),
        (
            {"s": {"waiting": {}}},
            {"s": {"running": {"at": "t"}}},
            {"s": {"waiting": None, "running": {"at": "t"}}},
        ),
        ({"l": [1, 2]}, {"l": [1]}, {"l": [1]}),
        ({}, {"x": {"y": 1}}, {"x": {"y": 1}}),
    ],
)
def test_merge_diff(old, new, patch) -> None:
    assert merge_diff(old, new) == patch


def test_backoff_doubles_to_the_cap_and_resets() -> None:
    b = Backoff()
    key = ("uid", "c")
    assert b.in_backoff_since(key, 0.0, 1.0) is None  # first exit: restart at once
    b.next(key, 1.0)
    assert b.in_backoff_since(key, 2.0, 3.0) == 12.0  # second exit at 2: wait 10 s
    delays = []
    t = 12.0
    for _ in range(7):
        b.next(key, t)
        delays.append(b.delay(key))
        t += b.delay(key)
    assert delays == [20, 40, 80, 160, 300, 300, 300]
    assert b.in_backoff_since(key, t, t + 601 + 300) is None  # up long enough: forgiven
    b.forget_pod("uid")
    assert b.delay(key) == 0.0


def _pod(ann: dict, owner: str = "") -> dict:
    meta: dict = {"annotations": ann}
    if owner:
        meta["ownerReferences"] = [{"kind": owner, "controller": True, "name": "x", "uid": "u"}]
    return {"metadata": meta}


D = Defaults(startup_seconds=1, crash_seconds=3, job_run_seconds=7)


@pytest.mark.parametrize(
    ("pod", "container", "script"),
    [
        (_pod({}), "c", ContainerScript(startup_seconds=1)),
        (_pod({}, owner="Job"), "c", ContainerScript(startup_seconds=1, run_seconds=7)),
        (_pod({"kubepy.io/simulate-run-seconds": "2m"}), "c", ContainerScript(1, 120.0)),
        (_pod({"kubepy.io/simulate-crash-loop": "true"}), "c", ContainerScript(1, 3.0, 1)),
        (
            _pod({"kubepy.io/simulate-crash-loop": "5s", "kubepy.io/simulate-exit-code": "42"}),
            "c",
            ContainerScript(1, 5.0, 42),
        ),
        (_pod({"kubepy.io/simulate-crash-loop": "false"}), "c", ContainerScript(1)),
        (_pod({"kubepy.io/simulate-not-ready": "true"}), "c", ContainerScript(1, ready=False)),
        (
            _pod({"kubepy.io/simulate-exit-code.side": "3", "kubepy.io/simulate-run-seconds.side": "1"}),
            "c",
            ContainerScript(1),
        ),
        (
            _pod({"kubepy.io/simulate-exit-code.side": "3", "kubepy.io/simulate-run-seconds.side": "1"}),
            "side",
            ContainerScript(1, 1.0, 3),
        ),
        (_pod({"kubepy.io/simulate-run-seconds": "soon"}), "c", ContainerScript(1)),  # unparsable: ignored
        (
            _pod({"kubepy.io/simulate-startup-seconds": "500ms", "kubepy.io/simulate-stop-seconds": "4"}),
            "c",
            ContainerScript(0.5, stop_seconds=4.0),
        ),
    ],
)
def test_script_for(pod, container, script) -> None:
    assert script_for(pod, container, D) == script


def test_containers_nothing_singles_out_share_one_script() -> None:
    plain, other = _pod({}), _pod({"team": "a"})
    assert script_for(plain, "c", D) is script_for(other, "c", D) == ContainerScript(1)
    assert script_for(_pod({"kubepy.io/simulate-exit-code": "3"}), "c", D) is not script_for(plain, "c", D)


def test_ip_allocator_skips_gateway_and_reuses_freed() -> None:
    a = IPAllocator("10.244.3.0/29")  # hosts .1-.6; .1 is the bridge
    got = [a.allocate() for _ in range(5)]
    assert got == [f"10.244.3.{i}" for i in range(2, 7)]
    with pytest.raises(RuntimeError_):
        a.allocate()
    a.release("10.244.3.4")
    assert a.allocate() == "10.244.3.4"


def test_dotted_quad_is_ipaddress_text() -> None:
    import ipaddress
    import random

    rng = random.Random(7)
    for n in [0, 1, 255, 256, 2**24 - 1, 2**32 - 1, *(rng.randrange(2**32) for _ in range(200))]:
        assert _dotted_quad(n) == str(ipaddress.IPv4Address(n))


@pytest.mark.parametrize(
    "cidr",
    [
        "10.244.3.0/24",
        "10.244.3.0/29",
        "10.0.0.0/30",
        "10.0.0.0/31",
        "10.0.0.7/32",
        "fd00::/120",
        "fd00::/126",
        "fd00::/127",
        "fd00::1/128",
    ],
)
def test_ip_allocator_hands_out_the_hosts_after_the_gateway(cidr: str) -> None:
    """The addresses, in order, are hosts() less the first (the bridge); reserve takes exactly
    those, in their canonical spelling, once."""
    import ipaddress

    net = ipaddress.ip_network(cidr)
    expected = [str(ip) for ip in net.hosts()][1:]
    a = IPAllocator(cidr)
    got = []
    for _ in expected:
        got.append(a.allocate())
    assert got == expected
    with pytest.raises(RuntimeError_):
        a.allocate()
    b = IPAllocator(cidr)
    outside = {str(net.network_address), str(net.broadcast_address), "10.9.9.9", "fd00::1:0", "bogus"}
    for ip in sorted(outside - set(expected)):
        assert not b.reserve(ip), ip
    if net.version == 6 and expected:
        assert not b.reserve(ipaddress.ip_address(expected[0]).exploded)  # not the canonical spelling
    assert all(b.reserve(ip) for ip in expected)
    assert not any(b.reserve(ip) for ip in expected)  # taken


def test_nth_node_cidrs_and_ips_are_distinct() -> None:
    seen = [nth_node(i) for i in range(1, 5001)]
    assert nth_node(1) == ("node-1", "10.244.1.0/24", "172.18.0.3")
    assert len({s[1] for s in seen}) == 5000 and len({s[2] for s in seen}) == 5000
    nets = [ipaddress.ip_network(s[1]) for s in seen]
    assert all(n.prefixlen == 24 for n in nets)


def test_node_object_and_conditions() -> None:
    obj = node_object(NodeConfig("n7", "10.244.7.0/24", "172.18.0.9", labels={"zone": "a"}), "T0")
    labels = obj["metadata"]["labels"]
    assert (
        labels["kubernetes.io/hostname"] == "n7"
        and labels["kubernetes.io/os"] == "linux"
        and labels["zone"] == "a"
    )
    assert obj["spec"]["podCIDRs"] == ["10.244.7.0/24"]
    assert obj["status"]["nodeInfo"]["kubeletVersion"].startswith("v1.")
    assert [c["type"] for c in obj["status"]["conditions"]] == [
        "MemoryPressure",
        "DiskPressure",
        "PIDPressure",
        "Ready",
    ]
    later = conditions(obj["status"]["conditions"], True, "T1")
    assert all(c["lastTransitionTime"] == "T0" and c["lastHeartbeatTime"] == "T1" for c in later)
    assert strip_heartbeats({"conditions": later}) == strip_heartbeats(
        {"conditions": obj["status"]["conditions"]}
    )
    assert later != obj["status"]["conditions"]  # only the heartbeat moved
    not_ready = conditions(later, False, "T2")
    assert not_ready[-1]["status"] == "False" and not_ready[-1]["lastTransitionTime"] == "T2"


async def test_simulated_runtime_stop_and_sigkill() -> None:
    clock = FakeClock()
    rt = SimulatedRuntime("10.244.1.0/24", clock)
    pod = {
        "metadata": {
            "uid": "u",
            "name": "p",
            "namespace": "d",
            "annotations": {"kubepy.io/simulate-stop-seconds": "10"},
        }
    }
    sb = await rt.run_pod_sandbox(pod)
    assert (await rt.pod_sandbox_status(sb)).ip == "10.244.1.2"
    cid = await rt.create_container(sb, pod, {"name": "c", "image": "nginx:1.25"}, 0)
    assert (await rt.container_status(cid)).state == ContainerState.CREATED
    await rt.start_container(cid)
    assert (await rt.container_status(cid)).state == ContainerState.RUNNING
    await rt.stop_container(cid, 30)
    assert rt.next_change(sb) == 10.0
    await rt.stop_container(cid, 2)  # a second, shorter deadline: killed at 2 s
    clock.advance(2)
    st = await rt.container_status(cid)
    assert st.state == ContainerState.EXITED and st.exit_code == 137
    assert st.image_id.startswith("nginx@sha256:")
    await rt.remove_pod_sandbox(sb)
    assert await rt.list_containers() == [] and rt.ips.allocate() == "10.244.1.3"


def test_condition_events() -> None:
    first = conditions(None, True, "T0")
    assert condition_events(None, first) == [
        "NodeHasSufficientMemory",
        "NodeHasNoDiskPressure",
        "NodeHasSufficientPID",
        "NodeReady",
    ]
    assert condition_events(first, conditions(first, True, "T1")) == []
    assert condition_events(first, conditions(first, False, "T1")) == ["NodeNotReady"]
    unknown = [dict(c, status="Unknown") for c in first]
    assert condition_events(unknown, first)[-1] == "NodeReady"


_POD = {
    "metadata": {"name": "p", "uid": "u", "resourceVersion": "1", "labels": {"a": "1"}},
    "spec": {"nodeName": "n", "containers": [{"name": "c", "image": "nginx"}]},
    "status": {"phase": "Pending"},
}


@pytest.mark.parametrize(
    ("change", "differs"),
    [
        (lambda p: p["status"].update(phase="Running"), False),
        (lambda p: p["metadata"].update(resourceVersion="2", managedFields=[{"manager": "m"}]), False),
        (lambda p: p["metadata"].update(ownerReferences=[{"uid": "o"}]), False),
        (lambda p: p["spec"]["containers"][0].update(image="nginx:2"), True),
        (lambda p: p["metadata"]["labels"].update(a="2"), True),
        (lambda p: p["metadata"].update(annotations={"kubepy.io/simulate-exit-code": "1"}), True),
        (lambda p: p["metadata"].update(deletionTimestamp="2026-01-01T00:00:00Z"), True),
        (lambda p: p["metadata"].update(deletionGracePeriodSeconds=0), True),
        (lambda p: p["metadata"].update(uid="v"), True),
    ],
)
def test_differs_semantically(change, differs) -> None:
    """A status-only update (the echo of the kubelet's own write) asks for no sync; spec, labels,
    annotations, deletion and uid changes do (the kubelet's podsDifferSemantically)."""
    import copy

    new = copy.deepcopy(_POD)
    change(new)
    assert differs_semantically(_POD, new) is differs


async def test_status_manager_recognises_the_echo_of_its_write() -> None:
    class Client:
        async def request(self, *args, **kwargs) -> None:
            return None

    sm = StatusManager(Client())  # type: ignore[arg-type]
    assert not sm.is_echo(_POD)  # nothing written yet: whatever the API shows is news
    status = {"phase": "Running", "podIP": "10.244.1.2"}
    assert await sm.set(_POD, status)
    echo = dict(status)
    assert sm.is_echo({**_POD, "status": echo})
    assert sm._written["u"] is echo  # the informer's equal copy is kept, ours let go
    assert sm.is_echo({**_POD, "status": dict(status)})
    assert not sm.is_echo({**_POD, "status": {**status, "phase": "Failed"}})  # someone else wrote
    assert not await sm.set({**_POD, "status": echo}, dict(status))  # still known as written
    sm.forget("u")
    assert not sm.is_echo({**_POD, "status": dict(status)})


def test_pod_scheduled_is_kept_as_it_will_be_stored() -> None:
    """The binding's PodScheduled carries lastProbeTime: null, which the merge patch prunes; the
    kubelet copies it without the null, so the status computed from the echo equals the one
    written (no second write)."""
    scheduled = {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": "t0"}
    pod = {"spec": {}, "status": {"conditions": [scheduled]}}
    out = pod_conditions(pod, True, [], "Running", "t1")
    assert out[-1] == {"type": "PodScheduled", "status": "True", "lastTransitionTime": "t0"}
    echo = {"spec": {}, "status": {"conditions": out}}
    assert pod_conditions(echo, True, [], "Running", "t2") == out
