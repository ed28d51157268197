"""The pod status the kubelet reports, from what the runtime says (kubelet generateAPIPodStatus).

Pure: the pod as stored, the runtime's sandbox and containers, and the kubelet's own waiting
reasons (CrashLoopBackOff) in; the whole `status` out. Conditions keep their lastTransitionTime
while their status does not change; startTime is set once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubepy.kubelet.runtime.interface import ContainerState, ContainerStatus, SandboxState, SandboxStatus

Obj = dict[str, Any]
#: Monotonic runtime time → RFC 3339 wall time.
Wall = Callable[[float], str]

CONDITION_ORDER = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


@dataclass(frozen=True, slots=True)
class Waiting:
    reason: str
    message: str = ""


def latest_by_name(containers: Sequence[ContainerStatus]) -> dict[str, list[ContainerStatus]]:
    """name → that container's attempts, oldest first."""
    out: dict[str, list[ContainerStatus]] = {}
    for c in sorted(containers, key=lambda c: (c.name, c.attempt, c.created_at)):
        out.setdefault(c.name, []).append(c)
    return out


def _terminated(c: ContainerStatus, wall: Wall, runtime: str) -> Obj:
    t: Obj = {"exitCode": c.exit_code if c.exit_code is not None else 0}
    if c.reason:
        t["reason"] = c.reason
    if c.message:
        t["message"] = c.message
    t["startedAt"] = wall(c.started_at) if c.started_at is not None else None
    t["finishedAt"] = wall(c.finished_at) if c.finished_at is not None else None
    t["containerID"] = f"{runtime}://{c.id}"
    return t


def container_status(
    spec: Obj, attempts: Sequence[ContainerStatus], waiting: Waiting | None, wall: Wall, runtime: str
) -> Obj:
    """One entry of status.containerStatuses."""
    name = spec.get("name", "")
    out: Obj = {"name": name, "state": {}, "lastState": {}, "ready": False, "restartCount": 0}
    out["image"] = spec.get("image", "")
    out["imageID"] = ""
    out["started"] = False
    if not attempts:
        out["state"] = {"waiting": {"reason": (waiting.reason if waiting else "ContainerCreating")}}
        if waiting and waiting.message:
            out["state"]["waiting"]["message"] = waiting.message
        return out
    cur = attempts[-1]
    out["restartCount"] = cur.attempt
    out["imageID"] = cur.image_id
    out["containerID"] = f"{runtime}://{cur.id}"
    if len(attempts) > 1:
        out["lastState"] = {"terminated": _terminated(attempts[-2], wall, runtime)}
    if cur.state == ContainerState.RUNNING:
        out["state"] = {"running": {"startedAt": wall(cur.started_at or cur.created_at)}}
        out["ready"] = cur.ready
        out["started"] = True
    elif cur.state == ContainerState.EXITED:
        if waiting is not None:  # exited, restart pending: shown as waiting, the exit as lastState
            w: Obj = {"reason": waiting.reason}
            if waiting.message:
                w["message"] = waiting.message
            out["state"] = {"waiting": w}
            out["lastState"] = {"terminated": _terminated(cur, wall, runtime)}
        else:
            out["state"] = {"terminated": _terminated(cur, wall, runtime)}
    else:
        out["state"] = {"waiting": {"reason": "ContainerCreating"}}
    return out


def init_progress(pod: Obj, statuses: Sequence[Obj]) -> tuple[str, list[str]]:
    """("done" | "pending" | "failed", the init containers not yet done): failed when one
    exited non-zero and restartPolicy Never forbids retrying it."""
    spec = pod.get("spec") or {}
    never = (spec.get("restartPolicy") or "Always") == "Never"
    by_name = {s["name"]: s for s in statuses}
    incomplete: list[str] = []
    failed = False
    for c in spec.get("initContainers") or ():
        st = by_name.get(c.get("name", ""), {})
        state = st.get("state") or {}
        if c.get("restartPolicy") == "Always":
            if "running" not in state:
                incomplete.append(c.get("name", ""))
            continue
        term = state.get("terminated")
        if term is not None and term.get("exitCode") == 0:
            continue
        incomplete.append(c.get("name", ""))
        if term is not None and never:
            failed = True
    if failed:
        return "failed", incomplete
    return ("pending" if incomplete else "done"), incomplete


def pod_phase(pod: Obj, statuses: Sequence[Obj], terminal: bool, init: str = "done") -> str:
    """getPhase: Pending while a container waits without ever having run (or init containers
    run); Running while one runs or will be restarted; Succeeded/Failed when all ended and none
    will restart (Failed at once when an init container failed under restartPolicy Never)."""
    if init == "failed":
        return "Failed"
    if init == "pending" and not terminal:
        return "Pending"
    policy = (pod.get("spec") or {}).get("restartPolicy") or "Always"
    waiting = running = stopped = succeeded = 0
    for s in statuses:
        state = s.get("state") or {}
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            if state["terminated"].get("exitCode") == 0:
                succeeded += 1
        elif "waiting" in state:
            if "terminated" in (s.get("lastState") or {}):
                stopped += 1
            else:
                waiting += 1
    total = len(statuses)
    if waiting > 0 and not terminal:
        return "Pending"
    if running > 0 and not terminal:
        return "Running"
    if terminal:
        return "Succeeded" if stopped == total and succeeded == total else "Failed"
    if running == 0 and stopped == total:
        if policy == "Always" or (policy == "OnFailure" and succeeded < total):
            return "Running"
        return "Succeeded" if succeeded == total else "Failed"
    return "Pending"


