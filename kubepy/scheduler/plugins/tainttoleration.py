"""TaintToleration: NoSchedule/NoExecute taints the pod does not tolerate keep it off a node; each
untolerated PreferNoSchedule taint lowers the node's score (normalised, reversed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubepy.scheduler.plugins.base import (
    PRE,
    Cluster,
    CycleState,
    FilterPlugin,
    Obj,
    Reasons,
    ScorePlugin,
    default_normalize,
    each_node,
)

HARD = ("NoSchedule", "NoExecute")


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """v1.Toleration.ToleratesTaint: effect and key match when set; Exists ignores the value."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    return op == "Equal" and (toleration.get("value") or "") == (taint.get("value") or "")


def tolerates_any(tolerations: Iterable[Obj], taint: Obj) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


def first_untolerated(
    taints: Iterable[Obj], tolerations: list[Obj], effects: Sequence[str] = HARD
) -> Obj | None:
    for taint in taints:
        if taint.get("effect") in effects and not tolerates_any(tolerations, taint):
            return taint
    return None


def reason(taint: Obj) -> str:
    return f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value') or ''}}}"


def intolerable_prefer_no_schedule(taints: Iterable[Obj], tolerations: list[Obj]) -> int:
    """How many PreferNoSchedule taints are not tolerated by the pod's PreferNoSchedule (or
    effect-less) tolerations."""
    soft = [t for t in tolerations if (t.get("effect") or "") in ("", "PreferNoSchedule")]
    return sum(1 for t in taints if t.get("effect") == "PreferNoSchedule" and not tolerates_any(soft, t))


def _taints(node: Obj) -> list[Obj]:
    return (node.get("spec") or {}).get("taints") or []


class TaintToleration(FilterPlugin, ScorePlugin):
    name = "TaintToleration"
    stage = PRE

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        tolerations = state.spec.get("tolerations") or []

        def check(node: Obj, _: int) -> Reasons | None:
            taint = first_untolerated(_taints(node), tolerations)
            return None if taint is None else (reason(taint),)

        return each_node(cluster.table, sorted(cluster.table.flagged), check)

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(cluster.table.flagged)

    def should_score(self, state: CycleState, cluster: Cluster) -> bool:
        return bool(cluster.table.flagged)

    def score(self, state: CycleState, cluster: Cluster, feasible: Sequence[int]) -> list[int]:
        tolerations = state.spec.get("tolerations") or []
        flagged = cluster.table.flagged
        raw = [
            intolerable_prefer_no_schedule(_taints(cluster.table.rows[i].node), tolerations)
            if i in flagged
            else 0
            for i in feasible
        ]
        return default_normalize(raw, reverse=True)
