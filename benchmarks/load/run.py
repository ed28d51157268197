"""Macro load benchmark: kubepy's apiserver against the machine's own ceiling, in one run.

1. ceiling: a bare Starlette hello-world under kubepy's uvicorn settings (its HTTP protocol too,
   kubepy/httpproto.py: a change there moves the ceiling with the kubepy figures), server pinned to
   core 0, wrk pinned to core 1 (requests/s), plus the single-client latency floor of the Python
   client;
2. `kubepy apiserver` (lmdb or memory) pinned to core 0:
   GET one pod, durable CREATE with 64 clients (wrk + Lua, generateName), LIST of 10,000 pods
   (all, and a label selector matching 1%), watch fan-out (100 HTTP watchers, 1,000 events/s,
   write-to-client latency), idle RSS.
Each figure is printed with its ratio to the ceiling of the same run, as a table, and saved as
JSON. Every loop is bounded; only loopback is used; all processes started are stopped.

The clients must not be what is measured: this process (and every load generator it starts) runs
on core 1. LIST latencies come from a raw keep-alive HTTP/1.1 client that reads the Content-Length
body without parsing (httpx needs longer to take in a 15 MB body than the server to send it; its
figure is printed beside, marked client-bound). The watch fan-out's watchers live in
`--watch-processes` processes; send stamps and receive times are perf_counter (CLOCK_MONOTONIC),
comparable across processes. Server CPU per written event is printed with the fan-out: on a busy
machine it is the figure to compare between runs, latency less so.

    python benchmarks/load/run.py [--storage lmdb|memory] [--duration 10] [--quick] [--hello-only]
                                  [--only get,create,list,watch,rss] [--kubepy-tree DIR]

`--only` runs a subset of the kubepy parts; the hello-world ceiling is then measured only when a
part is rated against it (get, create), so a `--only list,watch` run is short. `--kubepy-tree`
runs the apiserver from another source tree (a copy of the old code) for a same-script A/B.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


# ---- results ------------------------------------------------------------------------------------
@dataclass
class Figure:
    name: str
    value: float
    unit: str
    #: what the ratio is taken against: "ceiling" (req/s), "floor" (ms) or "" (none)
    basis: str = ""
    note: str = ""
    ratio: float | None = None


@dataclass
class Report:
    storage: str
    cores: str
    figures: list[Figure] = field(default_factory=list)
    #: the machine's best hello-world req/s and single-client p50 ms in this run
    ceiling: float = 0.0
    floor: float = 0.0

    def add(self, fig: Figure) -> None:
        self.figures.append(fig)
        print(f"  {fig.name:<44} {fig.value:>12.3f} {fig.unit:<8} {fig.note}", flush=True)

    def finish(self) -> None:
        """Ratios against the best ceiling and floor seen (measured before and after kubepy)."""
        for f in self.figures:
            if f.basis == "ceiling" and self.ceiling:
                f.ratio = f.value / self.ceiling
            elif f.basis == "floor" and self.floor:
                f.ratio = f.value / self.floor

    def table(self) -> str:
        lines = [f"{'figure':<44} {'value':>12} {'unit':<8} {'ratio':>8}  note", "-" * 100]
        for f in self.figures:
            ratio = f"{f.ratio:8.3f}" if f.ratio is not None else "       -"
            lines.append(f"{f.name:<44} {f.value:>12.3f} {f.unit:<8} {ratio}  {f.note}")
        return "\n".join(lines)


# ---- wrk ----------------------------------------------------------------------------------------
@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    errors: int


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> WrkResult:
    """Read wrk --latency output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errs = re.search(r"Socket errors:\s+connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(
        rps=rps,
        p50_ms=_ms(pct["50"]),
        p99_ms=_ms(pct["99"]),
        requests=requests,
        non_2xx=int(non.group(1)) if non else 0,
        errors=sum(int(g) for g in errs.groups()) if errs else 0,
    )


def pin(core: int) -> list[str]:
    """Prefix pinning a command to one core, when the machine has two and taskset exists."""
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(core)]
    return []


