"""Pure Deployment arithmetic: hashes, fenceposts, rolling-update steps, proportional scaling."""

from __future__ import annotations

import pytest

from kubepy.controllers import deployment_util as U


def dep(
    replicas: int = 3, surge="25%", unavailable="25%", kind: str = "RollingUpdate", generation: int = 1
) -> dict:
    strategy: dict = {"type": kind}
    if kind == "RollingUpdate":
        strategy["rollingUpdate"] = {"maxSurge": surge, "maxUnavailable": unavailable}
    return {
        "metadata": {"name": "d", "generation": generation},
        "spec": {"replicas": replicas, "strategy": strategy},
    }


def rs(
    name: str,
    replicas: int,
    available: int | None = None,
    created: str = "2026-01-01T00:00:00Z",
    revision: int = 1,
    max_replicas: int | None = None,
    status_replicas: int | None = None,
) -> dict:
    ann = {U.REVISION: str(revision)}
    if max_replicas is not None:
        ann[U.MAX_REPLICAS] = str(max_replicas)
    return {
        "metadata": {
            "name": name,
            "uid": name,
            "creationTimestamp": created,
            "annotations": ann,
            "generation": 1,
        },
        "spec": {"replicas": replicas},
        "status": {
            "replicas": replicas if status_replicas is None else status_replicas,
            "availableReplicas": replicas if available is None else available,
            "observedGeneration": 1,
        },
    }


def test_template_hash_is_stable_safe_and_changes_with_template_and_collisions() -> None:
    t = {
        "metadata": {"labels": {"app": "nginx"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]},
    }
    h = U.template_hash(t)
    assert h == U.template_hash({"spec": t["spec"], "metadata": t["metadata"]})
    assert set(h) <= set(U.SAFE_ALPHANUMS) and 1 <= len(h) <= 10
    assert U.template_hash(t, 1) != h
    t2 = {**t, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16.1"}]}}
    assert U.template_hash(t2) != h


def test_equal_ignore_hash() -> None:
    a = {"metadata": {"labels": {"app": "x", U.HASH_LABEL: "abc"}}, "spec": {"containers": [{"image": "a"}]}}
    b = {
        "metadata": {"labels": {"app": "x"}, "creationTimestamp": None},
        "spec": {"containers": [{"image": "a"}]},
    }
    assert U.equal_ignore_hash(a, b)
    assert not U.equal_ignore_hash(a, {**b, "spec": {"containers": [{"image": "b"}]}})


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "want"),
    [
        (3, "25%", "25%", (1, 0)),
        (10, "25%", "25%", (3, 2)),
        (4, 0, 0, (0, 1)),
        (5, 2, "50%", (2, 2)),
        (1, "0%", "0%", (0, 1)),
    ],
)
def test_fenceposts(replicas: int, surge, unavailable, want: tuple[int, int]) -> None:
    assert U.fenceposts(dep(replicas, surge, unavailable)) == want


@pytest.mark.parametrize(
    ("d", "sizes", "new", "want"),
    [
        (dep(3), [3], 0, 1),  # surge 1: one new pod next to the 3 old ones
        (dep(3), [2], 1, 2),
        (dep(3), [3], 1, 1),  # at max total already
        (dep(10), [10], 0, 3),
        (dep(3, kind="Recreate"), [3], 0, 3),
    ],
)
def test_new_rs_new_replicas(d: dict, sizes: list[int], new: int, want: int) -> None:
    new_rs = rs("new", new)
    olds = [rs(f"old{i}", s) for i, s in enumerate(sizes)]
    assert U.new_rs_new_replicas(d, [new_rs, *olds], new_rs) == want


def test_old_scale_down_waits_for_new_pods_to_be_available() -> None:
    d = dep(3)  # maxUnavailable 0
    old = rs("old", 3)
    new = rs("new", 1, available=0, created="2026-01-02T00:00:00Z")
    assert U.old_scale_down_plan([new, old], [old], new, d) == []
    new_ready = rs("new", 1, available=1, created="2026-01-02T00:00:00Z")
    assert [
        (r["metadata"]["name"], n) for r, n in U.old_scale_down_plan([new_ready, old], [old], new_ready, d)
    ] == [("old", 2)]


def test_unhealthy_old_replicas_go_first() -> None:
    d = dep(4, surge=1, unavailable=1)
    old = rs("old", 4, available=2)
    new = rs("new", 1, available=0, created="2026-01-02T00:00:00Z")
    # all 5, min available 3, new unavailable 1 → may scale down 1, taken from the 2 unhealthy ones
    assert [(r["metadata"]["name"], n) for r, n in U.old_scale_down_plan([new, old], [old], new, d)] == [
        ("old", 3)
    ]


def test_proportional_scaling_mid_rollout() -> None:
    d = dep(20, surge=3, unavailable=2)  # was 10 (+3 surge = 13 max)
    a = rs("a", 8, created="2026-01-01T00:00:00Z", max_replicas=13)
    b = rs("b", 5, created="2026-01-02T00:00:00Z", max_replicas=13)
    sizes = U.proportional_sizes(d, [a, b])
    assert sum(sizes.values()) == 23
    # a: round(8*23/13) = 14, b: round(5*23/13) = 9; nothing left over for the largest
    assert sizes == {"a": 14, "b": 9}
    down = U.proportional_sizes(dep(5, surge=1, unavailable=0), [a, b])
    assert sum(down.values()) == 6 and down["a"] > down["b"]


def test_cleanup_keeps_revision_history_limit() -> None:
    olds = [rs(f"r{i}", 0, revision=i) for i in range(1, 5)] + [rs("live", 2, revision=5)]
    assert [r["metadata"]["name"] for r in U.rs_to_clean(olds, 2)] == ["r1", "r2"]
    assert U.rs_to_clean(olds, 10) == []
    busy = rs("busy", 0, revision=0, status_replicas=1)
    assert U.rs_to_clean([busy], 0) == []


def test_conditions_keep_transition_time() -> None:
    c1 = U.set_condition([], U.cond("Available", "False", "MinimumReplicasUnavailable", "m"), "t1")
    c2 = U.set_condition(c1, U.cond("Available", "False", "MinimumReplicasUnavailable", "m"), "t2")
    assert c2 == c1
    c3 = U.set_condition(c2, U.cond("Available", "True", "MinimumReplicasAvailable", "m"), "t3")
    assert c3[0]["lastTransitionTime"] == "t3"


def test_complete_and_status() -> None:
    d = dep(2)
    new = rs("new", 2)
    status = U.calculate_status(d, [new, rs("old", 0)], new)
    assert status == {
        "observedGeneration": 1,
        "replicas": 2,
        "updatedReplicas": 2,
        "readyReplicas": 0,
        "availableReplicas": 2,
        "unavailableReplicas": 0,
    }
    assert U.is_complete(d, status)
    assert not U.is_complete(dep(2, generation=2), status)
    assert U.available_condition(d, status)["status"] == "True"


def test_replica_failure_is_mirrored_and_cleared() -> None:
    d = dep(2)
    new = rs("new", 2)
    new["status"]["conditions"] = [
        {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate", "message": "quota"}
    ]
    status = U.calculate_status(d, [new], new)
    conds = {c["type"]: c for c in U.status_conditions(d, status, [], [new], new, "t")}
    assert (
        conds["ReplicaFailure"]["reason"] == "FailedCreate" and conds["ReplicaFailure"]["message"] == "quota"
    )
    healthy = rs("new", 2)
    cleared = U.status_conditions(d, status, list(conds.values()), [healthy], healthy, "t2")
    assert [c["type"] for c in cleared] == ["Available"]
