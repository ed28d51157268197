"""Decode a request object against its schema, as Go's typed decoding would.

Kubernetes decodes JSON into Go structs: unknown fields vanish (reported under fieldValidation
Warn/Strict), a value of the wrong JSON type is a 400, and quantities come back in canonical form.
Doing the same walk over plain dicts keeps stored objects exactly as Kubernetes would store them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kubepy.api.schema import Field, ListOf, MapOf, Prim, Raw, Struct, Type

_JSON_NAMES = {str: "string", bool: "bool", int: "number", float: "number", list: "array", dict: "object"}


@dataclass(slots=True)
class DecodeResult:
    unknown: list[str] = field(default_factory=list)  # dotted paths of dropped fields
    duplicates: list[str] = field(default_factory=list)
    type_error: str | None = None  # Go-style "json: cannot unmarshal ..." message


def _go_type(t: Type) -> str:
    if isinstance(t, Prim):
        if t.ref.endswith("Quantity"):
            return "resource.Quantity"
        if t.ref.endswith("IntOrString"):
            return "intstr.IntOrString"
        if t.ref.endswith(".Time") or t.ref.endswith("MicroTime"):
            return "v1.Time"
        return {"string": "string", "boolean": "bool", "number": "float64"}.get(
            t.type, "int64" if t.format == "int64" else "int32"
        )
    if isinstance(t, ListOf):
        return "[]" + _go_type(t.item)
    if isinstance(t, MapOf):
        return "map[string]" + _go_type(t.value)
    if isinstance(t, Struct):
        return t.name.rsplit(".", 1)[-1]
    return "interface {}"


class _TypeError(Exception):
    pass


def decode(obj: dict[str, Any], schema: Struct, normalize_quantity: Any = None) -> DecodeResult:
    """Prune unknown fields from `obj` in place and check JSON types; see DecodeResult."""
    res = DecodeResult()
    try:
        _walk_struct(obj, schema, "", res, normalize_quantity, schema.name.rsplit(".", 1)[-1])
    except _TypeError as e:
        res.type_error = str(e)
    return res


def _type_err(value: Any, t: Type, owner: str, path: str) -> _TypeError:
    got = _JSON_NAMES.get(type(value), "value")
    go_path = re.sub(r"\[\d+\]", "", path)  # Go names the field path without list indices
    return _TypeError(
        f"json: cannot unmarshal {got} into Go struct field {owner}.{go_path} of type {_go_type(t)}"
    )


def _walk(value: Any, t: Type, path: str, res: DecodeResult, nq: Any, owner: str) -> Any:
    if value is None:
        return None
    if isinstance(t, Raw):
        return value
    if isinstance(t, Struct):
        if not isinstance(value, dict):
            raise _type_err(value, t, owner, path)
        _walk_struct(value, t, path, res, nq, t.name.rsplit(".", 1)[-1] if path else owner)
        return value
    if isinstance(t, ListOf):
        if not isinstance(value, list):
            raise _type_err(value, t, owner, path)
        for i, item in enumerate(value):
            value[i] = _walk(item, t.item, f"{path}[{i}]", res, nq, owner)
        return value
    if isinstance(t, MapOf):
        if not isinstance(value, dict):
            raise _type_err(value, t, owner, path)
        for k in list(value):
            value[k] = _walk(
                value[k], t.value, f"{path}.{k}" if isinstance(t.value, Struct) else path, res, nq, owner
            )
        return value
    return _scalar(value, t, path, nq, owner)


def _scalar(value: Any, t: Prim, path: str, nq: Any, owner: str) -> Any:
    if t.ref.endswith("Quantity"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _type_err(value, t, owner, path)
        if nq is None:
            return value
        try:
            return nq(value)
        except ValueError as e:  # Kubernetes' Quantity unmarshal error, a 400 like a type error
            raise _TypeError(str(e)) from None
    if t.ref.endswith("IntOrString"):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise _type_err(value, t, owner, path)
        return value
    if t.type == "string":
        if not isinstance(value, str):
            raise _type_err(value, t, owner, path)
    elif t.type == "boolean":
        if not isinstance(value, bool):
            raise _type_err(value, t, owner, path)
    elif t.type == "integer":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_err(value, t, owner, path)
    elif t.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _type_err(value, t, owner, path)
    return value


def _walk_struct(obj: dict[str, Any], t: Struct, path: str, res: DecodeResult, nq: Any, owner: str) -> None:
    for key in list(obj):
        fd = t.fields.get(key)
        sub = f"{path}.{key}" if path else key
        if fd is None:
            res.unknown.append(sub)
            del obj[key]
            continue
        if obj[key] is None:  # a Go field decoded from null is its zero value: omitted
            del obj[key]
            continue
        obj[key] = _walk(obj[key], fd.type, sub, res, nq, owner)


def strict_message(unknown: list[str], duplicates: list[str] | None = None) -> str:
    """The 400 message of fieldValidation=Strict, as Kubernetes joins several errors."""
    errs = [f'unknown field "{p}"' for p in unknown] + [f'duplicate field "{p}"' for p in duplicates or []]
    return "strict decoding error: " + ", ".join(errs)


def canonical_order(obj: dict[str, Any], schema: Struct) -> dict[str, Any]:
    """Reorder keys as Go would serialize the struct (kind, apiVersion, then field order), so
    `-o json` reads like Kubernetes' output; map keys are sorted as Go's encoder sorts them."""
    out = _order(obj, schema)
    head = {k: out[k] for k in ("kind", "apiVersion") if k in out}
    return {**head, **{k: v for k, v in out.items() if k not in head}}


#: Fields where Go's omitempty and OpenAPI's `required` disagree, because a `+optional` or
#: `+required` marker overrides what the json tag implies (kube-openapi follows the marker, the JSON
#: encoder the tag): True = no omitempty (zero/empty kept although optional), False = omitempty
#: (zero dropped although required). Read from Kubernetes' types.go; belongs in Field one day.
_GO_OMITEMPTY_DIFFERS: dict[str, dict[str, bool]] = {
    "io.k8s.api.apps.v1.ControllerRevision": {"revision": True},
    "io.k8s.api.apps.v1.DaemonSetCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.DeploymentCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.ReplicaSetCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.StatefulSetCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.StatefulSetOrdinals": {"start": True},
    "io.k8s.api.apps.v1.StatefulSetSpec": {"serviceName": True},
    "io.k8s.api.apps.v1.StatefulSetStatus": {"availableReplicas": True},
    "io.k8s.api.authentication.v1.TokenRequestSpec": {"audiences": True},
    "io.k8s.api.authentication.v1.TokenRequestStatus": {"token": True},
    "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern": {"status": True},
    "io.k8s.api.core.v1.ContainerImage": {"names": True},
    "io.k8s.api.core.v1.Event": {"reportingComponent": True, "reportingInstance": True},
    "io.k8s.api.core.v1.NodeRuntimeHandler": {"name": True},
    "io.k8s.api.core.v1.ProjectedVolumeSource": {"sources": True},
    "io.k8s.api.discovery.v1.EndpointSlice": {"endpoints": True, "ports": True},
    "io.k8s.api.core.v1.ContainerRestartRule": {"action": False},
    "io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes": {"operator": False},
    "io.k8s.api.core.v1.ImageVolumeStatus": {"imageRef": False},
    "io.k8s.api.core.v1.PodCertificateProjection": {"signerName": False, "keyType": False},
}


def _is_zero(value: Any) -> bool:
    """Go's zero value of a bool, number or string (True == 1 must not count as 1)."""
    return value is False or value == "" or (type(value) in (int, float) and value == 0)


