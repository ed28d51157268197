"""Label selector facade: the compiled module when built, else the pure-Python twin.

`IMPLEMENTATION` says which one was loaded ("c" or "py"). Everything below comes from that module;
import the public names from `kubepy.api.labels`, which binds Kubernetes' validation rules.
"""

from __future__ import annotations

from kubepy._fast import load

_impl, IMPLEMENTATION = load("selector")

OPERATORS: tuple[str, ...] = _impl.OPERATORS
Requirement = _impl.Requirement
Selector = _impl.Selector
SelectorError = _impl.SelectorError
everything = _impl.everything
from_label_selector = _impl.from_label_selector
new_requirement = _impl.new_requirement
nothing = _impl.nothing
parse = _impl.parse
parse_int64 = _impl.parse_int64
scan = _impl.scan
selector_from_set = _impl.selector_from_set

__all__ = [
    "IMPLEMENTATION",
    "OPERATORS",
    "Requirement",
    "Selector",
    "SelectorError",
    "everything",
    "from_label_selector",
    "new_requirement",
    "nothing",
    "parse",
    "parse_int64",
    "scan",
    "selector_from_set",
]
