"""Checks the controllers' kinds share: selectors against template labels, replica counts,
rolling-update numbers, and Go's rendering of the values those errors show.
"""

from __future__ import annotations

import re
from typing import Any

from kubepy.api.errors import FieldError, GoValue, forbidden, invalid, not_supported, required
from kubepy.api.labels import SelectorError, from_label_selector, selector_from_set
from kubepy.api.validation.names import is_qualified_name, is_valid_label_value
from kubepy.api.validation.pod import nonnegative, validate_pod_template_spec

Obj = dict[str, Any]
SELECTOR_MISMATCH = "`selector` does not match template `labels`"
_PERCENT = re.compile(r"^[0-9]+%$")


# ---- Go renderings of values in field errors -------------------------------------------------
def _go_str(s: Any) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def go_string_map(m: Any) -> GoValue:
    """%#v of a map[string]string (keys sorted, as fmt prints maps)."""
    if m is None:
        return GoValue("map[string]string(nil)")
    return GoValue("map[string]string{" + ", ".join(f"{_go_str(k)}:{_go_str(m[k])}" for k in sorted(m)) + "}")


def go_label_selector(sel: Any) -> GoValue:
    """%#v of a *metav1.LabelSelector, as ValidateImmutableField and friends print it."""
    if sel is None:
        return GoValue("null")
    exprs = sel.get("matchExpressions")
    if exprs is None:
        ex = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = []
        for e in exprs:
            vals = e.get("values")
            vs = "[]string(nil)" if vals is None else "[]string{" + ", ".join(_go_str(v) for v in vals) + "}"
            parts.append(
                f"v1.LabelSelectorRequirement{{Key:{_go_str(e.get('key', ''))}, "
                f"Operator:{_go_str(e.get('operator', ''))}, Values:{vs}}}"
            )
        ex = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    return GoValue(
        f"v1.LabelSelector{{MatchLabels:{go_string_map(sel.get('matchLabels'))}, MatchExpressions:{ex}}}"
    )


def go_int_or_string(v: Any) -> GoValue:
    if isinstance(v, int):
        return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{v}, StrVal:""}}')
    return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{_go_str(v)}}}")


# ---- selectors -------------------------------------------------------------------------------
def validate_label_selector(sel: Any, path: str) -> list[FieldError]:
    """ValidateLabelSelector: operators, values per operator, keys and values as label rules."""
    if not isinstance(sel, dict):
        return []
    errs: list[FieldError] = []
    for i, e in enumerate(sel.get("matchExpressions") or []):
        p = f"{path}.matchExpressions[{i}]"
        op = e.get("operator") or ""
        values = e.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errs.append(required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    FieldError(
                        "Forbidden",
                        f"{p}.values",
                        detail="may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(invalid(f"{p}.operator", op, "not a valid selector operator"))
        errs += [invalid(f"{p}.key", e.get("key", ""), m) for m in is_qualified_name(e.get("key") or "")]
        for j, v in enumerate(values):
            errs += [invalid(f"{p}.values[{j}]", v, m) for m in is_valid_label_value(v)]
    for k, v in (sel.get("matchLabels") or {}).items():
        errs += [invalid(f"{path}.matchLabels", k, m) for m in is_qualified_name(k)]
        errs += [invalid(f"{path}.matchLabels", v, m) for m in is_valid_label_value(v)]
    return errs


def selector_matches(sel: Any, labels: Any) -> bool | None:
    """LabelSelectorAsSelector(sel).Matches(labels); None when the selector does not convert."""
    try:
        return from_label_selector(sel).matches(labels or {})
    except SelectorError:
        return None


def map_selector_matches(selector: dict | None, labels: Any) -> bool:
    return selector_from_set(selector or {}).matches(labels or {})


def template_labels_match(selector_ok: bool | None, template: Obj | None, path: str) -> list[FieldError]:
    if selector_ok is False:
        labels = ((template or {}).get("metadata") or {}).get("labels")
        return [invalid(f"{path}.metadata.labels", go_string_map(labels), SELECTOR_MISMATCH)]
    return []


# ---- controller templates --------------------------------------------------------------------
def validate_controller_template(
    template: Any, path: str, kind: str, restart: tuple[str, ...] = ("Always",)
) -> list[FieldError]:
    """The template's own validation, then the restart policy and deadline rules of a controller."""
    if template is None:
        return [required(path, "")]
    errs = validate_pod_template_spec(template, path)
    spec = template.get("spec") or {}
    policy = spec.get("restartPolicy") or ""
    if policy not in restart:
        errs.append(not_supported(f"{path}.spec.restartPolicy", policy, restart))
    deadline = spec.get("activeDeadlineSeconds")
    if restart == ("Always",) and deadline is not None:
        msg = f"activeDeadlineSeconds in {kind} is not Supported"
        p = f"{path}.spec.activeDeadlineSeconds"
        # StatefulSet reports it as Forbidden, the others as Invalid, as Kubernetes does.
        errs.append(forbidden(p, msg) if kind == "StatefulSet" else invalid(p, deadline, msg))
    return errs


def validate_apps_selector(spec: Obj, path: str, kind: str) -> tuple[list[FieldError], bool | None]:
    """selector required, valid and non-empty; returns also whether it matches the template."""
    sel = spec.get("selector")
    errs: list[FieldError] = []
    if sel is None:
        errs.append(required(f"{path}.selector", ""))
    else:
        errs += validate_label_selector(sel, f"{path}.selector")
        if not (sel.get("matchLabels") or sel.get("matchExpressions")):
            errs.append(
                invalid(f"{path}.selector", go_label_selector(sel), f"empty selector is invalid for {kind}")
            )
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if sel is None:
        return errs, False
    if not (sel.get("matchLabels") or sel.get("matchExpressions")):
        return errs, True
    ok = selector_matches(sel, labels)
    if ok is None:
        errs.append(invalid(f"{path}.selector", go_label_selector(sel), "invalid label selector"))
    return errs, ok


# ---- numbers ---------------------------------------------------------------------------------
def int_or_percent_value(v: Any) -> int:
    if isinstance(v, str) and _PERCENT.match(v):
        return int(v[:-1])
    return v if isinstance(v, int) else 0


def validate_positive_int_or_percent(v: Any, path: str) -> list[FieldError]:
    if v is None:
        return []
    if isinstance(v, str):
        if not _PERCENT.match(v):
            return [
                invalid(
                    path,
                    go_int_or_string(v),
                    "a valid percent string must be a numeric string followed by an ending '%' "
                    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                )
            ]
        return []
    return nonnegative(path, v)


def not_more_than_100_percent(v: Any, path: str) -> list[FieldError]:
    if isinstance(v, str) and _PERCENT.match(v) and int(v[:-1]) > 100:
        return [invalid(path, go_int_or_string(v), "must not be greater than 100%")]
    return []


def validate_optional_nonnegative(spec: Obj, path: str, *keys: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for k in keys:
        errs += nonnegative(f"{path}.{k}", spec.get(k))
    return errs
