"""Decode struct walks facade: the compiled module when built, else the pure-Python twin.

`IMPLEMENTATION` says which one was loaded ("c" or "py"); kubepy.api.decode builds its struct
checkers and orderers from it.
"""

from __future__ import annotations

from kubepy._fast import load

_impl, IMPLEMENTATION = load("structwalk")

Bail = _impl.Bail
StructCheck = _impl.StructCheck
StructOrder = _impl.StructOrder
UNKNOWN = _impl.UNKNOWN
is_str = _impl.is_str
is_zero = _impl.is_zero

__all__ = ["IMPLEMENTATION", "UNKNOWN", "Bail", "StructCheck", "StructOrder", "is_str", "is_zero"]
