"""Crash safety of a live `kubepy apiserver` on LMDB: what a client was told is written survives a
SIGKILL in the middle of a write load, and a damaged data file stops the restart loudly."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from conformance import LiveServer, apiserver_argv, free_port, spawn, start_apiserver

pytestmark = pytest.mark.slow

WRITERS = 32
LOAD_SECONDS = 2.0
NS_PATH = "/api/v1/namespaces/default/configmaps"


@dataclass
class Acked:
    """The last write the server acknowledged for one object."""

    rv: int
    value: str


@dataclass
class Load:
    acked: dict[str, Acked] = field(default_factory=dict)
    writes: int = 0
    errors: list[str] = field(default_factory=list)


async def _writer(http: httpx.AsyncClient, n: int, load: Load, stop: asyncio.Event) -> None:
    """Create a ConfigMap, update it (optimistic concurrency) a few times, then the next one."""
    i = 0
    while not stop.is_set():
        name = f"w{n}-{i}"
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"v": "0"}}
        try:
            r = await http.post(NS_PATH, json=body)
            if r.status_code != 201:
                load.errors.append(f"create {name}: {r.status_code} {r.text}")
                return
            obj = r.json()
            load.acked[name] = Acked(int(obj["metadata"]["resourceVersion"]), "0")
            load.writes += 1
            for k in range(1, 4):
                if stop.is_set():
                    return
                obj["data"] = {"v": str(k)}
                r = await http.put(f"{NS_PATH}/{name}", json=obj)
                if r.status_code != 200:
                    load.errors.append(f"update {name}: {r.status_code} {r.text}")
                    return
                obj = r.json()
                load.acked[name] = Acked(int(obj["metadata"]["resourceVersion"]), str(k))
                load.writes += 1
        except httpx.TransportError:
            return  # the server was killed under us: what was not acknowledged does not count
        i += 1


async def _load_then_kill(srv: LiveServer) -> Load:
    """WRITERS concurrent writers for LOAD_SECONDS; then SIGKILL while writes are in flight."""
    load = Load()
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
    async with httpx.AsyncClient(base_url=srv.url, limits=limits, timeout=30) as http:
        tasks = [asyncio.create_task(_writer(http, n, load, stop)) for n in range(WRITERS)]
        await asyncio.sleep(LOAD_SECONDS)
        # on a very busy machine, wait (a bounded while) until every writer got a write through
        deadline = time.monotonic() + 15
        while len(load.acked) < WRITERS and time.monotonic() < deadline and not load.errors:
            await asyncio.sleep(0.05)
        srv.proc.send_signal(signal.SIGKILL)  # writers are mid-request now
        stop.set()
        await asyncio.gather(*tasks)
    srv.proc.wait()
    return load


def test_acknowledged_writes_survive_sigkill(tmp_path: Path):
    data = tmp_path / "data"
    srv = start_apiserver(tmp_path / "run1", backend="lmdb", data_dir=data)
    try:
        load = asyncio.run(_load_then_kill(srv))
    finally:
        srv.kill()
    assert srv.proc.returncode == -signal.SIGKILL
    assert not load.errors, load.errors[:5]
    assert len(load.acked) >= WRITERS  # every writer got at least one write through
    max_acked = max(a.rv for a in load.acked.values())

    srv2 = start_apiserver(tmp_path / "run2", backend="lmdb", data_dir=data)
    try:
        with httpx.Client(base_url=srv2.url, timeout=30) as http:
            listed = http.get(NS_PATH)
            assert listed.status_code == 200, listed.text
            lst = listed.json()
            items = {o["metadata"]["name"]: o for o in lst["items"]}
            for name, acked in load.acked.items():
                assert name in items, f"acknowledged {name} (rv {acked.rv}) lost"
                got = items[name]
                rv = int(got["metadata"]["resourceVersion"])
                assert rv >= acked.rv, (name, rv, acked.rv)
                if rv == acked.rv:  # no later write of it was committed: it is the acked one
                    assert got["data"] == {"v": acked.value}
            for name, obj in items.items():  # every object is whole
                meta = obj["metadata"]
                assert meta["uid"] and int(meta["resourceVersion"]) > 0 and meta["creationTimestamp"]
                assert obj["data"]["v"] in {"0", "1", "2", "3"}, name
                one = http.get(f"{NS_PATH}/{name}")
                assert one.status_code == 200 and one.json() == obj
            assert int(lst["metadata"]["resourceVersion"]) >= max_acked

            body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "after-crash"}}
            r = http.post(NS_PATH, json=body)
            assert r.status_code == 201, r.text
            assert int(r.json()["metadata"]["resourceVersion"]) > int(lst["metadata"]["resourceVersion"])
    finally:
        assert srv2.stop() == 0


def _start_expecting_failure(tmp_path: Path, data: Path) -> tuple[int, str]:
    """Start on `data`, which must fail: (exit status, stderr). Never ready, never serving."""
    port = free_port()
    stderr_path = tmp_path / "failed.stderr"
    proc = spawn(apiserver_argv(data, port, "lmdb"), stderr_path, tmp_path)
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=2) as http:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                ready = http.get(f"http://127.0.0.1:{port}/readyz").status_code
            except httpx.TransportError:
                ready = 0
            assert ready != 200, "started on a damaged data file"
            time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        pytest.fail("kubepy apiserver kept running on a damaged data file")
    return proc.returncode, stderr_path.read_text(errors="replace")


def _populated(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    srv = start_apiserver(tmp_path / "run1", backend="lmdb", data_dir=data)
    try:
        with httpx.Client(base_url=srv.url) as http:
            for i in range(20):
                body = {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": f"c{i}"},
                    "data": {"x": "y" * 500},
                }
                assert http.post(NS_PATH, json=body).status_code == 201
    finally:
        assert srv.stop() == 0
    return data


@pytest.mark.parametrize("keep", [0.5, 0.0], ids=["half", "empty"])
def test_truncated_data_file_fails_the_restart_loudly(tmp_path: Path, keep: float):
    data = _populated(tmp_path)
    files = [p for p in (data / "storage").iterdir() if p.name == "data.mdb"]
    assert files, sorted(p.name for p in (data / "storage").iterdir())
    size = files[0].stat().st_size
    os.truncate(files[0], int(size * keep))

    status, err = _start_expecting_failure(tmp_path, data)
    assert status != 0
    assert "data.mdb" in err, err
    assert ("truncated" in err) if keep else ("empty" in err), err


def test_restart_after_a_clean_stop_keeps_everything(tmp_path: Path):
    data = _populated(tmp_path)
    srv = start_apiserver(tmp_path / "run2", backend="lmdb", data_dir=data)
    try:
        names = {o["metadata"]["name"] for o in httpx.get(srv.url + NS_PATH).json()["items"]}
        assert {f"c{i}" for i in range(20)} <= names
    finally:
        assert srv.stop() == 0


def test_second_server_on_the_same_data_dir_is_refused(tmp_path: Path):
    data = tmp_path / "data"
    srv = start_apiserver(tmp_path / "run1", backend="lmdb", data_dir=data)
    try:
        status, err = _start_expecting_failure(tmp_path, data)
        assert status != 0
        assert "already open" in err, err
        assert httpx.get(srv.url + "/readyz").status_code == 200  # the first one is unharmed
    finally:
        assert srv.stop() == 0
