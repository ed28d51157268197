"""A container runtime that runs nothing: containers follow their lifecycle script (lifecycle.py)
on the kubelet's clock, so thousands of simulated nodes fit in one process.

State is computed when asked, from the times recorded at each call (no timers): a container is
"created" until its startup time has passed after start, then "running", then "exited" when its
script says so or when it was stopped. `next_change` tells the pod worker when to look again.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import itertools
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from kubepy.client.clock import REAL, Clock
from kubepy.kubelet.lifecycle import ContainerScript, Defaults, script_for
from kubepy.kubelet.runtime.interface import (
    ContainerState,
    ContainerStatus,
    Obj,
    RuntimeError_,
    SandboxState,
    SandboxStatus,
)

VERSION = "0.1.0"
#: The exit code of a container killed by SIGKILL (128 + 9), as Docker and containerd report it.
SIGKILL_EXIT = 137


def _dotted_quad(n: int) -> str:
    """An IPv4 address's text from its integer, as str(IPv4Address(n)) writes it."""
    return f"{n >> 24}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class IPAllocator:
    """Pod IPs from the node's CIDR: the network and broadcast addresses and .1 (the bridge) are
    never handed out; a freed IP goes to the back of the line. The free addresses are a range of
    integers, made into strings as they are handed out: a list of every address of every node
    was 2.5 million strings at 5,000 nodes."""

    def __init__(self, cidr: str) -> None:
        net = ipaddress.ip_network(cidr, strict=False)
        hosts = iter(net.hosts())  # a list for a /32 or /128
        next(hosts, None)  # the gateway
        first = next(hosts, None)
        # hosts() ends before the broadcast address of an IPv4 network larger than /31
        last = int(net.broadcast_address) - (1 if net.version == 4 and net.prefixlen < 31 else 0)
        self._free = range(int(first), last + 1) if first is not None else range(0)
        self._make = type(net.network_address)
        #: An address's text from its integer: IPv4's dotted quad directly (a quarter of the
        #: cost of making an IPv4Address to print it; once per pod sandbox).
        self._text = _dotted_quad if net.version == 4 else lambda n: str(self._make(n))
        self._pos = 0
        self._used: set[str] = set()

    def allocate(self) -> str:
        for _ in range(len(self._free)):
            ip = self._text(self._free[self._pos])
            self._pos = (self._pos + 1) % len(self._free)
            if ip not in self._used:
                self._used.add(ip)
                return ip
        raise RuntimeError_("the node's pod CIDR is exhausted")

    def reserve(self, ip: str) -> bool:
        """Take a given IP (an adopted pod keeps its own); False if it is not ours (in its
        canonical spelling) or taken."""
        if ip in self._used or not self._ours(ip):
            return False
        self._used.add(ip)
        return True

    def _ours(self, ip: str) -> bool:
        try:
            addr = self._make(ip)
        except ValueError:
            return False
        return str(addr) == ip and int(addr) in self._free

    def release(self, ip: str) -> None:
        self._used.discard(ip)


@dataclass(slots=True)
class _Container:
    id: str
    sandbox_id: str
    pod_uid: str
    name: str
    image: str
    attempt: int
    script: ContainerScript
    created_at: float
    start_requested: float | None = None
    stop_requested: float | None = None
    stop_timeout: float = 0.0
    #: How an adopted container already ended (time, exit code, reason).
    ended: tuple[float, int, str] | None = None

    def running_from(self) -> float | None:
        if self.start_requested is None:
            return None
        return self.start_requested + self.script.startup_seconds

    def exit_at(self) -> tuple[float, int, str] | None:
        """When and how it ends (time, exit code, reason), as far as known now."""
        run_from = self.running_from()
        ends: list[tuple[float, int, str]] = [self.ended] if self.ended else []
        if run_from is not None and self.script.run_seconds is not None:
            code = self.script.exit_code
            ends.append((run_from + self.script.run_seconds, code, "Completed" if code == 0 else "Error"))
        if self.stop_requested is not None:
            graceful = self.script.stop_seconds <= self.stop_timeout
            ends.append(
                (
                    self.stop_requested + min(self.script.stop_seconds, self.stop_timeout),
                    0 if graceful else SIGKILL_EXIT,
                    "Completed" if graceful else "Error",
                )
            )
        return min(ends, key=lambda e: e[0]) if ends else None

    def status(self, now: float) -> ContainerStatus:
        run_from = self.running_from()
        end = self.exit_at()
        state, started, finished, code, reason = ContainerState.CREATED, None, None, None, ""
        if end is not None and end[0] <= now:
            state, finished, code, reason = ContainerState.EXITED, end[0], end[1], end[2]
            started = run_from if run_from is not None and run_from <= end[0] else None
        elif run_from is not None and run_from <= now:
            state, started = ContainerState.RUNNING, run_from
        return ContainerStatus(
            id=self.id,
            sandbox_id=self.sandbox_id,
            pod_uid=self.pod_uid,
            name=self.name,
            image=self.image,
            image_id=_image_id(self.image),
            state=state,
            attempt=self.attempt,
            created_at=self.created_at,
            started_at=started,
            finished_at=finished,
            exit_code=code,
            reason=reason,
            ready=self.script.ready,
        )

    def next_change(self, now: float) -> float | None:
        times = [t for t in (self.running_from(), (self.exit_at() or (None,))[0]) if t is not None]
        future = [t for t in times if t > now]
        return min(future) if future else None


