"""Macro benchmark: the scheduler's cycle in-process over 5,000 nodes, compiled kernel vs twin.

No apiserver: nodes are fed straight into the node table, every decision is assumed on its node
(as the scheduler does before binding) and the binding goes to a list. Each pod goes through the
scheduling queue, the filter (all plugins of today's default profile), scoring and selection.

    .venv/bin/python benchmarks/scheduler_5000_nodes.py [--nodes 5000] [--pods 10000]

Goals (issue 4): >= 2,000 pods/s with percentageOfNodesToScore's adaptive default (10% of 5,000
nodes), >= 810 pods/s scoring all nodes. Not a timed test: it prints the figures.
"""

from __future__ import annotations

import argparse
import importlib
import random
import time
from typing import Any

from kubepy.scheduler import framework as fw_mod
from kubepy.scheduler.framework import Framework
from kubepy.scheduler.nodetable import NodeTable
from kubepy.scheduler.plugins.base import Cluster
from kubepy.scheduler.profiles import default_profile
from kubepy.scheduler.queue import SchedulingQueue

Obj = dict[str, Any]


def make_node(i: int) -> Obj:
    cap = {"cpu": "32", "memory": "128Gi", "pods": "110"}
    zone = f"zone-{i % 3}"
    return {
        "metadata": {
            "name": f"node-{i:05}",
            "labels": {"kubernetes.io/hostname": f"node-{i:05}", "topology.kubernetes.io/zone": zone},
        },
        "spec": {},
        "status": {"capacity": cap, "allocatable": cap},
    }


def make_pod(i: int) -> Obj:
    return {
        "metadata": {"name": f"pod-{i}", "namespace": "default", "labels": {"app": f"app-{i % 50}"}},
        "spec": {
            "containers": [
                {"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}
            ]
        },
    }


def run(kernel: str, nodes: int, pods: int, percentage: int) -> float:
    fw_mod.scoring = importlib.import_module(f"kubepy._fast.scoring_{kernel}")  # type: ignore[attr-defined]
    table = NodeTable()
    for i in range(nodes):
        table.set_node(make_node(i))
    cluster = Cluster(table)
    framework = Framework(default_profile(percentage=percentage), random.Random(1))
    queue = SchedulingQueue()
    bindings: list[tuple[str, str]] = []
    todo = [make_pod(i) for i in range(pods)]
    start = time.perf_counter()
    for p in todo:
        queue.add(f"default/{p['metadata']['name']}", p)
    while True:
        got = queue.pop_nowait()
        if got is None:
            break
        key, p = got
        decision = framework.schedule(p, cluster)
        spec = dict(p["spec"])
        spec["nodeName"] = decision.node
        table.add_pod(key, {**p, "spec": spec}, decision.node)
        queue.done(key)
        bindings.append((key, decision.node))
    elapsed = time.perf_counter() - start
    assert len(bindings) == pods
    return pods / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=10000)
    args = ap.parse_args()
    from kubepy._fast import scoring

    kernels = ["c", "py"] if scoring.IMPLEMENTATION == "c" else ["py"]
    print(f"scheduler, {args.nodes} nodes, {args.pods} pods per run (kernels: {', '.join(kernels)})")
    results: dict[tuple[str, str], float] = {}
    for label, pct in (("percentageOfNodesToScore adaptive", 0), ("all nodes scored", 100)):
        for kernel in kernels:
            rate = run(kernel, args.nodes, args.pods if pct == 0 else args.pods // 2, pct)
            results[(label, kernel)] = rate
            print(f"  {label:36} {kernel:>2}: {rate:8.0f} pods/s")
        if len(kernels) == 2:
            print(f"  {label:36} c/py: {results[(label, 'c')] / results[(label, 'py')]:.1f}x")


if __name__ == "__main__":
    main()
