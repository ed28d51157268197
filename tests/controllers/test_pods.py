"""Pure pod helpers: activity, readiness, availability, deletion order, slow-start batches."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kubepy.controllers import pods as P

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def mk(
    name: str,
    *,
    phase: str = "Running",
    ready: bool | None = True,
    node: str = "n1",
    created: str = "2026-01-01T00:00:00Z",
    ready_since: str = "2026-01-01T00:00:00Z",
    restarts: int = 0,
    deleting: bool = False,
    cost: str | None = None,
) -> dict:
    m: dict = {"name": name, "creationTimestamp": created}
    if deleting:
        m["deletionTimestamp"] = "2026-01-02T00:00:00Z"
    if cost is not None:
        m["annotations"] = {P.DELETION_COST: cost}
    status: dict = {"phase": phase, "containerStatuses": [{"restartCount": restarts}]}
    if ready is not None:
        status["conditions"] = [
            {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ready_since}
        ]
    return {"metadata": m, "spec": {"nodeName": node}, "status": status}


@pytest.mark.parametrize(
    ("pod", "active"),
    [
        (mk("a"), True),
        (mk("a", phase="Pending"), True),
        (mk("a", phase="Succeeded"), False),
        (mk("a", phase="Failed"), False),
        (mk("a", deleting=True), False),
    ],
)
def test_is_active(pod: dict, active: bool) -> None:
    assert P.is_active(pod) is active


@pytest.mark.parametrize(
    ("pod", "min_ready", "available"),
    [
        (mk("a"), 0, True),
        (mk("a", ready=False), 0, False),
        (mk("a", ready=None), 0, False),
        (mk("a", ready_since="2026-01-02T03:04:00Z"), 10, False),
        (mk("a", ready_since="2026-01-02T03:03:55Z"), 10, True),
    ],
)
def test_is_available(pod: dict, min_ready: int, available: bool) -> None:
    assert P.is_available(pod, min_ready, NOW) is available


@pytest.mark.parametrize(
    ("pods", "first"),
    [
        ([mk("scheduled"), mk("unscheduled", node="")], "unscheduled"),
        ([mk("running"), mk("pending", phase="Pending")], "pending"),
        ([mk("ready"), mk("notready", ready=False)], "notready"),
        ([mk("cheap", cost="-5"), mk("dear", cost="10")], "cheap"),
        ([mk("old", created="2025-01-01T00:00:00Z"), mk("new", created="2026-01-02T03:00:00Z")], "new"),
        ([mk("calm"), mk("crashy", restarts=7)], "crashy"),
        (
            [mk("long", ready_since="2025-06-01T00:00:00Z"), mk("short", ready_since="2026-01-02T03:04:00Z")],
            "short",
        ),
        ([mk("alone", node="n2"), mk("crowded", node="n1")], "crowded"),
    ],
)
def test_deletion_order(pods: list[dict], first: str) -> None:
    related = [*pods, mk("sibling", node="n1")]
    assert P.pods_to_delete(pods, related, 1, NOW)[0]["metadata"]["name"] == first


def test_pods_of_about_the_same_age_tie_on_the_log_scale() -> None:
    a = mk("b-older", created="2026-01-02T02:04:10Z")
    b = mk("a-newer", created="2026-01-02T02:04:20Z")
    # both about an hour old: same log2 bucket, so the name decides deterministically
    assert [p["metadata"]["name"] for p in P.pods_to_delete([a, b], [], 2, NOW)] == ["a-newer", "b-older"]


@pytest.mark.parametrize(
    ("count", "batches"), [(0, []), (1, [1]), (3, [1, 2]), (10, [1, 2, 4, 3]), (15, [1, 2, 4, 8])]
)
def test_slow_start_batches(count: int, batches: list[int]) -> None:
    assert P.slow_start_batches(count) == batches


def test_owner_reference_is_a_blocking_controller_ref() -> None:
    owner = {"metadata": {"name": "rs", "uid": "u"}}
    assert P.owner_reference(owner, "apps/v1", "ReplicaSet") == {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": "rs",
        "uid": "u",
        "controller": True,
        "blockOwnerDeletion": True,
    }
    assert (
        P.controller_ref({"metadata": {"ownerReferences": [{"uid": "x"}, {"uid": "u", "controller": True}]}})[
            "uid"
        ]
        == "u"
    )
