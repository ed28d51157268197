"""Node lifecycle controller: notices nodes that stopped heartbeating and evicts their pods
(k8s.io/kubernetes pkg/controller/nodelifecycle, with its NoExecute taint manager).

A node is healthy while its kubelet renews its Lease in kube-node-lease or posts its status.
After --node-monitor-grace-period (40 s) without either (--node-startup-grace-period, 60 s, for a
node that never posted a status), its Ready, MemoryPressure, DiskPressure and PIDPressure
conditions become Unknown (reason NodeStatusUnknown) and its pods not Ready. Taints follow the
conditions: Ready=Unknown → node.kubernetes.io/unreachable, Ready=False →
node.kubernetes.io/not-ready (NoSchedule and NoExecute both), pressures and spec.unschedulable →
their NoSchedule taints. NoExecute taints are added per zone at --node-eviction-rate (0.1 nodes/s;
--secondary-node-eviction-rate when most of a large zone is down, none in a small one), and not at
all while every zone is fully disrupted, so a control plane too busy to see heartbeats does not
evict the whole cluster.

Taint manager: a pod on a node with a NoExecute taint it does not tolerate is deleted at once; one
it tolerates for tolerationSeconds is deleted that long after the controller first saw it so.
Kubernetes' DefaultTolerationSeconds admission gives every pod 300 s tolerations of not-ready and
unreachable; kubepy has no such admission plugin yet, so this controller assumes those tolerations
for pods lacking them (`default_toleration_seconds`): the book's --pod-eviction-timeout of 5 min.
Pods are deleted gracefully; on an unreachable node they stay Terminating (no kubelet confirms),
while their controllers already replace them elsewhere, as in Kubernetes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kubepy.client.cache import DeletedFinalStateUnknown, key_of, split_key
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError
from kubepy.client.events import NORMAL, WARNING, EventRecorder
from kubepy.client.resources import LEASES, NODES, PODS
from kubepy.client.rest import RESTClient
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.informers import SharedInformers

log = logging.getLogger(__name__)
Obj = dict[str, Any]

NODE_LEASE_NAMESPACE = "kube-node-lease"
TAINT_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
#: Condition (status True) → the NoSchedule taint it brings (TaintNodesByCondition).
PRESSURE_TAINTS = {
    "MemoryPressure": "node.kubernetes.io/memory-pressure",
    "DiskPressure": "node.kubernetes.io/disk-pressure",
    "PIDPressure": "node.kubernetes.io/pid-pressure",
    "NetworkUnavailable": "node.kubernetes.io/network-unavailable",
}
MANAGED_TAINTS = frozenset(
    {TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_UNSCHEDULABLE, *PRESSURE_TAINTS.values()}
)
#: The conditions set to Unknown when the kubelet stops posting.
UNKNOWN_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")


@dataclass(frozen=True, slots=True)
class NodeLifecycleOptions:
    #: --node-monitor-period: how often every node is looked at.
    node_monitor_period: float = 5.0
    #: --node-monitor-grace-period: silence after which a node is Unknown.
    node_monitor_grace_period: float = 40.0
    #: --node-startup-grace-period: the same for a node that never posted a status.
    node_startup_grace_period: float = 60.0
    #: What DefaultTolerationSeconds admission would give pods (None: nothing assumed).
    default_toleration_seconds: int | None = 300
    #: Today's taint-based eviction; False: the book's 1.0 node controller, which deletes every pod
    #: of a node not Ready for --pod-eviction-timeout, at --deleting-pods-qps (burst
    #: --deleting-pods-burst), whatever the pods tolerate.
    taint_based_eviction: bool = True
    pod_eviction_timeout: float = 300.0
    deleting_pods_qps: float = 0.1
    deleting_pods_burst: int = 10
    #: --node-eviction-rate: nodes per second, per zone, that get their NoExecute taint (the
    #: evictions follow from it); NoSchedule taints and taint removal are never held back.
    node_eviction_rate: float = 0.1
    #: --secondary-node-eviction-rate: the same for a zone in partial disruption.
    secondary_node_eviction_rate: float = 0.01
    #: --unhealthy-zone-threshold: the share of not-Ready nodes (more than 2) that makes a
    #: zone partially disrupted.
    unhealthy_zone_threshold: float = 0.55
    #: --large-cluster-size-threshold: a partially disrupted zone this small taints nothing.
    large_cluster_size_threshold: int = 50


# ---- pure decisions ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NodeHealth:
    """What the controller last saw of a node (its nodeHealthData): heartbeat marks and when."""

    probe_timestamp: float
    heartbeat: str  # Ready condition's lastHeartbeatTime
    renew_time: str  # Lease spec.renewTime


def _conditions(node: Obj) -> dict[str, Obj]:
    return {c.get("type", ""): c for c in (node.get("status") or {}).get("conditions") or ()}


def observe(
    prev: NodeHealth | None, node: Obj, lease: Obj | None, now: float, conds: Mapping[str, Obj] | None = None
) -> NodeHealth:
    """tryUpdateNodeHealth's bookkeeping: the probe time moves when the node posted a new
    heartbeat or renewed its lease since the last look; first sight counts as a heartbeat.
    `conds`: the node's conditions by type (_conditions), when the caller has them."""
    if conds is None:
        conds = _conditions(node)
    heartbeat = conds.get("Ready", {}).get("lastHeartbeatTime") or ""
    renew = ((lease or {}).get("spec") or {}).get("renewTime") or ""
    if prev is None or heartbeat != prev.heartbeat or renew != prev.renew_time:
        return NodeHealth(now, heartbeat, renew)
    return prev


