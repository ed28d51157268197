"""One node's pods: sync a pod toward its spec through the runtime (kubelet SyncPod / SyncTerminatingPod).

`sync(key, pod)` is idempotent and reads only the informer's copy of the pod: it starts what is
missing, restarts what exited as restartPolicy says (with the crash-loop backoff), stops
everything of a deleted pod within its grace period and then removes the pod through the API
(DELETE with gracePeriodSeconds=0, as the kubelet confirms a graceful deletion). It returns when it
wants to look at the pod again (a container will change by itself, a backoff ends).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError
from kubepy.client.events import NORMAL, WARNING, EventRecorder
from kubepy.client.resources import PODS
from kubepy.client.rest import RESTClient
from kubepy.kubelet.admission import NodeUsage, admit
from kubepy.kubelet.backoff import Backoff
from kubepy.kubelet.nodestatus import NodeConfig, capacity, node_object, rfc3339
from kubepy.kubelet.pleg import Snapshot, generate_events
from kubepy.kubelet.podstatus import Waiting, generate_pod_status, latest_by_name
from kubepy.kubelet.runtime.interface import ContainerState, ContainerStatus, Runtime
from kubepy.kubelet.statusmanager import StatusManager

log = logging.getLogger(__name__)
Obj = dict[str, Any]
TERMINAL = ("Succeeded", "Failed")
_HALF_MS = timedelta(microseconds=500)
DEADLINE_EXCEEDED = ("DeadlineExceeded", "Pod was active on the node longer than the specified deadline")


@dataclass(slots=True)
class PodRecord:
    """What this kubelet runs for one pod."""

    uid: str
    sandbox_id: str = ""
    #: When (clock.now) the kubelet started killing the pod, and the grace it had then.
    kill_started: float | None = None
    grace: float = 0.0
    finished: bool = False  # terminal phase reached (containers stopped, nothing restarts)
    #: When (clock.now) the pod became active here, for activeDeadlineSeconds.
    started: float | None = None
    deadline_exceeded: bool = False
    snapshot: dict[str, tuple[str, ContainerState]] = field(default_factory=dict)


def restarts(policy: str, exit_code: int | None) -> bool:
    """Whether restartPolicy restarts a container that exited with `exit_code`."""
    return policy == "Always" or (policy == "OnFailure" and exit_code != 0)


def differs_semantically(old: Obj, new: Obj) -> bool:
    """Whether a pod update asks for a sync (the kubelet's config podsDifferSemantically): its
    spec, labels, annotations, deletion or uid changed. An update of its status alone (most often
    the echo of the kubelet's own write) does not."""
    om, nm = old.get("metadata") or {}, new.get("metadata") or {}
    return old.get("spec") != new.get("spec") or any(om.get(k) != nm.get(k) for k in _SEMANTIC_METADATA)


_SEMANTIC_METADATA = ("uid", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations")


def _fmt_delay(seconds: float) -> str:
    """Go's Duration.String for whole seconds: 10s, 1m20s, 5m0s."""
    s = int(seconds)
    return f"{s}s" if s < 60 else f"{s // 60}m{s % 60}s"


class PodWorkers:
    def __init__(
        self,
        cfg: NodeConfig,
        runtime: Runtime,
        client: RESTClient,
        status: StatusManager,
        clock: Clock,
        recorder: EventRecorder | None = None,
        node: Callable[[], Obj | None] = lambda: None,
    ) -> None:
        self.cfg = cfg
        self.runtime = runtime
        self.client = client
        self.status = status
        self.clock = clock
        self.recorder = recorder
        #: The Node as the API has it (its labels decide nodeSelector admission).
        self.node = node
        self.backoff = Backoff()
        self.starts = 0  # containers started, ever
        self.pods: dict[str, PodRecord] = {}
        #: What the records not finished hold, for admission (kept as they come, change, go).
        self.usage = NodeUsage()
        #: Pod lifecycle events seen (PLEG), newest last; kept short.
        self.events: list[tuple[str, str, str]] = []

    # ---- helpers ------------------------------------------------------------------------------
    def wall(self, t: float) -> str:
        """Monotonic `t` as an RFC 3339 second. Half a millisecond is added before the seconds
        are cut: a time adopted from the API (a whole second, mapped to the monotonic clock on
        another sample of both clocks) must map back to the same second, not one below, or a
        restarted kubelet would rewrite every pod's status."""
        return rfc3339(self.clock.wall() - timedelta(seconds=self.clock.now() - t) + _HALF_MS)

    def _observe(self, key: str, rec: PodRecord, containers: list[ContainerStatus]) -> None:
        """PLEG: what changed in this pod's containers since the last look."""
        new: Snapshot = {c.id: (c.pod_uid, c.state) for c in containers}
        for ev in generate_events(rec.snapshot, new):
            log.debug("%s: %s %s", key, ev.type.value, ev.container_id)
            self.events.append((key, ev.type.value, ev.container_id))
        del self.events[:-100]
        rec.snapshot = dict(new)

    async def _containers(self, rec: PodRecord) -> list[ContainerStatus]:
        return await self.runtime.list_containers(rec.sandbox_id) if rec.sandbox_id else []

    def _event(self, pod: Obj, type_: str, reason: str, message: str) -> None:
        """Emitted, not awaited: the kubelet's recorder writes in the background, so Events never
        delay the pod's own status."""
        if self.recorder is not None:
            self.recorder.emit(pod, type_, reason, message, kind="Pod", api_version="v1")

    async def _start(self, rec: PodRecord, pod: Obj, spec: Obj, attempt: int) -> None:
        name = spec.get("name", "")
        cid = await self.runtime.create_container(rec.sandbox_id, pod, spec, attempt)
        self.starts += 1
        self._event(
            pod, NORMAL, "Pulled", f'Container image "{spec.get("image", "")}" already present on machine'
        )
        self._event(pod, NORMAL, "Created", f"Created container {name}")
        await self.runtime.start_container(cid)
        self._event(pod, NORMAL, "Started", f"Started container {name}")

    async def _init_containers(
        self,
        rec: PodRecord,
        pod: Obj,
        by_name: dict[str, list[ContainerStatus]],
        waiting: dict[str, Waiting],
        backoff_ends: list[float],
    ) -> bool:
        """Run the init containers one after the other; True once all completed (sidecars,
        restartPolicy Always, count once running). A failed one is retried with backoff unless
        the pod's restartPolicy is Never (then the pod fails)."""
        policy = (pod.get("spec") or {}).get("restartPolicy") or "Always"
        for c in (pod.get("spec") or {}).get("initContainers") or []:
            attempts = by_name.get(c.get("name", ""))
            if not attempts:
                await self._start(rec, pod, c, 0)
                return False
            cur = attempts[-1]
            if c.get("restartPolicy") == "Always":  # a sidecar
                if cur.state == ContainerState.EXITED:
                    await self._restart(rec, pod, c, attempts, waiting, backoff_ends)
                    return False
                if cur.state != ContainerState.RUNNING:
                    return False
                continue
            if cur.state != ContainerState.EXITED:
                return False
            if cur.exit_code == 0:
                continue
            if policy != "Never":
                await self._restart(rec, pod, c, attempts, waiting, backoff_ends)
            return False
        return True

    async def _restart(
        self,
        rec: PodRecord,
        pod: Obj,
        c: Obj,
        attempts: list[ContainerStatus],
        waiting: dict[str, Waiting],
        backoff_ends: list[float],
    ) -> None:
        """Restart an exited container now, or wait out its crash-loop backoff."""
        meta = pod.get("metadata") or {}
        name = c.get("name", "")
        now = self.clock.now()
        cur = attempts[-1]
        bkey = (rec.uid, name)
        until = self.backoff.in_backoff_since(bkey, cur.finished_at or now, now)
        if until is not None:
            pod_id = f"{meta.get('name', '')}_{meta.get('namespace', '')}({rec.uid})"
            waiting[name] = Waiting(
                "CrashLoopBackOff",
                f"back-off {_fmt_delay(self.backoff.delay(bkey))} restarting failed container={name} pod={pod_id}",
            )
            backoff_ends.append(until)
            self._event(
                pod, WARNING, "BackOff", f"Back-off restarting failed container {name} in pod {pod_id}"
            )
            return
        self.backoff.next(bkey, now)
        for old in attempts[:-1]:  # keep only the last exited one (lastState)
            await self.runtime.remove_container(old.id)
        await self._start(rec, pod, c, cur.attempt + 1)

    def _wake(self, rec: PodRecord, *times: float | None) -> float | None:
        nxt = self.runtime.next_change(rec.sandbox_id) if rec.sandbox_id else None
        cands = [t for t in (*times, nxt) if t is not None]
        return min(cands) if cands else None

    # ---- the sync -----------------------------------------------------------------------------
    async def sync(self, key: str, pod: Obj | None) -> float | None:
        """Bring pod `key` (None: gone from the API) in line; when to sync it again, if ever."""
        rec = self.pods.get(key)
        uid = (pod or {}).get("metadata", {}).get("uid", "")
        if rec is not None and (pod is None or rec.uid != uid):
            await self._forget(key, rec)  # deleted, or replaced by a pod of the same name
            rec = None
        if pod is None:
            return None
        meta = pod.get("metadata") or {}
        phase = (pod.get("status") or {}).get("phase")
        if rec is None:
            if phase in TERMINAL:  # finished before this kubelet started: only confirm a delete
                if meta.get("deletionTimestamp"):
                    await self._confirm_delete(pod)
                return None
            rec = self.pods[key] = PodRecord(uid)
            adopt = getattr(self.runtime, "adopt", None)
            if adopt is not None:  # a previous process ran it: carry on from its status
                rec.sandbox_id = adopt(pod)
            if not rec.sandbox_id and not meta.get("deletionTimestamp"):
                refused = self._admit(pod, rec)
                if refused is not None:
                    await self._reject(pod, rec, *refused)
                    return None
        if not rec.finished:
            self.usage.set(key, pod)
        if meta.get("deletionTimestamp"):
            return await self._terminate(key, rec, pod)
        if rec.finished:
            return None
        due = self._deadline(rec, pod)
        if rec.deadline_exceeded:
            return await self._terminate(key, rec, pod)
        wake = await self._run(key, rec, pod)
        return min((t for t in (wake, due) if t is not None), default=None)

    def _deadline(self, rec: PodRecord, pod: Obj) -> float | None:
        """activeDeadlineSeconds: when the pod must stop, counted from its startTime; marks the
        record once it passed."""
        limit = (pod.get("spec") or {}).get("activeDeadlineSeconds")
        if limit is None:
            return None
        if rec.started is None:
            rec.started = self.clock.now()
            start = (pod.get("status") or {}).get("startTime")
            if start:
                t = datetime.fromisoformat(start.replace("Z", "+00:00"))
                rec.started -= max(0.0, (self.clock.wall() - t).total_seconds())
        due = rec.started + float(limit)
        if self.clock.now() >= due:
            rec.deadline_exceeded = True
        return due

    def _admit(self, pod: Obj, rec: PodRecord) -> tuple[str, str] | None:
        node = self.node() or node_object(self.cfg, "")
        return admit(
            pod,
            (node.get("metadata") or {}).get("labels") or {},
            (node.get("status") or {}).get("allocatable") or capacity(self.cfg),
            self.usage,
        )

    async def _reject(self, pod: Obj, rec: PodRecord, reason: str, message: str) -> None:
        """rejectPod: the pod fails without running, with the reason and message why."""
        rec.finished = True
        status = {**(pod.get("status") or {}), "phase": "Failed", "reason": reason}
        status["message"] = f"Pod was rejected: {message}"
        self._event(pod, WARNING, reason, message)
        await self.status.set(pod, status)

    async def _run(self, key: str, rec: PodRecord, pod: Obj) -> float | None:
        spec = pod.get("spec") or {}
        policy = spec.get("restartPolicy") or "Always"
        if not rec.sandbox_id:
            rec.sandbox_id = await self.runtime.run_pod_sandbox(pod)
        waiting: dict[str, Waiting] = {}
        backoff_ends: list[float] = []
        # init containers that finish the moment they start let the next one go at once
        for _ in range(len(spec.get("initContainers") or ()) + 1):
            by_name = latest_by_name(await self._containers(rec))
            starts = self.starts
            if await self._init_containers(rec, pod, by_name, waiting, backoff_ends):
                break
            if self.starts == starts or self.runtime.next_change(rec.sandbox_id) is not None:
                return await self._report(key, rec, pod, waiting, backoff_ends)
        else:
            return await self._report(key, rec, pod, waiting, backoff_ends)
        for c in spec.get("containers") or []:
            attempts = by_name.get(c.get("name", ""))
            if not attempts:
                await self._start(rec, pod, c, 0)
            elif attempts[-1].state == ContainerState.EXITED and restarts(policy, attempts[-1].exit_code):
                await self._restart(rec, pod, c, attempts, waiting, backoff_ends)
        return await self._report(key, rec, pod, waiting, backoff_ends)

    async def _report(
        self, key: str, rec: PodRecord, pod: Obj, waiting: dict[str, Waiting], backoff_ends: list[float]
    ) -> float | None:
        """Write the pod's status as it now is; when to look again."""
        containers = await self._containers(rec)
        self._observe(key, rec, containers)
        status = await self._status(pod, rec, containers, waiting)
        if status["phase"] in TERMINAL:
            self._finish(key, rec)
            await self.runtime.stop_pod_sandbox(rec.sandbox_id)
            status = await self._status(pod, rec, containers, waiting)
        await self.status.set(pod, status)
        return None if rec.finished else self._wake(rec, *backoff_ends)

    async def _status(
        self,
        pod: Obj,
        rec: PodRecord,
        containers: list[ContainerStatus],
        waiting: dict[str, Waiting],
        terminal: bool = False,
    ) -> Obj:
        sandbox = await self.runtime.pod_sandbox_status(rec.sandbox_id) if rec.sandbox_id else None
        return generate_pod_status(
            pod,
            sandbox,
            containers,
            waiting,
            host_ip=self.cfg.internal_ip,
            runtime=self.runtime.name,
            wall=self.wall,
            now=rfc3339(self.clock.wall()),
            terminal=terminal,
            failed=DEADLINE_EXCEEDED if rec.deadline_exceeded else None,
        )

    async def _terminate(self, key: str, rec: PodRecord, pod: Obj) -> float | None:
        """Stop the containers within the grace period; once all stopped, write the final
        status and delete the pod for good (or, past its activeDeadlineSeconds, leave it Failed
        with reason DeadlineExceeded)."""
        meta = pod.get("metadata") or {}
        now = self.clock.now()
        deleting = bool(meta.get("deletionTimestamp"))
        if deleting:
            grace = float(meta.get("deletionGracePeriodSeconds") or 0)
        else:
            grace = float((pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30))
        first = rec.kill_started is None
        if rec.kill_started is None or grace < rec.grace - (now - rec.kill_started):
            rec.kill_started, rec.grace = now, grace
        remaining = max(0.0, rec.kill_started + rec.grace - now)
        containers = await self._containers(rec)
        for c in containers:
            if c.state != ContainerState.EXITED:
                if first:
                    self._event(pod, NORMAL, "Killing", f"Stopping container {c.name}")
                await self.runtime.stop_container(c.id, remaining)
        containers = await self._containers(rec)
        self._observe(key, rec, containers)
        if any(c.state != ContainerState.EXITED for c in containers):
            await self.status.set(pod, await self._status(pod, rec, containers, {}))
            return self._wake(rec)
        if rec.sandbox_id:
            await self.runtime.stop_pod_sandbox(rec.sandbox_id)
        if containers or (pod.get("status") or {}).get("phase") not in TERMINAL:
            await self.status.set(pod, await self._status(pod, rec, containers, {}, terminal=True))
        if not deleting:
            self._finish(key, rec)
            return None
        await self._confirm_delete(pod)
        await self._forget(key, rec)
        return None

    async def _confirm_delete(self, pod: Obj) -> None:
        meta = pod.get("metadata") or {}
        try:
            await self.client.delete(
                PODS,
                meta.get("name", ""),
                meta.get("namespace", ""),
                grace_period_seconds=0,
                preconditions={"uid": meta.get("uid", "")},
            )
        except ApiError as e:
            if e.code not in (404, 409):
                raise

    def _finish(self, key: str, rec: PodRecord) -> None:
        """The pod reached its end here: it holds nothing on the node any more."""
        rec.finished = True
        self.usage.discard(key)

    async def _forget(self, key: str, rec: PodRecord) -> None:
        self.usage.discard(key)
        if rec.sandbox_id:
            await self.runtime.stop_pod_sandbox(rec.sandbox_id)
            await self.runtime.remove_pod_sandbox(rec.sandbox_id)
        self.backoff.forget_pod(rec.uid)
        self.status.forget(rec.uid)
        self.pods.pop(key, None)
