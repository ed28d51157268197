"""Go's renderings of bad values in apimachinery error messages, so our wording matches byte for byte.

Plain Python (not compiled): only error paths use it.
"""

from __future__ import annotations

_NAMED_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str) -> str:
    """Go's %q: printable characters as they are, the rest escaped, in double quotes."""
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ch in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[ch])
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def go_string_slice(values: list[str] | None) -> str:
    """%#v of a []string: `[]string(nil)` or `[]string{"a", "b"}`."""
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(go_quote(v) for v in values) + "}"


def field_invalid(path: str, bad: str, detail: str) -> str:
    """field.Invalid(path, value, detail).Error(), `bad` already rendered (see go_quote)."""
    return f"{path}: Invalid value: {bad}: {detail}"


def aggregate(errs: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message, or `[a, b]` without repeats."""
    seen = list(dict.fromkeys(errs))
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"
