"""ObjectMeta validation shared by every kind (apimachinery api/validation/objectmeta.go)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubepy.api import errors as fe
from kubepy.api.errors import FieldError
from kubepy.api.validation.names import (
    TOTAL_ANNOTATION_SIZE,
    is_dns1123_label,
    is_qualified_name,
    is_valid_label_value,
)

NameRule = Callable[[str, bool], list[str]]


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if not labels:
        return errs
    for k, v in labels.items():
        errs += [fe.invalid(path, k, m) for m in is_qualified_name(k)]
        errs += [fe.invalid(path, v, m) for m in is_valid_label_value(v)]
    return errs


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if not annotations:
        return errs
    total = 0
    for k, v in annotations.items():
        errs += [fe.invalid(path, k, m) for m in is_qualified_name(k.lower())]
        total += len(k) + len(v)
    if total > TOTAL_ANNOTATION_SIZE:
        errs.append(fe.too_long(path, "", TOTAL_ANNOTATION_SIZE))
    return errs


def validate_owner_references(refs: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    controllers = []
    for i, ref in enumerate(refs or []):
        p = f"{path}[{i}]"
        if not ref.get("apiVersion"):
            errs.append(fe.invalid(f"{p}.apiVersion", ref.get("apiVersion", ""), "version must not be empty"))
        if not ref.get("kind"):
            errs.append(fe.invalid(f"{p}.kind", ref.get("kind", ""), "kind must not be empty"))
        if not ref.get("name"):
            errs.append(fe.invalid(f"{p}.name", ref.get("name", ""), "name must not be empty"))
        if not ref.get("uid"):
            errs.append(fe.invalid(f"{p}.uid", ref.get("uid", ""), "uid must not be empty"))
        if ref.get("controller"):
            controllers.append(f"{ref.get('kind')}/{ref.get('name')}")
    if len(controllers) > 1:
        errs.append(
            fe.invalid(
                path,
                refs,
                'Only one reference can have Controller set to true. Found "true" in references for '
                + " and ".join(controllers),
            )
        )
    return errs


def validate_finalizers(finalizers: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, f in enumerate(finalizers or []):
        for m in is_qualified_name(f):
            errs.append(fe.invalid(f"{path}[{i}]", f, m))
    return errs


#: Inputs already found valid (generateName per rule, namespaces, label sets): a create stream repeats
#: them, and the checks are pure. Only valid inputs are remembered; errors are always rebuilt.
_VALID: set[Any] = set()
_VALID_MAX = 4096


def _known_valid(key: Any, check: Callable[[], list[Any]]) -> list[Any]:
    """`check()`, skipped when `key` was valid before (unhashable keys are simply checked)."""
    try:
        if key in _VALID:
            return []
    except TypeError:
        return check()
    errs = check()
    if not errs:
        if len(_VALID) >= _VALID_MAX:
            _VALID.clear()
        _VALID.add(key)
    return errs


def validate_object_meta(meta: dict[str, Any], namespaced: bool, name_rule: NameRule) -> list[FieldError]:
    """ValidateObjectMeta: name or generateName, namespace scope, labels, annotations, owners.

    Every create comes here: what was valid before is looked up in place (no closure, no list
    built), and absent annotations, owners and finalizers cost nothing."""
    errs: list[FieldError] = []
    name = meta.get("name", "")
    gen = meta.get("generateName", "")
    if gen:
        key: Any = (name_rule, gen)
        if type(gen) is not str or key not in _VALID:
            msgs = _known_valid(key, lambda: name_rule(gen, True))
            errs += [fe.invalid("metadata.generateName", gen, m) for m in msgs]
    if not name:
        errs.append(fe.required("metadata.name", "name or generateName is required"))
    else:
        msgs = name_rule(name, False)
        if msgs:
            errs += [fe.invalid("metadata.name", name, m) for m in msgs]
    ns = meta.get("namespace", "")
    if namespaced:
        if not ns:
            errs.append(fe.required("metadata.namespace", ""))
        elif type(ns) is not str or ("ns", ns) not in _VALID:
            msgs = _known_valid(("ns", ns), lambda: is_dns1123_label(ns))
            errs += [fe.invalid("metadata.namespace", ns, m) for m in msgs]
    elif ns:
        errs.append(fe.forbidden("metadata.namespace", "not allowed on this type"))
    if meta.get("generation", 0) < 0:
        errs.append(
            fe.invalid("metadata.generation", meta["generation"], "must be greater than or equal to 0")
        )
    labels = meta.get("labels")
    if type(labels) is dict and labels:
        errs += _known_valid(("labels", *labels.items()), lambda: validate_labels(labels, "metadata.labels"))
    elif labels:
        errs += validate_labels(labels, "metadata.labels")
    annotations = meta.get("annotations")
    if annotations:
        errs += validate_annotations(annotations, "metadata.annotations")
    refs = meta.get("ownerReferences")
    if refs:
        errs += validate_owner_references(refs, "metadata.ownerReferences")
    finalizers = meta.get("finalizers")
    if finalizers:
        errs += validate_finalizers(finalizers, "metadata.finalizers")
    return errs


_IMMUTABLE = ("name", "namespace", "uid", "creationTimestamp")


def validate_object_meta_update(new: dict[str, Any], old: dict[str, Any]) -> list[FieldError]:
    """ValidateObjectMetaUpdate: identity fields never change; the rest validated as on create."""
    errs: list[FieldError] = []
    for key in _IMMUTABLE:
        if new.get(key) != old.get(key):
            errs.append(fe.invalid(f"metadata.{key}", new.get(key, ""), "field is immutable"))
    if old.get("deletionTimestamp") and new.get("deletionTimestamp") != old.get("deletionTimestamp"):
        errs.append(
            fe.invalid("metadata.deletionTimestamp", new.get("deletionTimestamp"), "field is immutable")
        )
    if new.get("generation", 0) < old.get("generation", 0):
        errs.append(fe.invalid("metadata.generation", new.get("generation"), "must not be decremented"))
    if old.get("deletionTimestamp"):
        added = set(new.get("finalizers") or []) - set(old.get("finalizers") or [])
        if added:
            errs.append(
                fe.forbidden(
                    "metadata.finalizers",
                    f"no new finalizers can be added if the object is being deleted, found new finalizers "
                    f"{sorted(added)!r}".replace("'", '"'),
                )
            )
    errs += validate_labels(new.get("labels"), "metadata.labels")
    errs += validate_annotations(new.get("annotations"), "metadata.annotations")
    errs += validate_owner_references(new.get("ownerReferences"), "metadata.ownerReferences")
    errs += validate_finalizers(new.get("finalizers"), "metadata.finalizers")
    return errs
