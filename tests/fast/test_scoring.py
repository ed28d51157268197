"""The scheduler's compiled kernel, table-tested on both twins (kubepy/_fast/scoring_{py,c})."""

from __future__ import annotations

import importlib
from array import array
from types import ModuleType

import pytest

from tests.fast.conftest import compiled


def scoring_impl(name: str) -> ModuleType:
    if name == "py":
        return importlib.import_module("kubepy._fast.scoring_py")
    mod = compiled("scoring_c")
    if mod is None:
        pytest.skip("kubepy._fast.scoring_c is not built (built with KUBEPY_NO_EXTENSIONS=1, or not built)")
    return mod


@pytest.fixture(params=["py", "c"])
def k(request: pytest.FixtureRequest) -> ModuleType:
    """The kernel under test: each test runs once per twin."""
    return scoring_impl(request.param)


def q(*values: int) -> array:
    return array("q", values)


def i32(*values: int) -> array:
    return array("i", values)


@pytest.mark.parametrize(
    ("requested", "capacity", "score"),
    [
        (0, 1000, 100),
        (250, 1000, 75),
        (1000, 1000, 0),
        (1001, 1000, 0),
        (0, 0, 0),
        (333, 1000, 66),  # integer arithmetic, truncated
        (3 * 2**30, 4 * 2**30, 25),
    ],
)
def test_least_requested_score(k: ModuleType, requested: int, capacity: int, score: int) -> None:
    assert k.least_requested_score(requested, capacity) == score


@pytest.mark.parametrize(
    ("alloc", "requested", "count", "max_pods", "pod", "mask"),
    [
        ((1000, 100), (0, 0), 0, 10, (500, 50), 0),
        ((1000, 100), (600, 0), 0, 10, (500, 50), 2),  # insufficient cpu
        ((1000, 100), (0, 60), 0, 10, (500, 50), 4),  # insufficient memory
        ((1000, 100), (600, 60), 0, 10, (500, 50), 6),
        ((1000, 100), (0, 0), 10, 10, (500, 50), 1),  # too many pods
        ((1000, 100), (1000, 100), 10, 10, (0, 0), 1),  # nothing requested: only the pod count
        ((1000, 100), (1000, 100), 9, 10, (0, 0), 0),
        ((1000, 100), (500, 0), 0, 10, (500, 100), 0),  # exactly full fits
        ((0, 100), (0, 0), 0, 10, (1, 0), 2),
    ],
)
def test_fit_failures(k: ModuleType, alloc, requested, count, max_pods, pod, mask) -> None:  # noqa: ANN001
    assert k.fit_failures(2, q(*alloc), q(*requested), q(count), q(max_pods), q(*pod), 0) == mask


@pytest.mark.parametrize(
    ("alloc", "requested", "pod", "use", "score"),
    [
        ((1000, 1000), (0, 0), (0, 0), (1, 1), 100),
        ((1000, 1000), (500, 0), (0, 0), (1, 1), 75),  # |0.5 - 0| / 2 = 0.25
        ((1000, 1000), (250, 250), (250, 250), (1, 1), 100),
        ((1000, 1000), (2000, 0), (0, 0), (1, 1), 50),  # a fraction is capped at 1
        ((1000, 0), (500, 0), (0, 0), (1, 1), 100),  # a resource without allocatable is skipped
        ((1000, 1000, 1000), (0, 600, 900), (0, 0, 0), (1, 1, 1), 62),  # three: population std dev .374
        ((1000, 1000, 1000), (0, 600, 900), (0, 0, 0), (1, 1, 0), 70),
    ],
)
def test_balanced_score(k: ModuleType, alloc, requested, pod, use, score) -> None:  # noqa: ANN001
    assert k.balanced_score(len(alloc), q(*alloc), q(*requested), q(*pod), q(*use), 0) == score