def wrk(url: str, *, connections: int, seconds: int, script: Path | None = None) -> WrkResult:
    cmd = [*pin(1), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return parse_wrk(out)


# ---- processes ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(cmd: list[str], url: str, log_path: Path, tree: Path = REPO) -> Iterator[subprocess.Popen]:
    """Start a server from source tree `tree`, wait for /readyz, and always stop it (SIGTERM,
    then SIGKILL)."""
    env = {**ENV, "PYTHONPATH": str(tree)}
    with open(log_path, "w") as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, env=env, cwd=tree)
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd} exited with {proc.returncode}; see {log_path}")
                try:
                    if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{cmd} not ready in 60s; see {log_path}")
                time.sleep(0.1)
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# ---- client-side helpers ------------------------------------------------------------------------
def pod(
    name: str | None = None,
    *,
    generate: str = "",
    labels: dict | None = None,
    annotations: dict | None = None,
):
    meta: dict = {"labels": labels or {"app": "load"}}
    if name:
        meta["name"] = name
    if generate:
        meta["generateName"] = generate
    if annotations:
        meta["annotations"] = annotations
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "c", "image": "nginx:1.7.9"}]},
    }


async def ensure_namespace(client: httpx.AsyncClient, name: str) -> None:
    r = await client.post(
        "/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    )
    if r.status_code not in (201, 409):
        raise RuntimeError(f"creating namespace {name}: {r.status_code} {r.text[:200]}")


async def create_many(client: httpx.AsyncClient, ns: str, count: int, *, concurrency: int = 32) -> None:
    """count pods named p0..p{count-1}; every 100th is labelled tier=picked (the 1% selector)."""
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        labels = {"app": "load", "tier": "picked" if i % 100 == 0 else "rest"}
        async with sem:
            r = await client.post(f"/api/v1/namespaces/{ns}/pods", json=pod(f"p{i}", labels=labels))
        if r.status_code not in (201, 409):
            raise RuntimeError(f"create p{i}: {r.status_code} {r.text[:200]}")

    await asyncio.gather(*(one(i) for i in range(count)))


async def latencies(client: httpx.AsyncClient, path: str, samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        r = await client.get(path)
        out.append((time.perf_counter() - t) * 1e3)
        if r.status_code != 200:
            raise RuntimeError(f"GET {path}: {r.status_code}")
    return out


async def raw_latencies(port: int, path: str, samples: int) -> tuple[list[float], int]:
    """GET `path` over one keep-alive connection, reading the Content-Length body with no
    parsing: the time is the server's and the transfer's, not an HTTP library's (httpx spends
    longer taking in a 15 MB body than the server takes to produce it). Returns (ms, bytes)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 24)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n".encode()
    out, size = [], 0
    try:
        for _ in range(samples):
            t = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                raise RuntimeError(f"GET {path}: {head[:100]!r}")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            size = len(await reader.readexactly(length))
            out.append((time.perf_counter() - t) * 1e3)
    finally:
        writer.close()
    return out, size


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


# ---- watch fan-out ------------------------------------------------------------------------------
_MARK = b'"bench/t":"'
_STAMP = re.compile(re.escape(_MARK) + rb'([0-9.]+)"')


class WatchClient(asyncio.Protocol):
    """One HTTP watch over a raw connection, as a protocol: the stamps are taken from each read
    as it arrives (no stream buffer, no task wake-up per read), so a hundred of them cost the
    client far less than the server. Records receive time minus the write's stamp, in ms."""

    def __init__(self, path: str, expected: int, lat: list[float]) -> None:
        self.request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"
        self.expected = expected
        self.lat = lat
        self.got = 0
        self.head: bytes | None = b""  # None once the response head was read
        self.tail = b""
        loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[None] = loop.create_future()
        self.done: asyncio.Future[int] = loop.create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.write(self.request.encode())  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        if self.head is not None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data, self.head = self.head[:end], self.head[end + 4 :], None
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                self._finish(RuntimeError(f"watch refused: {head[:200]!r}"))
                return
            self.ready.set_result(None)
        buf = self.tail + data if self.tail else data
        # chunk framing is ignored; only stamps matter
        found = _STAMP.findall(buf)
        if found:
            self.lat.extend([(now - float(t)) * 1e3 for t in found])
            self.got += len(found)
        i = buf.rfind(_MARK)
        if i >= 0 and _STAMP.match(buf, i) is None:
            self.tail = buf[i:]  # a stamp cut by the read: complete it with the next one
        else:
            self.tail = buf[1 - len(_MARK) :]  # perhaps the start of a mark, never a whole one
        if self.got >= self.expected:
            self._finish(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish(None)

    def _finish(self, exc: Exception | None) -> None:
        for fut in (self.ready, self.done):
            if not fut.done():
                if exc is not None:
                    fut.set_exception(exc)
                elif fut is self.done:
                    fut.set_result(self.got)
                else:
                    fut.set_exception(RuntimeError("watch ended before its head"))
        if self.transport is not None:
            self.transport.close()


class RawPool:
    """Keep-alive HTTP/1.1 connections for the paced writer: far less client CPU per request than
    httpx, so the watch measurement is limited by the server, not by the benchmark itself."""

    def __init__(self, port: int, size: int) -> None:
        self.port = port
        self.size = size
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def open(self) -> None:
        for _ in range(self.size):
            self.idle.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))

    async def post(self, path: str, make_body: Callable[[], bytes]) -> int:
        """POST the body `make_body()` builds once a connection is free (so a time stamped into
        it is the moment of sending, not of queueing for a connection)."""
        reader, writer = await self.idle.get()
        try:
            body = make_body()
            writer.write(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            await reader.readexactly(length)
            return status
        finally:
            self.idle.put_nowait((reader, writer))

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run(coro: Any) -> Any:
    """asyncio.run on uvloop when it is installed (the load generators should be cheap)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def _watch_worker(port: int, path: str, expected: int, n: int, conn: Any) -> None:
    """A process holding `n` watches (see fan_out); sends "ready", then its results."""

    async def main() -> tuple[list[float], int, float]:
        loop = asyncio.get_running_loop()
        lat: list[float] = []
        clients = []
        for _ in range(n):
            _, c = await loop.create_connection(lambda: WatchClient(path, expected, lat), "127.0.0.1", port)
            clients.append(c)
        await asyncio.wait_for(asyncio.gather(*(c.ready for c in clients)), 30)
        conn.send("ready")
        cpu0 = time.process_time()
        # the parent says when the writes ended; then 15 s at most for the last events
        await loop.run_in_executor(None, conn.recv)
        await asyncio.wait([c.done for c in clients], timeout=15)
        received = 0
        for c in clients:
            c._finish(None)
            received += c.got
        return lat, received, time.process_time() - cpu0

    lat, received, cpu = _run(main())
    conn.send((array("d", lat).tobytes(), received, cpu))
    conn.close()


async def fan_out(
    base: str,
    port: int,
    server_pid: int,
    *,
    watchers_n: int,
    rate: int,
    seconds: float,
    processes: int = 4,
) -> dict:
    """`watchers_n` HTTP watches spread over `processes` processes (one loop parsing a hundred
    streams would itself add latency), a paced writer in this one. Send and receive times are
    `time.perf_counter()`, CLOCK_MONOTONIC on Linux: comparable across processes."""
    ns = "watch"
    async with httpx.AsyncClient(
        base_url=base, timeout=30, limits=httpx.Limits(max_connections=64)
    ) as client:
        await ensure_namespace(client, ns)
        rv = (await client.get(f"/api/v1/namespaces/{ns}/pods?limit=1")).json()["metadata"]["resourceVersion"]
    total = int(rate * seconds)
    path = f"/api/v1/namespaces/{ns}/pods?watch=1&resourceVersion={rv}"
    ctx = multiprocessing.get_context("spawn")
    procs, conns = [], []
    processes = max(1, min(processes, watchers_n))
    for k in range(processes):
        n = watchers_n // processes + (1 if k < watchers_n % processes else 0)
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_watch_worker, args=(port, path, total, n, child), daemon=True)
        proc.start()
        procs.append(proc)
        conns.append(parent)
    try:
        loop = asyncio.get_running_loop()
        for c in conns:
            if not await loop.run_in_executor(None, c.poll, 60) or c.recv() != "ready":
                raise RuntimeError("a watch process did not get ready")
        pool = RawPool(port, 64)
        await pool.open()
        failures = 0

        async def write(i: int) -> None:
            nonlocal failures

            def body() -> bytes:
                return orjson.dumps(pod(f"w{i}", annotations={"bench/t": repr(time.perf_counter())}))

            if await pool.post(f"/api/v1/namespaces/{ns}/pods", body) != 201:
                failures += 1

        cpu0, server_cpu0 = time.process_time(), cpu_seconds(server_pid)
        t0 = time.perf_counter()
        writes = []
        for i in range(total):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            writes.append(asyncio.create_task(write(i)))
        await asyncio.gather(*writes)
        pool.close()
        wrote_s = time.perf_counter() - t0
        writer_cpu = time.process_time() - cpu0
        for c in conns:
            c.send("written")
        lat: list[float] = []
        received = 0
        watchers_cpu = 0.0
        for c in conns:
            if not await loop.run_in_executor(None, c.poll, 60):
                raise RuntimeError("a watch process did not report")
            raw, got, cpu = c.recv()
            lat.extend(array("d", raw))
            received += got
            watchers_cpu += cpu
        elapsed = time.perf_counter() - t0
        server_cpu_s = cpu_seconds(server_pid) - server_cpu0
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
    return {
        "client_cpu": (writer_cpu + watchers_cpu) / elapsed,
        "server_cpu": server_cpu_s / elapsed,
        "server_ms_per_event": server_cpu_s * 1e3 / total,
        "events": total,
        "write_rate": total / wrote_s,
        "failures": failures,
        "delivered": received / (total * watchers_n),
        "p50_ms": p(lat, 0.50),
        "p99_ms": p(lat, 0.99),
    }


# ---- the run ------------------------------------------------------------------------------------
def lua_create(path: Path, ns: str) -> Path:
    body = json.dumps(pod(generate="load-"), separators=(",", ":"))
    path.write_text(
        f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[{body}]]\n'
    )
    return path


def measure_ceiling(report: Report, args: argparse.Namespace, tmp: Path, when: str) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [*pin(0), sys.executable, str(HERE / "hello.py"), str(port)]
    with serving(cmd, url, tmp / f"hello-{when}.log"):
        w = wrk(url + "/", connections=64, seconds=args.duration)
        floor = asyncio.run(_floor(url, args.samples))
    report.ceiling = max(report.ceiling, w.rps)
    report.floor = min(report.floor or floor, floor)
    report.add(Figure(f"ceiling: hello-world GET ({when})", w.rps, "req/s", "ceiling", "wrk -c64"))
    report.add(Figure(f"floor: hello-world GET p50 ({when})", floor, "ms", "floor", "one httpx client"))


async def _floor(url: str, samples: int) -> float:
    async with httpx.AsyncClient(base_url=url) as client:
        await latencies(client, "/", 20)  # warm up
        return statistics.median(await latencies(client, "/", samples))


PARTS = ("get", "create", "list", "watch", "rss")


def parse_only(text: str | None) -> frozenset[str]:
    """The parts named by --only (all when absent); unknown names are refused, not ignored."""
    if not text:
        return frozenset(PARTS)
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    if unknown := names - set(PARTS):
        raise argparse.ArgumentTypeError(f"unknown part(s) {sorted(unknown)}; choose from {','.join(PARTS)}")
    return names


def measure_kubepy(report: Report, args: argparse.Namespace, tmp: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [
        *pin(0),
        sys.executable,
        "-m",
        "kubepy.cli",
        "apiserver",
        f"--storage-backend={args.storage}",
        f"--data-dir={tmp / 'data'}",
        f"--insecure-port={port}",
    ]
    only = args.only
    with serving(cmd, base, tmp / "apiserver.log", args.kubepy_tree) as proc:
        time.sleep(1)
        if "rss" in only:
            report.add(Figure("idle RSS of the apiserver", rss_mib(proc.pid), "MiB", "", "after /readyz"))
        if only & {"get", "create"}:
            _get_and_create(report, args, tmp, base, only, proc.pid)
        if "list" in only:
            _list(report, args, base, port, proc.pid)
        if "watch" in only:
            _watch(report, args, base, port, proc.pid)
        if "rss" in only:
            report.add(Figure("RSS of the apiserver after the run", rss_mib(proc.pid), "MiB", "", ""))


def _get_and_create(
    report: Report, args: argparse.Namespace, tmp: Path, base: str, only: frozenset[str], server_pid: int
) -> None:
    if "get" in only:

        async def setup() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                await ensure_namespace(client, "load")
                r = await client.post("/api/v1/namespaces/default/pods", json=pod("p0"))
                if r.status_code not in (201, 409):
                    raise RuntimeError(f"create pod: {r.status_code} {r.text[:200]}")

        asyncio.run(setup())
        w = wrk(f"{base}/api/v1/namespaces/default/pods/p0", connections=64, seconds=args.duration)
        report.add(Figure("GET one pod", w.rps, "req/s", "ceiling", _errors(w)))

    if "create" in only:

        async def setup_ns() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                await ensure_namespace(client, "load")

        asyncio.run(setup_ns())
        script = lua_create(tmp / "create.lua", "load")
        cpu0 = cpu_seconds(server_pid)
        w = wrk(f"{base}/api/v1/namespaces/load/pods", connections=64, seconds=args.duration, script=script)
        cpu = cpu_seconds(server_pid) - cpu0
        report.add(Figure(f"CREATE pod ({args.storage}), 64 clients", w.rps, "req/s", "ceiling", _errors(w)))
        report.add(Figure("CREATE pod p99", w.p99_ms, "ms", "floor", "wrk latency"))
        # what stays comparable on a busy machine: the server's CPU (all threads) per create
        if w.requests:
            per = cpu * 1e6 / w.requests
            report.add(
                Figure("CREATE pod: server CPU per create", per, "us", "", "user + system, all threads")
            )


def _list(report: Report, args: argparse.Namespace, base: str, port: int, server_pid: int) -> None:
    every = "/api/v1/namespaces/list/pods"
    picked = every + "?labelSelector=tier%3Dpicked"

    cpu: dict[str, float] = {}

    async def timed(name: str, path: str) -> list[float]:
        """Latencies, and the server's CPU per request (user + system): the figure that stays
        comparable between runs on a busy machine."""
        cpu0 = cpu_seconds(server_pid)
        out = (await raw_latencies(port, path, args.list_samples))[0]
        cpu[name] = (cpu_seconds(server_pid) - cpu0) * 1e3 / args.list_samples
        return out

    async def lists() -> dict[str, list[float]]:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            await ensure_namespace(client, "list")
            await create_many(client, "list", args.list_pods)
            await raw_latencies(port, picked, 1)  # the selector's labels are extracted once
            return {
                "all": await timed("all", every),
                "picked": await timed("picked", picked),
                "all_httpx": await latencies(client, every, args.list_samples),
            }

    got = asyncio.run(lists())
    n = args.list_pods
    note = f"raw HTTP client; server CPU {cpu['all']:.1f} ms/request"
    report.add(Figure(f"LIST {n} pods p50", p(got["all"], 0.5), "ms", "floor", note))
    note = f"raw; server CPU {cpu['picked']:.1f} ms/request"
    report.add(Figure(f"LIST {n} pods, selector 1%, p50", p(got["picked"], 0.5), "ms", "floor", note))
    report.add(
        Figure(f"LIST {n} pods p50, httpx client", p(got["all_httpx"], 0.5), "ms", "floor", "client-bound")
    )


def _watch(report: Report, args: argparse.Namespace, base: str, port: int, server_pid: int) -> None:
    fo = asyncio.run(
        fan_out(
            base,
            port,
            server_pid,
            watchers_n=args.watchers,
            rate=args.rate,
            seconds=args.watch_seconds,
            processes=args.watch_processes,
        )
    )
    note = (
        f"{fo['events']} events written at {fo['write_rate']:.0f}/s, delivered {fo['delivered']:.1%}, "
        f"{fo['failures']} failed; CPU server {fo['server_cpu']:.0%} "
        f"({fo['server_ms_per_event']:.2f} ms/event), clients {fo['client_cpu']:.0%}"
    )
    report.add(Figure(f"watch fan-out x{args.watchers} p50", fo["p50_ms"], "ms", "floor", note))
    report.add(Figure(f"watch fan-out x{args.watchers} p99", fo["p99_ms"], "ms", "floor"))


def _errors(w: WrkResult) -> str:
    return f"{w.non_2xx} non-2xx, {w.errors} socket errors" if (w.non_2xx or w.errors) else "all 2xx"


def _stack() -> str:
    """Which HTTP parser and event loop uvicorn gets (both servers use the same)."""
    from importlib.util import find_spec

    http = "httptools" if find_spec("httptools") else "h11"
    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    return f"{http} + {loop}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--storage", choices=("lmdb", "memory"), default="lmdb")
    ap.add_argument("--duration", type=int, default=10, help="seconds per wrk measurement")
    ap.add_argument("--samples", type=int, default=200, help="requests for the latency floor")
    ap.add_argument("--list-pods", type=int, default=10_000)
    ap.add_argument("--list-samples", type=int, default=10)
    ap.add_argument("--watchers", type=int, default=100)
    ap.add_argument("--rate", type=int, default=1000, help="watch events written per second")
    ap.add_argument("--watch-seconds", type=float, default=5.0)
    ap.add_argument("--watch-processes", type=int, default=4, help="processes holding the watches")
    ap.add_argument(
        "--kubepy-tree",
        type=Path,
        default=REPO,
        help="source tree the apiserver runs from (A/B: a copy of the old code)",
    )
    ap.add_argument(
        "--quick", action="store_true", help="short smoke run (3 s wrk, 1,000 pods, 2 s of watch)"
    )
    ap.add_argument("--hello-only", action="store_true", help="measure only the machine's ceiling")
    ap.add_argument(
        "--only",
        type=parse_only,
        default=frozenset(PARTS),
        help=f"comma-separated parts to run (default all): {','.join(PARTS)}",
    )
    ap.add_argument("--out", type=Path, default=None, help="JSON file (default .benchmarks/load-<time>.json)")
    args = ap.parse_args(argv)
    if args.quick:
        args.duration, args.samples, args.list_pods, args.list_samples, args.watch_seconds = (
            3,
            50,
            1000,
            5,
            2.0,
        )
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    if pin(0):  # this process and the watch processes it spawns are load generators: core 1
        os.sched_setaffinity(0, {1})
    cores = "server core 0, clients core 1" if pin(0) else "unpinned"
    cores += f"; {_stack()}"
    report = Report(storage=args.storage, cores=cores)
    print(f"kubepy load benchmark ({args.storage}, {cores})", flush=True)
    with tempfile.TemporaryDirectory(prefix="kubepy-load-") as d:
        tmp = Path(d)
        rated = args.hello_only or bool(args.only & {"get", "create"})
        if rated:
            measure_ceiling(report, args, tmp, "before")
        if not args.hello_only:
            measure_kubepy(report, args, tmp)
            if rated:
                measure_ceiling(report, args, tmp, "after")  # the machine is shared: take the best
    report.finish()
    print()
    print(report.table())
    out = args.out or REPO / ".benchmarks" / f"load-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "storage": report.storage,
                "cores": report.cores,
                "ceiling_rps": report.ceiling,
                "floor_ms": report.floor,
                "args": vars(args) | {"out": str(out)},
                "figures": [asdict(f) for f in report.figures],
            },
            indent=2,
            default=str,
        )
    )
    print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
