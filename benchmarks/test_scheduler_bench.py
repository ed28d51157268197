"""Scheduler micro-benchmarks: one scheduling cycle over 5,000 nodes, compiled kernel vs twin.

Run: .venv/bin/python -m pytest benchmarks/test_scheduler_bench.py --benchmark-group-by=param:mode
The macro figure (pods/s through queue, cycle and assume) is benchmarks/scheduler_5000_nodes.py.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import random
from collections.abc import Iterator

import pytest

from benchmarks.scheduler_5000_nodes import make_node, make_pod
from kubepy.scheduler import framework as fw_mod
from kubepy.scheduler.framework import Framework
from kubepy.scheduler.nodetable import NodeTable
from kubepy.scheduler.plugins.base import Cluster
from kubepy.scheduler.profiles import default_profile

NODES = 5000


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    table = NodeTable()
    for i in range(NODES):
        table.set_node(make_node(i))
    for i in range(NODES * 3):  # three pods per node on average, unevenly
        node = f"node-{(i * 7919) % NODES:05}"
        p = make_pod(i)
        p["spec"]["nodeName"] = node
        table.add_pod(f"default/bound-{i}", p, node)
    return Cluster(table)


@pytest.fixture(params=["c", "py"])
def kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    name = request.param
    if name == "c":
        spec = importlib.util.find_spec("kubepy._fast.scoring_c")
        if spec is None or not (spec.origin or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            pytest.skip("kubepy._fast.scoring_c is not built")
    saved = fw_mod.scoring
    fw_mod.scoring = importlib.import_module(f"kubepy._fast.scoring_{name}")  # type: ignore[attr-defined]
    yield name
    fw_mod.scoring = saved


@pytest.mark.parametrize("mode", ["adaptive", "all-nodes"])
def test_schedule_one_pod(benchmark, cluster: Cluster, kernel: str, mode: str) -> None:  # noqa: ANN001
    framework = Framework(default_profile(percentage=0 if mode == "adaptive" else 100), random.Random(1))
    pod = make_pod(10**6)
    decision = benchmark(framework.schedule, pod, cluster)
    assert decision.feasible == (500 if mode == "adaptive" else NODES)
