"""One pod's scheduling cycle (kube-scheduler's schedulePod): filter, score, select.

Python plugins that matter for the pod mark the nodes they reject (`pre` before NodeResourcesFit,
`post` after it, first failing plugin wins); the compiled kernel then visits nodes from a rotating
start index, applies NodeResourcesFit, and stops after `num_feasible_nodes_to_find` feasible ones
(percentageOfNodesToScore). Survivors are scored (kernel: LeastAllocated + BalancedAllocation;
Python: the other score plugins, normalised and weighted) and the best is chosen, ties at random.
When no node fits, FitError carries the reasons counted as kube-scheduler prints them.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kubepy._fast import scoring
from kubepy.scheduler import resources as rs
from kubepy.scheduler.plugins.base import POST, Cluster, CycleState, FilterPlugin, Obj, Reasons, ScorePlugin
from kubepy.scheduler.plugins.noderesources import ResourcesConfig, fit_reasons

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
NO_NODES_AVAILABLE = "no nodes available to schedule pods"


def num_feasible_nodes_to_find(percentage: int, num_all_nodes: int) -> int:
    """kube-scheduler's numFeasibleNodesToFind: all nodes below 100; else the percentage (0:
    adaptive 50% - nodes/125, at least 5%) of them, at least 100."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND or percentage >= 100:
        return num_all_nodes
    if percentage <= 0:
        percentage = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(num_all_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def fit_error_message(num_all_nodes: int, node_reasons: Iterable[Reasons]) -> str:
    """FitError.Error(): `0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.`
    — every reason counted over nodes, "<count> <reason>" strings sorted as strings."""
    hist: dict[str, int] = {}
    for reasons in node_reasons:
        for r in reasons:
            hist[r] = hist.get(r, 0) + 1
    msg = f"0/{num_all_nodes} nodes are available:"
    parts = sorted(f"{n} {r}" for r, n in hist.items())
    if parts:
        msg += f" {', '.join(parts)}."
    return msg


class FitError(Exception):
    def __init__(self, num_all_nodes: int, reasons: dict[str, Reasons]) -> None:
        self.num_all_nodes = num_all_nodes
        self.reasons = reasons  # node name -> reasons
        super().__init__(fit_error_message(num_all_nodes, reasons.values()))


class NoNodesAvailable(Exception):
    def __init__(self) -> None:
        super().__init__(NO_NODES_AVAILABLE)


@dataclass(frozen=True)
class Decision:
    node: str
    evaluated: int
    feasible: int
    score: int
    #: The pod's requests and non-zero requests (resources.pod_requests) as the cycle computed
    #: them: the assumed pod is counted with these, not computed again.
    requests: tuple[dict[str, int], dict[str, int]] | None = field(default=None, compare=False)


@dataclass
class Profile:
    """What a scheduler profile runs (KubeSchedulerProfile, or a legacy Policy turned into one)."""

    scheduler_name: str = "default-scheduler"
    filters: list[FilterPlugin] = field(default_factory=list)
    scorers: list[tuple[ScorePlugin, int]] = field(default_factory=list)
    resources: ResourcesConfig = field(default_factory=ResourcesConfig)
    #: 0: adaptive; 1-100: that percentage of the nodes is enough (at least 100 nodes).
    percentage_of_nodes_to_score: int = 0


class Framework:
    def __init__(self, profile: Profile, rng: random.Random | None = None) -> None:
        self.profile = profile
        self.rng = rng or random.Random()
        self.next_start = 0
        self._reasons: list[Reasons] = [()]
        self._reason_ids: dict[Reasons, int] = {}

    def _intern(self, reasons: Reasons) -> int:
        rid = self._reason_ids.get(reasons)
        if rid is None:
            rid = len(self._reasons)
            self._reasons.append(reasons)
            self._reason_ids[reasons] = rid
        return rid

    def _weights(self, table_resources: Sequence[str]) -> tuple[array, array]:
        cfg = self.profile.resources
        least = array("q", [cfg.least_allocated_resources.get(r, 0) for r in table_resources])
        balanced = array("q", [1 if r in cfg.balanced_resources else 0 for r in table_resources])
        return least, balanced

    def schedule(self, pod: Obj, cluster: Cluster) -> Decision:
        table = cluster.table
        n = len(table)
        if n == 0:
            raise NoNodesAvailable
        state = CycleState(pod)
        requests = rs.pod_requests(pod), rs.pod_requests(pod, non_zero=True)
        pod_req = table.pod_vector(requests[0])
        pod_nonzero = table.pod_vector(requests[1])
        pod_req = array("q", pod_req.tolist() + [0] * (table.nres - len(pod_req)))
        nres = table.nres
        pre = array("i", bytes(4 * n))
        post = array("i", bytes(4 * n))
        for plugin in self.profile.filters:
            if not plugin.should_filter(state, cluster):
                continue
            marks = post if plugin.stage == POST else pre
            for i, reasons in plugin.failures(state, cluster):
                if marks[i] == 0:
                    marks[i] = self._intern(reasons)
        feasible = array("i", bytes(4 * n))
        status = array("q", bytes(8 * n))
        start = self.next_start % n
        want = num_feasible_nodes_to_find(self.profile.percentage_of_nodes_to_score, n)
        cfg = self.profile.resources
        found, visited = scoring.filter_nodes(
            n, nres, table.alloc, table.requested, table.pod_count, table.max_pods, pod_req,
            1 if cfg.fit_filter else 0, pre, post, start, want, feasible, status,
        )  # fmt: skip
        self.next_start = (start + visited) % n
        if found == 0:
            raise FitError(n, self._failures(table, status, start, visited))
        if found == 1:
            return Decision(table.names[feasible[0]], visited, 1, 0, requests)
        rows = feasible[:found]
        extra = array("q", bytes(8 * found))
        has_extra = 0
        for plugin, weight in self.profile.scorers:
            if weight and plugin.should_score(state, cluster):
                has_extra = 1
                for j, s in enumerate(plugin.score(state, cluster, rows)):
                    extra[j] += weight * s
        least_w, balanced_use = self._weights(table.resources)
        pod_nonzero = array("q", pod_nonzero.tolist() + [0] * (nres - len(pod_nonzero)))
        scores = array("q", bytes(8 * found))
        ties = array("i", bytes(4 * found))
        count = scoring.score_nodes(
            nres, table.alloc, table.nonzero_requested, table.requested, pod_nonzero, pod_req, rows, found,
            least_w, cfg.least_allocated_weight, balanced_use, cfg.balanced_weight, extra, has_extra, scores, ties,
        )  # fmt: skip
        pick = ties[self.rng.randrange(count)] if count > 1 else ties[0]
        return Decision(table.names[rows[pick]], visited, found, scores[pick], requests)

    def _failures(self, table, status: array, start: int, visited: int) -> dict[str, Reasons]:  # noqa: ANN001
        n = len(table)
        out = {}
        for step in range(visited):
            i = (start + step) % n
            code = status[i]
            if code > 0:
                out[table.names[i]] = self._reasons[code]
            elif code < 0:
                out[table.names[i]] = fit_reasons(-code, table.resources)
        return out
