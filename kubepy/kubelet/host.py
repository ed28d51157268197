"""Many kubelets in one process: one or a thousand simulated nodes over one pod informer, one node
informer, one work queue and a few workers (no task per node or per pod).

Queue keys are tuples: ("register", node), ("lease", node), ("status", node) and
("pod", node, "ns/name"). The pod informer's handlers only enqueue the pod under its node; the
heartbeats re-enqueue themselves with `add_after`, so the Lease of every node is renewed every
10 s and its status looked at every 10 s by the same workers. A node's heartbeat stops while the
node carries the annotation kubepy.io/simulate-heartbeat=stopped (or `pause(node)` is called),
and its pods are not synced either (their containers go on): that is how a dead kubelet or a
partitioned node is played.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubepy.client.cache import DeletedFinalStateUnknown, key_of
from kubepy.client.clock import REAL, Clock
from kubepy.client.errors import ApiError
from kubepy.client.events import NORMAL, EventRecorder
from kubepy.client.informer import Informer
from kubepy.client.resources import LEASES, NODES, PODS
from kubepy.client.rest import RESTClient
from kubepy.client.workqueue import ShutDown, WorkQueue
from kubepy.kubelet.lifecycle import Defaults
from kubepy.kubelet.nodestatus import (
    NODE_LEASE_NAMESPACE,
    NodeConfig,
    condition_events,
    lease_object,
    node_object,
    node_status,
    rfc3339,
    strip_heartbeats,
)
from kubepy.kubelet.podworker import PodWorkers
from kubepy.kubelet.runtime.interface import Runtime
from kubepy.kubelet.runtime.simulated import SimulatedRuntime
from kubepy.kubelet.statusmanager import StatusManager, merge_diff

log = logging.getLogger(__name__)
Obj = dict[str, Any]

HEARTBEAT_ANNOTATION = "kubepy.io/simulate-heartbeat"


@dataclass(frozen=True, slots=True)
class KubeletOptions:
    nodes: Sequence[NodeConfig] = ()
    defaults: Defaults = field(default_factory=Defaults)
    workers: int = 8
    lease_duration_seconds: int = 40
    #: Lease renewal: a quarter of its duration (kubelet's renewInterval).
    lease_renew_seconds: float = 10.0
    #: nodeStatusUpdateFrequency: how often the status is computed (and written if changed).
    node_status_update_seconds: float = 10.0
    #: nodeStatusReportFrequency: an unchanged status is still written this often (5m today;
    #: the book's 1.0 kubelet wrote every 10 s).
    node_status_report_seconds: float = 300.0
    register_node: bool = True
    #: Record Events (Pulled, Created, Started, Killing, BackOff; Starting for the node) as the
    #: kubelet does; off for load runs, where they would triple the writes per pod.
    record_events: bool = True


@dataclass(slots=True)
class _Node:
    cfg: NodeConfig
    workers: PodWorkers
    uid: str = ""
    lease: Obj | None = None
    last_status_write: float | None = None
    registered: bool = False
    paused: bool = False
    #: Pod keys that came in while the node was down, synced when it is back.
    deferred: set[str] = field(default_factory=set)


RuntimeFactory = Callable[[NodeConfig, Clock, Defaults], Runtime]


def simulated_runtime(cfg: NodeConfig, clock: Clock, defaults: Defaults) -> Runtime:
    return SimulatedRuntime(cfg.pod_cidr, clock, defaults)


class KubeletHost:
    def __init__(
        self,
        client: RESTClient,
        options: KubeletOptions,
        *,
        clock: Clock | None = None,
        runtime_factory: RuntimeFactory = simulated_runtime,
    ) -> None:
        self.client = client
        self.options = options
        self.clock = clock or client.clock or REAL
        self.queue = WorkQueue(self.clock)
        self.status = StatusManager(client)
        self.nodes: dict[str, _Node] = {}
        for cfg in options.nodes:
            rt = runtime_factory(cfg, self.clock, options.defaults)
            rec = (
                EventRecorder(client, "kubelet", self.clock, host=cfg.name) if options.record_events else None
            )
            workers = PodWorkers(cfg, rt, client, self.status, self.clock, rec, self._node_getter(cfg.name))
            self.nodes[cfg.name] = _Node(cfg, workers)
        single = len(self.nodes) == 1
        only = next(iter(self.nodes), "")
        self.pods = Informer(
            client,
            PODS,
            field_selector=f"spec.nodeName={only}" if single else "spec.nodeName!=",
            clock=self.clock,
        )
        self.node_informer = Informer(
            client, NODES, field_selector=f"metadata.name={only}" if single else "", clock=self.clock
        )
        self.pods.add_event_handler(self._pod_added, self._pod_updated, self._pod_deleted)
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = asyncio.Event()
        self.node_status_writes = 0

    def _node_getter(self, name: str) -> Callable[[], Obj | None]:
        return lambda: self.node_informer.store.get(name)

    # ---- informer handlers: enqueue only -------------------------------------------------------
    def _enqueue_pod(self, pod: Obj) -> None:
        node = (pod.get("spec") or {}).get("nodeName") or ""
        if node in self.nodes:
            self.queue.add(("pod", node, key_of(pod)))

    def _pod_added(self, pod: Obj) -> None:
        self._enqueue_pod(pod)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        self._enqueue_pod(new)

    def _pod_deleted(self, pod: Obj | DeletedFinalStateUnknown) -> None:
        self._enqueue_pod(pod.obj if isinstance(pod, DeletedFinalStateUnknown) else pod)

    # ---- lifecycle ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Register the nodes, start heartbeats and pod syncing; runs until stop()."""
        for name in self.nodes:
            self.queue.add(("register", name))
        self._tasks = [asyncio.ensure_future(self._worker(i)) for i in range(max(1, self.options.workers))]
        self.node_informer.start()
        self.pods.start()
        try:
            await self._stopped.wait()
        finally:
            self.queue.shutdown()
            for t in self._tasks:
                t.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.pods.stop()
            await self.node_informer.stop()

    def stop(self) -> None:
        self._stopped.set()

    def pause(self, node: str, paused: bool = True) -> None:
        """Stop (or resume) a node's kubelet: no heartbeats, no pod syncs (containers keep running)."""
        self.nodes[node].paused = paused

    # ---- workers ------------------------------------------------------------------------------
    async def _worker(self, n: int) -> None:
        while True:
            try:
                key = await self.queue.get()
            except ShutDown:
                return
            try:
                await self._dispatch(key)
                self.queue.forget(key)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # requeued with backoff; a kubelet never stops on one error
                log.warning("kubelet sync %s failed: %s", key, e, exc_info=not isinstance(e, ApiError))
                self.queue.add_rate_limited(key)
            finally:
                self.queue.done(key)

    async def _dispatch(self, key: Hashable) -> None:
        kind, node_name, *rest = key  # type: ignore[misc]
        node = self.nodes[node_name]
        if kind == "pod":
            if self._heartbeat_stopped(node):  # a dead kubelet does nothing at all
                node.deferred.add(rest[0])
                return
            pod = self.pods.store.get(rest[0])
            if pod is not None and (pod.get("spec") or {}).get("nodeName") != node_name:
                pod = None
            if not node.registered and pod is not None:
                node.deferred.add(rest[0])  # synced once the node is registered
                return
            wake = await node.workers.sync(rest[0], pod)
            if wake is not None:
                self.queue.add_after(key, max(0.0, wake - self.clock.now()))
        elif kind == "register":
            await self._register(node)
            self.queue.add(("lease", node_name))
            self.queue.add(("status", node_name))
            self._flush(node)
        elif kind == "lease":
            if not self._heartbeat_stopped(node):
                await self._renew_lease(node)
                self._flush(node)
            self.queue.add_after(key, self.options.lease_renew_seconds)
        elif kind == "status":
            if not self._heartbeat_stopped(node):
                await self._update_status(node)
            self.queue.add_after(key, self.options.node_status_update_seconds)

    def _flush(self, node: _Node) -> None:
        for pod_key in node.deferred:
            self.queue.add(("pod", node.cfg.name, pod_key))
        node.deferred.clear()

    def _heartbeat_stopped(self, node: _Node) -> bool:
        if node.paused:
            return True
        cached = self.node_informer.store.get(node.cfg.name) or {}
        ann = (cached.get("metadata") or {}).get("annotations") or {}
        return ann.get(HEARTBEAT_ANNOTATION) == "stopped"

    # ---- registration and heartbeats ----------------------------------------------------------
    async def _register(self, node: _Node) -> None:
        """registerWithAPIServer: create the Node, or adopt the existing one."""
        now = rfc3339(self.clock.wall())
        created = False
        if not self.options.register_node:
            obj = await self.client.get(NODES, node.cfg.name)
        else:
            try:
                obj = await self.client.create(NODES, node_object(node.cfg, now))
                created = True
            except ApiError as e:
                if e.code != 409:
                    raise
                obj = await self.client.get(NODES, node.cfg.name)
        node.uid = obj["metadata"].get("uid", "")
        node.registered = True
        await self._node_event(node, "Starting", "Starting kubelet.")
        if created:
            for reason in condition_events(None, obj["status"].get("conditions") or []):
                await self._node_event(node, reason, f"Node {node.cfg.name} status is now: {reason}")
        node.last_status_write = None  # write a fresh status at once

    async def _node_event(self, node: _Node, reason: str, message: str) -> None:
        if node.workers.recorder is not None:
            ref = {"metadata": {"name": node.cfg.name, "uid": node.cfg.name}}
            await node.workers.recorder.event(ref, NORMAL, reason, message, kind="Node", api_version="v1")

    async def _renew_lease(self, node: _Node) -> None:
        name = node.cfg.name
        fresh = lease_object(name, node.uid, self.clock.wall(), self.options.lease_duration_seconds)
        if node.lease is not None:
            lease = dict(node.lease)
            lease["spec"] = {**(lease.get("spec") or {}), **fresh["spec"]}
            try:
                node.lease = await self.client.update(LEASES, lease, NODE_LEASE_NAMESPACE)
                return
            except ApiError as e:
                if e.code not in (404, 409):
                    raise
                node.lease = None
        try:
            node.lease = await self.client.create(LEASES, fresh, NODE_LEASE_NAMESPACE)
        except ApiError as e:
            if e.code != 409:
                raise
            current = await self.client.get(LEASES, name, NODE_LEASE_NAMESPACE)
            current["spec"] = {**(current.get("spec") or {}), **fresh["spec"]}
            node.lease = await self.client.update(LEASES, current, NODE_LEASE_NAMESPACE)

    async def _update_status(self, node: _Node) -> None:
        """Compute the node's status; write it when it changed or the report interval passed."""
        name = node.cfg.name
        current = self.node_informer.store.get(name)
        if current is None:
            try:
                current = await self.client.get(NODES, name)
            except ApiError as e:
                if e.code != 404:
                    raise
                node.registered = False  # deleted: register again (the kubelet does)
                self.queue.add(("register", name))
                return
        old = current.get("status") or {}
        new = node_status(node.cfg, old.get("conditions"), rfc3339(self.clock.wall()))
        now = self.clock.now()
        due = (
            node.last_status_write is None
            or now - node.last_status_write >= self.options.node_status_report_seconds
        )
        old_view = {k: old.get(k) for k in new}
        if not due and strip_heartbeats(new) == strip_heartbeats(old_view):
            return
        patch = merge_diff(old_view, new)
        patch["conditions"] = new["conditions"]  # heartbeat times always move
        await self.client.patch(NODES, name, {"status": patch}, patch_type="merge", subresource="status")
        node.last_status_write = now
        self.node_status_writes += 1
        for reason in condition_events(old.get("conditions"), new["conditions"]):
            await self._node_event(node, reason, f"Node {name} status is now: {reason}")
