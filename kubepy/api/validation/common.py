"""Small field checks several kinds share: label maps, config keys, immutability, ports.

Each returns FieldErrors with the path and message Kubernetes uses for the same check.
"""

from __future__ import annotations

import re
from typing import Any

from kubepy.api import quantity as q
from kubepy.api.errors import FieldError, GoValue, forbidden, invalid
from kubepy.api.validation.names import (
    is_dns1123_label,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    max_len_error,
    regex_error,
)

FIELD_IMMUTABLE = "field is immutable"
CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_config_key = re.compile(f"^{CONFIG_KEY_FMT}$")


def validate_label_name(path: str, name: str) -> list[FieldError]:
    """unversionedvalidation.ValidateLabelName."""
    return [invalid(path, name, m) for m in is_qualified_name(name)]


def validate_dns1123_label(path: str, value: str) -> list[FieldError]:
    return [invalid(path, value, m) for m in is_dns1123_label(value)]


def is_config_key(key: str) -> list[str]:
    """validation.IsConfigMapKey: keys of Secret and ConfigMap data (they become file names)."""
    errs = []
    if len(key) > 253:
        errs.append(max_len_error(253))
    if not _config_key.match(key):
        errs.append(
            regex_error(
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                CONFIG_KEY_FMT,
                "key.name",
                "KEY_NAME",
                "key-name",
            )
        )
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def validate_port_num_or_name(path: str, port: Any) -> list[FieldError]:
    """ValidatePortNumOrName for an IntOrString: numbers in range, strings as IANA names."""
    if isinstance(port, int) and not isinstance(port, bool):
        return [invalid(path, port, m) for m in is_valid_port_num(port)]
    return [invalid(path, port, m) for m in is_valid_port_name(str(port))]


def immutable(path: str, new: Any, old: Any) -> list[FieldError]:
    """ValidateImmutableField: the new value is reported."""
    return [] if new == old else [invalid(path, _go_printable(new), FIELD_IMMUTABLE)]


def immutable_when_set(new: dict, old: dict, fields: tuple[str, ...]) -> list[FieldError]:
    """Secret/ConfigMap `immutable: true`: the flag and the data may no longer change."""
    if old.get("immutable") is not True:
        return []
    msg = "field is immutable when `immutable` is set"
    errs = []
    if new.get("immutable") is not True:
        errs.append(forbidden("immutable", msg))
    for name in fields:
        if (new.get(name) or {}) != (old.get(name) or {}):
            errs.append(forbidden(name, msg))
    return errs


def _go_printable(v: Any) -> Any:
    return "" if v is None else v


# ---- quantities as Go prints them -----------------------------------------------------------
def go_quantity(text: Any) -> GoValue:
    """%#v of a resource.Quantity value, which is what field errors show for one.

    Only the fast-path (int64) representation is reproducible; the rest prints a nil pointer.
    """
    s = q._text(text)
    fmt_ = q.DECIMAL_SI
    try:
        positive, _, num, denom, suffix = q._split(s)
        _, exponent, fmt_ = q._interpret(suffix)
    except (ValueError, KeyError):
        return _go_quantity_struct(0, 0, "", fmt_)
    if fmt_ == q.BINARY_SI:
        if exponent >= 0 and not denom:
            mantissa, scale, precision = 1 << exponent, 0, 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            mantissa, scale, precision = 1, 0, -1
    else:
        mantissa, scale, precision = 1, exponent, 18 - (len(num) + len(denom))
    if precision >= 0:
        scale -= len(denom)
        if scale >= -9:
            shifted = num + denom
            value = int(shifted)
            result = value * mantissa
            if result < 2**63:
                if not positive:
                    result = -result
                cached = ""
                if fmt_ == q.BINARY_SI:
                    if exponent % 10 == 0 and value & 0x07:
                        cached = s
                elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                    cached = s
                return _go_quantity_struct(result, scale, cached, fmt_)
    return GoValue(
        "resource.Quantity{i:resource.int64Amount{value:0, scale:0}, d:resource.infDecAmount"
        f'{{Dec:(*inf.Dec)(nil)}}, s:"", Format:"{fmt_}"}}'
    )


def _go_quantity_struct(value: int, scale: int, cached: str, fmt_: str) -> GoValue:
    return GoValue(
        f"resource.Quantity{{i:resource.int64Amount{{value:{value}, scale:{scale}}}, "
        f'd:resource.infDecAmount{{Dec:(*inf.Dec)(nil)}}, s:"{cached}", Format:"{fmt_}"}}'
    )
