"""How Go sees our JSON values: `%v`/`%s` text, reflect type names and interface equality.

Kubernetes' patch errors embed values printed by Go's fmt (`map[a:1 b:[x y]]`), and its list merging
compares `interface{}` values, where int64(1) and float64(1) differ. Reproducing both lets our
messages and merge results match the real apiserver byte for byte.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from kubepy.api.jsoncopy import json_copy


def go_type(v: Any) -> str:
    """reflect.TypeOf(v).String() for a decoded JSON value, as `%s` prints it."""
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    return "%!s(<nil>)"


def json_kind(v: Any) -> str:
    """The JSON type name encoding/json puts in "cannot unmarshal X into ..."."""
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "array"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    return "null"


def go_float(f: float) -> str:
    """fmt's %v of a float64: shortest digits, exponent form when the exponent is < -4 or >= 6."""
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if math.isnan(f):
        return "NaN"
    sign, digit_tuple, exp = Decimal(repr(f)).as_tuple()
    digits = "".join(map(str, digit_tuple))
    dp = len(digits) + int(exp)  # value = 0.<digits> * 10**dp
    digits = digits.rstrip("0") or "0"
    prefix = "-" if sign else ""
    x = dp - 1
    if x < -4 or x >= 6:
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{prefix}{mant}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if dp <= 0:
        return f"{prefix}0.{'0' * -dp}{digits}"
    if dp >= len(digits):
        return prefix + digits + "0" * (dp - len(digits))
    return f"{prefix}{digits[:dp]}.{digits[dp:]}"


def _bad_verb(verb: str, v: Any) -> str:
    if v is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type(v)}={go_fmt(v)})"


def go_fmt(v: Any, verb: str = "v") -> str:
    """fmt.Sprintf("%v", v) — or "%s", which flags non-strings as %!s(type=value) like Go does."""
    if isinstance(v, dict):
        inner = " ".join(f"{go_fmt(k, verb)}:{go_fmt(v[k], verb)}" for k in sorted(v))
        return f"map[{inner}]"
    if isinstance(v, list):
        return "[" + " ".join(go_fmt(x, verb) for x in v) + "]"
    if isinstance(v, str):
        return v
    if verb == "s":
        return _bad_verb("s", v)
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return go_float(v)
    return str(v)


def go_equal(a: Any, b: Any) -> bool:
    """`a == b` on two interface{} values: same dynamic type and same value (1 != 1.0, 1 != true)."""
    return type(a) is type(b) and a == b


def hash_key(v: Any) -> Any:
    """A dict key that keeps Go's interface identity (type and value) for scalars."""
    if isinstance(v, (dict, list)):
        return ("unhashable", repr(v))
    return (type(v).__name__, v)


def go_quote(s: str) -> str:
    """strconv.Quote for the printable strings that appear in patch paths."""
    out = ['"']
    for ch in s:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


#: Deep copy of a decoded JSON tree (scalars shared): one implementation for the patch libraries too.
copy_tree = json_copy
