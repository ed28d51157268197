# cython: boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Filter and score one pod over every candidate node at once: the scheduler's per pod x node loop.

This file is the pure-Python twin *and* the compiled module: `scoring_c.py` is a symlink to it and
`scoring_c.pxd` types it for Cython, so the two cannot drift (STYLE.md §6). The node state lives in
flat int64 arrays (`array.array("q")`, node-major: value of resource r on node i at `i * nres + r`);
resource 0 is cpu (millicores), 1 memory (bytes), then ephemeral storage and extended resources.

What is decided here, as kube-scheduler decides it:
- NodeResourcesFit's filter (fitsRequest): a node fails with "Too many pods" when one more pod is
  over its pod capacity, and with "Insufficient <r>" for every requested resource above what is
  left of its allocatable; a pod requesting nothing is only held to the pod count.
- The filters that ran in Python before and after it (`pre`, `post`: 0 passes, else the id of a
  reason set) in plugin order: the first failing plugin names the reasons, as RunFilterPlugins.
- findNodesThatPassFilters' early stop: visit nodes from `start` round the ring and stop once
  `want` feasible nodes are found (percentageOfNodesToScore).
- NodeResourcesFit's LeastAllocated score and NodeResourcesBalancedAllocation's score (0-100 each),
  weighted and summed with the Python plugins' scores (`extra`), and the nodes sharing the top total.

Array sizes are the caller's contract (kubepy/scheduler/framework.py sizes every array by the node
and resource counts it passes), so the compiled module indexes them unchecked (the directives on
the first line): this loop runs per pod x node. C division is safe too: no value is negative and
every divisor is checked for zero first.
"""

from __future__ import annotations

_MAX = 100
#: Bit 0 of a resource-failure mask: one pod too many; bit r + 1: resource r is insufficient.
_TOO_MANY = 1
# The public names (the C-typed ones above are not visible from Python once compiled).
MAX_NODE_SCORE = _MAX
TOO_MANY_PODS = _TOO_MANY


def least_requested_score(requested: int, capacity: int) -> int:
    """(capacity - requested) * 100 / capacity; 0 when nothing fits or there is no capacity."""
    if capacity == 0 or requested > capacity:
        return 0
    return ((capacity - requested) * _MAX) // capacity


def fit_failures(
    nres: int, alloc: object, requested: object, pod_count: object, max_pods: object, pod_req: object, i: int
) -> int:
    """The resource-failure mask of node i (0: the pod fits)."""
    mask = 0
    base = i * nres
    if pod_count[i] + 1 > max_pods[i]:
        mask = _TOO_MANY
    any_request = 0
    for r in range(nres):
        if pod_req[r] != 0:
            any_request = 1
            break
    if any_request == 0:
        return mask
    for r in range(nres):
        want = pod_req[r]
        if want > 0 and want > alloc[base + r] - requested[base + r]:
            mask |= 2 << r
    return mask


def filter_nodes(
    n: int,
    nres: int,
    alloc: object,
    requested: object,
    pod_count: object,
    max_pods: object,
    pod_req: object,
    check_fit: int,
    pre: object,
    post: object,
    start: int,
    want: int,
    feasible_out: object,
    status_out: object,
) -> tuple:
    """Visit nodes from `start` until `want` are feasible or all were seen.

    Feasible node indices go to `feasible_out` in visiting order; `status_out[i]` of a visited node
    that failed is its pre/post reason id (> 0) or minus its resource-failure mask (< 0), and 0
    otherwise. `check_fit` 0 leaves NodeResourcesFit out (a policy without PodFitsResources).
    Returns (feasible found, nodes visited).
    """
    found = 0
    visited = 0
    while visited < n and found < want:
        i = (start + visited) % n
        visited += 1
        code = pre[i]
        if code == 0:
            mask = 0
            if check_fit != 0:
                mask = fit_failures(nres, alloc, requested, pod_count, max_pods, pod_req, i)
            if mask != 0:
                code = -mask
            else:
                code = post[i]
        status_out[i] = code
        if code == 0:
            feasible_out[found] = i
            found += 1
    return found, visited


def balanced_score(nres: int, alloc: object, requested: object, pod_req: object, use: object, i: int) -> int:
    """BalancedAllocation: (1 - standard deviation of the requested fractions) * 100.

    Only resources with `use[r]` and some allocatable count; a fraction is capped at 1. Two
    resources take kube-scheduler's shortcut |f0 - f1| / 2.
    """
    base = i * nres
    count = 0
    total = 0.0
    f0 = 0.0
    f1 = 0.0
    for r in range(nres):
        if use[r] == 0 or alloc[base + r] == 0:
            continue
        fraction = (requested[base + r] + pod_req[r]) * 1.0 / alloc[base + r]
        if fraction > 1.0:
            fraction = 1.0
        if count == 0:
            f0 = fraction
        elif count == 1:
            f1 = fraction
        total += fraction
        count += 1
    if count < 2:
        return _MAX
    if count == 2:
        std = abs(f0 - f1) / 2.0
    else:
        mean = total / count
        acc = 0.0
        for r in range(nres):
            if use[r] == 0 or alloc[base + r] == 0:
                continue
            fraction = (requested[base + r] + pod_req[r]) * 1.0 / alloc[base + r]
            if fraction > 1.0:
                fraction = 1.0
            acc += (fraction - mean) * (fraction - mean)
        std = (acc / count) ** 0.5
    return int((1.0 - std) * _MAX)


def least_allocated_score(
    nres: int, alloc: object, requested: object, pod_req: object, weights: object, i: int
) -> int:
    """LeastAllocated: the weighted mean of leastRequestedScore over resources with allocatable."""
    base = i * nres
    score = 0
    weight_sum = 0
    for r in range(nres):
        w = weights[r]
        if w == 0 or alloc[base + r] == 0:
            continue
        score += least_requested_score(requested[base + r] + pod_req[r], alloc[base + r]) * w
        weight_sum += w
    if weight_sum == 0:
        return 0
    return score // weight_sum


def score_nodes(
    nres: int,
    alloc: object,
    nonzero_requested: object,
    requested: object,
    pod_nonzero: object,
    pod_req: object,
    feasible: object,
    k: int,
    least_weights: object,
    least_weight: int,
    balanced_use: object,
    balanced_weight: int,
    extra: object,
    has_extra: int,
    scores_out: object,
    ties_out: object,
) -> int:
    """Total score of each of the k feasible nodes into `scores_out`; the positions (into
    `feasible`) of the nodes sharing the top score into `ties_out`; returns how many tie.

    LeastAllocated sees requests with kube-scheduler's non-zero defaults (`nonzero_requested`,
    `pod_nonzero`), BalancedAllocation the real ones (`requested`, `pod_req`).
    """
    ties = 0
    best = -1
    for j in range(k):
        i = feasible[j]
        total = 0
        if least_weight != 0:
            total += least_weight * least_allocated_score(
                nres, alloc, nonzero_requested, pod_nonzero, least_weights, i
            )
        if balanced_weight != 0:
            total += balanced_weight * balanced_score(nres, alloc, requested, pod_req, balanced_use, i)
        if has_extra != 0:
            total += extra[j]
        scores_out[j] = total
        if total > best:
            best = total
            ties = 0
        if total == best:
            ties_out[ties] = j
            ties += 1
    return ties
