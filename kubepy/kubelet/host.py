"""Many kubelets in one process: one or a thousand simulated nodes over one pod informer, one node
informer, one work queue and a few workers (no task per node or per pod).

Pod work goes through the queue, keyed ("register", node) and ("pod", node, "ns/name"); the pod
informer's handlers only enqueue the pod under its node. Heartbeats do not: each node's Lease
renewal (every 10 s) and status check (every 10 s) run on their own timers (heartbeat.py), so a
long pod queue or 5,000 registrations never make a Lease late. On start the Leases are read
(one LIST for a many-node host) and renewed at once, so a restarted kubelet counts as alive within
seconds; registering a Node that the node informer already has costs no request (Kubernetes'
create → AlreadyExists → GET, answered from the cache). A node's heartbeat stops while the node
carries the annotation kubepy.io/simulate-heartbeat=stopped (or `pause(node)` is called), and its
pods are not synced either (their containers go on): that is how a dead kubelet or a partitioned
node is played.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import deque
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
from kubepy.kubelet.heartbeat import Heartbeats
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
from kubepy.kubelet.podworker import PodWorkers, differs_semantically
from kubepy.kubelet.runtime.interface import Runtime
from kubepy.kubelet.runtime.simulated import SimulatedRuntime
from kubepy.kubelet.statusmanager import StatusManager, merge_diff

log = logging.getLogger(__name__)
Obj = dict[str, Any]

HEARTBEAT_ANNOTATION = "kubepy.io/simulate-heartbeat"
#: The pods of the first list (a restarted host re-adopting every pod it runs) wait in a backlog
#: and enter the work queue only while it holds fewer than this many keys per worker, so a pod
#: created meanwhile is not synced after all of them: the kubelet gives each pod its own worker.
BACKLOG_PER_WORKER = 2


def room(queued: int, workers: int) -> int:
    """How many backlog keys may join a queue holding `queued` keys."""
    return max(0, BACKLOG_PER_WORKER * max(1, workers) - queued)


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
    #: Heartbeat requests (Lease renewals, status writes) in flight at once, over all nodes.
    heartbeats_in_flight: int = 256


@dataclass(slots=True)
class _Node:
    cfg: NodeConfig
    workers: PodWorkers
    uid: str = ""
    lease: Obj | None = None
    last_status_write: float | None = None
    registered: bool = False
    #: resourceVersion of the Node last found to need no status write (its status is a function
    #: of the Node and the config; only the heartbeat times move): checked again only when it changed.
    unchanged_rv: str | None = None
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
        self.heartbeats = Heartbeats(self.clock, max_in_flight=options.heartbeats_in_flight)
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._beating = False  # the Leases were read and their timers set
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
        # A lone kubelet watches its own pods (spec.nodeName=<node>), as the kubelet does. A host
        # of many watches every pod and skips the ones not bound to its nodes: in `kubepy up` its
        # list and watch then carry the very items the scheduler's and the controller-manager's
        # do, decoded once for all three (client/shared.py, watch.decode_shared), and the
        # apiserver decodes no pod to extract its fields for a selector.
        # Without managedFields, which the kubelet never reads, as the controller-manager's and
        # the scheduler's informers keep them (client/trim.py): in `kubepy up` all three then
        # share one decoded object per event.
        self.pods = Informer(
            client,
            PODS,
            field_selector=f"spec.nodeName={only}" if single else "",
            clock=self.clock,
            trim_managed_fields=True,
        )
        self.node_informer = Informer(
            client,
            NODES,
            field_selector=f"metadata.name={only}" if single else "",
            clock=self.clock,
            trim_managed_fields=True,
        )
        self.pods.add_event_handler(self._pod_added, self._pod_updated, self._pod_deleted)
        self._tasks: list[asyncio.Task[None]] = []
        self._backlog: deque[Hashable] = deque()
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
        if self.pods.has_synced():
            self._enqueue_pod(pod)
            return
        node = (pod.get("spec") or {}).get("nodeName") or ""  # the first list: into the backlog
        if node in self.nodes:
            self._backlog.append(("pod", node, key_of(pod)))

    def _feed(self) -> None:
        """Move backlog keys into the work queue while it is short (see BACKLOG_PER_WORKER)."""
        backlog = self._backlog
        for _ in range(min(len(backlog), room(len(self.queue), self.options.workers))):
            self.queue.add(backlog.popleft())

    async def _feed_after_sync(self) -> None:
        await self.pods.wait_for_sync()
        self._feed()  # then each worker tops the queue up as it finishes a key

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        # the echo of the kubelet's own status write needs no sync (config's checkAndUpdatePod)
        if differs_semantically(old, new) or not self.status.is_echo(new):
            self._enqueue_pod(new)
            return
        node = self.nodes.get((new.get("spec") or {}).get("nodeName") or "")
        if node is not None:  # what the node counts for the pod: from this copy, not the old one
            node.workers.usage.refresh(key_of(new), new)

    def _pod_deleted(self, pod: Obj | DeletedFinalStateUnknown) -> None:
        self._enqueue_pod(pod.obj if isinstance(pod, DeletedFinalStateUnknown) else pod)

    # ---- lifecycle ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Register the nodes, start heartbeats and pod syncing; runs until stop()."""
        for name in self.nodes:
            self.queue.add(("register", name))
        self._tasks = [asyncio.ensure_future(self._worker(i)) for i in range(max(1, self.options.workers))]
        feeder = asyncio.ensure_future(self._feed_after_sync())
        self._heartbeat_task = asyncio.ensure_future(self._run_heartbeats())
        self.node_informer.start()
        self.pods.start()
        try:
            await self._stopped.wait()
        finally:
            self.queue.shutdown()
            for t in (*self._tasks, self._heartbeat_task, feeder):
                t.cancel()
            await asyncio.gather(*self._tasks, self._heartbeat_task, feeder, return_exceptions=True)
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
                if self._backlog:
                    self._feed()
            # A sync that never waits (re-adopting a running pod does not) would let this worker
            # take key after key: the whole backlog in one go, holding the event loop meanwhile
            # (other components' lists, a new pod's creation and scheduling). One turn per key.
            await asyncio.sleep(0)

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
            if self._beating:  # a Lease this process holds keeps its timer; a first one is due now
                self._beat_lease(node, 0.0 if node.lease is None else self.options.lease_renew_seconds)
            self.heartbeats.every(
                ("status", node_name),
                self.options.node_status_update_seconds,
                functools.partial(self._status_beat, node),
            )
            self._flush(node)

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

    # ---- heartbeats -----------------------------------------------------------------------------
    async def _run_heartbeats(self) -> None:
        """Once the nodes are known, renew every Lease at once, then keep each on its timer."""
        await self.node_informer.wait_for_sync()
        if len(self.nodes) > 1:
            await self._prime_leases()
        for node in self.nodes.values():
            self._beat_lease(node, 0.0)
        self._beating = True
        await self.heartbeats.run()

    def _beat_lease(self, node: _Node, delay: float) -> None:
        self.heartbeats.every(
            ("lease", node.cfg.name),
            self.options.lease_renew_seconds,
            functools.partial(self._lease_beat, node),
            delay,
        )

    async def _prime_leases(self) -> None:
        """The Leases of all nodes in one LIST (a lone kubelet GETs its own on first renewal)."""
        try:
            items = (await self.client.list(LEASES, NODE_LEASE_NAMESPACE))["items"]
        except ApiError as e:
            log.warning("listing node Leases failed: %s", e)
            return
        for lease in items:
            node = self.nodes.get(lease["metadata"]["name"])
            if node is not None and node.lease is None:
                node.lease = lease

    async def _lease_beat(self, node: _Node) -> None:
        if self._heartbeat_stopped(node):
            return
        if not node.uid:  # the Lease is owned by the Node: wait until it exists
            cached = self.node_informer.store.get(node.cfg.name)
            if cached is None:
                return
            node.uid = cached["metadata"].get("uid", "")
        await self._renew_lease(node)
        self._flush(node)

    async def _status_beat(self, node: _Node) -> None:
        if node.registered and not self._heartbeat_stopped(node):
            await self._update_status(node)

    # ---- registration -------------------------------------------------------------------------
    async def _register(self, node: _Node) -> None:
        """registerWithAPIServer: create the Node, or adopt the existing one (from the node
        informer when it has it: the GET after AlreadyExists would answer the same)."""
        await self.node_informer.wait_for_sync()
        now = rfc3339(self.clock.wall())
        created = False
        cached = self.node_informer.store.get(node.cfg.name)
        if cached is not None:
            obj = cached
        elif not self.options.register_node:
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
        self._node_event(node, "Starting", "Starting kubelet.")
        if created:
            for reason in condition_events(None, obj["status"].get("conditions") or []):
                self._node_event(node, reason, f"Node {node.cfg.name} status is now: {reason}")
        node.last_status_write = None  # write a fresh status at once

    def _node_event(self, node: _Node, reason: str, message: str) -> None:
        """Record a Node event in the background, as the kubelet's recorder does: a registration
        waiting for its "Starting" event's write held the node's pods back (5,000 of them queued
        ahead of every pod at a restart)."""
        if node.workers.recorder is not None:
            ref = {"metadata": {"name": node.cfg.name, "uid": node.cfg.name}}
            node.workers.recorder.emit(ref, NORMAL, reason, message, kind="Node", api_version="v1")

    async def _renew_lease(self, node: _Node) -> None:
        name = node.cfg.name
        fresh = lease_object(name, node.uid, self.clock.wall(), self.options.lease_duration_seconds)
        if node.lease is None:  # ensureLease: GET, create when missing
            try:
                node.lease = await self.client.get(LEASES, name, NODE_LEASE_NAMESPACE)
            except ApiError as e:
                if e.code != 404:
                    raise
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
        now = self.clock.now()
        due = (
            node.last_status_write is None
            or now - node.last_status_write >= self.options.node_status_report_seconds
        )
        rv = (current.get("metadata") or {}).get("resourceVersion")
        if not due and rv is not None and rv == node.unchanged_rv:
            return
        old = current.get("status") or {}
        new = node_status(node.cfg, old.get("conditions"), rfc3339(self.clock.wall()))
        old_view = {k: old.get(k) for k in new}
        if not due and strip_heartbeats(new) == strip_heartbeats(old_view):
            node.unchanged_rv = rv
            return
        node.unchanged_rv = None
        patch = merge_diff(old_view, new)
        patch["conditions"] = new["conditions"]  # heartbeat times always move
        try:
            await self.client.patch(NODES, name, {"status": patch}, patch_type="merge", subresource="status")
        except ApiError as e:
            if e.code != 404:
                raise
            node.registered = False  # deleted since the informer saw it: register again
            self.queue.add(("register", name))
            return
        node.last_status_write = now
        self.node_status_writes += 1
        for reason in condition_events(old.get("conditions"), new["conditions"]):
            self._node_event(node, reason, f"Node {name} status is now: {reason}")
