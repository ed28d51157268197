"""ComponentStatus (core/v1, read-only): health of the control-plane pieces (etcd, scheduler,
controller manager), computed by the apiserver on every read rather than stored."""

from __future__ import annotations

from kubepy.api.resource import Column, Obj, Resource, Strategy
from kubepy.api.resources.cells import NAME
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import STRING, enum, f, list_of, struct

CORE = "io.k8s.api.core.v1."
#: Warning Kubernetes (1.19+) sends with every request on ComponentStatus.
DEPRECATION_WARNING = "v1 ComponentStatus is deprecated in v1.19+"

ComponentCondition = struct(
    CORE + "ComponentCondition",
    "The health of a component.",
    type=f(STRING, "Kind of condition; only Healthy exists.", required=True, proto=1),
    status=f(enum("False", "True", "Unknown"), "True, False or Unknown.", required=True, proto=2),
    message=f(STRING, "What the health check returned.", proto=3),
    error=f(STRING, "Why the health check failed.", proto=4),
)

ComponentStatus = kind_struct(
    CORE + "ComponentStatus",
    "Health of one control-plane component (deprecated in Kubernetes 1.19).",
    "",
    "v1",
    "ComponentStatus",
    extra={
        "conditions": f(
            list_of(ComponentCondition),
            "Observed conditions of the component.",
            strategy="merge",
            key="type",
            list_type="map",
            map_keys=("type",),
            proto=2,
        )
    },
)


def component_status(name: str, healthy: bool, text: str) -> Obj:
    """One ComponentStatus: a Healthy condition with the probe's message (or its error)."""
    cond = {"type": "Healthy", "status": "True" if healthy else "False"}
    cond["message" if healthy else "error"] = text
    return {"kind": "ComponentStatus", "apiVersion": "v1", "metadata": {"name": name}, "conditions": [cond]}


def component_statuses(checks: dict[str, tuple[bool, str]]) -> list[Obj]:
    """The objects the apiserver returns for `checks` (name -> (healthy, message or error))."""
    return [component_status(name, *checks[name]) for name in sorted(checks)]


def _healthy(o: Obj) -> tuple[str, str, str]:
    for c in o.get("conditions") or []:
        if c.get("type") == "Healthy":
            status = "Healthy" if c.get("status") == "True" else "Unhealthy"
            return status, c.get("message") or "", c.get("error") or ""
    return "Unknown", "", ""


RESOURCES = [
    Resource(
        deprecation=DEPRECATION_WARNING,
        group="",
        version="v1",
        kind="ComponentStatus",
        plural="componentstatuses",
        namespaced=False,
        schema=ComponentStatus,
        strategy=Strategy(),
        short_names=("cs",),
        verbs=("get", "list"),
        columns=(
            NAME,
            Column("Status", "string", lambda o, now: _healthy(o)[0], "Healthy, Unhealthy or Unknown."),
            Column("Message", "string", lambda o, now: _healthy(o)[1], "What the health check returned."),
            Column("Error", "string", lambda o, now: _healthy(o)[2], "Why the health check failed."),
        ),
    )
]