@dataclass(slots=True)
class _Sandbox:
    id: str
    pod_uid: str
    namespace: str
    name: str
    ip: str
    created_at: float
    ready: bool = True
    containers: dict[str, _Container] = field(default_factory=dict)


@functools.lru_cache(maxsize=1024)
def _image_id(image: str) -> str:
    """A stable, digest-shaped image id for an image name (remembered: asked at every status)."""
    repo = image.split("@")[0].rsplit(":", 1)[0] if "/" in image or ":" in image else image
    return f"{repo}@sha256:{hashlib.sha256(image.encode()).hexdigest()}"


class SimulatedRuntime:
    name = "simulated"
    version = VERSION

    def __init__(self, pod_cidr: str, clock: Clock = REAL, defaults: Defaults | None = None) -> None:
        self.clock = clock
        self.defaults = defaults or Defaults()
        self.ips = IPAllocator(pod_cidr)
        self._sandboxes: dict[str, _Sandbox] = {}
        self._containers: dict[str, _Container] = {}
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(4)  # ids stay unique across processes (adoption)

    # ---- adoption: another process ran this pod before ------------------------------------------
    def adopt(self, pod: Obj) -> str:
        """Rebuild, from the pod's reported status, the sandbox and containers a previous process
        of this simulated node ran (a restarted `kubepy up` keeps its pods as they were: same
        IP, container ids, start times and restart counts); the sandbox id, or "" if there is
        nothing to adopt. Waiting containers are left for the pod worker to create."""
        status = pod.get("status") or {}
        entries = list(status.get("initContainerStatuses") or ()) + list(
            status.get("containerStatuses") or ()
        )
        if not any((e.get("state") or {}).keys() - {"waiting"} or e.get("lastState") for e in entries):
            return ""
        sid = self._new_id()
        meta = pod.get("metadata") or {}
        ip = status.get("podIP") or ""
        if (pod.get("spec") or {}).get("hostNetwork"):
            ip = ""
        elif not (ip and self.ips.reserve(ip)):
            ip = self.ips.allocate()
        sb = _Sandbox(
            sid, meta.get("uid", ""), meta.get("namespace", ""), meta.get("name", ""), ip, self.clock.now()
        )
        self._sandboxes[sid] = sb
        specs = {
            c.get("name"): c
            for k in ("initContainers", "containers")
            for c in (pod.get("spec") or {}).get(k) or ()
        }
        for e in entries:
            name = e.get("name", "")
            attempt = int(e.get("restartCount") or 0)
            state, last = e.get("state") or {}, (e.get("lastState") or {}).get("terminated")
            if last:
                last_id = (last.get("containerID") or "").partition("://")[2]
                prev = attempt - 1 if "waiting" not in state else attempt
                self._adopt_one(sb, pod, specs.get(name, {}), prev, last, last_id)
            cid = (e.get("containerID") or "").partition("://")[2]
            if "running" in state:
                self._adopt_one(
                    sb, pod, specs.get(name, {}), attempt, None, cid, state["running"].get("startedAt")
                )
            elif "terminated" in state:
                self._adopt_one(sb, pod, specs.get(name, {}), attempt, state["terminated"], cid)
        return sid

    def _mono(self, stamp: str | None) -> float:
        """A reported RFC 3339 time on this runtime's monotonic clock."""
        if not stamp:
            return self.clock.now()
        t = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return self.clock.now() - (self.clock.wall() - t).total_seconds()

    def _adopt_one(
        self,
        sb: _Sandbox,
        pod: Obj,
        spec: Obj,
        attempt: int,
        ended: Obj | None,
        cid: str,
        started: str | None = None,
    ) -> None:
        name = spec.get("name", "")
        script = replace(script_for(pod, name, self.defaults), startup_seconds=0.0)  # it started already
        start = self._mono((ended or {}).get("startedAt") or started)
        c = _Container(
            cid if cid and cid not in self._containers else self._new_id(),
            sb.id,
            sb.pod_uid,
            name,
            spec.get("image", ""),
            max(0, attempt),
            script,
            start,
            start_requested=start,
        )
        if ended is not None:
            code = int(ended.get("exitCode") or 0)
            c.ended = (
                self._mono(ended.get("finishedAt")),
                code,
                ended.get("reason") or ("Completed" if code == 0 else "Error"),
            )
        sb.containers[c.id] = c
        self._containers[c.id] = c

    def _new_id(self) -> str:
        return f"{self._prefix}{next(self._ids):024x}"

    # ---- sandboxes ---------------------------------------------------------------------------
    async def run_pod_sandbox(self, pod: Obj) -> str:
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        sid = self._new_id()
        ip = "" if spec.get("hostNetwork") else self.ips.allocate()
        self._sandboxes[sid] = _Sandbox(
            sid, meta.get("uid", ""), meta.get("namespace", ""), meta.get("name", ""), ip, self.clock.now()
        )
        return sid

    async def stop_pod_sandbox(self, sandbox_id: str) -> None:
        sb = self._sandboxes.get(sandbox_id)
        if sb is None:
            return
        for c in sb.containers.values():
            await self.stop_container(c.id, 0)
        sb.ready = False

    async def remove_pod_sandbox(self, sandbox_id: str) -> None:
        sb = self._sandboxes.pop(sandbox_id, None)
        if sb is None:
            return
        for cid in list(sb.containers):
            self._containers.pop(cid, None)
        if sb.ip:
            self.ips.release(sb.ip)

    async def list_pod_sandboxes(self) -> list[SandboxStatus]:
        return [self._sandbox_status(sb) for sb in self._sandboxes.values()]

    async def pod_sandbox_status(self, sandbox_id: str) -> SandboxStatus | None:
        sb = self._sandboxes.get(sandbox_id)
        return None if sb is None else self._sandbox_status(sb)

    @staticmethod
    def _sandbox_status(sb: _Sandbox) -> SandboxStatus:
        state = SandboxState.READY if sb.ready else SandboxState.NOTREADY
        return SandboxStatus(sb.id, sb.pod_uid, sb.namespace, sb.name, state, sb.ip, sb.created_at)

    # ---- containers --------------------------------------------------------------------------
    async def create_container(self, sandbox_id: str, pod: Obj, container: Obj, attempt: int) -> str:
        sb = self._sandboxes.get(sandbox_id)
        if sb is None or not sb.ready:
            raise RuntimeError_(f"sandbox {sandbox_id} is not ready")
        name = container.get("name", "")
        script = script_for(pod, name, self.defaults)
        if attempt > 0:  # the image is on the node now: a restart does not pull again
            script = replace(script, startup_seconds=0.0)
        c = _Container(
            self._new_id(),
            sandbox_id,
            sb.pod_uid,
            name,
            container.get("image", ""),
            attempt,
            script,
            self.clock.now(),
        )
        sb.containers[c.id] = c
        self._containers[c.id] = c
        return c.id

    def _get(self, container_id: str) -> _Container:
        try:
            return self._containers[container_id]
        except KeyError:
            raise RuntimeError_(f"no container {container_id}") from None

    async def start_container(self, container_id: str) -> None:
        c = self._get(container_id)
        if c.start_requested is None:
            c.start_requested = self.clock.now()

    async def stop_container(self, container_id: str, timeout: float) -> None:
        c = self._get(container_id)
        if c.stop_requested is None:
            end = c.exit_at()
            if end is not None and end[0] <= self.clock.now():
                return  # already exited
            c.stop_requested = self.clock.now()
            c.stop_timeout = max(0.0, timeout)
        else:  # asked again with a shorter deadline (a second delete, SIGKILL now)
            remaining = c.stop_requested + c.stop_timeout - self.clock.now()
            if timeout < remaining:
                c.stop_timeout = max(0.0, self.clock.now() - c.stop_requested + timeout)

    async def remove_container(self, container_id: str) -> None:
        c = self._containers.pop(container_id, None)
        if c is not None:
            sb = self._sandboxes.get(c.sandbox_id)
            if sb is not None:
                sb.containers.pop(container_id, None)

    async def list_containers(self, sandbox_id: str = "") -> list[ContainerStatus]:
        now = self.clock.now()
        if sandbox_id:
            sb = self._sandboxes.get(sandbox_id)
            items = list(sb.containers.values()) if sb else []
        else:
            items = list(self._containers.values())
        return [c.status(now) for c in sorted(items, key=lambda c: (c.name, c.attempt))]

    async def container_status(self, container_id: str) -> ContainerStatus:
        return self._get(container_id).status(self.clock.now())

    def next_change(self, sandbox_id: str) -> float | None:
        sb = self._sandboxes.get(sandbox_id)
        if sb is None:
            return None
        now = self.clock.now()
        times = [t for c in sb.containers.values() if (t := c.next_change(now)) is not None]
        return min(times) if times else None
