"""The scheduler loop: informers feed the node table and the queue; one pod at a time is
filtered, scored and assumed on its node; binding runs beside the next cycle.

Informer handlers only update the cache and the queue (kube-scheduler's eventhandlers.go):
- a pod with spec.nodeName is counted on its node (confirming an assumed one); a pending pod of
  ours goes to the queue; a deleted or finished assigned pod frees its node and retries the
  unschedulable pods, as do added nodes and node changes that may let pods fit;
- a pod that fits nowhere gets a `FailedScheduling` event (`0/3 nodes are available: 3
  Insufficient cpu.`) and the condition PodScheduled=False reason Unschedulable.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine
from typing import Any

from kubepy.client.cache import DeletedFinalStateUnknown, key_of
from kubepy.client.clock import REAL, Clock
from kubepy.client.errors import ApiError
from kubepy.client.events import NORMAL, WARNING, EventRecorder, time_str
from kubepy.client.informer import Informer
from kubepy.client.resources import NODES, PODS, REPLICATIONCONTROLLERS, SERVICES, ResourceRef, path
from kubepy.client.rest import RESTClient
from kubepy.scheduler.framework import FitError, Framework, NoNodesAvailable, Profile
from kubepy.scheduler.nodetable import NodeTable
from kubepy.scheduler.options import SchedulerOptions
from kubepy.scheduler.plugins.base import Cluster
from kubepy.scheduler.plugins.selectorspread import SelectorSpread
from kubepy.scheduler.plugins.serviceaffinity import ServiceAffinity, ServiceAntiAffinity
from kubepy.scheduler.policy import load_policy
from kubepy.scheduler.profiles import PROVIDERS, with_weights
from kubepy.scheduler.queue import SchedulingQueue
from kubepy.util.tasks import TaskStarter

log = logging.getLogger(__name__)
Obj = dict[str, Any]
REPLICASETS = ResourceRef("apps", "v1", "replicasets", True, "ReplicaSet")
STATEFULSETS = ResourceRef("apps", "v1", "statefulsets", True, "StatefulSet")
TERMINAL = ("Succeeded", "Failed")


def build_profile(options: SchedulerOptions) -> Profile:
    try:
        provider = PROVIDERS[options.algorithm_provider]
    except KeyError:
        raise ValueError(f"unknown algorithm provider {options.algorithm_provider!r}") from None
    profile = provider(options.scheduler_name, options.percentage_of_nodes_to_score)
    if options.policy_config_file:
        profile = load_policy(options.policy_config_file, profile)
    return with_weights(profile, options.weights) if options.weights else profile


def assigned(pod: Obj) -> bool:
    return bool((pod.get("spec") or {}).get("nodeName"))


def terminal(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in TERMINAL


def waiting(pod: Obj) -> bool:
    """Pending and ready for an attempt: not being deleted, no scheduling gate left."""
    return not (pod.get("metadata") or {}).get("deletionTimestamp") and not (pod.get("spec") or {}).get(
        "schedulingGates"
    )


def _needs_services(profile: Profile) -> bool:
    kinds = (SelectorSpread, ServiceAffinity, ServiceAntiAffinity)
    return any(isinstance(p, kinds) for p in profile.filters) or any(
        isinstance(p, kinds) for p, _ in profile.scorers
    )


def node_change_matters(old: Obj, new: Obj) -> bool:
    """A node update that may let a pending pod fit (kube-scheduler's nodeSchedulingPropertiesChange)."""
    o, n = old.get("spec") or {}, new.get("spec") or {}
    os_, ns_ = old.get("status") or {}, new.get("status") or {}
    return (
        o.get("unschedulable") != n.get("unschedulable")
        or o.get("taints") != n.get("taints")
        or (old.get("metadata") or {}).get("labels") != (new.get("metadata") or {}).get("labels")
        or os_.get("allocatable") != ns_.get("allocatable")
        or os_.get("capacity") != ns_.get("capacity")
    )


class Scheduler:
    def __init__(
        self,
        client: RESTClient,
        options: SchedulerOptions | None = None,
        *,
        clock: Clock = REAL,
        profile: Profile | None = None,
    ) -> None:
        self.options = options or SchedulerOptions()
        self.client = client
        self.clock = clock
        self.profile = profile or build_profile(self.options)
        self.framework = Framework(self.profile, random.Random(self.options.seed))
        self.table = NodeTable()
        self.queue = SchedulingQueue(
            clock,
            initial_backoff=self.options.pod_initial_backoff_seconds,
            max_backoff=self.options.pod_max_backoff_seconds,
            max_unschedulable=self.options.max_unschedulable_seconds,
        )
        self.recorder = EventRecorder(client, self.profile.scheduler_name, clock)
        # kube-scheduler's informers drop managedFields (client/trim.py); in `kubepy up` the
        # kubelets' and the controller-manager's do too, so all share one decoded copy
        trim = {"clock": clock, "trim_managed_fields": True}
        self.pods = Informer(client, PODS, **trim)
        self.nodes = Informer(client, NODES, **trim)
        self.informers = [self.nodes, self.pods]
        self.services: Informer | None = None
        self.controllers: list[Informer] = []
        if _needs_services(self.profile):
            self.services = Informer(client, SERVICES, **trim)
            self.controllers = [
                Informer(client, r, **trim) for r in (REPLICATIONCONTROLLERS, REPLICASETS, STATEFULSETS)
            ]
            self.informers += [self.services, *self.controllers]
        self.cluster = Cluster(self.table, self._list_services, self._list_controllers)
        self.assumed: set[str] = set()
        self._binds: set[asyncio.Task[None]] = set()
        self._start = TaskStarter()
        self._bind_slots = asyncio.Semaphore(max(1, self.options.parallel_binds))
        self._stopping = asyncio.Event()
        self.pods.add_event_handler(self._pod_added, self._pod_updated, self._pod_deleted)
        self.nodes.add_event_handler(self._node_added, self._node_updated, self._node_deleted)
        #: Counters a test or benchmark can read (and /metrics shows).
        self.scheduled = 0
        self.failures = 0
        self.errors = 0
        self.running = False

    def _list_services(self) -> list[Obj]:
        return self.services.store.list() if self.services else []

    def _list_controllers(self) -> list[Obj]:
        return [o for inf in self.controllers for o in inf.store.list()]

    def responsible(self, pod: Obj) -> bool:
        name = (pod.get("spec") or {}).get("schedulerName") or "default-scheduler"
        return name == self.profile.scheduler_name

    # ---- informer handlers -------------------------------------------------------------------
    def _pod_added(self, pod: Obj) -> None:
        if terminal(pod):
            return
        key = key_of(pod)
        if assigned(pod):
            self._count(key, pod)
        elif self.responsible(pod) and waiting(pod):
            self.queue.add(key, pod)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        key = key_of(new)
        if assigned(new):
            if terminal(new):
                if self.table.remove_pod(key) is not None:
                    self.queue.move_all()
            else:
                self._count(key, new)
            if not assigned(old):
                self.queue.delete(key)
        elif key in self.assumed:
            pass  # its binding is in flight: the pod is not pending any more (skipPodUpdate)
        elif self.responsible(new) and not terminal(new) and waiting(new):
            self.queue.update(key, new)
        else:
            self.queue.delete(key)

    def _pod_deleted(self, pod: Obj | DeletedFinalStateUnknown) -> None:
        key = key_of(pod)
        self.queue.delete(key)
        self.assumed.discard(key)
        if self.table.remove_pod(key) is not None:
            self.queue.move_all()

    def _count(self, key: str, pod: Obj) -> None:
        self.assumed.discard(key)
        self.table.add_pod(key, pod, pod["spec"]["nodeName"])

    def _node_added(self, node: Obj) -> None:
        self.table.set_node(node)
        self.queue.move_all()

    def _node_updated(self, old: Obj, new: Obj) -> None:
        self.table.set_node(new)
        if node_change_matters(old, new):
            self.queue.move_all()

    def _node_deleted(self, node: Obj | DeletedFinalStateUnknown) -> None:
        obj = node.obj if isinstance(node, DeletedFinalStateUnknown) else node
        self.table.remove_node(obj["metadata"]["name"])

    # ---- the loop -----------------------------------------------------------------------------
    async def run(self) -> None:
        """Start the informers, wait for their first state, then schedule until stopped."""
        for inf in self.informers:
            inf.start()
        flusher = asyncio.ensure_future(self.queue.run_flusher())
        try:
            await asyncio.gather(*(inf.wait_for_sync() for inf in self.informers))
            log.info("scheduler %s: caches synced, scheduling", self.profile.scheduler_name)
            self.running = True
            while not self._stopping.is_set():
                try:
                    await self.schedule_one()
                except asyncio.CancelledError:
                    if self._stopping.is_set():
                        break
                    raise
        finally:
            self.running = False
            flusher.cancel()
            await self.close()

    def stop(self) -> None:
        self._stopping.set()
        self.queue.close()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def stopped(self) -> None:
        """Returns once stop() was called."""
        await self._stopping.wait()

    async def close(self) -> None:
        for t in list(self._binds):
            t.cancel()
        for t in list(self._binds):
            try:
                await t
            except BaseException:  # noqa: BLE001 - shutting down
                pass
        for inf in self.informers:
            await inf.stop()

    def health(self) -> tuple[bool, str]:
        """(healthy, why): a ComponentStatus probe and /healthz."""
        if self.running:
            return True, "ok"
        return False, "caches not synced yet" if not self._stopping.is_set() else "stopped"

    def metrics(self) -> dict[str, dict[str, float]]:
        return {
            "scheduler_schedule_attempts_total": {
                'result="scheduled"': self.scheduled,
                'result="unschedulable"': self.failures,
                'result="error"': self.errors,
            },
            "scheduler_pending_pods": {
                'queue="active"': len(self.queue),
                'queue="backoff"': self.queue.backing_off(),
                'queue="unschedulable"': len(self.queue.unschedulable),
            },
        }

    async def schedule_one(self) -> None:
        key, queued = await self.queue.pop()
        pod = self.pods.store.get(key) or queued
        if assigned(pod) or not waiting(pod) or key not in self.pods.store or key in self.assumed:
            self.queue.done(key)
            return
        log.debug("About to try and schedule pod %s", key)
        try:
            decision = self.framework.schedule(pod, self.cluster)
        except (FitError, NoNodesAvailable) as e:
            self.failures += 1
            self.queue.failed(key, unschedulable=True)
            self._spawn(self._report_unschedulable(pod, str(e)))
            return
        except Exception:  # a plugin bug: log it, retry the pod later, keep scheduling the others
            self.errors += 1
            log.exception("scheduling %s failed", key)
            self.queue.failed(key, unschedulable=False)
            return
        spec = dict(pod.get("spec") or {})
        spec["nodeName"] = decision.node
        self.table.add_pod(key, {**pod, "spec": spec}, decision.node, decision.requests)
        self.assumed.add(key)
        self.queue.done(key)
        await self._bind_slots.acquire()
        self._spawn(self._bind(key, pod, decision.node))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Binding and failure reporting run beside the next cycle (kube-scheduler's goroutines)."""
        task = self._start(work)
        self._binds.add(task)
        task.add_done_callback(self._binds.discard)

    async def _bind(self, key: str, pod: Obj, node: str) -> None:
        meta = pod.get("metadata") or {}
        ns, name = meta.get("namespace") or "default", meta.get("name", "")
        body = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": name, "namespace": ns, "uid": meta.get("uid", "")},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node},
        }
        try:
            await self.client.request("POST", path(PODS, ns, name, "binding"), body=body, decode=False)
        except Exception as e:  # noqa: BLE001 - any failure: forget the assumption and retry
            self._bind_slots.release()
            if key in self.assumed:
                self.assumed.discard(key)
                self.table.remove_pod(key)
            log.info("binding %s to %s failed: %s", key, node, e)
            current = self.pods.store.get(key)
            if current is not None and not assigned(current):
                self.queue.retry_later(key, current)
            await self._event(pod, WARNING, "FailedScheduling", f"Binding rejected: {e}")
            return
        self._bind_slots.release()
        self.scheduled += 1
        await self._event(pod, NORMAL, "Scheduled", f"Successfully assigned {ns}/{name} to {node}")

    async def _event(self, pod: Obj, type_: str, reason: str, message: str) -> None:
        await self.recorder.event(pod, type_, reason, message, kind="Pod", api_version="v1", answer=False)

    async def _report_unschedulable(self, pod: Obj, message: str) -> None:
        meta = pod.get("metadata") or {}
        await self._event(pod, WARNING, "FailedScheduling", message)
        current = next(
            (c for c in (pod.get("status") or {}).get("conditions") or () if c.get("type") == "PodScheduled"),
            {},
        )
        if (
            current.get("status") == "False"
            and current.get("reason") == "Unschedulable"
            and current.get("message") == message
        ):
            return
        condition = {
            "type": "PodScheduled",
            "status": "False",
            "lastProbeTime": None,
            "lastTransitionTime": current.get("lastTransitionTime")
            if current.get("status") == "False"
            else time_str(self.clock.wall()),
            "reason": "Unschedulable",
            "message": message,
        }
        try:
            await self.client.patch(
                PODS, meta.get("name", ""), {"status": {"conditions": [condition]}}, meta.get("namespace") or "default",
                subresource="status",
            )  # fmt: skip
        except ApiError as e:
            log.info("cannot record the Unschedulable condition of %s: %s", key_of(pod), e)
