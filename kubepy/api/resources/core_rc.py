"""ReplicationController (core/v1): keeps a number of pods matching an equality selector running.

The selector and the object's labels default to the template's labels; the template's labels
must match the selector and its restart policy must be Always.
"""

from __future__ import annotations

from kubepy.api.errors import FieldError, required
from kubepy.api.resource import Column, Context, Obj, Resource, ScaleSpec, Strategy
from kubepy.api.resources.cells import AGE, NAME, get
from kubepy.api.resources.core_pod_defaults import default_template
from kubepy.api.resources.core_pod_types import ReplicationControllerSpec, ReplicationControllerStatus
from kubepy.api.resources.meta import kind_struct
from kubepy.api.resources.workload_common import map_selector_cell, wide_columns, zero_status
from kubepy.api.validation.pod import nonnegative
from kubepy.api.validation.workloads import (
    map_selector_matches,
    template_labels_match,
    validate_controller_template,
)

ReplicationController = kind_struct(
    "io.k8s.api.core.v1.ReplicationController",
    "Keeps the given number of copies of a pod running.",
    "",
    "v1",
    "ReplicationController",
    spec=ReplicationControllerSpec,
    status=ReplicationControllerStatus,
)


def default_rc(obj: Obj) -> None:
    """SetDefaults_ReplicationController."""
    spec = obj.setdefault("spec", {})
    template = spec.get("template")
    labels = get(template or {}, "metadata", "labels")
    if labels is not None:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = obj.setdefault("metadata", {})
        if not meta.get("labels"):
            meta["labels"] = dict(labels)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    default_template(template)


def validate_rc_spec(spec: Obj, path: str = "spec") -> list[FieldError]:
    """ValidateReplicationControllerSpec."""
    errs = nonnegative(f"{path}.minReadySeconds", spec.get("minReadySeconds", 0))
    selector = spec.get("selector") or {}
    if not selector:
        errs.append(required(f"{path}.selector", ""))
    errs += nonnegative(f"{path}.replicas", spec.get("replicas", 0))
    template = spec.get("template")
    if template is None:
        return errs + [required(f"{path}.template", "")]
    if selector:
        ok = map_selector_matches(selector, get(template, "metadata", "labels"))
        errs += template_labels_match(ok, template, f"{path}.template")
    return errs + validate_controller_template(template, f"{path}.template", "ReplicationController")


class ReplicationControllerStrategy(Strategy):
    has_status = True
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        default_rc(obj)

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = zero_status(ReplicationControllerStatus)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_rc_spec(obj.get("spec") or {})


RC_COLUMNS = (
    NAME,
    Column(
        "Desired", "integer", lambda o, now: get(o, "spec", "replicas", default=0), "Number of pods wanted."
    ),
    Column(
        "Current",
        "integer",
        lambda o, now: get(o, "status", "replicas", default=0),
        "Number of pods that exist.",
    ),
    Column(
        "Ready",
        "integer",
        lambda o, now: get(o, "status", "readyReplicas", default=0),
        "Number of ready pods.",
    ),
    AGE,
    *wide_columns("spec", "template", selector=map_selector_cell),
)

RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="ReplicationController",
        plural="replicationcontrollers",
        namespaced=True,
        schema=ReplicationController,
        strategy=ReplicationControllerStrategy(),
        short_names=("rc",),
        categories=("all",),
        subresources=("status", "scale"),
        scale=ScaleSpec(
            spec_replicas="spec.replicas", status_replicas="status.replicas", label_selector="spec.selector"
        ),
        field_selectors={"status.replicas": lambda o: str(get(o, "status", "replicas", default=0))},
        columns=RC_COLUMNS,
    )
]

__all__ = ["RESOURCES", "ReplicationController", "default_rc", "validate_rc_spec"]
