"""End-to-end benchmark (issue 4): a whole `kubepy up --nodes N` cluster, one RC scaled to --pods.

    .venv/bin/python benchmarks/e2e_simulated.py [--nodes 1000] [--pods 30000]
        [--kubelets in-process|separate] [--no-events] [--storage-backend lmdb|memory]
        [--timeout 3600]

It starts the cluster (LMDB storage by default, as `kubepy up` runs; --storage-backend memory for
the in-memory twin; a free loopback port), waits for N Ready nodes, creates an
RC with 0 replicas, watches its pods, then scales it to --pods and waits until all are Running.
It prints pods/s (pods / time from the scale request to the last pod seen Running) and pod
startup latency p50/p90/p99 as clusterloader2's PodStartupLatency measures it (benchmarks/
podstartup.py): `pod_startup` runs from the watch event that first shows the pod to the one that
first shows it Running, split at the first event showing it bound (`create_to_schedule`,
`schedule_to_run`); `stamp_to_run` starts at the pod's one-second `creationTimestamp` instead, as
the kubelet's SLI metric does, so it carries up to a second of truncation. Beside them: the CPU
time of the `kubepy up` process per pod (all its threads; with --kubelets separate, the kubelets'
process is not counted) and the apiserver's requests per pod by verb and resource (from /metrics)
between the scale request and the last pod Running.

--kubelets separate runs the simulated kubelets in a second process (`kubepy up --nodes 0` for
the control plane), so the two cores are both used; --no-events turns the kubelets' Events off
(KubeletOptions.record_events), which otherwise triple the writes per pod. Either way the cluster
is started through kubepy.cli.main with httpx's per-request INFO lines silenced: at -v 0 they
would be written for every request and measure the logger. Not a test: it prints the figures.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson
from clusterbench import free_port, parse_time, pause_rc, wait_until
from podstartup import StartupTracker, summary

REPO = Path(__file__).resolve().parent.parent
NAMESPACE = "default"
RC = "bench"


# ---- child processes ----------------------------------------------------------------------------
def serve_up(argv: list[str]) -> int:
    """`kubepy up ARGS` (child process)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from kubepy import cli

    return cli.main(["up", *argv])


def serve_kubelets(master: str, nodes: int, record_events: bool) -> int:
    """N simulated kubelets against `master` (child process)."""
    from kubepy import cluster, log, run
    from kubepy.kubelet import component as kubelet

    log.setup(0)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    opts = kubelet.options(kubelet.node_configs(nodes), record_events=record_events)
    return run.run(lambda: [kubelet.component(cluster.remote_clients(master), opts)])