def _omitted(value: Any, fd: Field, keeps_zero: bool) -> bool:
    """Go's omitempty: an empty map or slice, or a bool/number/string at its zero value, is not
    serialized. A pointer field keeps an explicit zero (replicas: 0 is not unset); so does a field
    without omitempty (`keeps_zero`). Structs are never omitted, nor are Quantity, IntOrString and
    Time, which are structs in Go (a zero Quantity is "0", a zero IntOrString 0)."""
    if keeps_zero:
        return False
    t = fd.type
    if isinstance(t, (MapOf, ListOf)):
        return value in ({}, [])
    return isinstance(t, Prim) and not t.ref and not fd.pointer and _is_zero(value)


def _keeps_zero(t: Struct, name: str, fd: Field) -> bool:
    """The Go field has no omitempty: it is written even when zero or empty."""
    return _GO_OMITEMPTY_DIFFERS.get(t.name, {}).get(name, fd.required)


def _order(value: Any, t: Type | None) -> Any:
    if isinstance(t, Struct) and isinstance(value, dict):
        out = {
            k: _order(value[k], fd.type)
            for k, fd in t.fields.items()
            if k in value and not _omitted(value[k], fd, _keeps_zero(t, k, fd))
        }
        for k in value:  # fields outside the schema (never after decode) keep their place at the end
            if k not in t.fields:
                out[k] = value[k]
        return out
    if isinstance(t, ListOf) and isinstance(value, list):
        return [_order(v, t.item) for v in value]
    if isinstance(t, MapOf) and isinstance(value, dict):
        return {k: _order(value[k], t.value) for k in sorted(value)}
    return value
