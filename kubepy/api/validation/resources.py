"""Resource names and quantities in resource lists (quota, limit ranges, node capacity).

Mirrors the helpers of pkg/apis/core/helper and the resource checks of core validation.
"""

from __future__ import annotations

from typing import Any

from kubepy.api import quantity as q
from kubepy.api.errors import FieldError, invalid
from kubepy.api.validation.common import go_quantity
from kubepy.api.validation.names import is_qualified_name

STANDARD_RESOURCES = frozenset(
    {
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    }
)
STANDARD_QUOTA_RESOURCES = STANDARD_RESOURCES - {"storage"}
STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
INTEGER_RESOURCES = frozenset(
    {
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    }
)
LIMIT_TYPES = ("Pod", "Container", "PersistentVolumeClaim")
NEGATIVE_MSG = "must be greater than or equal to 0"


def is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def is_quota_hugepages(name: str) -> bool:
    return name.startswith(("hugepages-", "requests.hugepages-"))


def is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def is_extended(name: str) -> bool:
    if is_native(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def is_integer_resource(name: str) -> bool:
    return name in INTEGER_RESOURCES or is_extended(name)


def overcommit_allowed(name: str) -> bool:
    return is_native(name) and not is_hugepages(name)


def validate_resource_name(path: str, name: str) -> list[FieldError]:
    """validateResourceName: qualified, and a bare name must be a standard resource."""
    errs = [invalid(path, name, m) for m in is_qualified_name(name)]
    if errs:
        return errs
    if "/" not in name and not (name in STANDARD_RESOURCES or is_quota_hugepages(name)):
        return [invalid(path, name, "must be a standard resource type or fully qualified")]
    return []


def validate_container_resource_name(path: str, name: str) -> list[FieldError]:
    errs = validate_resource_name(path, name)
    if "/" not in name:
        if not (name in STANDARD_CONTAINER_RESOURCES or is_hugepages(name)):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    elif not is_native(name) and not is_extended(name):
        errs.append(invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def validate_quota_resource_name(path: str, name: str) -> list[FieldError]:
    """ValidateResourceQuotaResourceName."""
    errs = validate_resource_name(path, name)
    if "/" not in name and not (name in STANDARD_QUOTA_RESOURCES or is_quota_hugepages(name)):
        errs.append(invalid(path, name, "must be a standard resource for quota"))
    return errs


def validate_quantity_value(path: str, name: str, value: Any) -> list[FieldError]:
    """ValidateResourceQuantityValue: not negative; whole numbers for countable resources."""
    try:
        amount = q.parse_quantity(value)
    except (ValueError, TypeError):
        return [invalid(path, value, q.ERR_FORMAT)]
    errs = []
    if amount < 0:
        errs.append(invalid(path, q.canonical(value), NEGATIVE_MSG))
    if is_integer_resource(name) and q.milli_value(value) % 1000:
        errs.append(invalid(path, go_quantity(value), "must be an integer"))
    return errs


def validate_resource_list(path: str, resources: dict[str, Any] | None, name_check=None) -> list[FieldError]:
    """Names (with `name_check`, if given) and values of a ResourceList at `path[name]`."""
    errs: list[FieldError] = []
    for name, value in (resources or {}).items():
        p = f"{path}[{name}]"
        if name_check is not None:
            errs += name_check(p, name)
        errs += validate_quantity_value(p, name, value)
    return errs
