"""Black-box suites against a live `kubepy apiserver`, and the helpers that start one.

    srv = start_apiserver(tmp_path)          # a fresh process on a free loopback port
    ... httpx / kubectl / the official clients talk to srv.url ...
    assert srv.stop() == 0                   # SIGTERM, SIGKILL after a timeout

The helpers are shared with the process-level tests in tests/apiserver/ (crash, flags, signals).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
#: How long a fresh process gets to answer /readyz 200 (imports on a busy 2-core machine).
READY_TIMEOUT = 60.0


def free_port() -> int:
    """A loopback port nobody listens on right now (a race with other processes is retried by
    start_apiserver)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    """A `kubepy apiserver` child process."""

    proc: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    stderr_path: Path
    argv: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def kill(self) -> int:
        """SIGKILL: the process gets no chance to flush or close anything."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait()

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then SIGKILL when it has not exited within `timeout`; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def apiserver_argv(
    data_dir: Path, port: int, backend: str, extra: Sequence[str] = (), *, book_spelling: bool = False
) -> list[str]:
    """The command line; book_spelling writes the flags as the 1.0 book does (`--insecure_port=`)."""
    flags = {
        "data-dir": str(data_dir),
        "insecure-bind-address": "127.0.0.1",
        "insecure-port": str(port),
        "storage-backend": backend,
    }
    argv = [sys.executable, "-m", "kubepy.cli", "apiserver"]
    for name, value in flags.items():
        if book_spelling:
            argv.append(f"--{name.replace('-', '_')}={value}")
        else:
            argv += [f"--{name}", value]
    return argv + list(extra)


def spawn(argv: Sequence[str], stderr_path: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    with open(stderr_path, "ab") as err:
        return subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd, env=env
        )


def wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float = READY_TIMEOUT) -> bool:
    """True once GET /readyz answers 200; False when the process exited first."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            try:
                if http.get(url + "/readyz").status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not become ready within {timeout}s")


def start_apiserver(
    workdir: Path,
    *,
    backend: str = "memory",
    data_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    port: int | None = None,
    book_spelling: bool = False,
    attempts: int = 3,
) -> LiveServer:
    """Start `kubepy apiserver` and wait until it is ready. A port taken meanwhile by someone
    else is retried on another one; any other early exit raises with the process's stderr."""
    workdir.mkdir(parents=True, exist_ok=True)
    data = data_dir or workdir / "data"
    last = ""
    for attempt in range(attempts):
        p = port or free_port()
        stderr_path = workdir / f"apiserver-{p}-{attempt}.stderr"
        argv = apiserver_argv(data, p, backend, extra_args, book_spelling=book_spelling)
        proc = spawn(argv, stderr_path, workdir)
        srv = LiveServer(proc, p, data, stderr_path, argv)
        try:
            if wait_ready(proc, srv.url):
                return srv
        except BaseException:
            srv.stop(5)
            raise
        last = srv.stderr()
        if port is not None or "address already in use" not in last.lower():
            break
    raise RuntimeError(f"kubepy apiserver exited before it was ready:\n{last}")


def write_kubeconfig(path: Path, server: str, *, namespace: str = "") -> Path:
    """A kubeconfig (one cluster, user and context named kubepy) pointing at `server`, for
    kubectl (KUBECONFIG=path) and `kubernetes.config.load_kube_config(config_file=path)`."""
    from kubepy import kubeconfig

    return kubeconfig.write(path, kubeconfig.build(server, namespace=namespace))
