"""The simulated lifecycle, stage by stage, against golden files (tests/kubelet/golden/*.json).

A pod is synced by the real PodWorkers on the simulated runtime, time moved by a fake clock to
every moment the worker asked to look again; each status it writes is recorded as a compact
line. UPDATE_GOLDEN=1 rewrites the files (review the diff before committing it).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from kubepy.client.clock import FakeClock
from kubepy.kubelet.lifecycle import Defaults
from kubepy.kubelet.nodestatus import NodeConfig
from kubepy.kubelet.podstatus import stage_of
from kubepy.kubelet.podworker import PodWorkers
from kubepy.kubelet.runtime.simulated import SimulatedRuntime

GOLDEN = Path(__file__).parent / "golden"


class Recorder:
    """Stands in for the status manager and the API: keeps the pod as the apiserver would."""

    def __init__(self, pod: dict, clock: FakeClock) -> None:
        self.pod = pod
        self.clock = clock
        self.lines: list[dict[str, Any]] = []
        self.deleted = False

    async def set(self, pod: dict, status: dict) -> bool:
        if self.pod.get("status") == status:
            return False
        self.pod["status"] = copy.deepcopy(status)
        self.record()
        return True

    def forget(self, uid: str) -> None:
        pass

    async def delete(self, ref, name, namespace, **kw) -> dict:
        assert kw == {"grace_period_seconds": 0, "preconditions": {"uid": "uid-1"}}
        self.deleted = True
        self.lines.append({"t": self.clock.now(), "stage": "Deleted"})
        return {}

    def record(self) -> None:
        st = self.pod["status"]
        line = {"t": self.clock.now(), "stage": stage_of(self.pod), "phase": st["phase"], "containers": []}
        if "reason" in st:
            line["reason"] = st["reason"]
        init = next(c for c in st["conditions"] if c["type"] == "Initialized")
        if init["status"] != "True":
            line["initialized"] = init["message"]
        for cs in st.get("initContainerStatuses", []) + st.get("containerStatuses", []):
            ((state, detail),) = cs["state"].items()
            c = {"name": cs["name"], "state": state, "ready": cs["ready"], "restarts": cs["restartCount"]}
            for k in ("reason", "exitCode", "message"):
                if k in detail:
                    c[k] = detail[k].split(" pod=")[0] if k == "message" else detail[k]
            if cs["lastState"]:
                c["last"] = cs["lastState"]["terminated"]["exitCode"]
            line["containers"].append(c)
        self.lines.append(line)


def _pod(annotations: dict[str, str], **spec: Any) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default", "uid": "uid-1", "annotations": annotations},
        "spec": {"nodeName": "n", "containers": [{"name": "c", "image": "nginx"}], **spec},
        "status": {"phase": "Pending", "qosClass": "BestEffort"},
    }


SCENARIOS: dict[str, tuple[dict, dict, float | None]] = {
    # name: (annotations, spec extras, delete at t)
    "always-running": ({}, {}, None),
    "run-to-completion-never": ({"kubepy.io/simulate-run-seconds": "5"}, {"restartPolicy": "Never"}, None),
    "failure-never": (
        {"kubepy.io/simulate-run-seconds": "3", "kubepy.io/simulate-exit-code": "2"},
        {"restartPolicy": "Never"},
        None,
    ),
    "onfailure-crash-loop": ({"kubepy.io/simulate-crash-loop": "true"}, {"restartPolicy": "OnFailure"}, None),
    "always-crash-loop": ({"kubepy.io/simulate-crash-loop": "2s"}, {}, None),
    "not-ready": ({"kubepy.io/simulate-not-ready": "true"}, {}, None),
    "init-containers": (
        {"kubepy.io/simulate-run-seconds.migrate": "3"},
        {"initContainers": [{"name": "wait", "image": "busybox"}, {"name": "migrate", "image": "busybox"}]},
        None,
    ),
    "init-failure-never": (
        {"kubepy.io/simulate-exit-code.wait": "1"},
        {"restartPolicy": "Never", "initContainers": [{"name": "wait", "image": "busybox"}]},
        None,
    ),
    "init-failure-retried": (
        {"kubepy.io/simulate-crash-loop.wait": "2s"},
        {"initContainers": [{"name": "wait", "image": "busybox"}]},
        None,
    ),
    "sidecar-init-container": (
        {},
        {"initContainers": [{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}]},
        None,
    ),
    "active-deadline": ({"kubepy.io/simulate-stop-seconds": "2"}, {"activeDeadlineSeconds": 10}, None),
    "graceful-delete": ({"kubepy.io/simulate-stop-seconds": "4"}, {}, 10.0),
    "delete-killed-after-grace": (
        {"kubepy.io/simulate-stop-seconds": "60"},
        {"terminationGracePeriodSeconds": 5},
        10.0,
    ),
}


async def _play(name: str) -> list[dict[str, Any]]:
    annotations, extra, delete_at = SCENARIOS[name]
    clock = FakeClock()
    pod = _pod(annotations, **extra)
    rec = Recorder(pod, clock)
    cfg = NodeConfig(name="n", pod_cidr="10.244.1.0/24", internal_ip="172.18.0.3")
    runtime = SimulatedRuntime(cfg.pod_cidr, clock, Defaults(startup_seconds=1))
    workers = PodWorkers(cfg, runtime, rec, rec, clock)  # type: ignore[arg-type]
    horizon = 60.0 if name == "init-failure-retried" else 200.0
    while not rec.deleted and clock.now() <= horizon:
        wake = await workers.sync("default/p", pod)
        if delete_at is not None and "deletionTimestamp" not in pod["metadata"]:
            if wake is None or wake > delete_at:
                clock.advance(delete_at - clock.now())
                pod["metadata"]["deletionTimestamp"] = "2026-01-02T03:04:45Z"
                pod["metadata"]["deletionGracePeriodSeconds"] = pod["spec"].get(
                    "terminationGracePeriodSeconds", 30
                )
                continue
        if wake is None:
            break
        clock.advance(max(0.0, wake - clock.now()))
    return rec.lines


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_lifecycle_golden(name: str) -> None:
    lines = await _play(name)
    path = GOLDEN / f"{name}.json"
    text = "[\n" + ",\n".join(json.dumps(line, sort_keys=True) for line in lines) + "\n]\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1"
    assert json.loads(path.read_text()) == lines
