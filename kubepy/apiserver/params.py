"""Query parameters of each verb, parsed and validated as Kubernetes' ListOptions etc. are.

Pure: takes the query multi-dict, returns dataclasses or raises StatusError with Kubernetes' words.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from kubepy.api import errors as fe
from kubepy.api.errors import StatusError, bad_request, invalid_error

Query = Mapping[str, list[str]]


def first(q: Query, name: str, default: str = "") -> str:
    v = q.get(name)
    return v[0] if v else default


def _bool(q: Query, name: str) -> bool:
    v = first(q, name).lower()
    return v in ("1", "true", "t", "yes", "y")


def _int(q: Query, name: str, default: int | None = None) -> int | None:
    v = first(q, name)
    if v == "":
        return default
    try:
        return int(v)
    except ValueError:
        raise bad_request(f'strconv.ParseInt: parsing "{v}": invalid syntax') from None


@dataclass(frozen=True, slots=True)
class ListOptions:
    label_selector: str = ""
    field_selector: str = ""
    watch: bool = False
    allow_bookmarks: bool = False
    resource_version: str = ""
    resource_version_match: str = ""
    timeout_seconds: int | None = None
    limit: int = 0
    continue_token: str = ""
    send_initial_events: bool | None = None


def list_options(q: Query, *, watch: bool) -> ListOptions:
    sie = first(q, "sendInitialEvents")
    opts = ListOptions(
        label_selector=first(q, "labelSelector"),
        field_selector=first(q, "fieldSelector"),
        watch=watch,
        allow_bookmarks=_bool(q, "allowWatchBookmarks"),
        resource_version=first(q, "resourceVersion"),
        resource_version_match=first(q, "resourceVersionMatch"),
        timeout_seconds=_int(q, "timeoutSeconds"),
        limit=_int(q, "limit", 0) or 0,
        continue_token=first(q, "continue"),
        send_initial_events=(sie.lower() in ("1", "true")) if sie else None,
    )
    errs = validate_list_options(opts)
    if errs:
        raise invalid_error("ListOptions", "", errs, group="meta.k8s.io")
    return opts


def validate_list_options(o: ListOptions) -> list[fe.FieldError]:
    """ValidateListOptions (apimachinery internalversion/validation)."""
    errs: list[fe.FieldError] = []
    match = o.resource_version_match
    if o.send_initial_events is not None:
        if not o.watch:
            errs.append(fe.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))
        elif match != "NotOlderThan":
            errs.append(
                fe.forbidden(
                    "resourceVersionMatch",
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                )
            )
        if o.send_initial_events and not o.allow_bookmarks and o.watch:
            errs.append(fe.forbidden("allowWatchBookmarks", "allowWatchBookmarks must be set to true"))
        return errs
    if match:
        if o.watch:
            errs.append(fe.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch"))
        if not o.resource_version:
            errs.append(
                fe.forbidden(
                    "resourceVersionMatch",
                    "resourceVersionMatch is forbidden unless resourceVersion is provided",
                )
            )
        if o.continue_token:
            errs.append(
                fe.forbidden(
                    "resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"
                )
            )
        if match not in ("NotOlderThan", "Exact"):
            errs.append(fe.not_supported("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""]))
        if match == "Exact" and o.resource_version == "0":
            errs.append(
                fe.forbidden(
                    "resourceVersionMatch",
                    'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
                )
            )
    return errs


def parse_resource_version(rv: str) -> int:
    if rv == "":
        return 0
    try:
        n = int(rv)
    except ValueError:
        raise bad_request(f'invalid resource version "{rv}"') from None
    if n < 0:
        raise bad_request(f'invalid resource version "{rv}"')
    return n


# ---- continue tokens ------------------------------------------------------------------------
def encode_continue(start_key: str, revision: int) -> str:
    """Kubernetes' token: base64(JSON {"v":"meta.k8s.io/v1","rv":R,"start":"<key after prefix>"})."""
    raw = orjson.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": start_key})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_continue(token: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        d = orjson.loads(raw)
    except (ValueError, orjson.JSONDecodeError):
        raise continue_error("continue key is not valid: illegal base64 data") from None
    if not isinstance(d, dict) or d.get("v") != "meta.k8s.io/v1":
        raise continue_error("continue key is not valid: server does not recognize this encoded version")
    start = d.get("start", "")
    rv = d.get("rv", 0)
    if not isinstance(start, str) or not isinstance(rv, int):
        raise continue_error(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        )
    if rv <= 0:
        raise continue_error(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        )
    if start.startswith("/") or ".." in start.split("/"):
        raise continue_error("continue key is not valid: path traversal attempt detected")
    return start, rv


