"""Watch-cache memory per pod, in process: what the cache keeps per object version (issue 4).

    .venv/bin/python benchmarks/cache_memory.py [--pods 2000 6000] [--events-per-pod 3.4]

For each size it seeds an in-memory storage followed by a Cacher the way `kubepy up` fills it
at rest: every pod created bound, then updated twice by its kubelet (Pending, Running), and
~3.4 kubelet Events per pod; while three watchers follow pods as the components do (an
unfiltered informer, the kubelets' `spec.nodeName!=` and the scheduler's `spec.nodeName=`
field-selector watches) and are drained. It prints Python memory still allocated after a
collection (tracemalloc), and the slope between two sizes (bytes per pod, the ring's fixed
cost removed), with the biggest holders by line. Run it with PYTHONPATH pointing at another
checkout's copy of `kubepy` to compare two versions in one sitting.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import tracemalloc
from typing import Any

POD: dict[str, Any] = {
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "pod-0",
        "namespace": "bench-0",
        "uid": "6f1a7a58-2f4b-4d8e-9d39-1f0c2d6c0a11",
        "generation": 1,
        "creationTimestamp": "2026-11-26T04:23:10Z",
        "labels": {"app": "app-0", "tier": "bench"},
        "managedFields": [
            {
                "manager": "at-rest",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "2026-11-26T04:23:10Z",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:metadata": {"f:labels": {".": {}, "f:app": {}, "f:tier": {}}},
                    "f:spec": {
                        "f:containers": {'k:{"name":"c"}': {".": {}, "f:image": {}, "f:name": {}}},
                        "f:nodeName": {},
                    },
                },
            }
        ],
    },
    "spec": {
        "containers": [
            {
                "name": "c",
                "image": "registry.k8s.io/pause:3.9",
                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent",
            }
        ],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "nodeName": "node-0",
        "serviceAccountName": "default",
        "securityContext": {},
        "schedulerName": "default-scheduler",
        "tolerations": [
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
        ],
        "priority": 0,
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
    },
    "status": {"phase": "Pending", "qosClass": "Burstable"},
}

EVENT: dict[str, Any] = {
    "kind": "Event",
    "apiVersion": "v1",
    "metadata": {"name": "pod-0.18eb7d9d217be500", "namespace": "bench-0"},
    "involvedObject": {
        "kind": "Pod",
        "namespace": "bench-0",
        "name": "pod-0",
        "uid": "6f1a7a58-2f4b-4d8e-9d39-1f0c2d6c0a11",
        "apiVersion": "v1",
        "fieldPath": "spec.containers{c}",
    },
    "reason": "Pulled",
    "message": 'Container image "registry.k8s.io/pause:3.9" already present on machine',
    "source": {"component": "kubelet", "host": "node-0"},
    "firstTimestamp": "2026-11-26T04:23:10Z",
    "lastTimestamp": "2026-11-26T04:23:10Z",
    "count": 1,
    "type": "Normal",
    "eventTime": None,
    "reportingComponent": "kubelet",
    "reportingInstance": "node-0",
}


def running_status(i: int) -> dict[str, Any]:
    t = "2026-11-26T04:23:11Z"
    return {
        "phase": "Running",
        "qosClass": "Burstable",
        "hostIP": "172.18.0.2",
        "podIP": f"10.244.{i // 250 % 250}.{i % 250 + 2}",
        "podIPs": [{"ip": f"10.244.{i // 250 % 250}.{i % 250 + 2}"}],
        "startTime": t,
        "conditions": [
            {"type": c, "status": "True", "lastProbeTime": None, "lastTransitionTime": t}
            for c in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
        ],
        "containerStatuses": [
            {
                "name": "c",
                "state": {"running": {"startedAt": t}},
                "lastState": {},
                "ready": True,
                "restartCount": 0,
                "image": "registry.k8s.io/pause:3.9",
                "imageID": "docker-pullable://registry.k8s.io/pause@sha256:7031c1",
                "containerID": f"docker://{i:064x}",
                "started": True,
            }
        ],
    }


async def fill(pods: int, events_per_pod: float, nodes: int) -> tuple[Any, list[Any]]:
    from kubepy.api.catalog import all_resources
    from kubepy.apiserver.registry.predicate import build
    from kubepy.storage.cacher import Cacher
    from kubepy.storage.memory import MemoryStorage

    pod_res = next(r for r in all_resources() if r.kind == "Pod" and r.group == "")
    storage = MemoryStorage(300.0, 10_000)
    await storage.start()
    cache = Cacher(storage, capacity=10_000, tick_period=None, watcher_queue=1_000_000)
    await cache.start()
    watchers = [
        cache.watch("/registry/core/pods/", None),
        cache.watch("/registry/core/pods/", None, predicate=build(pod_res, "", "spec.nodeName!=")[0]),
        cache.watch("/registry/core/pods/", None, predicate=build(pod_res, "", "spec.nodeName=")[0]),
    ]

    def drain() -> None:
        for w in watchers:
            for ev in w.take(1 << 30):
                ev.json_line()

    n_events = 0
    for i in range(pods):
        ns, name, node = f"bench-{i % 10}", f"pod-{i}", f"node-{i % nodes}"
        pod = copy.deepcopy(POD)
        pod["metadata"].update(name=name, namespace=ns, uid=f"{i:08x}-2f4b-4d8e-9d39-1f0c2d6c0a11")
        pod["metadata"]["labels"]["app"] = f"app-{i % 20}"
        pod["spec"]["nodeName"] = node
        key = f"/registry/core/pods/{ns}/{name}"
        await storage.create(key, pod)
        await storage.guaranteed_update(
            key, lambda o: {**o, "status": {**o["status"], "hostIP": "172.18.0.2"}}
        )
        await storage.guaranteed_update(key, lambda o, i=i: {**o, "status": running_status(i)})
        while n_events < (i + 1) * events_per_pod:
            ev = copy.deepcopy(EVENT)
            ev["metadata"].update(name=f"{name}.{n_events:016x}", namespace=ns)
            ev["involvedObject"].update(name=name, namespace=ns)
            ev["source"]["host"] = ev["reportingInstance"] = node
            await storage.create(f"/registry/core/events/{ns}/{name}.{n_events:016x}", ev)
            n_events += 1
        drain()
    drain()
    return (storage, cache), watchers


async def measure(pods: int, events_per_pod: float, nodes: int) -> tuple[int, Any]:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    keep = await fill(pods, events_per_pod, nodes)
    gc.collect()
    size = tracemalloc.get_traced_memory()[0] - base
    snap = tracemalloc.take_snapshot()
    tracemalloc.stop()
    (storage, cache), watchers = keep
    for w in watchers:
        w.close()
    await cache.stop()
    await storage.close()
    return size, snap


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pods", type=int, nargs=2, default=[2000, 6000])
    p.add_argument("--events-per-pod", type=float, default=3.4)
    p.add_argument("--nodes", type=int, default=50)
    p.add_argument("--top", type=int, default=8)
    ns = p.parse_args()
    sizes = []
    for n in ns.pods:
        size, snap = asyncio.run(measure(n, ns.events_per_pod, ns.nodes))
        sizes.append(size)
        print(f"{n} pods: {size / 2**20:.1f} MiB traced, {size / n / 1024:.1f} KiB per pod (with its Events)")
        for stat in snap.statistics("lineno")[: ns.top]:
            f = stat.traceback[0]
            print(f"  {stat.size / 2**20:8.1f} MiB  {f.filename.split('kubepy/')[-1]}:{f.lineno}")
    a, b = ns.pods
    print(f"slope: {(sizes[1] - sizes[0]) / (b - a) / 1024:.1f} KiB per pod (with its Events)")


if __name__ == "__main__":
    main()
