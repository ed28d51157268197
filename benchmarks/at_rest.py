"""At-rest scale benchmark (issue 4): N simulated nodes heartbeating, P pods Running, one process.

    .venv/bin/python benchmarks/at_rest.py [--nodes 5000] [--pods 150000] [--storage-backend lmdb]
        [--idle 60] [--concurrency 64] [--namespaces 10] [--tracemalloc] [--profile]

It runs `kubepy up --nodes N` (LMDB by default, a fresh data dir, a free loopback port) and waits
for N Ready nodes. Seeding: P pods are POSTed through the API by --concurrency concurrent HTTP
clients, already bound (spec.nodeName set, round-robin over the nodes, --namespaces namespaces), the
way a pod looks the moment the scheduler's binding lands; the simulated kubelets then admit and run
them exactly as they run scheduled pods (status to Running, container Events). Only the scheduler's
own decision is skipped, so the stored state is that of a cluster that got there by scheduling.
Once every pod is Running (a watch on all pods) and the cluster settled, it measures:

  * RSS of the `kubepy up` process (VmRSS, VmHWM) and its CPU over an --idle second idle window
    (utime+stime from /proc/PID/stat), as % of one core;
  * restart after SIGTERM, then after kill -9: process start -> /readyz 200; -> every node's Lease
    renewed by the new process with Ready=True; -> a probe ReplicationController's pod Running
    (controller-manager, scheduler and kubelets synced and acting); RSS after restart; and what
    Kubernetes would notice: pods still Running, none deleted or terminating, no node tainted
    not-ready/unreachable - checked after --settle seconds and an idle window (the at-rest
    figures again, for the restarted process).

--tracemalloc starts the child under tracemalloc and writes its allocations by file (the holder:
storage, watch cache, informers ...) to the data dir before the first stop (costs memory and
time; use small sizes). --profile records the idle window with py-spy and prints the functions
with the most samples (self and inclusive), and each restart from process start to synced
(LABEL.raw in the work dir). Not a test: it prints the figures, and a Markdown
table ready for the README.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import functools
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import clusterbench
import httpx
import orjson
from clusterbench import drop_from_page_cache, free_port, parse_time, pause_rc

REPO = Path(__file__).resolve().parent.parent
PY_SPY = Path(sys.executable).parent / "py-spy"
TICKS = os.sysconf("SC_CLK_TCK")
NOT_READY_TAINTS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
PAGE = 5000


# ---- child process --------------------------------------------------------------------------------
def serve_up(argv: list[str]) -> int:
    """`kubepy up ARGS` (child process), optionally under tracemalloc (dumped on SIGUSR1)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    out = os.environ.get("AT_REST_TRACEMALLOC")
    if out:
        import tracemalloc

        tracemalloc.start(int(os.environ.get("AT_REST_FRAMES", "1")))

        def dump(*_: object) -> None:
            snap = tracemalloc.take_snapshot()
            with open(out, "w") as f:
                for stat in snap.statistics("filename")[:40]:
                    f.write(f"{stat.size / 2**20:10.1f} MiB {stat.count:>10} {stat.traceback[0].filename}\n")
                f.write("\n")
                for stat in snap.statistics("lineno")[:40]:
                    frame = stat.traceback[0]
                    f.write(
                        f"{stat.size / 2**20:10.1f} MiB {stat.count:>10} {frame.filename}:{frame.lineno}\n"
                    )

        signal.signal(signal.SIGUSR1, dump)
    from kubepy import cli

    return cli.main(["up", *argv])


