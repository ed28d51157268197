"""Resource quantities ("500m", "128Mi", "1e3") parsed and printed exactly as Kubernetes does.

Mirrors k8s.io/apimachinery/pkg/api/resource: the value is exact (a Fraction), rounded up to
nano units and capped at 2^63-1 when it needs the slow path; the printed form is Quantity.String(),
which keeps the user's spelling when it already is canonical and otherwise recomputes it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT = f"quantities must match the regular expression '{SPLIT_RE}'"
ERR_SUFFIX = "unable to parse quantity's suffix"
ERR_NUMERIC = "unable to parse numeric value"

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

_DEC = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXP = {e: s for s, e in _DEC.items()}
_BIN_BY_EXP = {e: s for s, e in _BIN.items()}
_SUFFIX_CHARS = set("eEinumkKMGTP")
_DIGITS = set("0123456789")
_MAX = Fraction(2**63 - 1)
_NANO = Fraction(1, 10**9)
_MAX_INT64_FACTORS = 18


class Quantity(NamedTuple):
    """A parsed quantity: its exact value, its format, and the spelling kept when canonical."""

    value: Fraction
    format: str
    cached: str = ""

    def __str__(self) -> str:
        return self.cached or format_quantity(self.value, self.format)


def _split(s: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, numerator, denominator, suffix)."""
    positive, pos, end = True, 0, len(s)
    if s and s[0] in "+-":
        positive = s[0] != "-"
        pos = 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, s, "0", "", ""
    start = pos
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    num = s[start:pos] or "0"
    denom = ""
    if pos < end and s[pos] == ".":
        pos += 1
        start = pos
        while pos < end and s[pos] in _DIGITS:
            pos += 1
        denom = s[start:pos]
    value = s[:pos]
    suffix_start = pos
    while pos < end and s[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and s[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise ValueError(ERR_FORMAT)
    return positive, value, num, denom, s[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, str]:
    """(base, exponent, format) of a suffix, as quantitySuffixer.interpret."""
    if suffix in _DEC:
        return 10, _DEC[suffix], DECIMAL_SI
    if suffix in _BIN:
        return 2, _BIN[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exp = suffix[1:]
        body = exp[1:] if exp[0] in "+-" else exp
        if body and set(body) <= _DIGITS:
            return 10, int(exp), DECIMAL_EXPONENT
    raise ValueError(ERR_SUFFIX)


def _text(v: str | int | float) -> str:
    if isinstance(v, bool):
        raise ValueError(ERR_FORMAT)
    if isinstance(v, (int, float)):
        return repr(v)
    return v.strip()


def quantity(v: str | int | float) -> Quantity:
    """resource.ParseQuantity (after the JSON decoder's trimming); raises ValueError."""
    s = _text(v)
    if not s:
        raise ValueError(ERR_FORMAT)
    if s == "0":
        return Quantity(Fraction(0), DECIMAL_SI, "0")
    positive, value, num, denom, suffix = _split(s)
    base, exponent, fmt = _interpret(suffix)
    fast = _fast(s, positive, num, denom, base, exponent, fmt)
    if fast is not None:
        return fast
    return _slow(value, base, exponent, fmt)


def _fast(
    s: str, positive: bool, num: str, denom: str, base: int, exponent: int, fmt: str
) -> Quantity | None:
    """The int64 path: exact, uncapped, and keeps `s` when it is already canonical."""
    mantissa = 1
    if fmt == BINARY_SI:
        if denom:
            return None
        mantissa = 1 << exponent
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        scale = 0
    else:
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
        scale = exponent
    if precision < 0:
        return None
    scale -= len(denom)
    if scale < -9:
        return None
    shifted = num + denom
    n = int(shifted)
    result = n * mantissa
    if result > 2**63 - 1:
        return None
    if not positive:
        result = -result
    val = Fraction(result) * Fraction(10) ** scale
    if fmt == BINARY_SI:
        keep = exponent % 10 == 0 and n & 7 != 0
    else:
        keep = scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"
    return Quantity(val, fmt, s if keep else "")


def _slow(value: str, base: int, exponent: int, fmt: str) -> Quantity:
    """The arbitrary-precision path: rounded up to nano units and capped at 2^63-1."""
    try:
        amount = Fraction(value) if value not in ("", "+", "-", ".") else Fraction(0)
    except ValueError as e:
        raise ValueError(ERR_NUMERIC) from e
    amount *= Fraction(10) ** exponent if base == 10 else 2**exponent
    negative = amount < 0
    amount = abs(amount)
    if amount:
        amount = Fraction(-(-amount // _NANO)) * _NANO
    amount = min(amount, _MAX)
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI
    return Quantity(-amount if negative else amount, fmt)


def parse_quantity(v: str | int | float) -> Fraction:
    """The exact value of a quantity; ValueError with Kubernetes' message when malformed."""
    return quantity(v).value


def canonical(v: str | int | float) -> str:
    """What the server stores and returns for a quantity as written (Quantity.String())."""
    return str(quantity(v))


def _remove_factors(n: int, base: int) -> tuple[int, int]:
    times, neg, n = 0, n < 0, abs(n)
    while n >= base and n % base == 0:
        n //= base
        times += 1
    return (-n if neg else n), times


def _decimal_parts(value: Fraction) -> tuple[int, int]:
    """(mantissa, exponent) with exponent a multiple of 3 and no spare trailing zeros."""
    exp = 0
    num, den = value.numerator, value.denominator
    while den != 1:  # values are multiples of 10^-9 or finer powers of ten
        num *= 10
        exp -= 1
        g = Fraction(num, den)
        num, den = g.numerator, g.denominator
    num, times = _remove_factors(num, 10)
    exp += times
    while exp % 3:
        num *= 10
        exp -= 1
    return num, exp


def format_quantity(value: Fraction, fmt: str = DECIMAL_SI) -> str:
    """Quantity.CanonicalizeBytes: "500m", "128Mi", "1k", "1e3", "0"."""
    if value == 0:
        return "0"
    if fmt == BINARY_SI and (-1024 < value < 1024 or value.denominator != 1):
        fmt = DECIMAL_SI
    if fmt == BINARY_SI:
        n, times = _remove_factors(int(value), 1024)
        return f"{n}{_BIN_BY_EXP.get(times * 10, '')}"
    n, exp = _decimal_parts(value)
    if fmt == DECIMAL_EXPONENT:
        return f"{n}e{exp}" if exp else str(n)
    return f"{n}{_DEC_BY_EXP.get(exp, '')}"


def compare(a: str | int | float, b: str | int | float) -> int:
    """-1, 0 or 1 as Quantity.Cmp."""
    x, y = parse_quantity(a), parse_quantity(b)
    return (x > y) - (x < y)


def _ceil(x: Fraction) -> int:
    return -(-x.numerator // x.denominator)


def value(v: str | int | float) -> int:
    """Quantity.Value(): whole units, rounded up."""
    return _ceil(parse_quantity(v))


def milli_value(v: str | int | float) -> int:
    """Quantity.MilliValue(): thousandths, rounded up."""
    return _ceil(parse_quantity(v) * 1000)


def is_valid(v: object) -> bool:
    try:
        quantity(v)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError):
        return False
    return True