@pytest.mark.parametrize(
    ("alloc", "requested", "pod", "weights", "score"),
    [
        ((1000, 1000), (0, 0), (100, 100), (1, 1), 90),
        ((1000, 1000), (400, 0), (100, 100), (1, 1), 70),  # (50 + 90) / 2
        ((1000, 1000), (400, 0), (100, 100), (3, 1), 60),  # (50*3 + 90) / 4
        ((1000, 0), (400, 0), (100, 100), (1, 1), 50),  # no allocatable: left out of the mean
        ((1000, 1000), (0, 0), (100, 100), (0, 0), 0),
        ((1000, 1000), (2000, 0), (100, 100), (1, 1), 45),  # over capacity scores 0
    ],
)
def test_least_allocated_score(k: ModuleType, alloc, requested, pod, weights, score) -> None:  # noqa: ANN001
    assert k.least_allocated_score(2, q(*alloc), q(*requested), q(*pod), q(*weights), 0) == score


def table(cpus: list[int], used: list[int] | None = None) -> tuple[array, array, array, array]:
    n = len(cpus)
    alloc = q(*[v for c in cpus for v in (c, 1 << 30)])
    req = q(*[v for u in (used or [0] * n) for v in (u, 0)])
    return alloc, req, q(*[0] * n), q(*[110] * n)


def run_filter(k: ModuleType, cpus, pod_cpu, start=0, want=None, pre=None, post=None, used=None, check_fit=1):  # noqa: ANN001, ANN201
    n = len(cpus)
    alloc, req, count, maxp = table(cpus, used)
    feasible, status = i32(*[0] * n), q(*[0] * n)
    found, visited = k.filter_nodes(
        n, 2, alloc, req, count, maxp, q(pod_cpu, 0), check_fit, i32(*(pre or [0] * n)), i32(*(post or [0] * n)),
        start, n if want is None else want, feasible, status,
    )  # fmt: skip
    return list(feasible[:found]), visited, list(status)


def test_filter_visits_all_and_reports_resource_masks(k: ModuleType) -> None:
    feasible, visited, status = run_filter(k, [1000, 200, 1000, 100], 500)
    assert feasible == [0, 2]
    assert visited == 4
    assert status == [0, -2, 0, -2]


def test_filter_stops_after_enough_feasible_and_rotates(k: ModuleType) -> None:
    feasible, visited, status = run_filter(k, [1000] * 6, 100, start=4, want=3)
    assert feasible == [4, 5, 0]
    assert visited == 3
    assert status[1:4] == [0, 0, 0]


def test_filter_pre_reasons_win_over_resources_and_post_come_after(k: ModuleType) -> None:
    feasible, _, status = run_filter(k, [100, 100, 1000, 1000], 500, pre=[7, 0, 0, 0], post=[9, 9, 9, 0])
    assert feasible == [3]
    assert status == [7, -2, 9, 0]


def test_filter_without_the_fit_check(k: ModuleType) -> None:
    feasible, _, _ = run_filter(k, [100, 100], 500, check_fit=0)
    assert feasible == [0, 1]


def test_score_nodes_sums_weights_and_lists_ties(k: ModuleType) -> None:
    alloc, req, _, _ = table([1000, 1000, 2000], [500, 0, 0])
    feasible = i32(0, 1, 2)
    scores, ties = q(0, 0, 0), i32(0, 0, 0)
    count = k.score_nodes(
        2,
        alloc,
        req,
        req,
        q(100, 0),
        q(100, 0),
        feasible,
        3,
        q(1, 1),
        1,
        q(1, 1),
        0,
        q(0, 0, 0),
        0,
        scores,
        ties,
    )
    # least allocated over cpu and memory: (40 + 100) / 2, (90 + 100) / 2, (95 + 100) / 2
    assert list(scores) == [70, 95, 97]
    assert (count, ties[0]) == (1, 2)
    count = k.score_nodes(
        2,
        alloc,
        req,
        req,
        q(100, 0),
        q(100, 0),
        feasible,
        3,
        q(1, 1),
        1,
        q(1, 1),
        0,
        q(30, 2, 0),
        1,
        scores,
        ties,
    )
    assert list(scores) == [100, 97, 97]
    assert (count, ties[0]) == (1, 0)
    count = k.score_nodes(
        2,
        alloc,
        req,
        req,
        q(100, 0),
        q(100, 0),
        feasible,
        3,
        q(1, 1),
        1,
        q(1, 1),
        0,
        q(0, 2, 0),
        1,
        scores,
        ties,
    )
    assert (count, list(ties[:count])) == (2, [1, 2])
