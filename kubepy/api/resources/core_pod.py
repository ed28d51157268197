"""Pod and PodTemplate (core/v1): the smallest unit Kubernetes runs, and a stored pod template.

A new pod starts Pending with its QoS class; its spec is immutable except container images,
activeDeadlineSeconds, added tolerations and a negative grace period turned to 1; spec.nodeName
is set by a Binding, never by an update.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubepy.api import quantity as q
from kubepy.api.errors import FieldError
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, format_labels, get, since
from kubepy.api.resources.core_pod_defaults import default_pod, default_template
from kubepy.api.resources.core_pod_types import PodSpec, PodStatus, PodTemplateSpec
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import f
from kubepy.api.validation.memo import remember_valid, remember_valid_update
from kubepy.api.validation.names import is_dns1123_label
from kubepy.api.validation.pod import (
    validate_pod_spec,
    validate_pod_spec_update,
    validate_pod_status_update,
    validate_pod_template_spec,
)

CORE = "io.k8s.api.core.v1."

Pod = kind_struct(
    CORE + "Pod",
    "A group of containers that share network and storage and run together on one node.",
    "",
    "v1",
    "Pod",
    spec=PodSpec,
    status=PodStatus,
)

PodTemplate = kind_struct(
    CORE + "PodTemplate",
    "A stored pod template that other objects can refer to.",
    "",
    "v1",
    "PodTemplate",
    extra={"template": f(PodTemplateSpec, "The template pods are created from.", proto=2)},
)

#: The PodTemplateSpec struct, for kinds that embed a pod template.
pod_template_spec_struct = PodTemplateSpec

SCHEDULING_GATED = "SchedulingGated"
_QOS_RESOURCES = ("cpu", "memory")


# ---- QoS -------------------------------------------------------------------------------------
def pod_qos_class(pod: Obj) -> str:
    """Guaranteed, Burstable or BestEffort, computed from cpu/memory requests and limits of all
    app and init containers as the kubelet and the apiserver do (qos.ComputePodQOS)."""
    spec = pod.get("spec") or {}
    if type(spec) is dict and not _any_resources(spec):
        return "BestEffort"  # most pods: nothing requested, nothing limited, nothing to add up
    return _qos_from_resources(spec)


def _any_resources(spec: Obj) -> bool:
    """Whether a container may request or limit anything (True for anything unusual)."""
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or ():
            if type(c) is not dict:
                return True
            res = c.get("resources")
            if res and (type(res) is not dict or res.get("requests") or res.get("limits")):
                return True
    return False


def _qos_from_resources(spec: Any) -> str:
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        res = (c or {}).get("resources") or {}
        for name, value in (res.get("requests") or {}).items():
            if name in _QOS_RESOURCES and _positive(value):
                requests[name] = requests.get(name, 0) + q.parse_quantity(value)
        found = set()
        for name, value in (res.get("limits") or {}).items():
            if name in _QOS_RESOURCES and _positive(value):
                found.add(name)
                limits[name] = limits.get(name, 0) + q.parse_quantity(value)
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(n) == v for n, v in requests.items()) and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _positive(value: Any) -> bool:
    return q.is_valid(value) and q.parse_quantity(value) > 0


# ---- strategy --------------------------------------------------------------------------------
_validate_spec = remember_valid(validate_pod_spec)
_validate_spec_update = remember_valid_update(validate_pod_spec_update)


class PodStrategy(Strategy):
    has_status = True
    tracks_generation = True
    return_deleted_object = True
    create_memo = True  # a controller's pods share one body

    def default(self, obj: Obj) -> None:
        default_pod(obj)

    def initial_status(self, obj: Obj) -> None:
        status: Obj = {"phase": "Pending", "qosClass": pod_qos_class(obj)}
        if get(obj, "spec", "schedulingGates"):
            status["conditions"] = [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": SCHEDULING_GATED,
                    "message": "Scheduling is blocked due to non-empty scheduling gates",
                }
            ]
        obj["status"] = status

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return _validate_spec(obj.get("spec"), "spec")

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = _validate_spec(new.get("spec"), "spec")
        return errs + _validate_spec_update(new.get("spec"), old.get("spec"), "spec")

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        """WarningsOnCreate: a pod name that is not a DNS label makes an odd hostname."""
        if old is not None:
            return []
        msgs = is_dns1123_label(get(obj, "metadata", "name", default=""))
        if not msgs:
            return []
        return [
            "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; "
            f"a DNS label is recommended: [{' '.join(msgs)}]"
        ]

    def grace_period(self, obj: Obj, requested: int | None) -> int:
        return grace_period(obj, requested)

    def validate_status_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return validate_pod_status_update(new, old)

    def prepare_for_status_update(self, new: Obj, old: Obj, ctx: Context) -> None:
        """Status writes keep the spec; a status without qosClass keeps the old one."""
        super().prepare_for_status_update(new, old, ctx)
        status = new.get("status")
        old_qos = get(old, "status", "qosClass")
        if isinstance(status, dict) and not status.get("qosClass") and old_qos:
            status["qosClass"] = old_qos


def grace_period(pod: Obj, requested: int | None) -> int:
    """CheckGracefulDelete: the grace period a pod deletion gets. Unscheduled or finished pods go
    at once; a negative value becomes 1."""
    period = (
        requested if requested is not None else get(pod, "spec", "terminationGracePeriodSeconds", default=0)
    )
    if not get(pod, "spec", "nodeName") or get(pod, "status", "phase") in ("Failed", "Succeeded"):
        period = 0
    return 1 if period < 0 else period


def select_container(pod: Obj, container: str) -> tuple[str, str | None]:
    """validateContainer for log/exec/attach: the container to use, or the BadRequest message."""
    name = get(pod, "metadata", "name", default="")
    spec = pod.get("spec") or {}
    if not container:
        containers = spec.get("containers") or []
        if len(containers) == 1:
            return containers[0].get("name", ""), None
        if not containers:
            return "", f"a container name must be specified for pod {name}"
        names = [
            c.get("name", "")
            for k in ("initContainers", "containers", "ephemeralContainers")
            for c in spec.get(k) or []
        ]
        return "", f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]"
    every = {
        c.get("name")
        for k in ("initContainers", "containers", "ephemeralContainers")
        for c in spec.get(k) or []
    }
    if container not in every:
        return "", f"container {container} is not valid for pod {name}"
    return container, None


def bind(pod: Obj, node_name: str, annotations: dict[str, str] | None, now: str) -> str | None:
    """Apply a Binding to a pod (setPodHostAndAnnotations): the conflict message, or None."""
    meta = pod.setdefault("metadata", {})
    name = meta.get("name", "")
    if meta.get("deletionTimestamp"):
        return f"pod {name} is being deleted, cannot be assigned to a host"
    current = get(pod, "spec", "nodeName")
    if current:
        return f"pod {name} is already assigned to node {current!r}".replace("'", '"')
    pod.setdefault("spec", {})["nodeName"] = node_name
    if annotations:
        meta["annotations"] = {**(meta.get("annotations") or {}), **annotations}
    status = pod.setdefault("status", {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
    old = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
    cond = {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": now}
    if old and old.get("status") == "True":
        cond["lastTransitionTime"] = old.get("lastTransitionTime", now)
    status["conditions"] = [*conditions, cond]
    return None


class PodTemplateStrategy(Strategy):
    tracks_generation = True
    return_deleted_object = True

    def default(self, obj: Obj) -> None:
        default_template(obj.get("template"))

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_pod_template_spec(obj.get("template"), "template")


# ---- table -----------------------------------------------------------------------------------
def _restartable_init(c: Obj | None) -> bool:
    return bool(c) and c.get("restartPolicy") == "Always"  # type: ignore[union-attr]


def _later(a: str, b: str | None) -> str:
    return b if b and (not a or b > a) else a


def pod_row(pod: Obj, now: datetime) -> tuple[str, str, str]:
    """READY, STATUS and RESTARTS cells, as printers.go printPod computes them."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(1 for c in init_specs.values() if _restartable_init(c))
    ready = restarts = sidecar_restarts = 0
    last_restart = last_sidecar_restart = ""
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == SCHEDULING_GATED:
            reason = SCHEDULING_GATED
    initializing = False
    inits = status.get("initContainerStatuses") or []
    for i, cs in enumerate(inits):
        restarts += cs.get("restartCount") or 0
        finished = get(cs, "lastState", "terminated", "finishedAt")
        last_restart = _later(last_restart, finished)
        sidecar = _restartable_init(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += cs.get("restartCount") or 0
            last_sidecar_restart = _later(last_sidecar_restart, finished)
        state = cs.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        if term is not None and (term.get("exitCode") or 0) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if term is not None:
            if term.get("reason"):
                reason = "Init:" + term["reason"]
            elif term.get("signal"):
                reason = f"Init:Signal:{term['signal']}"
            else:
                reason = f"Init:ExitCode:{term.get('exitCode') or 0}"
        elif wait is not None and wait.get("reason") and wait["reason"] != "PodInitializing":
            reason = "Init:" + wait["reason"]
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break
    initialized = any(
        c.get("type") == "Initialized" and c.get("status") == "True" for c in status.get("conditions") or []
    )
    if not initializing or initialized:
        restarts, last_restart = sidecar_restarts, last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount") or 0
            last_restart = _later(last_restart, get(cs, "lastState", "terminated", "finishedAt"))
            state = cs.get("state") or {}
            term, wait = state.get("terminated"), state.get("waiting")
            if wait is not None and wait.get("reason"):
                reason = wait["reason"]
            elif term is not None and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                reason = (
                    f"Signal:{term['signal']}"
                    if term.get("signal")
                    else f"ExitCode:{term.get('exitCode') or 0}"
                )
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(
                c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []
            )
            reason = "Running" if pod_ready else "NotReady"
    if get(pod, "metadata", "deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    restarts_cell = str(restarts)
    if restarts and last_restart:
        restarts_cell = f"{restarts} ({since(last_restart, now)} ago)"
    return f"{ready}/{total}", reason, restarts_cell


def _pod_ip(pod: Obj) -> str:
    ips = get(pod, "status", "podIPs") or []
    return (ips[0].get("ip") if ips else "") or "<none>"


def _readiness_gates(pod: Obj) -> str:
    gates = get(pod, "spec", "readinessGates") or []
    if not gates:
        return "<none>"
    conditions = get(pod, "status", "conditions") or []
    true = 0
    for gate in gates:
        for c in conditions:
            if c.get("type") == gate.get("conditionType"):
                true += c.get("status") == "True"
                break
    return f"{true}/{len(gates)}"


POD_COLUMNS = (
    NAME,
    Column("Ready", "string", lambda o, now: pod_row(o, now)[0], "Ready containers out of all containers."),
    Column(
        "Status", "string", lambda o, now: pod_row(o, now)[1], "Summary of the pod's and containers' states."
    ),
    Column(
        "Restarts",
        "string",
        lambda o, now: pod_row(o, now)[2],
        "Container restarts, with the time since the latest one.",
    ),
    AGE,
    Column("IP", "string", lambda o, now: _pod_ip(o), "Primary IP of the pod.", priority=1),
    Column(
        "Node",
        "string",
        lambda o, now: get(o, "spec", "nodeName") or "<none>",
        "Node the pod is bound to.",
        priority=1,
    ),
    Column(
        "Nominated Node",
        "string",
        lambda o, now: get(o, "status", "nominatedNodeName") or "<none>",
        "Node where preemption made room for the pod.",
        priority=1,
    ),
    Column(
        "Readiness Gates",
        "string",
        lambda o, now: _readiness_gates(o),
        "Readiness gates that are True out of all readiness gates.",
        priority=1,
    ),
)


def container_cells(containers: list[Obj] | None) -> tuple[str, str]:
    """layoutContainerCells: comma-joined names and images."""
    cs = containers or []
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


POD_TEMPLATE_COLUMNS = (
    NAME,
    Column(
        "Containers",
        "string",
        lambda o, now: container_cells(get(o, "template", "spec", "containers"))[0],
        "Names of the template's containers.",
    ),
    Column(
        "Images",
        "string",
        lambda o, now: container_cells(get(o, "template", "spec", "containers"))[1],
        "Images of the template's containers.",
    ),
    Column(
        "Pod Labels",
        "string",
        lambda o, now: format_labels(get(o, "template", "metadata", "labels")),
        "Labels pods created from the template get.",
    ),
)


def _pod_ip_field(pod: Obj) -> str:
    ips = get(pod, "status", "podIPs") or []
    return (ips[0].get("ip") if ips else "") or ""


POD_FIELD_SELECTORS = {
    "spec.nodeName": lambda o: get(o, "spec", "nodeName", default=""),
    "spec.restartPolicy": lambda o: get(o, "spec", "restartPolicy", default=""),
    "spec.schedulerName": lambda o: get(o, "spec", "schedulerName", default=""),
    "spec.serviceAccountName": lambda o: get(o, "spec", "serviceAccountName", default=""),
    "spec.hostNetwork": lambda o: "true" if get(o, "spec", "hostNetwork") else "false",
    "status.phase": lambda o: get(o, "status", "phase", default=""),
    "status.podIP": _pod_ip_field,
    "status.nominatedNodeName": lambda o: get(o, "status", "nominatedNodeName", default=""),
}

RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="Pod",
        plural="pods",
        namespaced=True,
        schema=Pod,
        strategy=PodStrategy(),
        short_names=("po",),
        categories=("all",),
        subresources=(
            "status",
            "binding",
            "log",
            "exec",
            "attach",
            "portforward",
            "proxy",
            "eviction",
            "ephemeralcontainers",
            "resize",
        ),
        field_selectors=POD_FIELD_SELECTORS,
        columns=POD_COLUMNS,
    ),
    Resource(
        group="",
        version="v1",
        kind="PodTemplate",
        plural="podtemplates",
        namespaced=True,
        schema=PodTemplate,
        strategy=PodTemplateStrategy(),
        columns=POD_TEMPLATE_COLUMNS,
    ),
]

__all__ = [
    "RESOURCES",
    "Pod",
    "PodTemplate",
    "pod_qos_class",
    "pod_row",
    "bind",
    "container_cells",
    "grace_period",
    "select_container",
    "pod_template_spec_struct",
]
