"""Cron schedules as the CronJob controller reads them (robfig/cron ParseStandard), with the
error texts that library produces, since Kubernetes shows them verbatim."""

from __future__ import annotations

import re

_BOUNDS = {
    "minute": (0, 59, None),
    "hour": (0, 23, None),
    "dom": (1, 31, None),
    "month": (
        1,
        12,
        {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    ),
    "dow": (0, 6, {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}),
}
_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_GO_DURATION = re.compile(
    r"^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*$"
)


def _atoi(expr: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", expr):
        raise ValueError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    num = int(expr)
    if num < 0:
        raise ValueError(f"negative number ({num}) not allowed: {expr}")
    return num


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names and expr.lower() in names:
        return names[expr.lower()]
    return _atoi(expr)


def _range(expr: str, lo: int, hi: int, names: dict[str, int] | None) -> None:
    range_step = expr.split("/")
    low_high = range_step[0].split("-")
    if low_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start = _int_or_name(low_high[0], names)
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = _int_or_name(low_high[1], names)
        else:
            raise ValueError(f"too many hyphens: {expr}")
    if len(range_step) == 1:
        step = 1
    elif len(range_step) == 2:
        step = _atoi(range_step[1])
        if len(low_high) == 1:
            end = hi
    else:
        raise ValueError(f"too many slashes: {expr}")
    if start < lo:
        raise ValueError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise ValueError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ValueError(f"step of range should be a positive number: {expr}")


def parse_error(spec: str) -> str | None:
    """None for a valid five-field (or @descriptor) schedule, else the parser's message."""
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        i = spec.find(" ")
        spec = spec[i:].strip() if i >= 0 else ""
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            text = spec[len("@every ") :]
            if _GO_DURATION.match(text) or text == "0":
                return None
            return f'failed to parse duration {spec}: time: invalid duration "{text}"'
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    try:
        for text, (lo, hi, names) in zip(fields, _BOUNDS.values(), strict=True):
            for expr in (e for e in text.split(",") if e):
                _range(expr, lo, hi, names)
    except ValueError as e:
        return str(e)
    return None
