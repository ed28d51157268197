"""The container runtime as the kubelet sees it: pod sandboxes and containers (CRI's RuntimeService).

The simulated runtime (simulated.py) and the Docker runtime of the next issue both implement
`Runtime`; the kubelet's pod workers only ever call these methods. States and timestamps follow
CRI: a container is created, then running, then exited (with an exit code), until removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

Obj = dict[str, Any]


class ContainerState(StrEnum):
    CREATED = "created"
    RUNNING = "running"
    EXITED = "exited"
    UNKNOWN = "unknown"


class SandboxState(StrEnum):
    READY = "ready"
    NOTREADY = "notready"


#: The two status records below are answers: never changed once made. They are not frozen only
#: because a frozen dataclass costs four times as much to make (4.8 us for a container's), and
#: the kubelet asks for them at every pod sync.


@dataclass(slots=True)
class SandboxStatus:
    id: str
    pod_uid: str
    namespace: str
    name: str
    state: SandboxState
    ip: str
    created_at: float


@dataclass(slots=True)
class ContainerStatus:
    id: str
    sandbox_id: str
    pod_uid: str
    name: str  # the container's name in the pod spec
    image: str
    image_id: str
    state: ContainerState
    #: How many containers of this name the pod ran before this one (the kubelet's restartCount).
    attempt: int
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    exit_code: int | None = None
    reason: str = ""  # "Completed", "Error", "OOMKilled"…
    message: str = ""
    #: The runtime's own readiness hint (the simulated runtime's not-ready injection); probes
    #: decide for a real runtime.
    ready: bool = True
    labels: dict[str, str] = field(default_factory=dict)


class RuntimeError_(Exception):
    """A runtime operation failed (the kubelet reports it and retries with backoff)."""


class Runtime(Protocol):
    """What a node's container runtime offers the kubelet. Times are the kubelet clock's `now()`."""

    name: str  # "simulated", "docker"
    version: str  # containerRuntimeVersion is "<name>://<version>"

    async def run_pod_sandbox(self, pod: Obj) -> str:
        """Create and start the pod's sandbox (network namespace, IP); its id."""
        ...

    async def stop_pod_sandbox(self, sandbox_id: str) -> None:
        """Stop every container of the sandbox and the sandbox itself (idempotent)."""
        ...

    async def remove_pod_sandbox(self, sandbox_id: str) -> None:
        """Remove the sandbox and its containers; frees its IP (idempotent)."""
        ...

    async def create_container(self, sandbox_id: str, pod: Obj, container: Obj, attempt: int) -> str:
        """Create (pulling the image if needed) a container from a pod spec entry; its id."""
        ...

    async def start_container(self, container_id: str) -> None: ...

    async def stop_container(self, container_id: str, timeout: float) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds (idempotent)."""
        ...

    async def remove_container(self, container_id: str) -> None: ...

    async def list_pod_sandboxes(self) -> list[SandboxStatus]: ...

    async def pod_sandbox_status(self, sandbox_id: str) -> SandboxStatus | None: ...

    async def list_containers(self, sandbox_id: str = "") -> list[ContainerStatus]:
        """Containers (of one sandbox, or all), newest attempt last."""
        ...

    async def container_status(self, container_id: str) -> ContainerStatus: ...

    def next_change(self, sandbox_id: str) -> float | None:
        """When, by the clock, a container of the sandbox will change state on its own if the
        runtime knows in advance (simulated); None otherwise (a real runtime is relisted)."""
        ...
