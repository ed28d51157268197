"""Pod startup latency as clusterloader2's PodStartupLatency measurement defines it.

Kubernetes' scalability SLO is judged by that measurement: each phase of a pod is the time a watch
*receives* the first event showing it (nanosecond resolution), not a timestamp the pod carries —
`create` when the pod is first seen, `schedule` when it first shows a node, `run` when it first
shows phase Running — and `pod_startup` is create → run. Percentiles are nearest-rank over the
pods that reached both ends of a transition. The pod's `creationTimestamp` (whole seconds) is kept
beside them for the kubelet's own SLI (`kubelet_pod_start_sli_duration_seconds` starts there), so
a report can show both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

#: Transition name → (from phase, to phase), as clusterloader2 names them.
TRANSITIONS: dict[str, tuple[str, str]] = {
    "create_to_schedule": ("create", "schedule"),
    "schedule_to_run": ("schedule", "run"),
    "pod_startup": ("create", "run"),
    "stamp_to_run": ("stamp", "run"),
}


class StartupTracker:
    """Phase times per pod, fed with every watch event as it is received."""

    def __init__(self, parse_time: Callable[[str], float]) -> None:
        self._parse_time = parse_time
        self.phases: dict[str, dict[str, float]] = {}

    def observe(self, obj: Mapping[str, Any], received: float) -> bool:
        """Record what this event shows first; True when it is the pod's first Running event."""
        meta = obj["metadata"]
        key = f"{meta.get('namespace', '')}/{meta['name']}"
        phases = self.phases.get(key)
        if phases is None:
            phases = self.phases[key] = {"create": received}
            stamp = meta.get("creationTimestamp")
            if stamp:
                phases["stamp"] = self._parse_time(stamp)
        if "schedule" not in phases and (obj.get("spec") or {}).get("nodeName"):
            phases["schedule"] = received
        if "run" not in phases and (obj.get("status") or {}).get("phase") == "Running":
            phases["run"] = received
            return True
        return False

    def latencies(self) -> dict[str, list[float]]:
        """Each transition's latencies (seconds), over the pods that reached both of its phases."""
        out: dict[str, list[float]] = {}
        for name, (start, end) in TRANSITIONS.items():
            out[name] = [p[end] - p[start] for p in self.phases.values() if start in p and end in p]
        return out


def percentile(values: list[float], q: float) -> float:
    """clusterloader2's nearest rank: the ceil(n·q/100)-th smallest value (q in 0..100)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * q / 100)) - 1]


def summary(tracker: StartupTracker) -> dict[str, float]:
    """p50 / p90 / p99 of every transition that has data, keyed `<transition>_p<q>_s`."""
    out: dict[str, float] = {}
    for name, values in tracker.latencies().items():
        if values:
            for q in (50, 90, 99):
                out[f"{name}_p{q}_s"] = percentile(values, q)
    return out
