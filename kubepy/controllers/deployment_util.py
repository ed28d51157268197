"""Pure decisions of the Deployment controller (pkg/controller/deployment/util): the template
hash that names ReplicaSets, revisions, surge and unavailability arithmetic, how many replicas
each ReplicaSet gets in a rolling update, status and conditions."""

from __future__ import annotations

import math
from typing import Any

import orjson

from kubepy.controllers import pods as P

Obj = dict[str, Any]

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
#: Annotations never copied from a Deployment to its ReplicaSets (skipCopyAnnotation).
NOT_COPIED = {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS}
#: rand.SafeEncodeString's alphabet: no vowels, no confusable characters.
SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(s: str) -> str:
    return "".join(SAFE_ALPHANUMS[ord(c) % len(SAFE_ALPHANUMS)] for c in s)


def template_hash(template: Obj, collision_count: int = 0) -> str:
    """The pod-template-hash: FNV-32a of the template (and the collision count), encoded as
    Kubernetes encodes it (ComputeHash + SafeEncodeString), e.g. "66b6c48dd5"."""
    data = orjson.dumps(template, option=orjson.OPT_SORT_KEYS)
    if collision_count:
        data += str(collision_count).encode()
    return safe_encode(str(fnv32a(data)))


def _norm(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def without_hash(template: Obj) -> Obj:
    t = dict(template or {})
    m = dict(t.get("metadata") or {})
    labels = {k: v for k, v in (m.get("labels") or {}).items() if k != HASH_LABEL}
    m["labels"] = labels
    m.pop("creationTimestamp", None)
    t["metadata"] = m
    return _norm(t)


def equal_ignore_hash(a: Obj, b: Obj) -> bool:
    """Templates equal but for the pod-template-hash label (EqualIgnoreHash)."""
    return without_hash(a) == without_hash(b)


def replicas(obj: Obj) -> int:
    r = (obj.get("spec") or {}).get("replicas")
    return 1 if r is None else int(r)


def status_of(rs: Obj, field: str) -> int:
    return int((rs.get("status") or {}).get(field) or 0)


def revision(obj: Obj) -> int:
    try:
        return int((P.meta(obj).get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def max_revision(rss: list[Obj]) -> int:
    return max((revision(r) for r in rss), default=0)


def resolve_int_or_percent(value: Any, total: int, round_up: bool) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    s = str(value)
    if s.endswith("%"):
        pct = int(s[:-1]) * total / 100
        return math.ceil(pct) if round_up else math.floor(pct)
    return int(s)


def rolling(d: Obj) -> Obj:
    return ((d.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}


def strategy(d: Obj) -> str:
    return ((d.get("spec") or {}).get("strategy") or {}).get("type") or "RollingUpdate"


def fenceposts(d: Obj) -> tuple[int, int]:
    """(maxSurge, maxUnavailable), surge rounded up, unavailability down; never both 0."""
    ru, n = rolling(d), replicas(d)
    surge = resolve_int_or_percent(ru.get("maxSurge", "25%"), n, True)
    unavailable = resolve_int_or_percent(ru.get("maxUnavailable", "25%"), n, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_unavailable(d: Obj) -> int:
    if strategy(d) != "RollingUpdate" or replicas(d) == 0:
        return 0
    return min(fenceposts(d)[1], replicas(d))


def max_surge(d: Obj) -> int:
    return fenceposts(d)[0] if strategy(d) == "RollingUpdate" else 0


def new_rs_new_replicas(d: Obj, all_rss: list[Obj], new_rs: Obj | None) -> int:
    """How many replicas the new ReplicaSet may have now (NewRSNewReplicas)."""
    want = replicas(d)
    if strategy(d) != "RollingUpdate":
        return want
    current_new = replicas(new_rs) if new_rs is not None else 0
    current_total = sum(replicas(r) for r in all_rss)
    max_total = want + max_surge(d)
    if current_total >= max_total:
        return current_new
    return current_new + min(max_total - current_total, want - current_new)


def by_creation(rss: list[Obj]) -> list[Obj]:
    return sorted(rss, key=lambda r: (P.meta(r).get("creationTimestamp") or "", P.meta(r).get("name", "")))


def old_scale_down_plan(
    all_rss: list[Obj], old_rss: list[Obj], new_rs: Obj | None, d: Obj
) -> list[tuple[Obj, int]]:
    """(ReplicaSet, new size) for the old ReplicaSets this step of a rolling update shrinks:
    first their unhealthy replicas, then as many available ones as maxUnavailable allows
    (reconcileOldReplicaSets, oldest first)."""
    old_pods = sum(replicas(r) for r in old_rss)
    if old_pods == 0:
        return []
    all_pods = sum(replicas(r) for r in all_rss)
    min_available = replicas(d) - max_unavailable(d)
    new_unavailable = (replicas(new_rs) - status_of(new_rs, "availableReplicas")) if new_rs is not None else 0
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return []
    sizes = {P.meta(r).get("uid", ""): replicas(r) for r in old_rss}
    # 1. unhealthy replicas of old ReplicaSets go first
    cleaned = 0
    for r in by_creation(old_rss):
        uid = P.meta(r).get("uid", "")
        if cleaned >= max_scaled_down:
            break
        unhealthy = sizes[uid] - status_of(r, "availableReplicas")
        if sizes[uid] == 0 or unhealthy <= 0:
            continue
        n = min(max_scaled_down - cleaned, unhealthy)
        sizes[uid] -= n
        cleaned += n
    # 2. then available replicas, down to minAvailable
    available = sum(status_of(r, "availableReplicas") for r in all_rss)
    if available > min_available:
        budget = available - min_available
        done = 0
        for r in by_creation(old_rss):
            uid = P.meta(r).get("uid", "")
            if done >= budget:
                break
            if sizes[uid] == 0:
                continue
            n = min(sizes[uid], budget - done)
            sizes[uid] -= n
            done += n
    return [
        (r, sizes[P.meta(r).get("uid", "")])
        for r in old_rss
        if sizes[P.meta(r).get("uid", "")] != replicas(r)
    ]


def _annotated_max(rs: Obj, fallback: int) -> int:
    try:
        return int((P.meta(rs).get("annotations") or {})[MAX_REPLICAS])
    except (KeyError, ValueError):
        return fallback


def rs_fraction(rs: Obj, d: Obj) -> int:
    """How many replicas `rs` gains (or loses) for the Deployment's new size, from the size it
    was sized for (the max-replicas annotation) — getReplicaSetFraction."""
    if replicas(d) == 0:
        return -replicas(rs)
    deployment_replicas = replicas(d) + max_surge(d)
    annotated = _annotated_max(rs, int((d.get("status") or {}).get("replicas") or 0))
    if annotated <= 0:
        return 0
    return int(math.floor(replicas(rs) * deployment_replicas / annotated + 0.5)) - replicas(rs)


def proportional_sizes(d: Obj, active: list[Obj]) -> dict[str, int]:
    """New sizes (by uid) when a Deployment with several active ReplicaSets is resized
    mid-rollout: each gets its proportion, the leftover goes to the largest
    (DeploymentController.scale)."""
    all_replicas = sum(replicas(r) for r in active)
    to_add = replicas(d) + max_surge(d) - all_replicas
    sizes = {P.meta(r).get("uid", ""): replicas(r) for r in active}
    if to_add == 0 or not active:
        return sizes
    newer_first = to_add > 0

    def order(r: Obj) -> tuple[int, str]:
        return (-replicas(r), P.meta(r).get("creationTimestamp") or "")

    ordered = sorted(active, key=order)
    if newer_first:  # ties: newer first when adding, older first when removing
        ordered = sorted(
            active,
            key=lambda r: (
                -replicas(r),
                "".join(chr(0x10FFFF - ord(c)) for c in P.meta(r).get("creationTimestamp") or ""),
            ),
        )
    added = 0
    for r in ordered:
        proportion = 0
        if replicas(r) != 0 and to_add != added:
            allowed = to_add - added
            frac = rs_fraction(r, d)
            proportion = min(frac, allowed) if to_add > 0 else max(frac, allowed)
        sizes[P.meta(r).get("uid", "")] = replicas(r) + proportion
        added += proportion
    first = P.meta(ordered[0]).get("uid", "")
    sizes[first] = max(sizes[first] + to_add - added, 0)
    return sizes


def is_complete(d: Obj, status: Obj) -> bool:
    """DeploymentComplete: every replica updated and available, nothing old left."""
    want = replicas(d)
    return (
        (status.get("updatedReplicas") or 0) == want
        and (status.get("replicas") or 0) == want
        and (status.get("availableReplicas") or 0) == want
        and (status.get("observedGeneration") or 0) >= (P.meta(d).get("generation") or 0)
    )


def calculate_status(d: Obj, all_rss: list[Obj], new_rs: Obj | None) -> Obj:
    available = sum(status_of(r, "availableReplicas") for r in all_rss)
    total = sum(status_of(r, "replicas") for r in all_rss)
    status: Obj = {
        "observedGeneration": P.meta(d).get("generation") or 0,
        "replicas": total,
        "updatedReplicas": status_of(new_rs, "replicas") if new_rs is not None else 0,
        "readyReplicas": sum(status_of(r, "readyReplicas") for r in all_rss),
        "availableReplicas": available,
        "unavailableReplicas": max(replicas(d) - available, 0),
    }
    old = d.get("status") or {}
    if old.get("collisionCount"):
        status["collisionCount"] = old["collisionCount"]
    return status


def condition(status: Obj, type_: str) -> Obj | None:
    return next((c for c in status.get("conditions") or () if c.get("type") == type_), None)


def set_condition(conditions: list[Obj], new: Obj, now: str) -> list[Obj]:
    """SetDeploymentCondition: a condition keeps its lastTransitionTime while its status stays;
    an identical one (status and reason) changes nothing."""
    old = next((c for c in conditions if c.get("type") == new["type"]), None)
    if old is not None and old.get("status") == new["status"] and old.get("reason") == new["reason"]:
        return conditions
    entry = {**new, "lastUpdateTime": now, "lastTransitionTime": now}
    if old is not None and old.get("status") == new["status"]:
        entry["lastTransitionTime"] = old.get("lastTransitionTime") or now
    return [c for c in conditions if c.get("type") != new["type"]] + [entry]


def cond(type_: str, status: str, reason: str, message: str) -> Obj:
    return {"type": type_, "status": status, "reason": reason, "message": message}


def available_condition(d: Obj, status: Obj) -> Obj:
    if (status.get("availableReplicas") or 0) >= replicas(d) - max_unavailable(d):
        return cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
    return cond(
        "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."
    )


def replica_failure(all_rss: list[Obj], new_rs: Obj | None) -> Obj | None:
    """The ReplicaFailure of the new ReplicaSet, else of an old one (getReplicaFailures)."""
    ordered = ([new_rs] if new_rs is not None else []) + [r for r in all_rss if r is not new_rs]
    for rs in ordered:
        c = condition(rs.get("status") or {}, "ReplicaFailure")
        if c is not None:
            return cond("ReplicaFailure", c.get("status", "True"), c.get("reason", ""), c.get("message", ""))
    return None


def status_conditions(
    d: Obj, status: Obj, conditions: list[Obj], all_rss: list[Obj], new_rs: Obj | None, now: str
) -> list[Obj]:
    """Available from the counts; ReplicaFailure mirrored from the ReplicaSets (or dropped)."""
    out = set_condition(conditions, available_condition(d, status), now)
    failure = replica_failure(all_rss, new_rs)
    if failure is not None:
        return set_condition(out, failure, now)
    return [c for c in out if c.get("type") != "ReplicaFailure"]


def rs_to_clean(old_rss: list[Obj], limit: int) -> list[Obj]:
    """Old ReplicaSets beyond revisionHistoryLimit that are fully scaled down, lowest revision
    first (cleanupDeployment)."""
    cleanable = [
        r
        for r in old_rss
        if replicas(r) == 0
        and status_of(r, "replicas") == 0
        and (P.meta(r).get("generation") or 0) <= status_of(r, "observedGeneration")
        and not P.meta(r).get("deletionTimestamp")
    ]
    diff = len(cleanable) - limit
    if diff <= 0:
        return []
    return sorted(cleanable, key=lambda r: (revision(r), P.meta(r).get("creationTimestamp") or ""))[:diff]
