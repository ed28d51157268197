"""The simulated lifecycle, declared as data: how long each stage of a simulated container lasts
and how it ends, read from node-wide defaults and per-pod annotations (as KWOK's stages).

Stages a pod goes through (STAGES): Pending (bound, not yet seen) → ContainerCreating (sandbox up,
image "pulled" for `startup_seconds`) → Running (and Ready unless simulate-not-ready) → either on
for ever, or exited after `run_seconds` with `exit_code` (→ Succeeded/Failed, or restarted by
restartPolicy; a crash loop is exit 1 after `crash_seconds`, restarted with CrashLoopBackOff) →
Terminating on delete (containers take `stop_seconds` to stop, at most the grace period) → gone.
Pods owned by a Job run to completion after `job_run_seconds`, and init containers after
`init_run_seconds`, unless annotated otherwise (`kubepy.io/simulate-run-seconds.<init>`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

Obj = dict[str, Any]

PREFIX = "kubepy.io/simulate-"

#: The stages, in order, with what the pod shows in each (documentation and golden-file labels).
STAGES: tuple[tuple[str, str], ...] = (
    ("Pending", "bound to the node, no sandbox yet"),
    ("Initializing", "init containers run one after the other; app containers wait (PodInitializing)"),
    ("ContainerCreating", "sandbox ready, containers waiting with reason ContainerCreating"),
    ("Running", "containers running; Ready=True unless simulate-not-ready"),
    ("NotReady", "containers running but not ready (simulate-not-ready)"),
    ("CrashLoopBackOff", "a container exited and waits out its restart backoff"),
    ("Succeeded", "every container exited 0 and restartPolicy does not restart them"),
    ("Failed", "a container exited non-zero and restartPolicy does not restart it"),
    ("Terminating", "deletionTimestamp set; containers stopping"),
)


@dataclass(frozen=True, slots=True)
class ContainerScript:
    """What one simulated container does (seconds are on the kubelet's clock)."""

    #: ContainerCreating lasts this long (image pull + create) the first time; restarts are
    #: immediate (the image is on the node).
    startup_seconds: float = 0.0
    #: The container exits on its own this long after it started; None: it runs until stopped.
    run_seconds: float | None = None
    exit_code: int = 0
    #: The container reports ready while running.
    ready: bool = True
    #: On SIGTERM it takes this long to exit (cut by SIGKILL at the grace period: exit 137).
    stop_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Defaults:
    """Node-wide defaults (kubelet options)."""

    startup_seconds: float = 0.0
    stop_seconds: float = 0.0
    crash_seconds: float = 1.0
    job_run_seconds: float = 1.0
    init_run_seconds: float = 0.0


def _seconds(value: str) -> float:
    """ "5", "5s", "1.5", "2m" → seconds; ValueError otherwise."""
    v = value.strip().lower()
    scale = 1.0
    if v.endswith("ms"):
        v, scale = v[:-2], 0.001
    elif v.endswith("s"):
        v = v[:-1]
    elif v.endswith("m"):
        v, scale = v[:-1], 60.0
    secs = float(v) * scale
    if secs < 0:
        raise ValueError("negative duration")
    return secs


def _true(value: str) -> bool:
    return value.strip().lower() not in ("", "false", "0", "no")


#: The annotations the simulated runtime reads: name (after PREFIX) → how it changes the script.
ANNOTATIONS: Mapping[str, Callable[[ContainerScript, str, Defaults], ContainerScript]] = {
    "startup-seconds": lambda s, v, d: replace(s, startup_seconds=_seconds(v)),
    "run-seconds": lambda s, v, d: replace(s, run_seconds=_seconds(v)),
    "exit-code": lambda s, v, d: replace(s, exit_code=int(v)),
    "crash-loop": lambda s, v, d: (
        replace(s, run_seconds=_crash_seconds(v, d), exit_code=s.exit_code or 1) if _true(v) else s
    ),
    "not-ready": lambda s, v, d: replace(s, ready=not _true(v)),
    "stop-seconds": lambda s, v, d: replace(s, stop_seconds=_seconds(v)),
}
#: Applied in this order, so crash-loop's default exit code yields to an explicit exit-code.
_ORDER = ("startup-seconds", "run-seconds", "exit-code", "crash-loop", "not-ready", "stop-seconds")


def _crash_seconds(value: str, d: Defaults) -> float:
    try:
        return _seconds(value)
    except ValueError:
        return d.crash_seconds


def _owned_by_job(pod: Obj) -> bool:
    refs = (pod.get("metadata") or {}).get("ownerReferences") or ()
    return any(r.get("kind") == "Job" and r.get("controller") for r in refs)


@functools.lru_cache(maxsize=16)
def _default_script(defaults: Defaults) -> ContainerScript:
    """The script of a container nothing singles out; one shared instance (scripts are frozen)
    per node-wide defaults, not one more object per container."""
    return ContainerScript(startup_seconds=defaults.startup_seconds, stop_seconds=defaults.stop_seconds)


def script_for(pod: Obj, container: str, defaults: Defaults) -> ContainerScript:
    """The script of one container of `pod`. Annotations apply to every container; a
    container-specific one (`kubepy.io/simulate-exit-code.<container>`) wins. Unparsable values
    are ignored (the pod runs with the defaults)."""
    ann = (pod.get("metadata") or {}).get("annotations") or {}
    script = _default_script(defaults)
    inits = {c.get("name"): c for c in (pod.get("spec") or {}).get("initContainers") or ()}
    if container in inits and inits[container].get("restartPolicy") != "Always":
        script = replace(script, run_seconds=defaults.init_run_seconds)  # init containers complete
    elif _owned_by_job(pod):
        script = replace(script, run_seconds=defaults.job_run_seconds)
    if not any(k.startswith(PREFIX) for k in ann):
        return script
    for name in _ORDER:
        for key in (PREFIX + name, f"{PREFIX}{name}.{container}"):
            if key in ann:
                try:
                    script = ANNOTATIONS[name](script, str(ann[key]), defaults)
                except ValueError:
                    pass
    return script
