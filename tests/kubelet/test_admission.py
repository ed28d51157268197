"""Node-side admission: table tests, then a refused pod against the real apiserver."""

from __future__ import annotations

import pytest

from kubepy.kubelet.admission import admit, requests

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
