"""The kubepy command: flag spellings, defaults, errors, supervision, and one real `kubepy up`."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kubepy import cli, kubeconfig, run
from kubepy import log as klog
from kubepy.run import Component, supervise

REPO = Path(__file__).resolve().parent.parent


# ---- parsing ----------------------------------------------------------------------------------
def test_apiserver_defaults_match_the_book():
    cfg = cli.server_config(cli.parse(["apiserver"]))
    assert (cfg.bind_address, cfg.port) == ("127.0.0.1", 8080)
    assert cfg.settings.service_cluster_ip_range == "10.254.0.0/16"
    assert cfg.settings.service_node_port_range == (30000, 32767)
    assert cfg.max_requests_inflight == 400
    assert (cfg.storage.data_dir, cfg.storage.engine) == (".kubepy", "lmdb")
    assert cfg.verbosity == 0


@pytest.mark.parametrize(
    ("argv", "ttl"),
    [
        ([], 3600.0),  # Kubernetes' default, 1h0m0s
        (["--event-ttl=1h0m0s"], 3600.0),
        (["--event_ttl", "2h30m"], 9000.0),
        (["--event-ttl=90s"], 90.0),
        (["--event-ttl=0"], 0.0),
    ],
)
@pytest.mark.parametrize("command", ["apiserver", "up"])
def test_event_ttl_takes_go_durations(command, argv, ttl):
    assert cli.server_config(cli.parse([command, *argv])).event_ttl == ttl


def test_up_defaults():
    ns = cli.parse(["up"])
    assert (ns.command, ns.address, ns.port, ns.data_dir, ns.v) == ("up", "127.0.0.1", 8080, ".kubepy", 0)


BOOK_FLAGS = [
    "--insecure_bind_address=0.0.0.0",
    "--insecure_port=8081",
    "--service_cluster_ip_range=10.254.0.0/16",
    "--service_node_port_range=30000-30100",
    "--max_requests_inflight=10",
    "--storage_backend=memory",
    "--data_dir=/tmp/x",
    "--v=2",
]


@pytest.mark.parametrize("flags", [BOOK_FLAGS, [f.replace("_", "-") for f in BOOK_FLAGS]])
def test_underscore_and_dash_spellings_are_the_same_flag(flags):
    cfg = cli.server_config(cli.parse(["apiserver", *flags]))
    assert (cfg.bind_address, cfg.port) == ("0.0.0.0", 8081)
    assert cfg.settings.service_node_port_range == (30000, 30100)
    assert cfg.max_requests_inflight == 10
    assert (cfg.storage.engine, cfg.storage.data_dir, cfg.verbosity) == ("memory", "/tmp/x", 2)


def test_old_address_and_port_names_are_aliases():
    cfg = cli.server_config(cli.parse(["apiserver", "--address", "10.0.0.5", "--port", "9090"]))
    assert (cfg.bind_address, cfg.port) == ("10.0.0.5", 9090)


@pytest.mark.parametrize("argv", [["-v", "3"], ["-v3"], ["--v", "3"], ["--v=3"], ["-v=3"]])
def test_verbosity_spellings(argv):
    assert cli.parse(["up", *argv]).v == 3


def test_values_keep_their_underscores():
    assert cli.parse(["up", "--data_dir", "/tmp/my_data"]).data_dir == "/tmp/my_data"
    assert cli.normalize_flags(["--a_b=c_d", "x_y", "--", "--e_f"]) == ["--a-b=c_d", "x_y", "--", "--e_f"]


def test_host_bits_of_the_service_range_are_dropped():
    assert cli.parse(["apiserver", "--service-cluster-ip-range=10.254.7.1/16"]).service_cluster_ip_range == (
        "10.254.0.0/16"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["apiserver", "--service-cluster-ip-range=10.0.0.0/33"], "invalid CIDR address: 10.0.0.0/33"),
        (["apiserver", "--service_cluster_ip_range", "banana"], "invalid CIDR address: banana"),
        (["apiserver", "--service-cluster-ip-range=10.0.0.0/8"], "the mask must be >= 12"),
        (["apiserver", "--service-node-port-range=32767-30000"], "end port cannot be less than start port"),
        (["apiserver", "--service-node-port-range=30000-70000"], "cannot be greater than 65535"),
        (["apiserver", "--insecure-port=70000"], "must be between 0 and 65535"),
        (["apiserver", "--insecure-bind-address=localhost"], 'failed to parse IP: "localhost"'),
        (["apiserver", "--max-requests-inflight=-1"], "must not be negative"),
        (["apiserver", "--event-ttl=1hour"], 'time: invalid duration "1hour"'),
        (["apiserver", "--storage-backend=etcd3"], "invalid choice: 'etcd3'"),
        (["apiserver", "--etcd_servers=http://127.0.0.1:4001"], "unrecognized arguments: --etcd-servers"),
        (["up", "--insecure-port=1"], "unrecognized arguments"),
        (["apiserver", "--insecure"], "unrecognized arguments"),  # no abbreviations
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_flags_exit_2_with_a_clear_message(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        cli.parse(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8080"),
        ("0.0.0.0", "http://127.0.0.1:8080"),
        ("::", "http://[::1]:8080"),
        ("fd00::1", "http://[fd00::1]:8080"),
    ],
)
def test_server_url_for_the_kubeconfig(address, url):
    assert cli.server_url(address, 8080) == url


def test_usage_hint_names_the_kubeconfig():
    hint = cli.usage_hint(Path("/d/kubeconfig"), "http://127.0.0.1:8080")
    assert "export KUBECONFIG=/d/kubeconfig\n" in hint and "kubectl get nodes" in hint


# ---- supervision ------------------------------------------------------------------------------
async def test_stop_event_stops_components_in_reverse_order():
    order: list[str] = []

    def make(name: str) -> Component:
        done = asyncio.Event()

        async def run() -> None:
            await done.wait()
            order.append(name)

        return Component(name, run, stop=done.set)

    stop = asyncio.Event()
    task = asyncio.create_task(supervise([make("apiserver"), make("scheduler")], stop))
    await asyncio.sleep(0)
    stop.set()
    assert await task == 0
    assert order == ["scheduler", "apiserver"]


async def test_a_component_that_dies_stops_everything_and_is_logged(caplog):
    cancelled = asyncio.Event()

    async def crash() -> None:
        raise RuntimeError("boom")

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    with caplog.at_level(logging.ERROR, logger="kubepy.run"):
        status = await supervise(
            [Component("apiserver", forever), Component("kubelet", crash)], asyncio.Event()
        )
    assert status == 1
    assert cancelled.is_set()
    assert "component kubelet failed: boom" in caplog.text


async def test_a_component_that_returns_early_is_a_failure(caplog):
    async def quits() -> None:
        return None

    with caplog.at_level(logging.ERROR, logger="kubepy.run"):
        assert await supervise([Component("scheduler", quits)], asyncio.Event()) == 1
    assert "component scheduler exited while the cluster was running" in caplog.text


async def test_a_component_ignoring_stop_is_cancelled_after_its_grace():
    async def stubborn() -> None:
        await asyncio.Event().wait()

    stop = asyncio.Event()
    stop.set()
    assert await supervise([Component("x", stubborn, stop=lambda: None, grace=0.01)], stop) == 0


# ---- end to end -------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(proc: subprocess.Popen, url: str, deadline_s: float = 60.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"kubepy up exited early with {proc.returncode}: {proc.stderr.read()}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("kubepy up never became ready")


def _start_up(data: Path, port: int, *flags: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kubepy.cli", "up", "--data-dir", str(data), "--port", str(port), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=data.parent,
    )


def _stop(proc: subprocess.Popen, sig: int) -> tuple[str, str]:
    try:
        proc.send_signal(sig)
        return proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_kubepy_up_serves_writes_kubeconfig_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    data = tmp_path / "data"
    url = f"http://127.0.0.1:{port}"
    proc = _start_up(data, port, "-v", "2")
    try:
        _wait_ready(proc, url)
        cfg = kubeconfig.read(data / "kubeconfig")
        assert kubeconfig.server_of(cfg) == url
        assert cfg["current-context"] == "kubepy"
        assert httpx.get(url + "/api/v1/namespaces/default", timeout=5).status_code == 200
    finally:
        out, err = _stop(proc, signal.SIGTERM)
    assert proc.returncode == 0, err
    assert f"export KUBECONFIG={data / 'kubeconfig'}" in out
    assert "received SIGTERM, shutting down" in err
    assert 'URI="/api/v1/namespaces/default"' in err  # -v 2 request log
    assert "Traceback" not in err
    # storage was closed cleanly: the same data directory opens again, and Ctrl-C stops it too
    proc = _start_up(data, port)
    try:
        _wait_ready(proc, url)
    finally:
        _, err = _stop(proc, signal.SIGINT)
    assert proc.returncode == 0, err
    assert "received SIGINT, shutting down" in err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed on this machine")
def test_real_kubectl_uses_the_written_kubeconfig(tmp_path):
    port = _free_port()
    data = tmp_path / "data"
    proc = _start_up(data, port)
    try:
        _wait_ready(proc, f"http://127.0.0.1:{port}")
        env = {**os.environ, "KUBECONFIG": str(data / "kubeconfig")}
        got = subprocess.run(
            ["kubectl", "get", "namespaces", "-o", "name"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        _stop(proc, signal.SIGTERM)
    assert got.returncode == 0, got.stderr
    assert "namespace/default" in got.stdout.split()


# ---- logging ----------------------------------------------------------------------------------
class _Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def _scope(path: str, qs: bytes = b"") -> dict:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": qs,
        "headers": [(b"user-agent", b"kubectl/v1.29.0")],
        "client": ("127.0.0.1", 5555),
    }


@pytest.fixture
def verbosity():
    before = klog.verbosity()
    yield klog.set_verbosity
    klog.set_verbosity(before)


async def test_request_log_one_line_per_request_at_v2(verbosity, caplog):
    clock = _Clock()

    async def app(scope, receive, send):
        clock.t += 0.0042
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    mw = klog.RequestLog(app, clock=clock)
    verbosity(2)
    with caplog.at_level(logging.INFO, logger="kubepy.httplog"):
        await mw(_scope("/api/v1/namespaces/default/pods/x"), None, send)
    assert [r.getMessage() for r in caplog.records] == [
        '"HTTP" verb="GET" URI="/api/v1/namespaces/default/pods/x" latency="4.2ms" '
        'userAgent="kubectl/v1.29.0" srcIP="127.0.0.1:5555" resp=404'
    ]
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]

    caplog.clear()
    verbosity(1)
    with caplog.at_level(logging.INFO, logger="kubepy.httplog"):
        await mw(_scope("/api"), None, send)
    assert caplog.records == []


async def test_request_log_watch_is_logged_when_it_opens_and_closes(verbosity, caplog):
    clock = _Clock()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        clock.t += 30
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def send(message):
        pass

    verbosity(2)
    with caplog.at_level(logging.INFO, logger="kubepy.httplog"):
        await klog.RequestLog(app, clock=clock)(_scope("/api/v1/pods", b"watch=true"), None, send)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert lines[0].endswith('resp=200 stream="open"') and 'URI="/api/v1/pods?watch=true"' in lines[0]
    assert 'latency="30s"' in lines[1] and lines[1].endswith('stream="closed"')


async def test_request_log_reports_500_when_the_app_raises(verbosity, caplog):
    async def app(scope, receive, send):
        raise RuntimeError("bug")

    verbosity(2)
    with caplog.at_level(logging.INFO, logger="kubepy.httplog"), pytest.raises(RuntimeError):
        await klog.RequestLog(app, clock=_Clock())(_scope("/api"), None, None)
    assert caplog.records[0].getMessage().endswith("resp=500")


def test_is_watch():
    assert klog.is_watch(_scope("/api/v1/pods", b"watch=1"))
    assert klog.is_watch(_scope("/api/v1/watch/pods"))
    assert not klog.is_watch(_scope("/api/v1/pods", b"watch=false"))
    assert not klog.is_watch(_scope("/api/v1/pods", b"labelSelector=watch%3D1"))


def test_v_gates_on_verbosity(verbosity):
    verbosity(2)
    assert klog.V(2) and not klog.V(3)


def test_klog_header_format():
    record = logging.LogRecord("x", logging.WARNING, "/src/kubepy/run.py", 42, "hello %s", ("you",), None)
    record.created = time.mktime((2026, 11, 26, 0, 45, 47, 0, 0, -1)) + 0.123456
    text = klog.KlogFormatter(pid=12345).format(record)
    assert text == "W1126 00:45:47.123456   12345 run.py:42] hello you"


@pytest.mark.parametrize(("s", "text"), [(0.000812, "812µs"), (0.0012, "1.2ms"), (2.5, "2.5s"), (1.0, "1s")])
def test_go_duration(s, text):
    assert klog.go_duration(s) == text


def test_client_request_logging_only_at_high_verbosity():
    import logging

    from kubepy import log

    log.setup(0)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    log.setup(6)
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.INFO
    log.setup(0)


def test_components_run_with_a_tuned_collector() -> None:
    """run.run freezes what exists at start and collects less often (a fresh interpreter: the
    collector's settings are process-wide)."""
    code = (
        "import gc; from kubepy import run\n"
        "before = gc.get_threshold()\n"
        "run.tune_gc()\n"
        "print(before, gc.get_threshold(), gc.get_freeze_count() > 0, sep=';')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(";") == ["(700, 10, 10)", str(run.GC_THRESHOLDS), "True\n"]