def spawn(args: list[str], log_path: Path, env_extra: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", **env_extra}
    with open(log_path, "ab") as err:
        return subprocess.Popen(
            [sys.executable, __file__, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 120) -> float:
    """Signal `proc` and wait for it; the seconds it took to exit."""
    t0 = time.monotonic()
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return time.monotonic() - t0


# ---- pure -----------------------------------------------------------------------------------------
def proc_cpu_seconds(stat: str) -> float:
    """utime+stime of a /proc/PID/stat line, in seconds (fields 14 and 15; comm may hold spaces)."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def proc_status_kib(status: str, field: str) -> int:
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def is_ready(node: dict) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in node.get("status", {}).get("conditions", [])
    )


def pod_manifest(i: int, nodes: int, namespaces: int) -> tuple[str, dict]:
    """Pod i, bound round-robin to node-1..node-N, in namespace bench-(i % namespaces)."""
    ns = f"bench-{i % namespaces}"
    labels = {"app": f"app-{i % 50}", "tier": "bench"}
    container = {
        "name": "pause",
        "image": "registry.k8s.io/pause:3.9",
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
    }
    return ns, {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"pod-{i}", "namespace": ns, "labels": labels},
        "spec": {"nodeName": f"node-{i % nodes + 1}", "containers": [container]},
    }


WRITE_VERBS = ("POST", "PUT", "PATCH", "DELETE")


def write_counts(metrics: str) -> dict[str, float]:
    """Writes served since the apiserver started, per "VERB resource[/subresource]", from
    apiserver_request_total in Prometheus text format."""
    out: collections.Counter[str] = collections.Counter()
    for line in metrics.splitlines():
        if not line.startswith("apiserver_request_total{"):
            continue
        labels_s, _, value = line[len("apiserver_request_total{") :].rpartition("} ")
        labels = dict(part.split("=", 1) for part in labels_s.replace('"', "").split(",") if "=" in part)
        if labels.get("verb") not in WRITE_VERBS:
            continue
        what = labels.get("resource", "") + ("/" + labels["subresource"] if labels.get("subresource") else "")
        out[f"{labels['verb']} {what}"] += float(value)
    return dict(out)


def aggregate_py_spy(raw: str, top: int = 25) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """(self, inclusive) sample counts per function from py-spy's collapsed stacks, and the total."""
    own: collections.Counter[str] = collections.Counter()
    incl: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_s = line.rpartition(" ")
        if not stack or not count_s.isdigit():
            continue
        n = int(count_s)
        total += n
        frames = [
            f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
            for f in stack.split(";")
        ]
        frames = frames[1:] if frames and frames[0].startswith("process") else frames
        if frames:
            own[frames[-1]] += n
        for f in set(frames):
            incl[f] += n
    return own.most_common(top), incl.most_common(top), total


# ---- talking to the cluster -----------------------------------------------------------------------
#: an HTTP error answer also counts as "not yet" here: restarts pass through them
wait_until = functools.partial(
    clusterbench.wait_until, retry_on=(httpx.TransportError, httpx.HTTPStatusError)
)


def list_all(http: httpx.Client, path: str, page: int = PAGE, **params: str) -> list[dict]:
    """Every item, in pages of `page` (0: one unpaged list, a single snapshot)."""
    items: list[dict] = []
    cont = ""
    while True:
        limit = {"limit": str(page)} if page else {}
        query = {**limit, **params, **({"continue": cont} if cont else {})}
        resp = http.get(path, params=query, timeout=300)
        resp.raise_for_status()
        body = orjson.loads(resp.content)
        items.extend(body.get("items") or [])
        cont = body["metadata"].get("continue", "")
        if not cont:
            return items


async def post_all(host: str, port: int, bodies: Any, progress: Any) -> None:
    """POST (path, body) pairs one after another on one keep-alive connection, retrying 429/5xx.

    A bare HTTP/1.1 client: httpx costs more CPU per request than the apiserver serving it, and
    the seeder shares the machine with the cluster it measures."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for path, body in bodies:
            for _attempt in range(20):
                head = (
                    f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                )
                writer.write(head.encode() + body)
                status_line = await reader.readline()
                if not status_line:  # the server closed the connection: reconnect and retry
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                status = int(status_line.split()[1])
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                if status in (201, 409):
                    break
                await asyncio.sleep(0.5)  # 429/5xx under load: retry as clients do
            else:
                raise RuntimeError(f"POST {path} failed after 20 attempts (last status {status})")
            progress()
    finally:
        writer.close()


async def seed(port: int, nodes: int, pods: int, namespaces: int, concurrency: int) -> float:
    """POST the namespaces, then the pods over `concurrency` connections; seconds taken."""
    t0 = time.monotonic()
    done = 0

    def progress() -> None:
        nonlocal done
        done += 1
        if done % max(1, pods // 10) == 0:
            print(f"  {done}/{pods} pods created after {time.monotonic() - t0:.0f}s", flush=True)

    spaces = [
        (
            "/api/v1/namespaces",
            orjson.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"bench-{n}"}}),
        )
        for n in range(namespaces)
    ]
    await post_all("127.0.0.1", port, iter(spaces), lambda: None)

    def bodies() -> Any:
        for i in range(pods):
            ns, pod = pod_manifest(i, nodes, namespaces)
            yield f"/api/v1/namespaces/{ns}/pods", orjson.dumps(pod)

    shared = bodies()  # one generator: each connection takes the next pod
    await asyncio.gather(*(post_all("127.0.0.1", port, shared, progress) for _ in range(concurrency)))
    return time.monotonic() - t0


def count_running(http: httpx.Client) -> tuple[int, int, int]:
    """(pods, Running, terminating) of the seeded pods, over all namespaces. One unpaged list: at
    5,000 nodes the Lease renewals (500 writes/s) roll kubepy's 10,000-change history over in
    ~20 s, less than a paged list of 150,000 pods takes, and its continue token expires (410)."""
    pods = list_all(http, "/api/v1/pods", page=0, labelSelector="tier=bench")
    running = sum(p.get("status", {}).get("phase") == "Running" for p in pods)
    terminating = sum("deletionTimestamp" in p["metadata"] for p in pods)
    return len(pods), running, terminating


def wait_running(http: httpx.Client, pods: int, timeout: float) -> None:
    t0 = time.monotonic()

    def check() -> bool:
        total, running, _ = count_running(http)
        print(f"  {running}/{total} pods Running after {time.monotonic() - t0:.0f}s", flush=True)
        return running >= pods

    wait_until(f"{pods} pods Running", check, timeout, poll=10.0)


def fresh_nodes(http: httpx.Client, since: float) -> int:
    """Nodes Ready whose Lease was renewed at or after `since` (wall time)."""
    leases = list_all(http, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases")
    renewed = {
        lease["metadata"]["name"]
        for lease in leases
        if parse_time(lease["spec"].get("renewTime", "1970-01-01T00:00:00Z")) >= since
    }
    return sum(is_ready(n) and n["metadata"]["name"] in renewed for n in list_all(http, "/api/v1/nodes"))


def fresh_leases_pct(http: httpx.Client, window: float = 10.0) -> float:
    """% of node Leases renewed within the last renew period: below ~100 the kubelets are not
    keeping up with their heartbeats (and an idle figure measures less work than asked for)."""
    leases = list_all(http, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases")
    now = time.time()
    fresh = sum(
        now - parse_time(lease["spec"].get("renewTime", "1970-01-01T00:00:00Z")) <= window for lease in leases
    )
    return fresh / max(1, len(leases)) * 100


def tainted_nodes(http: httpx.Client) -> int:
    return sum(
        any(t.get("key") in NOT_READY_TAINTS for t in n.get("spec", {}).get("taints") or [])
        for n in list_all(http, "/api/v1/nodes")
    )


class Proc:
    def __init__(self, pid: int) -> None:
        self.pid = pid

    def cpu(self) -> float:
        return proc_cpu_seconds(Path(f"/proc/{self.pid}/stat").read_text())

    def waited(self) -> float:
        """Seconds the main thread (the event loop) spent runnable but waiting for a CPU."""
        return int(Path(f"/proc/{self.pid}/schedstat").read_text().split()[1]) / 1e9

    def kib(self, field: str) -> int:
        return proc_status_kib(Path(f"/proc/{self.pid}/status").read_text(), field)


def spy_on(pid: int, out: Path, seconds: float | None = None) -> subprocess.Popen[bytes]:
    """py-spy recording `pid` into `out` (collapsed stacks) for `seconds`, or until SIGINT."""
    duration = ["-d", str(int(seconds))] if seconds else []
    return subprocess.Popen(
        [str(PY_SPY), "record", "-p", str(pid), *duration, "-r", "50", "-f", "raw", "-o", str(out)]
        + ["--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def idle_window(proc: Proc, seconds: float, profile: Path | None) -> tuple[float, float]:
    """% of one core the process used over `seconds`, and % of the time its event loop waited
    for a CPU (above a few %, the machine is shared and the figure is a floor); py-spy records
    the window when `profile`."""
    spy = spy_on(proc.pid, profile, seconds) if profile is not None else None
    c0, w0, t0 = proc.cpu(), proc.waited(), time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - t0
    busy = (proc.cpu() - c0) / elapsed * 100
    starved = (proc.waited() - w0) / elapsed * 100
    print(f"  idle window: {busy:.1f}% of a core busy; the loop waited for a CPU {starved:.1f}% of the time")
    if spy is not None:
        spy.wait(60)
    return busy, starved


def print_profile(profile: Path) -> None:
    if not profile.exists():
        print("  (py-spy wrote nothing)")
        return
    own, incl, total = aggregate_py_spy(profile.read_text())
    print(f"  py-spy: {total} samples; self:")
    for name, n in own:
        print(f"    {n / total * 100:5.1f}%  {name}")
    print("  inclusive:")
    for name, n in incl:
        print(f"    {n / total * 100:5.1f}%  {name}")


def data_file(work: Path) -> Path:
    """The LMDB data file of the cluster kept in `work` (`kubepy up --data-dir work/data`)."""
    return work / "data" / "storage" / "data.mdb"


def restart(
    ns: argparse.Namespace, up_args: list[str], work: Path, http: httpx.Client, label: str
) -> tuple[subprocess.Popen[bytes], dict[str, float]]:
    if ns.drop_page_cache:
        drop_from_page_cache(str(data_file(work)))
    since = time.time()
    t0 = time.monotonic()
    child = spawn(["_up", *up_args], work / "up.log", {})
    proc = Proc(child.pid)
    spy = spy_on(proc.pid, work / f"{label}.raw") if ns.profile else None
    wait_until("readyz", lambda: http.get("/readyz").status_code == 200 or None, ns.timeout, poll=0.1)
    readyz = time.monotonic() - t0
    wait_until(
        f"{ns.nodes} nodes renewed",
        lambda: fresh_nodes(http, since) >= ns.nodes or None,
        ns.timeout,
        poll=0.5,
    )
    nodes_ready = time.monotonic() - t0
    probe = f"probe-{label}-{int(since)}"
    http.post(
        "/api/v1/namespaces/default/replicationcontrollers", json=pause_rc(probe, {"probe": probe}, 1)
    ).raise_for_status()

    def probe_running() -> bool:
        items = http.get("/api/v1/namespaces/default/pods", params={"labelSelector": f"probe={probe}"}).json()
        return any(p.get("status", {}).get("phase") == "Running" for p in items.get("items") or [])

    wait_until("the probe pod Running", probe_running, ns.timeout, poll=0.2)
    synced = time.monotonic() - t0
    if spy is not None:
        spy.send_signal(signal.SIGINT)  # py-spy writes what it recorded, start to synced
        spy.wait(60)
        print_profile(work / f"{label}.raw")
    writes = write_counts(http.get("/metrics").text)
    print(f"  writes from start to synced: {sorted(writes.items(), key=lambda kv: -kv[1])}", flush=True)
    rss_restart = proc.kib("VmRSS") / 2**20
    time.sleep(ns.settle)  # at rest again: the restart's catching up is not the idle figure
    idle, starved = idle_window(proc, ns.idle, None)
    fresh = fresh_leases_pct(http)
    total, running, terminating = count_running(http)
    figures = {
        f"{label}_to_readyz_s": readyz,
        f"{label}_to_nodes_ready_s": nodes_ready,
        f"{label}_to_synced_s": synced,
        f"{label}_rss_after_restart_gib": rss_restart,
        f"{label}_writes_to_synced": sum(writes.values()),
        f"{label}_pod_status_writes_to_synced": writes.get("PATCH pods/status", 0.0),
        f"{label}_idle_cpu_pct": idle,
        f"{label}_idle_loop_cpu_wait_pct": starved,
        f"{label}_fresh_leases_pct": fresh,
        f"{label}_pods_running": float(running),
        f"{label}_pods_lost_or_terminating": float(ns.pods - running + terminating),
        f"{label}_nodes_tainted": float(tainted_nodes(http)),
    }
    return child, figures


def memory_headroom_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def restarts_only(ns: argparse.Namespace, work: Path) -> dict[str, float]:
    """--restart-from: cold start from a kept work dir, then the SIGTERM and kill -9 restarts."""
    port = free_port()
    up_args = ["--nodes", str(ns.nodes), "--storage-backend", "lmdb", "--port", str(port)]
    up_args += ["--data-dir", str(work / "data")]
    figures: dict[str, float] = {}
    child = None
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120.0) as http:
            plan = (("cold", None), ("sigterm", signal.SIGTERM), ("kill9", signal.SIGKILL))
            for label, sig in plan[: ns.restarts]:
                if child is not None:
                    figures[f"{label}_exit_s"] = stop(child, sig)
                child, more = restart(ns, up_args, work, http, label)
                figures.update(more)
                print(f"{label}: {more}", flush=True)
    finally:
        if child is not None:
            stop(child)
    return figures


def run(ns: argparse.Namespace, work: Path) -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    up_args = ["--nodes", str(ns.nodes), "--storage-backend", ns.storage_backend, "--port", str(port)]
    up_args += ["--data-dir", str(work / "data")]
    env = {"AT_REST_TRACEMALLOC": str(work / "tracemalloc.txt")} if ns.tracemalloc else {}
    figures: dict[str, float] = {}
    child = spawn(["_up", *up_args], work / "up.log", env)
    try:
        proc = Proc(child.pid)
        with httpx.Client(base_url=url, timeout=120.0) as http:
            t0 = time.monotonic()
            wait_until("the apiserver", lambda: http.get("/readyz").status_code == 200 or None, 300, poll=0.2)
            wait_until(
                f"{ns.nodes} Ready nodes",
                lambda: sum(map(is_ready, list_all(http, "/api/v1/nodes"))) >= ns.nodes or None,
                ns.timeout,
                poll=2.0,
            )
            figures["nodes_ready_s"] = time.monotonic() - t0
            print(f"{ns.nodes} nodes Ready after {figures['nodes_ready_s']:.1f}s; seeding {ns.pods} pods")
            figures["seed_s"] = asyncio.run(seed(port, ns.nodes, ns.pods, ns.namespaces, ns.concurrency))
            wait_running(http, ns.pods, ns.timeout)
            figures["all_running_s"] = time.monotonic() - t0
            print(f"all Running after {figures['all_running_s']:.0f}s; settling {ns.settle:.0f}s")
            time.sleep(ns.settle)
            figures["rss_gib"] = proc.kib("VmRSS") / 2**20
            figures["rss_peak_gib"] = proc.kib("VmHWM") / 2**20
            figures["rss_anon_gib"] = proc.kib("RssAnon") / 2**20
            figures["rss_file_gib"] = proc.kib("RssFile") / 2**20  # LMDB's map pages touched
            profile = work / "idle.raw" if ns.profile else None
            figures["idle_cpu_pct"], figures["idle_loop_cpu_wait_pct"] = idle_window(proc, ns.idle, profile)
            figures["fresh_leases_pct"] = fresh_leases_pct(http)
            print(f"idle: {figures['idle_cpu_pct']:.1f}% of a core, RSS {figures['rss_gib']:.2f} GiB")
            if profile is not None:
                print_profile(profile)
            if ns.tracemalloc:
                child.send_signal(signal.SIGUSR1)
                time.sleep(5 + ns.pods / 5000)
                print((work / "tracemalloc.txt").read_text())
            data = data_file(work)
            if data.exists():
                figures["lmdb_file_gib"] = data.stat().st_size / 2**30
            if ns.no_restart:
                return figures
            figures["sigterm_exit_s"] = stop(child)
            child, more = restart(ns, up_args, work, http, "sigterm")
            figures.update(more)
            print(f"restart after SIGTERM: {more}")
            stop(child, signal.SIGKILL)
            child, more = restart(ns, up_args, work, http, "kill9")
            figures.update(more)
            print(f"restart after kill -9: {more}")
    except BaseException:
        path = work / "up.log"
        if path.exists():
            print("--- up.log (tail)\n" + path.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        stop(child)
    return figures


def readme_table(ns: argparse.Namespace, figures: dict[str, float]) -> str:
    rows = [("nodes / pods", f"{ns.nodes:,} / {ns.pods:,} ({ns.storage_backend})")]
    rows += [(k, f"{v:,.2f}") for k, v in figures.items()]
    return "\n".join(["| at rest | figure |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_up"]:
        return serve_up(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nodes", type=int, default=5000)
    p.add_argument("--pods", type=int, default=150000)
    p.add_argument("--storage-backend", choices=("lmdb", "memory"), default="lmdb")
    p.add_argument("--idle", type=float, default=60.0, help="idle window in seconds")
    p.add_argument(
        "--settle",
        type=float,
        default=20.0,
        help="seconds after all Running (after a restart: synced) before an idle window",
    )
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--namespaces", type=int, default=10)
    p.add_argument("--timeout", type=float, default=3600.0)
    p.add_argument("--tracemalloc", action="store_true")
    p.add_argument("--profile", action="store_true", help="py-spy the idle window and the restarts")
    p.add_argument("--no-restart", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the work directory (printed)")
    p.add_argument(
        "--restart-from",
        type=Path,
        help="a kept work dir: only the restarts (--nodes/--pods as it was seeded)",
    )
    p.add_argument("--restarts", type=int, default=3, help="with --restart-from: 1 cold start only, 2, 3")
    p.add_argument(
        "--drop-page-cache",
        action="store_true",
        help="before each restart, drop the store's data file from the page cache (as a reboot would)",
    )
    ns = p.parse_args(argv)
    if ns.restart_from:
        figures = restarts_only(ns, ns.restart_from)
        for key, value in figures.items():
            print(f"{key:>40}: {value:.3f}")
        print()
        print(readme_table(ns, figures))
        return 0
    if ns.storage_backend == "memory":
        ns.no_restart = True  # nothing survives a restart
    print(
        f"at rest: {ns.nodes} nodes, {ns.pods} pods, {ns.storage_backend}; {memory_headroom_gib():.1f} GiB free"
    )
    with contextlib.ExitStack() as stack:
        if ns.keep:
            work = Path(tempfile.mkdtemp(prefix="kubepy-at-rest-"))
            print(f"work dir: {work}")
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kubepy-at-rest-")))
        figures = run(ns, work)
    for key, value in figures.items():
        print(f"{key:>40}: {value:.3f}")
    print()
    print(readme_table(ns, figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
