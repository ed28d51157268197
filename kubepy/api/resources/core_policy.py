"""ResourceQuota and LimitRange (core/v1): per-namespace totals and per-object bounds.

The quota controller fills ResourceQuota status (hard copied from spec, used counted); the
LimitRanger admission plugin applies LimitRange defaults to pods.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from kubepy.api import quantity as q
from kubepy.api.errors import FieldError, GoValue, duplicate, forbidden, invalid, required
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, get
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import QUANTITY, STRING, enum, f, list_of, map_of, struct
from kubepy.api.validation.common import FIELD_IMMUTABLE, go_quantity
from kubepy.api.validation.names import is_qualified_name
from kubepy.api.validation.resources import (
    LIMIT_TYPES,
    STANDARD_QUOTA_RESOURCES,
    overcommit_allowed,
    validate_container_resource_name,
    validate_quota_resource_name,
    validate_resource_list,
    validate_resource_name,
)
from kubepy.util.duration import parse_time, rfc3339

CORE = "io.k8s.api.core.v1."
SCOPES = (
    "Terminating",
    "NotTerminating",
    "BestEffort",
    "NotBestEffort",
    "PriorityClass",
    "CrossNamespacePodAffinity",
    "VolumeAttributesClass",
)
_POD_COUNT = {"pods"}
_POD_COMPUTE = {"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"}
_PVC = {"persistentvolumeclaims", "requests.storage"}

ScopedResourceSelectorRequirement = struct(
    CORE + "ScopedResourceSelectorRequirement",
    "A scope name, an operator and values.",
    scopeName=f(enum(*SCOPES), "The scope the requirement is about.", required=True, proto=1),
    operator=f(
        enum("DoesNotExist", "Exists", "In", "NotIn"),
        "How the scope relates to the values.",
        required=True,
        proto=2,
    ),
    values=f(list_of(STRING), "Values for In and NotIn.", list_type="atomic", proto=3),
)

ScopeSelector = struct(
    CORE + "ScopeSelector",
    "Scope requirements that must all hold for an object to count.",
    map_type="atomic",
    matchExpressions=f(
        list_of(ScopedResourceSelectorRequirement), "Requirements by scope.", list_type="atomic", proto=1
    ),
)

ResourceQuotaSpec = struct(
    CORE + "ResourceQuotaSpec",
    "Limits on what a namespace may consume.",
    hard=f(map_of(QUANTITY), "Maximum total per resource name.", proto=1),
    scopes=f(
        list_of(enum(*SCOPES)), "Only objects in all these scopes are counted.", list_type="atomic", proto=2
    ),
    scopeSelector=f(ScopeSelector, "Scope requirements, a richer form of scopes.", proto=3),
)

ResourceQuotaStatus = struct(
    CORE + "ResourceQuotaStatus",
    "Enforced limits and current use.",
    hard=f(map_of(QUANTITY), "Limits being enforced.", proto=1),
    used=f(map_of(QUANTITY), "Current total use per resource name.", proto=2),
)

ResourceQuota = kind_struct(
    CORE + "ResourceQuota",
    "Caps the total resources and object counts of a namespace.",
    "",
    "v1",
    "ResourceQuota",
    spec=ResourceQuotaSpec,
    status=ResourceQuotaStatus,
)

LimitRangeItem = struct(
    CORE + "LimitRangeItem",
    "Bounds and defaults for one kind of object.",
    type=f(STRING, "Pod, Container or PersistentVolumeClaim.", required=True, proto=1),
    max=f(map_of(QUANTITY), "Largest allowed value per resource.", proto=2),
    min=f(map_of(QUANTITY), "Smallest allowed value per resource.", proto=3),
    default=f(map_of(QUANTITY), "Limit given to containers that set none.", proto=4),
    defaultRequest=f(map_of(QUANTITY), "Request given to containers that set none.", proto=5),
    maxLimitRequestRatio=f(map_of(QUANTITY), "Largest allowed limit/request ratio per resource.", proto=6),
)

LimitRangeSpec = struct(
    CORE + "LimitRangeSpec",
    "The limits a namespace enforces.",
    limits=f(
        list_of(LimitRangeItem), "One entry per object type.", required=True, list_type="atomic", proto=1
    ),
)

LimitRange = kind_struct(
    CORE + "LimitRange",
    "Per-object resource bounds and defaults within a namespace.",
    "",
    "v1",
    "LimitRange",
    spec=LimitRangeSpec,
)


# ---- ResourceQuota ----------------------------------------------------------------------------
def _scope_valid_for(scope: str, resource: str) -> bool:
    if scope in (
        "Terminating",
        "NotTerminating",
        "NotBestEffort",
        "PriorityClass",
        "CrossNamespacePodAffinity",
    ):
        return resource in _POD_COUNT or resource in _POD_COMPUTE
    if scope == "BestEffort":
        return resource in _POD_COUNT
    if scope == "VolumeAttributesClass":
        return resource in _PVC
    return True


def _go_scopes(scopes: list[str]) -> GoValue:
    return GoValue("[]core.ResourceQuotaScope{" + ", ".join(f'"{s}"' for s in scopes) + "}")


def _validate_scopes(spec: Obj) -> list[FieldError]:
    scopes = spec.get("scopes") or []
    if not scopes:
        return []
    errs: list[FieldError] = []
    hard = sorted((spec.get("hard") or {}).keys())
    for scope in scopes:
        if scope not in SCOPES:
            errs.append(invalid("spec.scopes", _go_scopes(scopes), "unsupported scope"))
        for k in hard:
            if k in STANDARD_QUOTA_RESOURCES and not _scope_valid_for(scope, k):
                errs.append(
                    invalid("spec.scopes", _go_scopes(scopes), "unsupported scope applied to resource")
                )
    errs += _conflicts(set(scopes), "spec.scopes", _go_scopes(scopes))
    return errs


def _conflicts(scopes: set[str], path: str, value: Any) -> list[FieldError]:
    pairs = ({"BestEffort", "NotBestEffort"}, {"Terminating", "NotTerminating"})
    return [invalid(path, value, "conflicting scopes") for pair in pairs if pair <= scopes]


def _validate_scope_selector(spec: Obj) -> list[FieldError]:
    selector = spec.get("scopeSelector")
    if selector is None:
        return []
    path = "spec.scopeSelector.matchExpressions"
    errs: list[FieldError] = []
    hard = sorted((spec.get("hard") or {}).keys())
    seen: set[str] = set()
    for req in selector.get("matchExpressions") or []:
        scope, op, values = req.get("scopeName", ""), req.get("operator", ""), req.get("values") or []
        if scope not in SCOPES:
            errs.append(invalid(f"{path}.scopeName", scope, "unsupported scope"))
        for k in hard:
            if k in STANDARD_QUOTA_RESOURCES and not _scope_valid_for(scope, k):
                errs.append(
                    invalid(
                        path, GoValue("&core.ScopeSelector{...}"), "unsupported scope applied to resource"
                    )
                )
        if scope in (
            "BestEffort",
            "NotBestEffort",
            "Terminating",
            "NotTerminating",
            "CrossNamespacePodAffinity",
        ):
            if op != "Exists":
                errs.append(
                    invalid(
                        f"{path}.operator",
                        op,
                        "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
                        "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                        "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
                    )
                )
        if op in ("In", "NotIn"):
            if not values:
                errs.append(
                    required(
                        f"{path}.values",
                        "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
                    )
                )
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    invalid(
                        f"{path}.values",
                        values,
                        "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
                    )
                )
        else:
            errs.append(invalid(f"{path}.operator", op, "not a valid selector operator"))
        seen.add(scope)
    errs += _conflicts(seen, path, _go_scopes(spec.get("scopes") or []))
    return errs


def validate_quota_spec(spec: Obj) -> list[FieldError]:
    errs = validate_resource_list("spec.hard", spec.get("hard"), validate_quota_resource_name)
    return errs + _validate_scopes(spec) + _validate_scope_selector(spec)


def validate_quota_status(status: Obj) -> list[FieldError]:
    errs = validate_resource_list("status.hard", status.get("hard"), validate_quota_resource_name)
    return errs + validate_resource_list("status.used", status.get("used"), validate_quota_resource_name)


class ResourceQuotaStrategy(Strategy):
    return_deleted_object = True
    has_status = True

    def default(self, obj: Obj) -> None:
        if not isinstance(obj.get("spec"), dict):
            obj["spec"] = {}

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_quota_spec(obj.get("spec") or {}) + validate_quota_status(obj.get("status") or {})

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = validate_quota_spec(new.get("spec") or {})
        new_scopes, old_scopes = get(new, "spec", "scopes") or [], get(old, "spec", "scopes") or []
        if set(new_scopes) != set(old_scopes):
            errs.append(invalid("spec.scopes", _go_scopes(new_scopes), FIELD_IMMUTABLE))
        return errs

    def validate_status_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs: list[FieldError] = []
        if not get(new, "metadata", "resourceVersion"):
            errs.append(required("resourceVersion"))
        return errs + validate_quota_status(new.get("status") or {})


def _quota_usage(o: Obj, limits: bool) -> str:
    hard = get(o, "status", "hard") or {}
    used = get(o, "status", "used") or {}
    parts = []
    for name in sorted(hard):
        if name.startswith("limits.") == limits:
            u = q.canonical(used[name]) if name in used else "0"
            parts.append(f"{name}: {u}/{q.canonical(hard[name])}")
    return ", ".join(parts)


# ---- LimitRange ---------------------------------------------------------------------------------
def default_limit_range(lr: Obj) -> None:
    """SetDefaults_LimitRangeItem: for containers, default <- max, defaultRequest <- default, min."""
    for item in get(lr, "spec", "limits") or []:
        if item.get("type") != "Container":
            continue
        default = dict(item.get("default") or {})
        request = dict(item.get("defaultRequest") or {})
        for k, v in (item.get("max") or {}).items():
            default.setdefault(k, v)
        for k, v in default.items():
            request.setdefault(k, v)
        for k, v in (item.get("min") or {}).items():
            request.setdefault(k, v)
        if default:
            item["default"] = default
        if request:
            item["defaultRequest"] = request


def _limit_type_errors(path: str, t: str) -> list[FieldError]:
    errs = [invalid(path, t, m) for m in is_qualified_name(t)]
    if not errs and "/" not in t and t not in LIMIT_TYPES:
        errs.append(invalid(path, t, "must be a standard limit type or fully qualified"))
    return errs


def validate_limit_range(lr: Obj) -> list[FieldError]:
    """ValidateLimitRange without ObjectMeta: names, and min <= defaultRequest <= default <= max."""
    errs: list[FieldError] = []
    types: set[str] = set()
    for i, item in enumerate(get(lr, "spec", "limits") or []):
        p = f"spec.limits[{i}]"
        t = item.get("type") or ""
        errs += _limit_type_errors(f"{p}.type", t)
        if t in types:
            errs.append(duplicate(f"{p}.type", t))
        types.add(t)
        check = validate_container_resource_name if t in ("Pod", "Container") else validate_resource_name
        groups: dict[str, dict[str, Any]] = {}
        for field in ("max", "min"):
            groups[field] = dict(item.get(field) or {})
            errs += [e for k in groups[field] for e in check(f"{p}.{field}[{k}]", k)]
        if t == "Pod":
            if item.get("default"):
                errs.append(forbidden(f"{p}.default", "may not be specified when `type` is 'Pod'"))
            if item.get("defaultRequest"):
                errs.append(forbidden(f"{p}.defaultRequest", "may not be specified when `type` is 'Pod'"))
            groups["default"], groups["defaultRequest"] = {}, {}
        else:
            for field in ("default", "defaultRequest"):
                groups[field] = dict(item.get(field) or {})
                errs += [e for k in groups[field] for e in check(f"{p}.{field}[{k}]", k)]
        if t == "PersistentVolumeClaim" and "storage" not in groups["min"] and "storage" not in groups["max"]:
            errs.append(
                required(
                    f"{p}.limits",
                    "either minimum or maximum storage value is required, but neither was provided",
                )
            )
        groups["ratio"] = dict(item.get("maxLimitRequestRatio") or {})
        errs += [e for k in groups["ratio"] for e in check(f"{p}.maxLimitRequestRatio[{k}]", k)]
        keys = dict.fromkeys(k for g in groups.values() for k in g)
        for k in keys:
            errs += _limit_consistency(p, k, {name: g.get(k) for name, g in groups.items()})
    return errs


def _limit_consistency(p: str, k: str, v: dict[str, Any]) -> list[FieldError]:
    mn, mx, df, dr, ratio = v["min"], v["max"], v["default"], v["defaultRequest"], v["ratio"]

    def gt(a: Any, b: Any) -> bool:
        return q.compare(a, b) > 0

    def s(x: Any) -> str:
        return q.canonical(x)

    errs: list[FieldError] = []
    if mn is not None and mx is not None and gt(mn, mx):
        errs.append(
            invalid(f"{p}.min[{k}]", go_quantity(mn), f"min value {s(mn)} is greater than max value {s(mx)}")
        )
    if dr is not None and mn is not None and gt(mn, dr):
        errs.append(
            invalid(
                f"{p}.defaultRequest[{k}]",
                go_quantity(dr),
                f"min value {s(mn)} is greater than default request value {s(dr)}",
            )
        )
    if dr is not None and mx is not None and gt(dr, mx):
        errs.append(
            invalid(
                f"{p}.defaultRequest[{k}]",
                go_quantity(dr),
                f"default request value {s(dr)} is greater than max value {s(mx)}",
            )
        )
    if dr is not None and df is not None and gt(dr, df):
        errs.append(
            invalid(
                f"{p}.defaultRequest[{k}]",
                go_quantity(dr),
                f"default request value {s(dr)} is greater than default limit value {s(df)}",
            )
        )
    if df is not None and mn is not None and gt(mn, df):
        errs.append(
            invalid(
                f"{p}.default[{k}]",
                go_quantity(mn),
                f"min value {s(mn)} is greater than default value {s(df)}",
            )
        )
    if df is not None and mx is not None and gt(df, mx):
        errs.append(
            invalid(
                f"{p}.default[{k}]",
                go_quantity(mx),
                f"default value {s(df)} is greater than max value {s(mx)}",
            )
        )
    if ratio is not None and q.compare(ratio, 1) < 0:
        errs.append(
            invalid(f"{p}.maxLimitRequestRatio[{k}]", go_quantity(ratio), f"ratio {s(ratio)} is less than 1")
        )
    if ratio is not None and mn is not None and mx is not None:
        r, lo, hi = q.value(ratio), q.value(mn), q.value(mx)
        max_milli = 2**63 // 1000
        ratio_v = float(r)
        if r < max_milli and lo < max_milli and hi < max_milli:
            ratio_v, lo, hi = q.milli_value(ratio) / 1000, q.milli_value(mn), q.milli_value(mx)
        limit = hi / lo if lo else float("inf")
        if ratio_v > limit:
            errs.append(
                invalid(
                    f"{p}.maxLimitRequestRatio[{k}]",
                    go_quantity(ratio),
                    f"ratio {s(ratio)} is greater than max/min = {limit:f}",
                )
            )
    if not overcommit_allowed(k) and df is not None and dr is not None and q.compare(df, dr) != 0:
        errs.append(
            invalid(
                f"{p}.defaultRequest[{k}]",
                go_quantity(dr),
                f"default value {s(df)} must equal to defaultRequest value {s(dr)} in {k}",
            )
        )
    return errs


class LimitRangeStrategy(Strategy):
    allow_create_on_update = True

    def default(self, obj: Obj) -> None:
        default_limit_range(obj)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_limit_range(obj)


def _created_at(o: Obj, now: Any) -> str:
    ts = get(o, "metadata", "creationTimestamp")
    return rfc3339(parse_time(ts).astimezone(UTC)) if ts else "<unknown>"


RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="ResourceQuota",
        plural="resourcequotas",
        namespaced=True,
        schema=ResourceQuota,
        strategy=ResourceQuotaStrategy(),
        short_names=("quota",),
        subresources=("status",),
        columns=(
            NAME,
            Column(
                "Request",
                "string",
                lambda o, now: _quota_usage(o, False),
                "Used and hard amounts of request-type resources.",
            ),
            Column(
                "Limit",
                "string",
                lambda o, now: _quota_usage(o, True),
                "Used and hard amounts of limits.* resources.",
            ),
            AGE,
        ),
    ),
    Resource(
        group="",
        version="v1",
        kind="LimitRange",
        plural="limitranges",
        namespaced=True,
        schema=LimitRange,
        strategy=LimitRangeStrategy(),
        short_names=("limits",),
        columns=(NAME, Column("Created At", "date", _created_at, "When the limit range was created.")),
    ),
]