def continue_error(msg: str) -> StatusError:
    return invalid_error("ListOptions", "", [fe.invalid("continue", "", msg)], group="meta.k8s.io")


EXPIRED_CONTINUE = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new "
    "list without the continue parameter, or use the continue token in this response to retrieve the "
    "remainder of the results. Continuing with the provided token results in an inconsistent list - "
    "objects that were created, modified, or deleted between the time the first chunk was returned and "
    "now may show up in the list."
)


# ---- write options --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WriteOptions:
    dry_run: bool = False
    field_manager: str = ""
    field_validation: str = ""  # "" | Ignore | Warn | Strict
    force: bool = False


_NO_WRITE_OPTIONS = WriteOptions()


def write_options(q: Query) -> WriteOptions:
    if not q:  # most writes: one shared answer (it is immutable)
        return _NO_WRITE_OPTIONS
    dry = q.get("dryRun", [])
    for d in dry:
        if d != "All":
            raise invalid_error(
                "CreateOptions", "", [fe.not_supported("dryRun", dry, ["All"])], group="meta.k8s.io"
            )
    fv = first(q, "fieldValidation")
    if fv and fv not in ("Ignore", "Warn", "Strict"):
        raise bad_request(f"fieldValidation parameter unsupported: {fv}")
    fm = first(q, "fieldManager")
    if len(fm) > 128:
        raise invalid_error("CreateOptions", "", [fe.too_long("fieldManager", fm, 128)], group="meta.k8s.io")
    return WriteOptions(bool(dry), fm, fv, _bool(q, "force"))


@dataclass(frozen=True, slots=True)
class DeleteOptions:
    grace_period_seconds: int | None = None
    propagation_policy: str = ""
    orphan_dependents: bool | None = None
    precondition_uid: str | None = None
    precondition_rv: str | None = None
    dry_run: bool = False


def delete_options(q: Query, body: dict | None) -> DeleteOptions:
    b = body or {}
    pre = b.get("preconditions") or {}
    grace = b.get("gracePeriodSeconds")
    if grace is None:
        grace = _int(q, "gracePeriodSeconds")
    policy = b.get("propagationPolicy") or first(q, "propagationPolicy")
    orphan = b.get("orphanDependents")
    if orphan is None and first(q, "orphanDependents"):
        orphan = _bool(q, "orphanDependents")
    dry = list(b.get("dryRun") or []) + q.get("dryRun", [])
    errs: list[fe.FieldError] = []
    if policy and policy not in ("Orphan", "Background", "Foreground"):
        errs.append(
            fe.not_supported("propagationPolicy", policy, ["Foreground", "Background", "Orphan", "nil"])
        )
    if policy and orphan is not None:
        errs.append(
            fe.invalid(
                "propagationPolicy", policy, "orphanDependents and deletionPropagation cannot be both set"
            )
        )
    if grace is not None and grace < 0:
        grace = 1  # Kubernetes treats negative grace as 1 second
    for d in dry:
        if d != "All":
            errs.append(fe.not_supported("dryRun", dry, ["All"]))
    if errs:
        raise invalid_error("DeleteOptions", "", errs, group="meta.k8s.io")
    return DeleteOptions(grace, policy, orphan, pre.get("uid"), pre.get("resourceVersion"), bool(dry))
