"""NodeLabel, the book's policy arguments: `labelsPresence` (CheckNodeLabelPresence) filters on
labels being all present or all absent; `labelPreference` (CalculateNodeLabelPriority) scores 100
when the label's presence is as wished."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubepy.scheduler.plugins.base import (
    MAX_NODE_SCORE,
    POST,
    Cluster,
    CycleState,
    FilterPlugin,
    Obj,
    Reasons,
    ScorePlugin,
    each_node,
    labels_of,
)

REASON_PRESENCE = "node(s) didn't have the requested labels"


def presence_fits(node: Obj, labels: Sequence[str], presence: bool) -> bool:
    have = labels_of(node)
    return all((k in have) == presence for k in labels)


def preference_score(node: Obj, label: str, presence: bool) -> int:
    return MAX_NODE_SCORE if (label in labels_of(node)) == presence else 0


class NodeLabelPresence(FilterPlugin):
    name = "NodeLabel"
    stage = POST

    def __init__(self, labels: Sequence[str], presence: bool) -> None:
        self.labels, self.presence = list(labels), presence

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        return each_node(
            cluster.table,
            range(len(cluster.table)),
            lambda n, _: None if presence_fits(n, self.labels, self.presence) else (REASON_PRESENCE,),
        )


class NodeLabelPreference(ScorePlugin):
    name = "NodeLabel"

    def __init__(self, label: str, presence: bool) -> None:
        self.label, self.presence = label, presence

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        rows = cluster.table.rows
        return [preference_score(rows[i].node, self.label, self.presence) for i in feasible]
