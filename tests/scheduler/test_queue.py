"""The scheduling queue: priority order, backoff, unschedulable pods and cluster changes."""

from __future__ import annotations

import pytest

from kubepy.client.clock import FakeClock
from kubepy.scheduler.queue import SchedulingQueue, backoff_seconds
from tests.scheduler.conftest import pod


@pytest.mark.parametrize(("attempts", "delay"), [(0, 0), (1, 1), (2, 2), (3, 4), (4, 8), (5, 10), (9, 10)])
def test_backoff_seconds(attempts: int, delay: float) -> None:
    assert backoff_seconds(attempts, 1.0, 10.0) == delay


def q() -> tuple[SchedulingQueue, FakeClock]:
    clock = FakeClock()
    return SchedulingQueue(clock), clock


def test_higher_priority_first_then_first_come() -> None:
    queue, _ = q()
    queue.add("default/a", pod("a"))
    queue.add("default/b", pod("b", priority=10))
    queue.add("default/c", pod("c"))
    assert [queue.pop_nowait()[0] for _ in range(3)] == ["default/b", "default/a", "default/c"]
    assert queue.pop_nowait() is None


def test_a_key_is_queued_once() -> None:
    queue, _ = q()
    queue.add("default/a", pod("a"))
    queue.add("default/a", pod("a"))
    assert len(queue) == 1


def test_unschedulable_waits_for_a_cluster_change_then_backs_off() -> None:
    queue, clock = q()
    queue.add("default/a", pod("a"))
    key, _ = queue.pop_nowait()
    queue.failed(key, unschedulable=True)
    assert queue.pop_nowait() is None and key in queue.unschedulable
    queue.move_all()  # 1 s backoff still running
    assert queue.pop_nowait() is None and queue.backing_off() == 1
    clock.advance(1)
    queue.flush()
    assert queue.pop_nowait()[0] == key


def test_a_change_during_the_attempt_sends_the_pod_to_backoff() -> None:
    queue, clock = q()
    queue.add("default/a", pod("a"))
    key, _ = queue.pop_nowait()
    queue.move_all()  # e.g. a node was added while the pod was being scheduled
    queue.failed(key, unschedulable=True)
    assert key not in queue.unschedulable and queue.backing_off() == 1
    clock.advance(1)
    queue.flush()
    assert queue.pop_nowait()[0] == key


def test_long_unschedulable_pods_are_retried_anyway() -> None:
    queue, clock = q()
    queue.add("default/a", pod("a"))
    key, _ = queue.pop_nowait()
    queue.failed(key, unschedulable=True)
    clock.advance(299)
    queue.flush()
    assert queue.pop_nowait() is None
    clock.advance(1)
    queue.flush()
    assert queue.pop_nowait()[0] == key


def test_an_updated_pod_gets_another_attempt_and_deleted_ones_vanish() -> None:
    queue, clock = q()
    queue.add("default/a", pod("a"))
    queue.add("default/b", pod("b"))
    for _ in range(2):
        key, _ = queue.pop_nowait()
        queue.failed(key, unschedulable=True)
    clock.advance(5)
    queue.update("default/a", pod("a", tolerations=[{"operator": "Exists"}]))
    queue.update("default/b", pod("b"))  # nothing changed: stays unschedulable
    assert queue.pop_nowait()[0] == "default/a"
    assert "default/b" in queue.unschedulable
    queue.delete("default/b")
    queue.move_all()
    assert queue.pop_nowait() is None


def test_backoff_grows_with_attempts() -> None:
    queue, clock = q()
    queue.add("default/a", pod("a"))
    for expected in (1, 2, 4, 8, 10, 10):
        key, _ = queue.pop_nowait()
        queue.failed(key, unschedulable=False)
        clock.advance(expected - 0.5)
        queue.flush()
        assert queue.pop_nowait() is None
        clock.advance(0.5)
        queue.flush()
        assert len(queue) == 1


def test_retry_later_after_a_refused_binding() -> None:
    queue, clock = q()
    queue.add("default/a", pod("a"))
    key, p = queue.pop_nowait()
    queue.done(key)
    queue.retry_later(key, p)
    assert queue.pop_nowait() is None
    clock.advance(1)
    queue.flush()
    assert queue.pop_nowait()[0] == key
