"""Pieces the cluster benchmarks (e2e_simulated.py, at_rest.py) share: they run as scripts, so
they import this module from their own folder."""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime
from typing import Any

import httpx


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pause_rc(name: str, labels: dict[str, str], replicas: int) -> dict:
    """A ReplicationController of pause pods selecting `labels`."""
    container = {"name": "pause", "image": "registry.k8s.io/pause:3.9"}
    return {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": labels,
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def wait_until(
    what: str,
    check: Any,
    timeout: float,
    poll: float = 0.5,
    retry_on: tuple[type[BaseException], ...] = (httpx.TransportError,),
) -> Any:
    """check()'s first truthy result, polling; errors in `retry_on` count as "not yet"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except retry_on:
            result = None
        if result:
            return result
        time.sleep(poll)
    raise TimeoutError(f"{what} did not happen within {timeout}s")


def drop_from_page_cache(path: str) -> None:
    """Forget the file's cached pages (posix_fadvise DONTNEED), as a reboot would: the next
    reads come from the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
