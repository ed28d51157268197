"""The e2e benchmark's pod startup latency: clusterloader2's phases, transitions and percentiles."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.clusterbench import parse_time
from benchmarks.podstartup import StartupTracker, percentile, summary


def pod(
    name: str, node: str = "", phase: str = "Pending", stamp: str = "2026-01-01T00:00:10Z"
) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": stamp},
        "spec": {"nodeName": node} if node else {},
        "status": {"phase": phase},
    }


def test_each_phase_is_the_first_event_that_shows_it() -> None:
    t = StartupTracker(parse_time)
    assert not t.observe(pod("a"), 10.2)
    assert not t.observe(pod("a"), 10.3)  # seen again, nothing new
    assert not t.observe(pod("a", node="n1"), 10.5)
    assert t.observe(pod("a", node="n1", phase="Running"), 10.9)
    assert not t.observe(pod("a", node="n1", phase="Running"), 11.4)  # Running seen once
    stamp = parse_time("2026-01-01T00:00:10Z")
    assert t.phases["default/a"] == {"create": 10.2, "stamp": stamp, "schedule": 10.5, "run": 10.9}


def test_transitions_cover_only_pods_that_reached_both_ends() -> None:
    t = StartupTracker(lambda _: 100.0)
    t.observe(pod("a"), 100.25)
    t.observe(pod("a", node="n1"), 100.5)
    t.observe(pod("a", node="n1", phase="Running"), 101.0)
    t.observe(pod("b", node="n2"), 102.0)  # bound, never Running
    t.observe(pod("c", node="n3", phase="Running"), 103.0)  # first seen Running
    lat = t.latencies()
    assert lat["pod_startup"] == [0.75, 0.0]
    assert lat["create_to_schedule"] == [0.25, 0.0, 0.0]
    assert lat["schedule_to_run"] == [0.5, 0.0]
    # the one-second stamp starts earlier than the watch saw the pod
    assert lat["stamp_to_run"] == [1.0, 3.0]


def test_percentile_is_clusterloader2s_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]
    assert (percentile(values, 50), percentile(values, 90), percentile(values, 99)) == (50.0, 90.0, 99.0)
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0  # ceil(1.5) = 2nd smallest
    assert percentile([3.0, 1.0, 2.0], 99) == 3.0
    assert percentile([7.0], 50) == 7.0
    with pytest.raises(ValueError):
        percentile([], 99)


def test_summary_names_every_transition_with_data() -> None:
    t = StartupTracker(parse_time)
    t.observe(pod("a"), 1.0)
    t.observe(pod("a", node="n"), 1.5)
    figures = summary(t)
    assert figures == {
        "create_to_schedule_p50_s": 0.5,
        "create_to_schedule_p90_s": 0.5,
        "create_to_schedule_p99_s": 0.5,
    }
