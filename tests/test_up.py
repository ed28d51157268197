"""`kubepy up --nodes N`: the whole cluster in one process runs the book's guestbook RC."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BOOK = Path(__file__).resolve().parents[2] / "shared" / "book"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(pred, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def test_up_runs_guestbook_rc_on_simulated_nodes(tmp_path):
    from kubepy.util import yamlio

    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kubepy.cli",
            "up",
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
            "--nodes",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _ok(f"{base}/readyz"))
        nodes = _wait(lambda: _ready_nodes(base) if len(_ready_nodes(base)) == 2 else None)
        assert nodes == ["node-1", "node-2"]
        rc = yamlio.load((BOOK / "guestbook" / "frontend-controller.yaml").read_text())
        r = httpx.post(f"{base}/api/v1/namespaces/default/replicationcontrollers", json=rc)
        assert r.status_code == 201, r.text
        svc = yamlio.load((BOOK / "guestbook" / "frontend-service.yaml").read_text())
        r = httpx.post(f"{base}/api/v1/namespaces/default/services", json=svc)
        assert r.status_code == 201, r.text

        def running():
            pods = httpx.get(
                f"{base}/api/v1/namespaces/default/pods", params={"labelSelector": "name=frontend"}
            ).json()
            items = pods["items"]
            ok = [
                p
                for p in items
                if (p.get("status") or {}).get("phase") == "Running" and p["spec"].get("nodeName")
            ]
            return items if len(ok) == 3 else None

        pods = _wait(running)
        assert {p["metadata"]["name"][: len("frontend-")] for p in pods} == {"frontend-"}
        assert all(p["status"]["podIP"].startswith("10.244.") for p in pods)
        eps = _wait(lambda: _endpoints(base, "frontend"))
        assert len(eps) == 3
        cs = httpx.get(f"{base}/api/v1/componentstatuses").json()["items"]
        assert {c["metadata"]["name"]: c["conditions"][0]["status"] for c in cs} == {
            "scheduler": "True",
            "controller-manager": "True",
            "etcd-0": "True",
        }
        assert (tmp_path / "kubeconfig").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()[-2000:]


def _ok(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def _ready_nodes(base: str) -> list[str]:
    items = httpx.get(f"{base}/api/v1/nodes").json()["items"]
    return sorted(
        n["metadata"]["name"]
        for n in items
        if any(
            c["type"] == "Ready" and c["status"] == "True"
            for c in (n.get("status") or {}).get("conditions") or []
        )
    )


def _endpoints(base: str, name: str) -> list[str] | None:
    r = httpx.get(f"{base}/api/v1/namespaces/default/endpoints/{name}")
    if r.status_code != 200:
        return None
    addrs = [a["ip"] for s in r.json().get("subsets") or [] for a in s.get("addresses") or []]
    return addrs if len(addrs) == 3 else None
