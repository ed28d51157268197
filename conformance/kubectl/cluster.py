"""A whole kubepy cluster (`kubepy up --nodes N`) in a child process, and polling on conditions.

The cluster scenarios need the controllers, the scheduler and the simulated kubelets, not just
the apiserver, so they start `kubepy up`, which writes DATA_DIR/kubeconfig once it listens. What
they check happens asynchronously (a pod becomes Running, a namespace goes away), so every check
is retried by `eventually` until it holds or a generous deadline passes: no fixed sleeps.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from conformance import LiveServer, free_port, spawn, wait_ready

T = TypeVar("T")
#: How long a condition may take on a busy 2-core machine before the scenario fails.
WAIT = 60.0


@dataclass
class Cluster:
    """A `kubepy up` child process: apiserver, controller-manager, scheduler and N kubelets."""

    server: LiveServer
    nodes: int

    @property
    def kubeconfig(self) -> Path:
        return self.server.data_dir / "kubeconfig"

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> int:
        return self.server.stop()


def up_argv(data_dir: Path, port: int, nodes: int, extra: Sequence[str] = ()) -> list[str]:
    return [
        sys.executable, "-m", "kubepy.cli", "up",
        "--nodes", str(nodes),
        "--storage-backend", "memory",
        "--port", str(port),
        "--data-dir", str(data_dir),
        *extra,
    ]  # fmt: skip


def start_cluster(workdir: Path, nodes: int = 3, extra: Sequence[str] = (), attempts: int = 3) -> Cluster:
    """Start `kubepy up` on a free loopback port and wait until it answers /readyz and has written
    its kubeconfig; a port taken meanwhile by someone else is retried on another one."""
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "data"
    last = ""
    for attempt in range(attempts):
        port = free_port()
        stderr_path = workdir / f"up-{port}-{attempt}.stderr"
        argv = up_argv(data, port, nodes, extra)
        srv = LiveServer(spawn(argv, stderr_path, workdir), port, data, stderr_path, argv)
        try:
            if wait_ready(srv.proc, srv.url):
                eventually(lambda: (data / "kubeconfig").is_file() or None, what="the kubeconfig")
                return Cluster(srv, nodes)
        except BaseException:
            srv.stop(5)
            raise
        last = srv.stderr()
        if "address already in use" not in last.lower():
            break
    raise RuntimeError(f"kubepy up exited before it was ready:\n{last[-4000:]}")


def eventually(
    check: Callable[[], T | None], *, timeout: float = WAIT, poll: float = 0.25, what: str = ""
) -> T:
    """`check()`'s first truthy result. A check may also assert: its AssertionError counts as not
    yet, and the last one is raised when `timeout` passes, so a failure says what was seen."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
            failure: AssertionError | None = None
        except AssertionError as e:
            failure = e
        if time.monotonic() >= deadline:
            if failure is not None:
                raise failure
            raise AssertionError(f"{what or check} did not hold within {timeout}s (last: {result!r})")
        time.sleep(poll)
