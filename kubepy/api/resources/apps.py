"""apps/v1 controllers: Deployment, ReplicaSet, StatefulSet and DaemonSet.

Each has a required label selector that must match its pod template's labels and cannot change
once created; pods are restarted Always.
"""

from __future__ import annotations

from collections.abc import Callable

from kubepy.api.errors import FieldError, forbidden, invalid, not_supported, required
from kubepy.api.resource import Column, Context, Obj, Resource, ScaleSpec, Strategy
from kubepy.api.resources.apps_types import (
    DaemonSetSpec,
    DaemonSetStatus,
    DeploymentSpec,
    DeploymentStatus,
    ReplicaSetSpec,
    ReplicaSetStatus,
    StatefulSetSpec,
    StatefulSetStatus,
)
from kubepy.api.resources.cells import AGE, NAME, format_labels, get
from kubepy.api.resources.core_pod_defaults import default_template
from kubepy.api.resources.core_storage import default_pvc, validate_pvc_spec
from kubepy.api.resources.meta import kind_struct
from kubepy.api.resources.workload_common import selector_string, wide_columns, zero_status
from kubepy.api.schema import INT64, Raw, f
from kubepy.api.validation.common import FIELD_IMMUTABLE
from kubepy.api.validation.pod import nonnegative
from kubepy.api.validation.workloads import (
    go_int_or_string,
    go_label_selector,
    int_or_percent_value,
    not_more_than_100_percent,
    template_labels_match,
    validate_apps_selector,
    validate_controller_template,
    validate_optional_nonnegative,
    validate_positive_int_or_percent,
)

APPS = "io.k8s.api.apps.v1."


def _kind(kind: str, desc: str, spec, status):
    return kind_struct(APPS + kind, desc, "apps", "v1", kind, spec=spec, status=status)


Deployment = _kind(
    "Deployment", "Declarative updates for pods through replica sets.", DeploymentSpec, DeploymentStatus
)
ReplicaSet = _kind(
    "ReplicaSet", "Keeps a number of pods matching a selector running.", ReplicaSetSpec, ReplicaSetStatus
)
StatefulSet = _kind(
    "StatefulSet",
    "Pods with stable names and storage, created and updated in order.",
    StatefulSetSpec,
    StatefulSetStatus,
)
DaemonSet = _kind("DaemonSet", "Runs a copy of a pod on every eligible node.", DaemonSetSpec, DaemonSetStatus)
ControllerRevision = kind_struct(
    APPS + "ControllerRevision",
    "An immutable snapshot of a controller's template, kept for rollbacks.",
    "apps",
    "v1",
    "ControllerRevision",
    extra={
        "data": f(
            Raw("io.k8s.apimachinery.pkg.runtime.RawExtension"),
            "The serialized state of this revision.",
            proto=2,
            required=True,
        ),
        "revision": f(INT64, "Revision number of the state in data.", proto=3),
    },
)


# ---- defaults --------------------------------------------------------------------------------
def _setdefault(d: Obj, key: str, value: object) -> None:
    if d.get(key) is None:
        d[key] = value


