"""Kill -9 in the middle of a durable write load: every acknowledged write survives, whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kubepy.storage.lmdb_engine import LmdbStorage
from tests.storage import lmdb_bindings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run_and_kill(path: Path, seconds: float, binding: str) -> list[str]:
    """Start the writer (on LMDB `binding`), let it write for `seconds` after it is ready, SIGKILL
    it; its acks."""
    env = {k: v for k, v in os.environ.items() if k != "KUBEPY_NO_EXTENSIONS"}
    if binding == "py":
        env["KUBEPY_NO_EXTENSIONS"] = "1"  # the facade then takes py-lmdb
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.crash_writer", str(path), "32"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: list[bytes] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line == b"ready\n":
                ready.set()
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(30), "writer never became ready"
        time.sleep(seconds)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join(10)
    # a line cut short by the kill was never a complete acknowledgement
    return [ln.decode() for ln in lines if ln.endswith(b"\n") and ln != b"ready\n"]


@pytest.mark.parametrize("binding", lmdb_bindings.NAMES)
async def test_acknowledged_writes_survive_sigkill(
    tmp_path: Path, binding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lmdb_bindings.use(monkeypatch, binding)  # the check reads with the binding that wrote
    acks = run_and_kill(tmp_path / "db", 2.0, binding)
    acked: dict[str, int] = {}
    for line in acks:
        op, key, rev = line.split()
        assert op in ("create", "update")
        acked[key] = max(acked.get(key, 0), int(rev))
    assert len(acks) > 100, "the load produced too few writes to mean anything"

    store = await LmdbStorage.open(str(tmp_path / "db"), compact_interval=None)  # verifies all
    try:
        records = {r.key: r for r in (await store.list("/crash/")).records}
        for key, rev in acked.items():
            assert key in records, f"acknowledged {key}@{rev} is lost"
            assert records[key].revision >= rev, f"{key}: stored {records[key].revision} < acked {rev}"
        for rec in records.values():
            obj = rec.obj()
            assert obj["metadata"]["resourceVersion"] == str(rec.revision)
            assert obj["kind"] == "ConfigMap"
        top = max(acked.values())
        assert store.current_revision() >= top
        new = await store.create("/crash/after", {"metadata": {"name": "after"}})
        assert new.revision > max(top, max(r.revision for r in records.values()))
    finally:
        await store.close()
