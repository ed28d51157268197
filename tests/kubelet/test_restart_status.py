"""A restarted kubelet maps the times it adopts from the API back to the very same seconds, so it
finds its pods' statuses unchanged and writes nothing (the status manager compares with the API's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubepy.kubelet.nodestatus import NodeConfig
from kubepy.kubelet.podworker import PodWorkers
from kubepy.kubelet.runtime.simulated import SimulatedRuntime


class DriftingClock:
    """Real clocks are read one after the other: each read of the wall clock here lands a bit
    later (or earlier) against the monotonic one, as two samples of both clocks do."""

    def __init__(self, drift_us: float) -> None:
        self.t = 1000.0
        self.base = datetime(2026, 1, 2, 3, 4, 30, 250000, tzinfo=UTC)
        self.drift_us = drift_us
        self.reads = 0

    def now(self) -> float:
        return self.t

    def wall(self) -> datetime:
        self.reads += 1
        return self.base + timedelta(seconds=self.t - 1000.0, microseconds=self.drift_us * self.reads)

    async def sleep(self, seconds: float) -> None:  # pragma: no cover - not used
        self.t += seconds


def _running_pod(started: str) -> dict:
    cs = {
        "name": "c",
        "state": {"running": {"startedAt": started}},
        "lastState": {},
        "ready": True,
        "restartCount": 0,
        "image": "nginx",
        "containerID": "simulated://0123456789abcdef0123456789abcdef",
        "started": True,
    }
    return {
        "metadata": {"name": "p", "namespace": "default", "uid": "u1"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        "status": {"phase": "Running", "podIP": "10.244.1.7", "containerStatuses": [cs]},
    }


@pytest.mark.parametrize("drift_us", [-300.0, -1.0, 0.0, 1.0, 300.0])
async def test_adopted_start_time_maps_back_to_the_same_second(drift_us: float) -> None:
    clock = DriftingClock(drift_us)
    rt = SimulatedRuntime("10.244.1.0/24", clock)
    workers = PodWorkers(NodeConfig("node-1", "10.244.1.0/24"), rt, None, None, clock)  # type: ignore[arg-type]
    started = "2026-01-02T03:04:05Z"
    sid = rt.adopt(_running_pod(started))
    (c,) = await rt.list_containers(sid)
    clock.t += 2.0  # the status is generated a moment later
    assert workers.wall(c.started_at) == started


def test_fresh_times_are_cut_to_the_second() -> None:
    clock = DriftingClock(0.0)
    workers = PodWorkers(NodeConfig("node-1"), None, None, None, clock)  # type: ignore[arg-type]
    assert workers.wall(clock.t) == "2026-01-02T03:04:30Z"
    assert workers.wall(clock.t - 0.3) == "2026-01-02T03:04:29Z"
