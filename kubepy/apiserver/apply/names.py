"""Field manager names: the default taken from the User-Agent, and validation of recorded entries.

Mirrors apiserver's prefixFromUserAgent and apimachinery's ValidateManagedFields; lengths are in
bytes, as Go counts them.
"""

from __future__ import annotations

from kubepy.api import errors as fe
from kubepy.api.errors import FieldError
from kubepy.apiserver.apply.managed import APPLY, UPDATE

FIELD_MANAGER_MAX_LENGTH = 128
MAX_SUBRESOURCE_NAME_LENGTH = 256


def default_manager(user_agent: str) -> str:
    """prefixFromUserAgent: the user agent up to its first "/", printable characters only, cut to
    128 bytes. kubectl sends "kubectl/v1.31.0 (linux/amd64) ..." and so becomes "kubectl"."""
    out: list[str] = []
    size = 0
    for ch in user_agent.split("/", 1)[0]:
        if not ch.isprintable():
            continue
        n = len(ch.encode())
        if size + n > FIELD_MANAGER_MAX_LENGTH:
            break
        out.append(ch)
        size += n
    return "".join(out)


def manager_or_user_agent(manager: str, user_agent: str) -> str:
    return manager or default_manager(user_agent)


def validate_field_manager(manager: str, path: str) -> list[FieldError]:
    """ValidateFieldManager: at most 128 bytes, all printable (positions are byte offsets)."""
    errs: list[FieldError] = []
    if len(manager.encode()) > FIELD_MANAGER_MAX_LENGTH:
        errs.append(fe.too_long(path, manager, FIELD_MANAGER_MAX_LENGTH))
    pos = 0
    for ch in manager:
        if not ch.isprintable():
            errs.append(fe.invalid(path, manager, f"invalid character U+{ord(ch):04X} (at position {pos})"))
        pos += len(ch.encode())
    return errs


def validate_managed_fields(obj: dict) -> list[FieldError]:
    """ValidateManagedFields on metadata.managedFields of an object about to be stored."""
    entries = (obj.get("metadata") or {}).get("managedFields") or []
    errs: list[FieldError] = []
    for i, e in enumerate(entries if isinstance(entries, list) else []):
        path = f"metadata.managedFields[{i}]"
        e = e if isinstance(e, dict) else {}
        op = e.get("operation") or ""
        if op not in (APPLY, UPDATE):
            errs.append(fe.invalid(path + ".operation", op, "must be `Apply` or `Update`"))
        ftype = e.get("fieldsType") or ""
        if ftype and ftype != "FieldsV1":
            errs.append(fe.invalid(path + ".fieldsType", ftype, "must be `FieldsV1`"))
        errs += validate_field_manager(e.get("manager") or "", path + ".manager")
        sub = e.get("subresource") or ""
        if len(sub.encode()) > MAX_SUBRESOURCE_NAME_LENGTH:
            errs.append(fe.too_long(path + ".subresource", sub, MAX_SUBRESOURCE_NAME_LENGTH))
    return errs
