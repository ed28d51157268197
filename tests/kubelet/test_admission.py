"""Node-side admission: table tests, then a refused pod against the real apiserver."""

from __future__ import annotations

import copy
import gc
import weakref

import pytest

from kubepy.kubelet.admission import NodeUsage, admit, requests

ALLOC = {"cpu": "4", "memory": "16Gi", "pods": "3"}
LABELS = {"kubernetes.io/hostname": "n1", "disktype": "ssd"}


def _pod(cpu: str = "", memory: str = "", host_port: int = 0, **spec) -> dict:
    req = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    c: dict = {"name": "c", "image": "nginx", "resources": {"requests": req} if req else {}}
    if host_port:
        c["ports"] = [{"containerPort": 80, "hostPort": host_port}]
    return {"spec": {"containers": [c], **spec}}


def test_requests_take_the_largest_init_container() -> None:
    pod = _pod(cpu="500m", memory="1Gi")
    pod["spec"]["containers"].append({"name": "d", "resources": {"requests": {"cpu": "250m"}}})
    pod["spec"]["initContainers"] = [
        {"name": "i", "resources": {"requests": {"cpu": "2", "memory": "100Mi"}}}
    ]
    assert requests(pod) == {"cpu": 2000, "memory": 2**30}


@pytest.mark.parametrize(
    ("pod", "admitted", "expected"),
    [
        (_pod(), [], None),
        (_pod(nodeSelector={"disktype": "ssd"}), [], None),
        (_pod(nodeSelector={"disktype": "hdd"}), [], ("NodeAffinity", "Predicate NodeAffinity failed")),
        (_pod(host_port=80), [_pod(host_port=80)], ("NodePorts", "Predicate NodePorts failed")),
        (_pod(host_port=80), [_pod(host_port=81)], None),
        (
            _pod(),
            [_pod(), _pod(), _pod()],
            ("OutOfpods", "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3"),
        ),
        (
            _pod(cpu="3"),
            [_pod(cpu="1500m")],
            (
                "OutOfcpu",
                "Node didn't have enough resource: cpu, requested: 3000, used: 1500, capacity: 4000",
            ),
        ),
        (_pod(cpu="2500m"), [_pod(cpu="1500m")], None),
        (
            _pod(memory="10Gi"),
            [_pod(memory="8Gi")],
            (
                "OutOfmemory",
                "Node didn't have enough resource: memory, requested: 10737418240, used: 8589934592, "
                "capacity: 17179869184",
            ),
        ),
    ],
)
def test_admit(pod, admitted, expected) -> None:
    assert admit(pod, LABELS, ALLOC, admitted) == expected
    # the same decision from sums kept pod by pod, as the kubelet keeps them
    usage = NodeUsage()
    for i, p in enumerate(admitted):
        usage.set(f"ns/p{i}", p)
    assert admit(pod, LABELS, ALLOC, usage) == expected


def _counted(usage: NodeUsage) -> tuple[int, int, int]:
    return len(usage), usage.cpu, usage.memory


# (steps, expected (pods, milli-cpu, memory) after them); a step is ("set", key, pod) or ("drop", key)
@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], (0, 0, 0)),
        ([("set", "a", _pod(cpu="1", memory="1Gi"))], (1, 1000, 2**30)),
        ([("set", "a", _pod(cpu="1")), ("set", "b", _pod(cpu="500m"))], (2, 1500, 0)),
        ([("set", "a", _pod(cpu="1")), ("drop", "a")], (0, 0, 0)),  # a pod leaving frees its requests
        ([("set", "a", _pod(cpu="1")), ("drop", "b")], (1, 1000, 0)),  # never counted: nothing to free
        ([("set", "a", _pod(cpu="1")), ("drop", "a"), ("drop", "a")], (0, 0, 0)),  # freed once
        ([("set", "a", _pod(cpu="1")), ("set", "a", _pod(cpu="1"))], (1, 1000, 0)),  # a resync
        ([("set", "a", _pod(cpu="1")), ("set", "a", _pod(cpu="2", memory="1Mi"))], (1, 2000, 2**20)),
        ([("set", "a", _pod(cpu="1")), ("set", "a", _pod())], (1, 0, 0)),  # requests removed
        ([("set", "a", _pod(cpu="1")), ("set", "a", _pod(cpu="2")), ("drop", "a")], (0, 0, 0)),
    ],
)
def test_node_usage_sums(steps, expected) -> None:
    usage = NodeUsage()
    for step in steps:
        if step[0] == "set":
            usage.set(step[1], step[2])
        else:
            usage.discard(step[1])
    assert _counted(usage) == expected
    assert _counted(usage) == _counted(NodeUsage((k, p) for k, p in _final(steps).items()))


class _List(list):  # a decoded list that can be watched for being freed
    pass


def test_refresh_lets_the_old_copy_go_and_never_counts_a_pod_anew() -> None:
    """The informer replaces a pod by an equal newer copy (the echo of a status write): what the
    node counts for it then holds the new copy's lists, so the old copy can be freed."""
    old = _pod(cpu="1", host_port=80)
    old["spec"]["containers"] = _List(old["spec"]["containers"])
    gone = weakref.ref(old["spec"]["containers"])
    usage = NodeUsage()
    usage.set("ns/a", old)
    new = copy.deepcopy(_pod(cpu="1", host_port=80))
    usage.refresh("ns/a", new)
    del old
    gc.collect()
    assert gone() is None
    assert _counted(usage) == (1, 1000, 0)
    assert usage.ports_conflict({("", "TCP", 80)})
    usage.discard("ns/a")
    usage.refresh("ns/a", new)  # finished (not counted): refreshing does not count it again
    assert _counted(usage) == (0, 0, 0)


def _final(steps) -> dict:
    pods: dict = {}
    for step in steps:
        if step[0] == "set":
            pods[step[1]] = step[2]
        else:
            pods.pop(step[1], None)
    return pods


def test_a_pod_update_changes_what_it_holds_once() -> None:
    usage = NodeUsage()
    usage.set("a", _pod(cpu="1500m", host_port=80))
    assert admit(_pod(cpu="3"), LABELS, ALLOC, usage)[0] == "OutOfcpu"
    assert admit(_pod(host_port=80), LABELS, ALLOC, usage)[0] == "NodePorts"
    usage.set("a", _pod(cpu="500m", host_port=81))  # the same pod, resized, another port
    assert admit(_pod(cpu="3"), LABELS, ALLOC, usage) is None
    assert admit(_pod(host_port=80), LABELS, ALLOC, usage) is None
    assert admit(_pod(host_port=81), LABELS, ALLOC, usage)[0] == "NodePorts"
    usage.discard("a")
    assert admit(_pod(cpu="4", host_port=81), LABELS, ALLOC, usage) is None
