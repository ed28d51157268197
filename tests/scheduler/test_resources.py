"""What a pod requests (resourcehelper.PodRequests) and what a node offers."""

from __future__ import annotations

import pytest

from kubepy.scheduler.resources import node_allocatable, pod_requests


def c(requests: dict | None = None, limits: dict | None = None, **extra: object) -> dict:
    res = {}
    if requests:
        res["requests"] = requests
    if limits:
        res["limits"] = limits
    return {"name": "c", "image": "x", "resources": res, **extra}


def p(containers: list, init: list | None = None, overhead: dict | None = None) -> dict:
    spec: dict = {"containers": containers}
    if init:
        spec["initContainers"] = init
    if overhead:
        spec["overhead"] = overhead
    return {"spec": spec}


MI = 1024 * 1024


@pytest.mark.parametrize(
    ("pod", "want", "want_nonzero"),
    [
        (p([c()]), {}, {"cpu": 100, "memory": 200 * MI}),
        (
            p([c({"cpu": "500m"}), c({"cpu": "1", "memory": "1Gi"})]),
            {"cpu": 1500, "memory": 1024 * MI},
            {"cpu": 1500, "memory": 1224 * MI},
        ),
        (p([c(limits={"cpu": "2"})]), {"cpu": 2000}, {"cpu": 2000, "memory": 200 * MI}),  # the book's limits
        (p([c({"cpu": "0"})]), {"cpu": 0}, {"cpu": 0, "memory": 200 * MI}),  # an explicit 0 stays 0
        (
            p([c({"cpu": "1"})], init=[c({"cpu": "3"}), c({"cpu": "2"})]),
            {"cpu": 3000},
            {"cpu": 3000, "memory": 200 * MI},
        ),
        # a sidecar (restartable init container) runs beside the containers and later inits
        (
            p([c({"cpu": "1"})], init=[c({"cpu": "1"}, restartPolicy="Always"), c({"cpu": "1500m"})]),
            {"cpu": 2500},
            {"cpu": 2500, "memory": 400 * MI},
        ),
        (
            p([c({"cpu": "1", "nvidia.com/gpu": "2"})], overhead={"cpu": "250m"}),
            {"cpu": 1250, "nvidia.com/gpu": 2},
            {"cpu": 1250, "memory": 200 * MI, "nvidia.com/gpu": 2},
        ),
    ],
)
def test_pod_requests(pod: dict, want: dict, want_nonzero: dict) -> None:
    assert pod_requests(pod) == want
    assert pod_requests(pod, non_zero=True) == want_nonzero


def test_node_allocatable_falls_back_to_capacity() -> None:
    node = {"status": {"capacity": {"cpu": "2", "memory": "4Gi", "pods": "110"}}}
    assert node_allocatable(node) == {"cpu": 2000, "memory": 4096 * MI, "pods": 110}
    node["status"]["allocatable"] = {"cpu": "1500m", "memory": "3Gi", "pods": "100"}
    assert node_allocatable(node) == {"cpu": 1500, "memory": 3072 * MI, "pods": 100}
