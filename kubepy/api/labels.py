"""Label selectors (k8s.io/apimachinery pkg/labels and metav1.LabelSelectorAsSelector).

The public face of `kubepy._fast.selector`: the same objects, with Kubernetes' label key and value
rules from `kubepy.api.validation.names` bound in. Parse once, then match many:

    sel = parse_selector("app=web,tier in (fe,be),!canary")
    sel.matches(obj["metadata"].get("labels"))
    sel.select_indices([o["metadata"].get("labels") for o in objs])

`SelectorError` carries Kubernetes' message; the apiserver answers it as 400 BadRequest.
"""

from __future__ import annotations

from kubepy._fast import selector as _selector
from kubepy.api.validation.names import is_qualified_name, is_valid_label_value

IMPLEMENTATION: str = _selector.IMPLEMENTATION
OPERATORS = _selector.OPERATORS
Requirement = _selector.Requirement
Selector = _selector.Selector
SelectorError = _selector.SelectorError
everything = _selector.everything
nothing = _selector.nothing
selector_from_set = _selector.selector_from_set


def parse_selector(selector: str) -> Selector:
    """labels.Parse: `a=b,c!=d,e in (f,g),h notin (i),j,!k,l>1,m<2`; raises SelectorError."""
    return _selector.parse(selector, is_qualified_name, is_valid_label_value)


def from_label_selector(label_selector: dict | None) -> Selector:
    """metav1.LabelSelectorAsSelector: None matches nothing, an empty one everything."""
    return _selector.from_label_selector(label_selector, is_qualified_name, is_valid_label_value)


def new_requirement(key: str, operator: str, values: list[str] | None) -> Requirement:
    """labels.NewRequirement with an operator named as Kubernetes does (in, notin, =, ==, !=, exists, !, gt, lt)."""
    return _selector.new_requirement(key, operator, values, is_qualified_name, is_valid_label_value)


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
    "parse_selector",
    "selector_from_set",
]