def default_deployment(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    _setdefault(spec, "replicas", 1)
    strategy = spec.setdefault("strategy", {})
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        ru = strategy.setdefault("rollingUpdate", {}) or {}
        strategy["rollingUpdate"] = ru
        _setdefault(ru, "maxUnavailable", "25%")
        _setdefault(ru, "maxSurge", "25%")
    _setdefault(spec, "revisionHistoryLimit", 10)
    _setdefault(spec, "progressDeadlineSeconds", 600)
    default_template(spec.setdefault("template", {}))


def default_replicaset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    _setdefault(spec, "replicas", 1)
    default_template(spec.setdefault("template", {}))


def default_statefulset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    us = spec.setdefault("updateStrategy", {})
    if not us.get("type"):
        us["type"] = "RollingUpdate"
        if us.get("rollingUpdate") is None:
            us["rollingUpdate"] = {}
    if us["type"] == "RollingUpdate" and isinstance(us.get("rollingUpdate"), dict):
        _setdefault(us["rollingUpdate"], "partition", 0)
    policy = spec.get("persistentVolumeClaimRetentionPolicy") or {}
    spec["persistentVolumeClaimRetentionPolicy"] = policy
    for key in ("whenDeleted", "whenScaled"):
        if not policy.get(key):
            policy[key] = "Retain"
    _setdefault(spec, "replicas", 1)
    _setdefault(spec, "revisionHistoryLimit", 10)
    default_template(spec.setdefault("template", {}))
    for claim in spec.get("volumeClaimTemplates") or []:
        if isinstance(claim, dict):
            claim.setdefault("apiVersion", "v1")
            claim.setdefault("kind", "PersistentVolumeClaim")
            default_pvc(claim)


def default_daemonset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    us = spec.setdefault("updateStrategy", {})
    if not us.get("type"):
        us["type"] = "RollingUpdate"
    if us["type"] == "RollingUpdate":
        ru = us.get("rollingUpdate") or {}
        us["rollingUpdate"] = ru
        _setdefault(ru, "maxUnavailable", 1)
        _setdefault(ru, "maxSurge", 0)
    _setdefault(spec, "revisionHistoryLimit", 10)
    default_template(spec.setdefault("template", {}))


# ---- validation ------------------------------------------------------------------------------
def _selector_and_template(spec: Obj, kind: str, kind_word: str) -> list[FieldError]:
    errs, ok = validate_apps_selector(spec, "spec", kind_word)
    if ok is not None:
        errs += template_labels_match(ok, spec.get("template"), "spec.template")
        errs += validate_controller_template(spec.get("template"), "spec.template", kind)
    return errs


def validate_rolling_update(ru: Obj, path: str) -> list[FieldError]:
    unavailable, surge = ru.get("maxUnavailable"), ru.get("maxSurge")
    errs = validate_positive_int_or_percent(unavailable, f"{path}.maxUnavailable")
    errs += validate_positive_int_or_percent(surge, f"{path}.maxSurge")
    if int_or_percent_value(unavailable) == 0 and int_or_percent_value(surge) == 0:
        errs.append(
            invalid(
                f"{path}.maxUnavailable",
                go_int_or_string(unavailable or 0),
                "may not be 0 when `maxSurge` is 0",
            )
        )
    return errs + not_more_than_100_percent(unavailable, f"{path}.maxUnavailable")


def validate_deployment_spec(spec: Obj) -> list[FieldError]:
    errs = nonnegative("spec.replicas", spec.get("replicas", 0))
    errs += _selector_and_template(spec, "ReplicaSet", "deployment")  # shares ReplicaSet's template check
    strategy = spec.get("strategy") or {}
    stype = strategy.get("type") or ""
    if stype == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            errs.append(
                forbidden(
                    "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"
                )
            )
    elif stype == "RollingUpdate":
        if strategy.get("rollingUpdate") is None:
            errs.append(required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"))
        else:
            errs += validate_rolling_update(strategy["rollingUpdate"], "spec.strategy.rollingUpdate")
    else:
        errs.append(not_supported("spec.strategy", stype, ("Recreate", "RollingUpdate")))
    errs += validate_optional_nonnegative(
        spec, "spec", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"
    )
    pds = spec.get("progressDeadlineSeconds")
    if isinstance(pds, int) and pds <= (spec.get("minReadySeconds") or 0):
        errs.append(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    return errs


def validate_replicaset_spec(spec: Obj) -> list[FieldError]:
    errs = nonnegative("spec.replicas", spec.get("replicas", 0))
    errs += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0))
    return errs + _selector_and_template(spec, "ReplicaSet", "deployment")


def validate_statefulset_spec(spec: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    pmp = spec.get("podManagementPolicy") or ""
    if not pmp:
        errs.append(required("spec.podManagementPolicy", ""))
    elif pmp not in ("OrderedReady", "Parallel"):
        errs.append(invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
    us = spec.get("updateStrategy") or {}
    utype = us.get("type") or ""
    if not utype:
        errs.append(required("spec.updateStrategy", ""))
    elif utype == "OnDelete":
        if us.get("rollingUpdate") is not None:
            errs.append(
                invalid(
                    "spec.updateStrategy.rollingUpdate",
                    us["rollingUpdate"],
                    "only allowed for updateStrategy 'RollingUpdate'",
                )
            )
    elif utype == "RollingUpdate":
        ru = us.get("rollingUpdate") or {}
        errs += nonnegative("spec.updateStrategy.rollingUpdate.partition", ru.get("partition", 0))
    else:
        errs.append(invalid("spec.updateStrategy", us, "must be 'RollingUpdate' or 'OnDelete'"))
    for key in ("whenDeleted", "whenScaled"):
        val = get(spec, "persistentVolumeClaimRetentionPolicy", key)
        if val is not None and val not in ("Retain", "Delete"):
            p = f"spec.persistentVolumeClaimRetentionPolicy.{key}"
            errs.append(not_supported(p, val, ("Retain", "Delete")))
    errs += validate_optional_nonnegative(spec, "spec", "revisionHistoryLimit", "replicas", "minReadySeconds")
    errs += nonnegative("spec.ordinals.start", get(spec, "ordinals", "start"))
    errs += _selector_and_template(spec, "StatefulSet", "statefulset")
    for i, claim in enumerate(spec.get("volumeClaimTemplates") or []):
        errs += [
            FieldError(
                e.type,
                e.field.replace("spec.", f"spec.volumeClaimTemplates[{i}].spec.", 1),
                e.value,
                e.detail,
            )
            for e in validate_pvc_spec((claim or {}).get("spec") or {})
        ]
    return errs


_STS_UPDATABLE = (
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
)


def validate_daemonset_spec(spec: Obj) -> list[FieldError]:
    errs, ok = validate_apps_selector(spec, "spec", "daemonset")
    if ok is not None:
        errs += template_labels_match(ok, spec.get("template"), "spec.template")
    errs += validate_controller_template(spec.get("template"), "spec.template", "DaemonSet")
    errs += nonnegative("spec.minReadySeconds", spec.get("minReadySeconds", 0))
    us = spec.get("updateStrategy") or {}
    utype = us.get("type") or ""
    if utype == "RollingUpdate":
        ru = us.get("rollingUpdate")
        if ru is None:
            errs.append(required("spec.updateStrategy.rollingUpdate", ""))
        else:
            errs += validate_rolling_update_daemonset(ru, "spec.updateStrategy.rollingUpdate")
    elif utype != "OnDelete":
        errs.append(not_supported("spec.updateStrategy", utype, ("RollingUpdate", "OnDelete")))
    return errs + validate_optional_nonnegative(spec, "spec", "revisionHistoryLimit")


def validate_rolling_update_daemonset(ru: Obj, path: str) -> list[FieldError]:
    """ValidateRollingUpdateDaemonSet: exactly one of maxUnavailable and maxSurge is non-zero."""
    unavailable, surge = ru.get("maxUnavailable"), ru.get("maxSurge")
    errs = validate_positive_int_or_percent(unavailable, f"{path}.maxUnavailable")
    errs += validate_positive_int_or_percent(surge, f"{path}.maxSurge")
    errs += not_more_than_100_percent(unavailable, f"{path}.maxUnavailable")
    errs += not_more_than_100_percent(surge, f"{path}.maxSurge")
    has_unavailable, has_surge = int_or_percent_value(unavailable) != 0, int_or_percent_value(surge) != 0
    if has_unavailable and has_surge:
        errs.append(
            invalid(
                f"{path}.maxSurge", go_int_or_string(surge), "may not be set when maxUnavailable is non-zero"
            )
        )
    elif not has_unavailable and not has_surge:
        errs.append(required(f"{path}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    return errs


def _selector_immutable(new: Obj, old: Obj) -> list[FieldError]:
    ns, os_ = get(new, "spec", "selector"), get(old, "spec", "selector")
    if ns != os_:
        return [invalid("spec.selector", go_label_selector(ns), FIELD_IMMUTABLE)]
    return []


class _AppsStrategy(Strategy):
    has_status = True
    tracks_generation = True
    status_struct = DeploymentStatus
    defaulter: Callable[[Obj], None] = staticmethod(default_deployment)
    validator: Callable[[Obj], list[FieldError]] = staticmethod(validate_deployment_spec)

    def default(self, obj: Obj) -> None:
        self.defaulter(obj)

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = zero_status(self.status_struct)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return self.validator(obj.get("spec") or {})

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return self.validate(new, ctx) + _selector_immutable(new, old)


class DeploymentStrategy(_AppsStrategy):
    pass


class ReplicaSetStrategy(_AppsStrategy):
    status_struct = ReplicaSetStatus
    defaulter = staticmethod(default_replicaset)
    validator = staticmethod(validate_replicaset_spec)


class StatefulSetStrategy(_AppsStrategy):
    status_struct = StatefulSetStatus
    defaulter = staticmethod(default_statefulset)
    validator = staticmethod(validate_statefulset_spec)

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = zero_status(StatefulSetStatus, "availableReplicas")

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = self.validate(new, ctx)
        ns, os_ = dict(new.get("spec") or {}), dict(old.get("spec") or {})
        for key in _STS_UPDATABLE:
            ns.pop(key, None)
            os_.pop(key, None)
        if ns != os_:
            errs.append(
                forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
                    "'minReadySeconds' are forbidden",
                )
            )
        return errs


class DaemonSetStrategy(_AppsStrategy):
    status_struct = DaemonSetStatus
    defaulter = staticmethod(default_daemonset)
    validator = staticmethod(validate_daemonset_spec)


class ControllerRevisionStrategy(Strategy):
    """Data is required at creation and frozen afterwards; the revision number may change."""

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        errs = [] if obj.get("data") is not None else [required("data", "data is mandatory")]
        return errs + nonnegative("revision", obj.get("revision", 0))

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = self.validate(new, ctx)
        if new.get("data") != old.get("data"):
            errs.append(invalid("data", new.get("data"), FIELD_IMMUTABLE))
        return errs


def controller_of(o: Obj) -> str:
    """CONTROLLER cell: "<kind>.<group>/<name>" of the controlling owner, lower-cased kind."""
    for ref in get(o, "metadata", "ownerReferences") or []:
        if ref.get("controller"):
            api_version = ref.get("apiVersion", "")
            group = api_version.split("/")[0] if "/" in api_version else ""
            kind = ref.get("kind", "").lower()
            return f"{kind}.{group}/{ref.get('name', '')}" if group else f"{kind}/{ref.get('name', '')}"
    return "<none>"


# ---- tables ----------------------------------------------------------------------------------
def _int(*path: str) -> Callable:
    return lambda o, now: get(o, *path, default=0)


def _selector_cell(o: Obj) -> str:
    return selector_string(get(o, "spec", "selector"))


DEPLOYMENT_COLUMNS = (
    NAME,
    Column(
        "Ready",
        "string",
        lambda o, now: (
            f"{get(o, 'status', 'readyReplicas', default=0)}/{get(o, 'spec', 'replicas', default=0)}"
        ),
        "Ready pods out of desired pods.",
    ),
    Column("Up-to-date", "integer", _int("status", "updatedReplicas"), "Pods running the current template."),
    Column("Available", "integer", _int("status", "availableReplicas"), "Pods available to serve."),
    AGE,
    *wide_columns("spec", "template", selector=_selector_cell),
)

REPLICASET_COLUMNS = (
    NAME,
    Column("Desired", "integer", _int("spec", "replicas"), "Number of pods wanted."),
    Column("Current", "integer", _int("status", "replicas"), "Number of pods that exist."),
    Column("Ready", "integer", _int("status", "readyReplicas"), "Number of ready pods."),
    AGE,
    *wide_columns("spec", "template", selector=_selector_cell),
)

STATEFULSET_COLUMNS = (
    NAME,
    Column(
        "Ready",
        "string",
        lambda o, now: (
            f"{get(o, 'status', 'readyReplicas', default=0)}/{get(o, 'spec', 'replicas', default=0)}"
        ),
        "Ready pods out of desired pods.",
    ),
    AGE,
    *wide_columns("spec", "template"),
)

DAEMONSET_COLUMNS = (
    NAME,
    Column("Desired", "integer", _int("status", "desiredNumberScheduled"), "Nodes that should run the pod."),
    Column("Current", "integer", _int("status", "currentNumberScheduled"), "Nodes running the pod."),
    Column("Ready", "integer", _int("status", "numberReady"), "Nodes whose pod is ready."),
    Column(
        "Up-to-date",
        "integer",
        _int("status", "updatedNumberScheduled"),
        "Nodes running the current template.",
    ),
    Column("Available", "integer", _int("status", "numberAvailable"), "Nodes whose pod is available."),
    Column(
        "Node Selector",
        "string",
        lambda o, now: format_labels(get(o, "spec", "template", "spec", "nodeSelector")),
        "Node labels the pods require.",
    ),
    AGE,
    *wide_columns("spec", "template", selector=_selector_cell),
)

_SCALE = ScaleSpec(
    spec_replicas="spec.replicas", status_replicas="status.replicas", label_selector="spec.selector"
)


def _apps(
    kind: str, plural: str, schema, strategy, short: str, columns, scale: bool = True, field_selectors=None
) -> Resource:
    return Resource(
        group="apps",
        version="v1",
        kind=kind,
        plural=plural,
        namespaced=True,
        schema=schema,
        strategy=strategy,
        short_names=(short,),
        categories=("all",),
        subresources=("status", "scale") if scale else ("status",),
        scale=_SCALE if scale else None,
        field_selectors=field_selectors or {},
        columns=columns,
    )


CONTROLLER_REVISION_COLUMNS = (
    NAME,
    Column("Controller", "string", lambda o, now: controller_of(o), "Controller owning this revision."),
    Column("Revision", "integer", lambda o, now: o.get("revision", 0), "Revision number."),
    AGE,
)

RESOURCES = [
    _apps("Deployment", "deployments", Deployment, DeploymentStrategy(), "deploy", DEPLOYMENT_COLUMNS),
    _apps(
        "ReplicaSet",
        "replicasets",
        ReplicaSet,
        ReplicaSetStrategy(),
        "rs",
        REPLICASET_COLUMNS,
        field_selectors={"status.replicas": lambda o: str(get(o, "status", "replicas", default=0))},
    ),
    _apps("StatefulSet", "statefulsets", StatefulSet, StatefulSetStrategy(), "sts", STATEFULSET_COLUMNS),
    _apps("DaemonSet", "daemonsets", DaemonSet, DaemonSetStrategy(), "ds", DAEMONSET_COLUMNS, scale=False),
    Resource(
        group="apps",
        version="v1",
        kind="ControllerRevision",
        plural="controllerrevisions",
        namespaced=True,
        schema=ControllerRevision,
        strategy=ControllerRevisionStrategy(),
        columns=CONTROLLER_REVISION_COLUMNS,
    ),
]

__all__ = ["RESOURCES", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"]
