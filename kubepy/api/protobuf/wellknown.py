"""The messages Kubernetes gives its JSON scalars on the wire, and their JSON spellings.

Time and MicroTime travel as Timestamp {seconds=1, nanos=2} (Time drops the nanos, MicroTime keeps
microseconds), Duration as {duration=1} in nanoseconds, Quantity as {string=1}, IntOrString as
{type=1, intVal=2, strVal=3}. Each pair of functions here turns one JSON value into the message
payload and back; the payload of a zero Time is empty and reads back as JSON null, as Go prints it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from kubepy.api.protobuf import wire

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
TIME = META + "Time"
MICROTIME = META + "MicroTime"
DURATION = META + "Duration"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


# ---- Time / MicroTime ----------------------------------------------------------------------
def _parse_rfc3339(value: str) -> datetime:
    dt = datetime.fromisoformat(value.replace("z", "Z"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def encode_time(value: str, micro: bool) -> bytes:
    """Timestamp payload; Go writes both fields even when nanos is 0."""
    dt = _parse_rfc3339(value)
    delta = dt - _EPOCH
    seconds = delta // _SECOND
    nanos = (delta - seconds * _SECOND).microseconds * 1000 if micro else 0
    return wire.varint_field(1, seconds) + wire.varint_field(2, nanos)


def decode_time(payload: bytes, micro: bool) -> str | None:
    if not payload:
        return None
    seconds = nanos = 0
    for num, _, val in wire.iter_fields(payload):
        if num == 1:
            seconds = wire.to_signed(val)  # type: ignore[arg-type]
        elif num == 2:
            nanos = wire.to_signed(val, 32)  # type: ignore[arg-type]
    dt = _EPOCH + timedelta(seconds=seconds)
    if micro:
        dt += timedelta(microseconds=nanos // 1000)
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- Duration (Go's time.Duration string) --------------------------------------------------
_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_TERM = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str) -> int:
    """time.ParseDuration: "1h2m3.5s", "-300ms", "0" → nanoseconds."""
    s = text.strip()
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if s == "0":
        return 0
    if not s:
        raise ValueError(f"time: invalid duration {text!r}")
    pos, total = 0, 0
    while pos < len(s):
        m = _TERM.match(s, pos)
        if m is None:
            raise ValueError(f"time: invalid duration {text!r}")
        whole, _, frac = m.group(1).partition(".")
        unit = _UNITS[m.group(2)]
        total += int(whole or 0) * unit + (int(frac) * unit // 10 ** len(frac) if frac else 0)
        pos = m.end()
    return sign * total


def _frac(value: int, digits: int) -> str:
    """`value` as a decimal with `digits` fractional digits, trailing zeros (and dot) dropped."""
    whole, rest = divmod(value, 10**digits)
    tail = str(rest).rjust(digits, "0").rstrip("0")
    return f"{whole}.{tail}" if tail else str(whole)


def format_duration(nanos: int) -> str:
    """time.Duration.String(): "1h0m0s", "1m30s", "1.5s", "250ms", "0s"."""
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    n = abs(nanos)
    if n < 1_000:
        return f"{sign}{n}ns"
    if n < 1_000_000:
        return f"{sign}{_frac(n, 3)}µs"
    if n < 10**9:
        return f"{sign}{_frac(n, 6)}ms"
    hours, rem = divmod(n, 3600 * 10**9)
    minutes, rem = divmod(rem, 60 * 10**9)
    out = f"{_frac(rem, 9)}s"
    if hours or minutes:
        out = f"{minutes}m{out}"
    if hours:
        out = f"{hours}h{out}"
    return sign + out


def encode_duration(value: str) -> bytes:
    return wire.varint_field(1, parse_duration(value))


def decode_duration(payload: bytes) -> str:
    nanos = 0
    for num, _, val in wire.iter_fields(payload):
        if num == 1:
            nanos = wire.to_signed(val)  # type: ignore[arg-type]
    return format_duration(nanos)


# ---- Quantity / IntOrString ----------------------------------------------------------------
def encode_quantity(value: str | int | float) -> bytes:
    return wire.bytes_field(1, str(value).encode())


def decode_quantity(payload: bytes) -> str:
    out = ""
    for num, _, val in wire.iter_fields(payload):
        if num == 1 and isinstance(val, bytes):
            out = val.decode()
    return out


def encode_int_or_string(value: int | str) -> bytes:
    """All three fields always, as Go's generated marshaller writes them."""
    if isinstance(value, bool):
        raise TypeError("IntOrString cannot hold a boolean")
    if isinstance(value, int):
        return wire.varint_field(1, 0) + wire.varint_field(2, value) + wire.bytes_field(3, b"")
    return wire.varint_field(1, 1) + wire.varint_field(2, 0) + wire.bytes_field(3, str(value).encode())


def decode_int_or_string(payload: bytes) -> int | str:
    kind, ival, sval = 0, 0, ""
    for num, _, val in wire.iter_fields(payload):
        if num == 1:
            kind = wire.to_signed(val)  # type: ignore[arg-type]
        elif num == 2:
            ival = wire.to_signed(val, 32)  # type: ignore[arg-type]
        elif num == 3 and isinstance(val, bytes):
            sval = val.decode()
    return sval if kind == 1 else ival
