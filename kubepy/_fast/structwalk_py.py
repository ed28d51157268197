"""The struct walks of api/decode.py: the fast check of a decoded object's keys against its
struct's fields (no paths tracked), and the struct's canonical order (Go's field order, Go's
omitted zero values left out).

This file is the pure-Python twin *and* the compiled module: `structwalk_c.py` is a symlink to it
and `structwalk_c.pxd` gives Cython the C types. It knows no schema: api/decode.py builds one
`StructCheck` and one `StructOrder` per struct with its fields' checkers and orderers (functions,
other struct walks, `is_str`, or None). Every write checks and orders its object (a pod's status,
an Event) this way; compiled, the walks cost about half.
"""

from __future__ import annotations

from typing import Any


class Bail(Exception):
    """The fast check met something only the full walk reports: an unknown field, a wrong type."""


def is_str(value: Any) -> Any:
    """The checker of every string field (one function: StructCheck knows it by identity)."""
    if type(value) is not str:
        raise Bail
    return value


#: a key the struct does not declare
UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN"})()
_UNKNOWN = UNKNOWN  # C-level names of the two markers in the compiled module
_IS_STR = is_str


class StructCheck:
    """Checks a struct's value in place (see `check_struct`) with its fields' checkers."""

    def __init__(self, subs: dict) -> None:
        #: field name -> checker; filled after this is made (a struct may contain itself)
        self.subs = subs

    def __call__(self, obj: Any) -> Any:
        return check_struct(self.subs, obj)


def check_struct(subs: dict, obj: Any) -> Any:
    """Every key of `obj` declared in `subs` (else Bail), nulls dropped (a Go field decoded from
    null is its zero value, omitted), each field's value checked by its checker (`is_str` for a
    string, None for nothing to check) and replaced by what that returns when it is another
    object. `obj` itself comes back."""
    if type(obj) is not dict:
        raise Bail
    d = obj  # a dict (typed so in the compiled module)
    nulls = None
    for key, v in d.items():
        sub = subs.get(key, _UNKNOWN)
        if sub is _UNKNOWN:
            raise Bail
        if v is None:
            if nulls is None:
                nulls = [key]
            else:
                nulls.append(key)
        elif sub is _IS_STR:  # most fields: checked here, not by a call
            if type(v) is not str:
                raise Bail
        elif sub is not None:
            out = sub(v)
            if out is not v:  # a value replaced, not a key added: the loop goes on
                d[key] = out
    if nulls is not None:
        for key in nulls:
            del d[key]
    return d


# ---- canonical order ---------------------------------------------------------------------------
def is_zero(value: Any) -> bool:
    """Go's zero value of a bool, number or string (True == 1 must not count as 1)."""
    return value is False or value == "" or (type(value) in (int, float) and value == 0)


class StructOrder:
    """A struct's orderer (api/decode.py's `_struct_orderer`): its fields in declaration order,
    Go's omitted zero values left out, each field's value ordered by its orderer. `index`: field
    name -> position; `plan`: field name -> (omit mode, orderer or None), filled after this is
    made; `sharing`: the value itself (not a copy) when it and what it holds were in order; up to
    `limit` key sequences remembered with their layout."""

    def __init__(self, index: dict, plan: dict, sharing: bool, limit: int) -> None:
        self.index = index
        self.plan = plan
        self.sharing = sharing
        self.limit = limit
        #: per sequence of keys met: the keys in field order, the fields with an orderer, the
        #: fields Go may omit, and whether the order is already right
        self.layouts: dict = {}

    def __call__(self, value: Any) -> Any:
        return order_struct(self, value)


def _layout(so: StructOrder, keys: tuple) -> tuple:
    index = so.index
    if index.keys() >= set(keys):
        ordered = tuple(sorted(keys, key=index.__getitem__))
    else:  # fields outside the schema (never after decode) keep their place at the end
        last = len(index)
        ordered = tuple(sorted(keys, key=lambda k: index.get(k, last)))
    plan = so.plan
    steps = [(k, plan.get(k, (0, None))) for k in ordered]
    subs = tuple((k, sub) for k, (_, sub) in steps if sub is not None)
    omittable = tuple(k for k, (mode, _) in steps if mode)
    found = (ordered, subs, omittable, ordered == keys)
    if len(so.layouts) < so.limit:
        so.layouts[keys] = found
    return found


def order_struct(so: StructOrder, value: Any) -> Any:
    """`value` in Go's order (see StructOrder); a value that is not a dict as it is."""
    if not isinstance(value, dict):
        return value
    d = value  # a dict (typed so in the compiled module)
    keys = tuple(d)
    found = so.layouts.get(keys)
    if found is None:
        found = _layout(so, keys)
    ordered, subs, omittable, same = found
    for k in omittable:
        if not d[k]:  # only a falsy value can be empty or zero: the long way
            return _ordered_omitting(so, d, ordered)
    if not so.sharing or not same:  # a new dict: its fields' values go in as ordered
        out = d.copy() if same else {k: d[k] for k in ordered}
        for k, sub in subs:
            out[k] = sub(out[k])
        return out
    out = d  # sharing, in order: copied only once a field's value comes back another
    for k, sub in subs:
        v = d[k]
        got = sub(v)
        if got is not v:
            if out is d:
                out = d.copy()
            out[k] = got
    return out


def _ordered_omitting(so: StructOrder, value: dict, ordered: tuple) -> dict:
    plan = so.plan
    out = {}
    for k in ordered:
        v = value[k]
        p = plan.get(k)
        if p is None:
            out[k] = v
            continue
        mode, sub = p
        if mode and not v:
            if v in ({}, []) if mode == 1 else is_zero(v):
                continue
        out[k] = v if sub is None else sub(v)
    return out