def spawn(args: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "ab") as err:
        return subprocess.Popen(
            [sys.executable, __file__, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- pure -----------------------------------------------------------------------------------------
def request_counts(metrics: str) -> dict[tuple[str, str, str], float]:
    """(verb, resource, subresource) → requests served, from the apiserver's /metrics text."""
    out: dict[tuple[str, str, str], float] = {}
    for line in metrics.splitlines():
        if not line.startswith("apiserver_request_total{"):
            continue
        labels, _, value = line.rpartition(" ")
        fields = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        key = (fields.get("verb", ""), fields.get("resource", ""), fields.get("subresource", ""))
        out[key] = out.get(key, 0.0) + float(value)
    return out


def ready_count(nodes: list[dict]) -> int:
    return sum(
        any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in n.get("status", {}).get("conditions", [])
        )
        for n in nodes
    )


# ---- the run ----------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    http: httpx.Client, nodes: int, pods: int, timeout: float, cpu: Callable[[], float]
) -> dict[str, float]:
    base = f"/api/v1/namespaces/{NAMESPACE}"
    t0 = time.monotonic()
    wait_until(
        f"{nodes} Ready nodes",
        lambda: ready_count(http.get("/api/v1/nodes").json().get("items", [])) >= nodes or None,
        timeout,
        poll=1.0,
    )
    nodes_ready = time.monotonic() - t0
    http.post(f"{base}/replicationcontrollers", json=pause_rc(RC, {"app": RC}, 0)).raise_for_status()
    rv = http.get(f"{base}/pods", params={"labelSelector": f"app={RC}", "limit": 1}).json()["metadata"][
        "resourceVersion"
    ]
    tracker = StartupTracker(parse_time)
    running = 0
    before = request_counts(http.get("/metrics").text)
    cpu_before = cpu()
    start = time.time()
    http.patch(
        f"{base}/replicationcontrollers/{RC}",
        content=orjson.dumps({"spec": {"replicas": pods}}),
        headers={"Content-Type": "application/merge-patch+json"},
    ).raise_for_status()
    deadline = time.monotonic() + timeout
    last_running = start
    while running < pods:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{running}/{pods} pods Running after {timeout}s")
        params = {"watch": "1", "labelSelector": f"app={RC}", "resourceVersion": rv, "timeoutSeconds": "600"}
        with http.stream("GET", f"{base}/pods", params=params, timeout=None) as resp:
            resp.raise_for_status()
            for line in resp.iter_lines():
                if not line:
                    continue
                now = time.time()
                event = orjson.loads(line)
                obj = event["object"]
                if event["type"] == "ERROR":
                    raise RuntimeError(f"watch error: {obj}")
                rv = obj["metadata"]["resourceVersion"]
                if tracker.observe(obj, now):
                    running += 1
                    last_running = now
                    if running % max(1, pods // 10) == 0:
                        print(f"  {running}/{pods} Running after {now - start:.1f}s", flush=True)
                if running >= pods:
                    break
    elapsed = last_running - start
    cpu_used = cpu() - cpu_before
    after = request_counts(http.get("/metrics").text)
    print("requests per pod from the scale request to the last pod Running (verb resource/sub):")
    for key in sorted(after, key=lambda k: after[k] - before.get(k, 0.0), reverse=True):
        delta = after[key] - before.get(key, 0.0)
        if delta >= pods / 100:
            verb, resource, sub = key
            print(f"  {delta / pods:7.3f}  {verb} {resource}{'/' + sub if sub else ''}")
    phases = tracker.phases.values()
    return {
        "nodes_ready_s": nodes_ready,
        "elapsed_s": elapsed,
        "last_created_s": max(p["create"] for p in phases) - start,
        "last_bound_s": max(p["schedule"] for p in phases if "schedule" in p) - start,
        "pods_per_s": pods / elapsed,
        "cpu_ms_per_pod": 1000 * cpu_used / pods,
        **summary(tracker),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_up"]:
        return serve_up(argv[1:])
    if argv[:1] == ["_kubelets"]:
        return serve_kubelets(argv[1], int(argv[2]), argv[3] == "events")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nodes", type=int, default=1000)
    p.add_argument("--pods", type=int, default=30000)
    p.add_argument("--kubelets", choices=("in-process", "separate"), default="in-process")
    p.add_argument(
        "--no-events", action="store_true", help="kubelets record no Events (needs --kubelets separate)"
    )
    p.add_argument(
        "--storage-backend",
        choices=("lmdb", "memory"),
        default="lmdb",
        help="the apiserver's storage (default lmdb, the default of kubepy up)",
    )
    p.add_argument("--timeout", type=float, default=3600.0)
    ns = p.parse_args(argv)
    if ns.no_events and ns.kubelets != "separate":
        p.error("--no-events needs --kubelets separate (kubepy up has no flag for it)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="kubepy-e2e-") as tmp:
        work = Path(tmp)
        in_up = ns.nodes if ns.kubelets == "in-process" else 0
        up_args = ["--nodes", str(in_up), "--storage-backend", ns.storage_backend, "--port", str(port)]
        procs = [spawn(["_up", *up_args, "--data-dir", str(work / "data")], work / "up.log")]
        try:
            with httpx.Client(base_url=url, timeout=60.0) as http:
                wait_until(
                    "the apiserver", lambda: http.get("/readyz").status_code == 200 or None, 120, poll=0.2
                )
                if ns.kubelets == "separate":
                    events = "no-events" if ns.no_events else "events"
                    procs.append(spawn(["_kubelets", url, str(ns.nodes), events], work / "kubelets.log"))
                print(
                    f"kubepy up: {ns.nodes} nodes ({ns.kubelets} kubelets), {ns.storage_backend} storage,"
                    f" scaling {RC} to {ns.pods} pods"
                )
                up_pid = procs[0].pid
                figures = measure(http, ns.nodes, ns.pods, ns.timeout, lambda: cpu_seconds(up_pid))
        except BaseException:
            for log_name in ("up.log", "kubelets.log"):
                path = work / log_name
                if path.exists():
                    print(
                        f"--- {log_name} (tail)\n" + path.read_text(errors="replace")[-3000:], file=sys.stderr
                    )
            raise
        finally:
            for proc in reversed(procs):
                stop(proc)
    print(f"{'storage_backend':>24}: {ns.storage_backend}")
    for key, value in figures.items():
        print(f"{key:>24}: {value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