NORMAL_ZONE, PARTIAL_DISRUPTION, FULL_DISRUPTION = "Normal", "PartialDisruption", "FullDisruption"


def zone_key(node: Obj) -> str:
    """GetZoneKey: region and zone labels ("" for a node with neither)."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    region = labels.get("topology.kubernetes.io/region", "")
    zone = labels.get("topology.kubernetes.io/zone", "")
    return f"{region}:\x00:{zone}" if region or zone else ""


def zone_state(not_ready: int, total: int, threshold: float) -> str:
    """ComputeZoneState: every node not Ready is a full disruption; more than 2 and at least
    `threshold` of them a partial one."""
    if total > 0 and not_ready == total:
        return FULL_DISRUPTION
    if not_ready > 2 and not_ready / total >= threshold:
        return PARTIAL_DISRUPTION
    return NORMAL_ZONE


def zone_tainting_rate(state: str, size: int, opts: NodeLifecycleOptions) -> float:
    """setLimiterInZone: how many nodes per second of a zone in `state` get a NoExecute taint."""
    if state == PARTIAL_DISRUPTION:
        return opts.secondary_node_eviction_rate if size > opts.large_cluster_size_threshold else 0.0
    return opts.node_eviction_rate


def zone_states(nodes: Sequence[Obj], threshold: float) -> dict[str, tuple[str, int]]:
    """(state, size) of every zone of `nodes`."""
    counts: dict[str, list[int]] = {}
    for node in nodes:
        c = counts.setdefault(zone_key(node), [0, 0])
        c[1] += 1
        if _conditions(node).get("Ready", {}).get("status") != "True":
            c[0] += 1
    return {z: (zone_state(bad, total, threshold), total) for z, (bad, total) in counts.items()}


def _no_execute(node: Obj) -> list[Obj]:
    return [t for t in (node.get("spec") or {}).get("taints") or () if t.get("effect") == "NoExecute"]


def pods_affected(old: Obj, new: Obj) -> bool:
    """Whether a node update can change what happens to its pods: its NoExecute taints (the
    taint manager) or its Ready status (the book's eviction timer) changed."""
    if _no_execute(old) != _no_execute(new):
        return True
    return _conditions(old).get("Ready", {}).get("status") != _conditions(new).get("Ready", {}).get("status")


def _pod_inputs(pod: Obj) -> tuple[Any, ...]:
    spec = pod.get("spec") or {}
    return (
        spec.get("nodeName"),
        spec.get("tolerations"),
        bool((pod.get("metadata") or {}).get("deletionTimestamp")),
        (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"),
    )


def pod_affected(old: Obj, new: Obj) -> bool:
    """Whether a pod update can change what the taint manager does with it (PodUpdated: its
    node or its tolerations), or what sync_pod reads besides: being deleted, being terminal.
    A status report alone, most of a cluster's pod updates, is no reason to look again."""
    return _pod_inputs(old) != _pod_inputs(new)


def grace_period(node: Obj, opts: NodeLifecycleOptions, conds: Mapping[str, Obj] | None = None) -> float:
    never_posted = "Ready" not in (_conditions(node) if conds is None else conds)
    return opts.node_startup_grace_period if never_posted else opts.node_monitor_grace_period


def unknown_conditions(node: Obj, now: str) -> list[Obj] | None:
    """The node's conditions with Ready and the pressures turned Unknown (missing ones added
    with NodeStatusNeverUpdated, their heartbeat the node's creation); None when nothing changes."""
    created = (node.get("metadata") or {}).get("creationTimestamp") or now
    conds = list((node.get("status") or {}).get("conditions") or ())
    by_type = {c.get("type"): i for i, c in enumerate(conds)}
    changed = False
    for t in UNKNOWN_CONDITIONS:
        i = by_type.get(t)
        if i is None:
            conds.append(
                {
                    "type": t,
                    "status": "Unknown",
                    "lastHeartbeatTime": created,
                    "lastTransitionTime": now,
                    "reason": "NodeStatusNeverUpdated",
                    "message": "Kubelet never posted node status.",
                }
            )
            changed = True
        elif conds[i].get("status") != "Unknown":
            c = dict(conds[i])
            c.update(
                status="Unknown",
                lastTransitionTime=now,
                reason="NodeStatusUnknown",
                message="Kubelet stopped posting node status.",
            )
            conds[i] = c
            changed = True
    return conds if changed else None


def desired_taints(node: Obj, conds: Mapping[str, Obj] | None = None) -> list[tuple[str, str]]:
    """(key, effect) of the taints the node's conditions and spec call for."""
    if conds is None:
        conds = _conditions(node)
    out: list[tuple[str, str]] = []
    ready = conds.get("Ready", {}).get("status")
    if ready == "Unknown":
        out += [(TAINT_UNREACHABLE, "NoSchedule"), (TAINT_UNREACHABLE, "NoExecute")]
    elif ready == "False":
        out += [(TAINT_NOT_READY, "NoSchedule"), (TAINT_NOT_READY, "NoExecute")]
    for cond, key in PRESSURE_TAINTS.items():
        if conds.get(cond, {}).get("status") == "True":
            out.append((key, "NoSchedule"))
    if (node.get("spec") or {}).get("unschedulable"):
        out.append((TAINT_UNSCHEDULABLE, "NoSchedule"))
    return out


def reconcile_taints(
    current: Sequence[Obj], desired: Sequence[tuple[str, str]], now: str
) -> list[Obj] | None:
    """The node's taints with the managed ones made `desired` (others untouched; NoExecute ones
    stamped with timeAdded); None when nothing changes."""
    want = set(desired)
    keep = [
        t for t in current if t.get("key") not in MANAGED_TAINTS or (t.get("key"), t.get("effect")) in want
    ]
    have = {(t.get("key"), t.get("effect")) for t in keep}
    added = []
    for key, effect in desired:
        if (key, effect) not in have:
            t: Obj = {"key": key, "effect": effect}
            if effect == "NoExecute":
                t["timeAdded"] = now
            added.append(t)
    if not added and len(keep) == len(current):
        return None
    return keep + added


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """ToleratesTaint: effect (empty = all), key (empty with Exists = all) and value."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    op = toleration.get("operator") or "Equal"
    if key and key != taint.get("key"):
        return False
    if op == "Exists":
        return True
    return (toleration.get("value") or "") == (taint.get("value") or "") and bool(key)


def with_default_tolerations(tolerations: Sequence[Obj], seconds: int | None) -> list[Obj]:
    """What DefaultTolerationSeconds admission adds: 300 s of not-ready and unreachable."""
    out = list(tolerations)
    if seconds is None:
        return out
    for key in (TAINT_NOT_READY, TAINT_UNREACHABLE):
        probe = {"key": key, "effect": "NoExecute"}
        if not any(tolerates(t, probe) for t in tolerations):
            out.append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": seconds}
            )
    return out


def toleration_seconds(tolerations: Sequence[Obj], taints: Sequence[Obj]) -> float | None:
    """How long a pod may stay on a node with these taints: 0 when a NoExecute taint is not
    tolerated, the least tolerationSeconds of the tolerations used (negative = 0), None (for
    ever) when they are all tolerated without limit or there is no NoExecute taint."""
    limit: float | None = None
    for taint in taints:
        if taint.get("effect") != "NoExecute":
            continue
        used = [t for t in tolerations if tolerates(t, taint)]
        if not used:
            return 0.0
        for t in used:
            secs = t.get("tolerationSeconds")
            if secs is None:
                continue
            secs = max(0.0, float(secs))
            limit = secs if limit is None else min(limit, secs)
    return limit


def rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class TokenBucket:
    """A rate limit on deletions (flowcontrol's token bucket): `wait(now)` is 0 and takes a
    token when one is free, else how long until one is."""

    def __init__(self, qps: float, burst: int, now: float) -> None:
        self.qps = qps
        self.burst = burst
        self.tokens = float(burst)
        self.last = now

    def wait(self, now: float) -> float:
        self.tokens = min(float(self.burst), self.tokens + (now - self.last) * self.qps)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.qps if self.qps > 0 else float("inf")


# ---- the controller ---------------------------------------------------------------------------
class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    workers = 4

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        options: NodeLifecycleOptions | None = None,
    ) -> None:
        super().__init__(clock)
        self.client = client
        self.options = options or NodeLifecycleOptions()
        self.nodes = informers.get(NODES)
        self.leases = informers.get(LEASES)
        self.pods = informers.get(PODS)
        self.watches(self.nodes, self.leases, self.pods)
        self.events = EventRecorder(client, "node-controller", clock)
        self.taint_events = EventRecorder(client, "taint-eviction-controller", clock)
        self.health: dict[str, NodeHealth] = {}
        #: pod key → when (clock.now) it was first found due for eviction (the taint manager's
        #: scheduled work item).
        self.evict_since: dict[str, float] = {}
        #: node → when (clock.now) it was first seen not Ready (the book's eviction timer).
        self.not_ready_since: dict[str, float] = {}
        o = self.options
        self.deletions = TokenBucket(o.deleting_pods_qps, o.deleting_pods_burst, clock.now())
        #: zone → (state, size), brought up to date by every monitor pass
        self.zones: dict[str, tuple[str, int]] | None = None
        #: zone → the rate limit on adding NoExecute taints there (zoneNoExecuteTainter)
        self.tainters: dict[str, TokenBucket] = {}
        self.nodes.add_event_handler(self._node_changed, self._node_updated, self._node_changed)
        self.leases.add_event_handler(self._lease_changed, lambda o, n: self._lease_changed(n))
        self.pods.add_event_handler(self._pod_changed, self._pod_updated, self._pod_changed)

    # ---- handlers: enqueue only ---------------------------------------------------------------
    def _node_changed(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        node = unwrap(obj)
        self.queue.add(("node", key_of(node)))
        for key in self.pods.store.index_keys("by-node", key_of(node)):
            self.queue.add(("pod", key))

    def _node_updated(self, old: Obj, new: Obj) -> None:
        """A node's pods are looked at again only when what their fate depends on changed (its
        NoExecute taints, its Ready status), as the taint manager's NodeUpdated does: a status
        report alone (every 5 min per node) is no reason to walk its pods."""
        if pods_affected(old, new):
            self._node_changed(new)
        else:
            self.queue.add(("node", key_of(new)))

    def _lease_changed(self, lease: Obj) -> None:
        """A renewal only moves the node's probe time (a full sync has nothing else to do while
        the node is healthy and already synced); anything else goes through the queue."""
        meta = lease.get("metadata") or {}
        if meta.get("namespace") != NODE_LEASE_NAMESPACE:
            return
        name = meta.get("name", "")
        prev = self.health.get(name)
        node = self.nodes.store.get(name)
        if prev is None or node is None:
            self.queue.add(("node", name))
            return
        now = self.clock.now()
        if now >= prev.probe_timestamp + grace_period(node, self.options):
            self.queue.add(("node", name))  # overdue: let sync_node decide with the lease in hand
            return
        self.health[name] = observe(prev, node, lease, now)

    def _pod_changed(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        self.queue.add(("pod", key_of(obj) if isinstance(obj, dict) else obj.key))

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        if pod_affected(old, new):
            self._pod_changed(new)

    # ---- loops --------------------------------------------------------------------------------
    async def run(self) -> None:
        await asyncio.gather(super().run(), self._monitor())

    async def _monitor(self) -> None:
        """monitorNodeHealth every --node-monitor-period: look at every node."""
        await asyncio.gather(*(i.wait_for_sync() for i in (self.nodes, self.leases)))
        while not self.queue.shutting_down:
            self.zones = None  # recomputed on first use after this pass's bookkeeping
            for i, name in enumerate(list(self.nodes.store.keys())):
                if self._needs_sync(name):
                    self.queue.add(("node", name))
                if i % 1000 == 999:
                    await asyncio.sleep(0)  # thousands of nodes: let the loop breathe
            await self.clock.sleep(self.options.node_monitor_period)

    def _needs_sync(self, name: str) -> bool:
        """monitorNodeHealth's look at one node, done in place: the probe time is brought up to
        date, and only a node with something to do (first sight, grace period over, taints or
        the not-Ready timer out of line with its conditions) goes to a worker."""
        node = self.nodes.store.get(name)
        prev = self.health.get(name)
        if node is None or prev is None:
            return True
        now = self.clock.now()
        lease = self.leases.store.get(f"{NODE_LEASE_NAMESPACE}/{name}")
        conds = _conditions(node)  # read once for the four looks below (every node, every pass)
        health = self.health[name] = observe(prev, node, lease, now, conds)
        if now >= health.probe_timestamp + grace_period(node, self.options, conds):
            return True
        ready = conds.get("Ready", {}).get("status") == "True"
        if ready == (name in self.not_ready_since):
            return True
        current = (node.get("spec") or {}).get("taints") or []
        return reconcile_taints(current, desired_taints(node, conds), "") is not None

    async def sync(self, key: Hashable) -> float | None:
        kind, name = key  # type: ignore[misc]
        if kind == "node":
            return await self.sync_node(name)
        return await self.sync_pod(name)

    # ---- node health --------------------------------------------------------------------------
    async def sync_node(self, name: str) -> float | None:
        node = self.nodes.store.get(name)
        if node is None:
            self.health.pop(name, None)
            return None
        now = self.clock.now()
        lease = self.leases.store.get(f"{NODE_LEASE_NAMESPACE}/{name}")
        first_sight = name not in self.health
        health = self.health[name] = observe(self.health.get(name), node, lease, now)
        if first_sight:
            ref = {"metadata": {"name": name, "uid": (node.get("metadata") or {}).get("uid", "")}}
            await self.events.event(
                ref,
                NORMAL,
                "RegisteredNode",
                f"Node {name} event: Registered Node {name} in Controller",
                kind="Node",
                api_version="v1",
            )
        deadline = health.probe_timestamp + grace_period(node, self.options)
        wall = rfc3339(self.clock.wall())
        if now >= deadline:
            conds = unknown_conditions(node, wall)
            if conds is not None:
                log.info(
                    "node %s: no heartbeat for %ss, marking it Unknown", name, now - health.probe_timestamp
                )
                node = await self.client.patch(
                    NODES, name, {"status": {"conditions": conds}}, patch_type="merge", subresource="status"
                )
                ref = {"metadata": {"name": name, "uid": name}}
                await self.events.event(
                    ref,
                    NORMAL,
                    "NodeNotReady",
                    f"Node {name} status is now: NodeNotReady",
                    kind="Node",
                    api_version="v1",
                )
                await self._mark_pods_not_ready(name, wall)
        if _conditions(node).get("Ready", {}).get("status") == "True":
            self.not_ready_since.pop(name, None)
        else:
            self.not_ready_since.setdefault(name, now)
        current = (node.get("spec") or {}).get("taints") or []
        desired, held = self._gate_no_execute(node, current, desired_taints(node), now)
        taints = reconcile_taints(current, desired, wall)
        if taints is not None:
            rv = (node.get("metadata") or {}).get("resourceVersion", "")
            await self.client.patch(
                NODES,
                name,
                {"metadata": {"resourceVersion": rv}, "spec": {"taints": taints}},
                patch_type="merge",
            )
        after = max(0.0, deadline - now) if now < deadline else None
        if held is not None:
            after = held if after is None else min(after, held)
        return after

    def _gate_no_execute(
        self, node: Obj, current: Sequence[Obj], desired: list[tuple[str, str]], now: float
    ) -> tuple[list[tuple[str, str]], float | None]:
        """Kubernetes' zone tainter: a NoExecute taint is added only as its zone's rate allows
        (meanwhile the managed NoExecute taints the node has stay), and none at all while every
        zone is fully disrupted (then they go: the fault is more likely the control plane's).
        Returns the taints to want now and, when one was held back, when to look again."""
        if all(effect != "NoExecute" for _, effect in desired):  # a healthy node: no zone to ask
            return desired, None
        zones = self._zones()
        if zones and all(state == FULL_DISRUPTION for state, _ in zones.values()):
            return [d for d in desired if d[1] != "NoExecute"], None
        have = {(t.get("key"), t.get("effect")) for t in current}
        new = [d for d in desired if d[1] == "NoExecute" and d not in have]
        if not new:
            return desired, None
        zone = zone_key(node)
        state, size = zones.get(zone, (NORMAL_ZONE, 1))
        rate = zone_tainting_rate(state, size, self.options)
        bucket = self.tainters.get(zone)
        if bucket is None:
            bucket = self.tainters[zone] = TokenBucket(rate, 1, now)
        bucket.qps = rate
        wait = bucket.wait(now)
        if wait <= 0:
            return desired, None
        kept = [(k, e) for k, e in have if e == "NoExecute" and k in (TAINT_UNREACHABLE, TAINT_NOT_READY)]
        held = [d for d in desired if d not in new]
        return held + [d for d in kept if d not in held], min(wait, self.options.node_monitor_period)

    def _zones(self) -> dict[str, tuple[str, int]]:
        if self.zones is None:
            self.zones = zone_states(self.nodes.store.list(), self.options.unhealthy_zone_threshold)
        return self.zones

    async def _mark_pods_not_ready(self, node: str, now: str) -> None:
        """MarkPodsNotReady: the pods of an unreachable node stop being Ready (endpoints drop them)."""
        for pod in self.pods.store.by_index("by-node", node):
            conds = list((pod.get("status") or {}).get("conditions") or ())
            i = next((i for i, c in enumerate(conds) if c.get("type") == "Ready"), None)
            if i is None or conds[i].get("status") == "False":
                continue
            conds[i] = {**conds[i], "status": "False", "lastTransitionTime": now}
            meta = pod.get("metadata") or {}
            try:
                await self.client.patch(
                    PODS,
                    meta.get("name", ""),
                    {"status": {"conditions": conds}},
                    meta.get("namespace", ""),
                    patch_type="merge",
                    subresource="status",
                )
            except ApiError as e:
                if e.code != 404:
                    raise
                continue
            await self.events.event(
                pod, WARNING, "NodeNotReady", "Node is not ready", kind="Pod", api_version="v1"
            )

    # ---- taint manager ------------------------------------------------------------------------
    async def sync_pod(self, key: str) -> float | None:
        pod = self.pods.store.get(key)
        if not self.options.taint_based_eviction:
            return await self._evict_after_timeout(pod)
        limit = self._toleration_limit(pod)
        if limit is None or pod is None:
            self.evict_since.pop(key, None)
            return None
        now = self.clock.now()
        since = self.evict_since.setdefault(key, now)
        if now < since + limit:
            return since + limit - now
        await self._evict(pod)
        self.evict_since.pop(key, None)
        return None

    async def _evict_after_timeout(self, pod: Obj | None) -> float | None:
        """The book's node controller: every pod of a node not Ready for pod_eviction_timeout
        goes, at the deletion rate limit."""
        if pod is None or (pod.get("metadata") or {}).get("deletionTimestamp"):
            return None
        since = self.not_ready_since.get((pod.get("spec") or {}).get("nodeName") or "")
        if since is None:
            return None
        now = self.clock.now()
        due = since + self.options.pod_eviction_timeout
        if now < due:
            return due - now
        wait = self.deletions.wait(now)
        if wait > 0:
            return wait
        await self._evict(pod, by_taint=False)
        return None

    def _toleration_limit(self, pod: Obj | None) -> float | None:
        if pod is None:
            return None
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        if meta.get("deletionTimestamp") or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            return None
        node = self.nodes.store.get(spec.get("nodeName") or "")
        if node is None:
            return None
        taints = (node.get("spec") or {}).get("taints") or []
        if not taints:  # no NoExecute taint: no limit, whatever the tolerations (most nodes)
            return None
        tolerations = with_default_tolerations(
            spec.get("tolerations") or [], self.options.default_toleration_seconds
        )
        return toleration_seconds(tolerations, taints)

    async def _evict(self, pod: Obj, by_taint: bool = True) -> None:
        """Mark the pod with a DisruptionTarget condition, then delete it (gracefully); the book's
        node controller only deleted it."""
        meta = pod.get("metadata") or {}
        ns, name = split_key(key_of(pod))
        if not by_taint:
            node = (pod.get("spec") or {}).get("nodeName")
            await self.events.event(
                {"metadata": {"name": node, "uid": node}},
                NORMAL,
                "NodeControllerEviction",
                f"Marking for deletion Pod {name} from Node {node}",
                kind="Node",
                api_version="v1",
            )
            try:
                await self.client.delete(PODS, name, ns, preconditions={"uid": meta.get("uid", "")})
            except ApiError as e:
                if e.code not in (404, 409):
                    raise
            return
        log.info(
            "taint manager: evicting pod %s/%s from node %s",
            ns,
            name,
            (pod.get("spec") or {}).get("nodeName"),
        )
        conds = [
            c
            for c in (pod.get("status") or {}).get("conditions") or ()
            if c.get("type") != "DisruptionTarget"
        ]
        conds.append(
            {
                "type": "DisruptionTarget",
                "status": "True",
                "lastTransitionTime": rfc3339(self.clock.wall()),
                "reason": "DeletionByTaintManager",
                "message": "Taint manager: deleting due to NoExecute taint",
            }
        )
        await self.taint_events.event(
            pod,
            NORMAL,
            "TaintManagerEviction",
            f"Marking for deletion Pod {ns}/{name}",
            kind="Pod",
            api_version="v1",
        )
        try:
            await self.client.patch(
                PODS, name, {"status": {"conditions": conds}}, ns, patch_type="merge", subresource="status"
            )
            await self.client.delete(PODS, name, ns, preconditions={"uid": meta.get("uid", "")})
        except ApiError as e:
            if e.code not in (404, 409):
                raise