def _condition(
    old: Mapping[str, Obj], type_: str, status: str, now: str, reason: str = "", message: str = ""
) -> Obj:
    prev = old.get(type_)
    since = prev.get("lastTransitionTime") if prev and prev.get("status") == status else now
    c: Obj = {"type": type_, "status": status, "lastTransitionTime": since}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def pod_conditions(
    pod: Obj,
    sandbox_ready: bool,
    statuses: Sequence[Obj],
    phase: str,
    now: str,
    uninitialized: Sequence[str] = (),
) -> list[Obj]:
    """PodReadyToStartContainers, Initialized, Ready, ContainersReady (+ the PodScheduled the
    scheduler or binding wrote), in the kubelet's order."""
    old = {c.get("type", ""): c for c in ((pod.get("status") or {}).get("conditions") or [])}
    unready = [s["name"] for s in statuses if not s.get("ready")]
    done = phase in ("Succeeded", "Failed")
    if done:
        reason, msg, ready = "PodCompleted", "", "False"
    elif unready:
        reason, msg, ready = (
            "ContainersNotReady",
            f"containers with unready status: [{' '.join(unready)}]",
            "False",
        )
    else:
        reason, msg, ready = "", "", "True"
    if uninitialized:
        init = _condition(
            old,
            "Initialized",
            "False",
            now,
            "ContainersNotInitialized",
            f"containers with incomplete status: [{' '.join(uninitialized)}]",
        )
    else:
        init = _condition(old, "Initialized", "True", now, "PodCompleted" if done else "")
    out = [
        _condition(old, "PodReadyToStartContainers", "True" if sandbox_ready and not done else "False", now),
        init,
        _condition(old, "Ready", ready, now, reason, msg),
        _condition(old, "ContainersReady", ready, now, reason, msg),
    ]
    if "PodScheduled" in old:
        # as it is stored once this status is merged in (nulls such as lastProbeTime pruned), so
        # the status computed from the echo of this write equals this one
        out.append({k: v for k, v in old["PodScheduled"].items() if v is not None})
    else:
        out.append(_condition(old, "PodScheduled", "True", now))
    return out


def generate_pod_status(
    pod: Obj,
    sandbox: SandboxStatus | None,
    containers: Sequence[ContainerStatus],
    waiting: Mapping[str, Waiting],
    *,
    host_ip: str,
    runtime: str,
    wall: Wall,
    now: str,
    terminal: bool = False,
    failed: tuple[str, str] | None = None,
) -> Obj:
    """The pod's whole status as the kubelet would write it now; `failed` (reason, message)
    makes it Failed whatever its containers do (activeDeadlineSeconds passed)."""
    old = pod.get("status") or {}
    by_name = latest_by_name(containers)
    specs = (pod.get("spec") or {}).get("containers") or []
    init_specs = (pod.get("spec") or {}).get("initContainers") or []
    init_statuses = [
        container_status(c, by_name.get(c.get("name", ""), []), waiting.get(c.get("name", "")), wall, runtime)
        for c in init_specs
    ]
    init, incomplete = init_progress(pod, init_statuses)
    initializing = Waiting("PodInitializing") if init != "done" else None
    for st, c in zip(init_statuses, init_specs, strict=True):
        if not by_name.get(c.get("name", "")):
            st["state"] = {"waiting": {"reason": "PodInitializing"}}
        if c.get("restartPolicy") != "Always":  # an init container is ready once it succeeded
            st["ready"] = (st["state"].get("terminated") or {}).get("exitCode") == 0
    statuses = [
        container_status(
            c, by_name.get(c.get("name", ""), []), waiting.get(c.get("name", ""), initializing), wall, runtime
        )
        for c in specs
    ]
    phase = "Failed" if failed else pod_phase(pod, statuses, terminal, init)
    if terminal or phase in ("Succeeded", "Failed"):
        for s in statuses:
            s["ready"] = False
    sandbox_ready = sandbox is not None and sandbox.state == SandboxState.READY
    status: Obj = {
        "phase": phase,
        "conditions": pod_conditions(pod, sandbox_ready, statuses, phase, now, incomplete),
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
    }
    ip = sandbox.ip if sandbox is not None and sandbox.ip else (old.get("podIP") or "")
    if (pod.get("spec") or {}).get("hostNetwork"):
        ip = host_ip
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    if failed:
        status["reason"], status["message"] = failed
    status["startTime"] = old.get("startTime") or now
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    status["containerStatuses"] = statuses
    if old.get("qosClass"):
        status["qosClass"] = old["qosClass"]
    return status


def stage_of(pod: Obj) -> str:
    """The lifecycle stage (lifecycle.STAGES) a pod shows: what golden files record."""
    meta = pod.get("metadata") or {}
    status = pod.get("status") or {}
    if meta.get("deletionTimestamp"):
        return "Terminating"
    phase = status.get("phase", "Pending")
    if phase in ("Succeeded", "Failed"):
        return phase
    waits = [
        ((s.get("state") or {}).get("waiting") or {}).get("reason", "")
        for s in status.get("containerStatuses") or []
    ]
    if "CrashLoopBackOff" in waits:
        return "CrashLoopBackOff"
    if "PodInitializing" in waits:
        return "Initializing"
    if "ContainerCreating" in waits:
        return "ContainerCreating"
    if phase == "Running":
        ready = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {})
        return "Running" if ready.get("status") == "True" else "NotReady"
    return "Pending"
