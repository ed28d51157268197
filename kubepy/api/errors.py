"""Kubernetes `Status` errors and field errors, with the exact wording clients and users see.

Every failure the apiserver reports is a StatusError; handlers turn it into a Status body. Field
errors mirror k8s.io/apimachinery/pkg/util/validation/field so messages read the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

# ---- field errors ---------------------------------------------------------------------------
_REASONS = {
    "Required": ("FieldValueRequired", "Required value"),
    "Invalid": ("FieldValueInvalid", "Invalid value"),
    "NotSupported": ("FieldValueNotSupported", "Unsupported value"),
    "Duplicate": ("FieldValueDuplicate", "Duplicate value"),
    "Forbidden": ("FieldValueForbidden", "Forbidden"),
    "TooLong": ("FieldValueTooLong", "Too long"),
    "TooMany": ("FieldValueTooMany", "Too many"),
    "NotFound": ("FieldValueNotFound", "Not found"),
    "Internal": ("InternalError", "Internal error"),
    "TypeInvalid": ("FieldValueTypeInvalid", "Invalid value"),
}

_OMIT = object()


class GoValue(str):
    """A bad value Go prints verbatim (a Stringer via %s, or a struct via %#v), not quoted."""


def _go_value(v: Any) -> str:
    """Render a bad value the way field.Error does (%q for strings, plain numbers, JSON else)."""
    if isinstance(v, GoValue):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return orjson.dumps(v).decode()
    if isinstance(v, (int, float)):
        return repr(v)
    if v is None:
        return "null"
    return orjson.dumps(v, option=orjson.OPT_SORT_KEYS).decode()


@dataclass(frozen=True, slots=True)
class FieldError:
    type: str  # a key of _REASONS
    field: str  # "spec.containers[0].image"
    value: Any = _OMIT
    detail: str = ""

    @property
    def reason(self) -> str:
        return _REASONS[self.type][0]

    def body(self) -> str:
        """field.Error.ErrorBody(): what follows "field: "."""
        label = _REASONS[self.type][1]
        if self.type in ("Required", "Forbidden", "TooLong", "Internal") or self.value is _OMIT:
            s = label
        else:
            s = f"{label}: {_go_value(self.value)}"
        if self.detail:
            s = f"{s}: {self.detail}"
        return s

    def message(self) -> str:
        return f"{self.field}: {self.body()}" if self.field else self.body()


def required(path: str, detail: str = "") -> FieldError:
    return FieldError("Required", path, _OMIT, detail)


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError("Invalid", path, value, detail)


def not_supported(path: str, value: Any, valid: list[str] | tuple[str, ...]) -> FieldError:
    detail = "supported values: " + ", ".join(f'"{v}"' for v in valid) if valid else ""
    return FieldError("NotSupported", path, value, detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError("Duplicate", path, value)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError("Forbidden", path, _OMIT, detail)


def too_long(path: str, value: Any, max_len: int) -> FieldError:
    return FieldError("TooLong", path, value, f"may not be more than {max_len} bytes")


def too_many(path: str, actual: int, max_items: int) -> FieldError:
    return FieldError("TooMany", path, actual, f"must have at most {max_items} items")


def not_found(path: str, value: Any) -> FieldError:
    return FieldError("NotFound", path, value)


def aggregate_message(errs: list[FieldError]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message bare, several in brackets."""
    msgs: list[str] = []
    for e in errs:
        m = e.message()
        if m not in msgs:
            msgs.append(m)
    if len(msgs) == 1:
        return msgs[0]
    return "[" + ", ".join(msgs) + "]"


# ---- Status errors --------------------------------------------------------------------------
@dataclass
class StatusError(Exception):
    code: int
    reason: str
    message: str
    details: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def status(self) -> dict[str, Any]:
        s: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
        }
        if self.reason:  # Kubernetes omits an empty reason (e.g. its 500s from apply)
            s["reason"] = self.reason
        if self.details is not None:
            s["details"] = self.details
        s["code"] = self.code
        return s


def _details(name: str, group: str, kind: str) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    d["kind"] = kind
    return d


def qualified(resource: str, group: str) -> str:
    """schema.GroupResource.String(): "pods" or "deployments.apps"."""
    return f"{resource}.{group}" if group else resource


def not_found_error(resource: str, name: str, group: str = "") -> StatusError:
    return StatusError(
        404, "NotFound", f'{qualified(resource, group)} "{name}" not found', _details(name, group, resource)
    )


def already_exists(resource: str, name: str, group: str = "") -> StatusError:
    return StatusError(
        409,
        "AlreadyExists",
        f'{qualified(resource, group)} "{name}" already exists',
        _details(name, group, resource),
    )


CONFLICT_MSG = "the object has been modified; please apply your changes to the latest version and try again"


def conflict(resource: str, name: str, msg: str = CONFLICT_MSG, group: str = "") -> StatusError:
    return StatusError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qualified(resource, group)} "{name}": {msg}',
        _details(name, group, resource),
    )


def invalid_error(kind: str, name: str, errs: list[FieldError], group: str = "") -> StatusError:
    causes = [{"reason": e.reason, "message": e.body(), "field": e.field} for e in errs]
    details = _details(name, group, kind)
    details["causes"] = causes
    return StatusError(
        422,
        "Invalid",
        f'{kind}.{group} "{name}" is invalid: {aggregate_message(errs)}'
        if group
        else f'{kind} "{name}" is invalid: {aggregate_message(errs)}',
        details,
    )


def bad_request(msg: str) -> StatusError:
    return StatusError(400, "BadRequest", msg)


def method_not_supported(resource: str, action: str, group: str = "") -> StatusError:
    return StatusError(
        405,
        "MethodNotAllowed",
        f"{action} is not supported on resources of kind {qualified(resource, group)!r}".replace("'", '"'),
        _details("", group, resource),
    )


def gone(msg: str) -> StatusError:
    return StatusError(410, "Expired", msg)


def resource_expired(msg: str) -> StatusError:
    return StatusError(410, "Expired", msg)


def too_large(msg: str = "Request entity too large: limit is 3145728") -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", msg)


def unsupported_media_type() -> StatusError:
    return StatusError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json, application/yaml, application/vnd.kubernetes.protobuf",
    )


def too_many_requests(
    msg: str = "Too many requests, please try again later.", retry_after: int = 1
) -> StatusError:
    return StatusError(
        429, "TooManyRequests", msg, {"retryAfterSeconds": retry_after}, {"Retry-After": str(retry_after)}
    )


def internal_error(msg: str) -> StatusError:
    return StatusError(
        500, "InternalError", f"Internal error occurred: {msg}", {"causes": [{"message": msg}]}
    )


def forbidden_error(resource: str, name: str, msg: str, group: str = "") -> StatusError:
    q = qualified(resource, group)
    return StatusError(403, "Forbidden", f'{q} "{name}" is forbidden: {msg}', _details(name, group, resource))


def not_acceptable(msg: str) -> StatusError:
    return StatusError(406, "NotAcceptable", msg)


def timeout(msg: str) -> StatusError:
    return StatusError(504, "Timeout", msg)
