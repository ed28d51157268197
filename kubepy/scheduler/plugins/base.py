"""What a plugin is: a filter naming the nodes it rejects (with kube-scheduler's reasons), or a
scorer giving each feasible node 0-100 after normalisation. Both may declare themselves irrelevant
for a pod (PreFilter's Skip), which keeps the common pod on the compiled fast path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubepy.scheduler.nodetable import NodeTable

Obj = dict[str, Any]
Reasons = tuple[str, ...]
MAX_NODE_SCORE = 100

PRE = "pre"  # runs before NodeResourcesFit in the filter order
POST = "post"  # runs after it


@dataclass
class CycleState:
    """One pod's scheduling attempt: the pod and what plugins computed about it."""

    pod: Obj
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def meta(self) -> Obj:
        return self.pod.get("metadata") or {}

    @property
    def spec(self) -> Obj:
        return self.pod.get("spec") or {}

    @property
    def namespace(self) -> str:
        return self.meta.get("namespace") or "default"

    @property
    def labels(self) -> dict[str, str]:
        return self.meta.get("labels") or {}


@dataclass
class Cluster:
    """What plugins may read: the node table and listers of the objects spreading looks at."""

    table: NodeTable
    services: Callable[[], list[Obj]] = list
    controllers: Callable[[], list[Obj]] = list  # RCs, ReplicaSets, StatefulSets


class FilterPlugin:
    name = ""
    stage = PRE

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        return True

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        """(row, reasons) of every node this plugin rejects."""
        raise NotImplementedError


class ScorePlugin:
    name = ""

    def should_score(self, state: CycleState, cluster: Cluster) -> bool:
        return True

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        """The normalised 0-100 score of each feasible row, in order."""
        raise NotImplementedError


def each_node(
    table: NodeTable, rows: Iterable[int], check: Callable[[Obj, int], Reasons | None]
) -> Iterator[tuple[int, Reasons]]:
    for i in rows:
        reasons = check(table.rows[i].node, i)
        if reasons:
            yield i, reasons


def default_normalize(scores: list[int], reverse: bool = False) -> list[int]:
    """helper.DefaultNormalizeScore: scale to 0-100 by the maximum (reversed: 100 minus that)."""
    top = max(scores, default=0)
    if top == 0:
        return [MAX_NODE_SCORE if reverse else 0 for _ in scores]
    out = [MAX_NODE_SCORE * s // top for s in scores]
    return [MAX_NODE_SCORE - s for s in out] if reverse else out


def labels_of(obj: Obj) -> dict[str, str]:
    return (obj.get("metadata") or {}).get("labels") or {}
