"""Decode a request object against its schema, as Go's typed decoding would.

Kubernetes decodes JSON into Go structs: unknown fields vanish (reported under fieldValidation
Warn/Strict), a value of the wrong JSON type is a 400, and quantities come back in canonical form.
Doing the same walk over plain dicts keeps stored objects exactly as Kubernetes would store them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from kubepy._fast import structwalk
from kubepy.api.jsonkey import json_key
from kubepy.api.remember import Payoff
from kubepy.api.schema import Field, ListOf, MapOf, Prim, Raw, Struct, Type
from kubepy.util.fifo import put_bounded

_JSON_NAMES = {str: "string", bool: "bool", int: "number", float: "number", list: "array", dict: "object"}


@dataclass(slots=True)
class DecodeResult:
    unknown: list[str] = field(default_factory=list)  # dotted paths of dropped fields
    duplicates: list[str] = field(default_factory=list)
    type_error: str | None = None  # Go-style "json: cannot unmarshal ..." message


def _go_type(t: Type) -> str:
    if isinstance(t, Prim):
        if t.ref.endswith("Quantity"):
            return "resource.Quantity"
        if t.ref.endswith("IntOrString"):
            return "intstr.IntOrString"
        if t.ref.endswith(".Time") or t.ref.endswith("MicroTime"):
            return "v1.Time"
        return {"string": "string", "boolean": "bool", "number": "float64"}.get(
            t.type, "int64" if t.format == "int64" else "int32"
        )
    if isinstance(t, ListOf):
        return "[]" + _go_type(t.item)
    if isinstance(t, MapOf):
        return "map[string]" + _go_type(t.value)
    if isinstance(t, Struct):
        return t.name.rsplit(".", 1)[-1]
    return "interface {}"


class _TypeError(Exception):
    pass


def decode(obj: dict[str, Any], schema: Struct, normalize_quantity: Any = None) -> DecodeResult:
    """Prune unknown fields from `obj` in place and check JSON types; see DecodeResult."""
    res = DecodeResult()
    try:
        _kind_checker(schema, normalize_quantity)(obj)
        return res  # clean: nothing unknown, every type right (the common case)
    except _Bail:
        pass
    try:  # the full walk names every unknown field and the first type error
        _walk_struct(obj, schema, "", res, normalize_quantity, schema.name.rsplit(".", 1)[-1])
    except _TypeError as e:
        res.type_error = str(e)
    return res


#: Distinct quantity strings remembered per field type (requests and limits repeat a few values).
_QUANTITIES_CACHED = 1024


#: the fast check met something only the full walk reports: an unknown field, a wrong type
_Bail = structwalk.Bail


#: Fast checkers per (type, quantity normalizer), built once: schemas are immutable. Each entry
#: holds the type and the normalizer themselves so their ids are never reused while cached.
_CHECKERS: dict[tuple[int, int], tuple[Any, Any, Any]] = {}


def _checker(t: Type, nq: Any) -> Any:
    """A function that checks and normalizes a value of `t` in place as `_walk` does, without
    tracking paths; it raises _Bail where `_walk` would report anything. None = nothing to do.
    Only what the full walk would also do is done before a bail, so the walk can start over."""
    key = (id(t), id(nq))
    hit = _CHECKERS.get(key)
    if hit is not None and hit[0] is t and hit[1] is nq:
        return hit[2]
    if isinstance(t, Struct):
        subs: dict[str, Any] = {}
        fn = _struct_checker(subs)
        _CHECKERS[key] = (t, nq, fn)  # before the fields: a struct may contain itself
        for name, fd in t.fields.items():
            subs[name] = _checker(fd.type, nq)
        return fn
    if isinstance(t, ListOf):
        fn = _list_checker(_checker(t.item, nq), zero_of(t.item))
    elif isinstance(t, MapOf):
        fn = _map_checker(_checker(t.value, nq), zero_of(t.value))
    elif isinstance(t, Prim):
        fn = _scalar_checker(t, nq)
    else:
        fn = None
    _CHECKERS[key] = (t, nq, fn)
    return fn


_KIND_CHECKERS: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
_CHANGING = frozenset(("metadata", "status"))
#: distinct values remembered per top-level field of a kind
REMEMBERED_CHECKS = 2048


def _kind_checker(t: Struct, nq: Any) -> Any:
    """The checker of a kind, remembering its top-level structs but metadata and status (new in
    nearly every write): an update brings back the spec it read, and one template's objects share
    theirs."""
    key = (id(t), id(nq))
    hit = _KIND_CHECKERS.get(key)
    if hit is not None and hit[0] is t and hit[1] is nq:
        return hit[2]
    subs: dict[str, Any] = {}
    for name, fd in t.fields.items():
        sub = _checker(fd.type, nq)
        if sub is not None and name not in _CHANGING and _worth_remembering(fd.type):
            sub = _remembered_check(sub)
        subs[name] = sub
    fn = _struct_checker(subs)
    _KIND_CHECKERS[key] = (t, nq, fn)
    return fn


def _worth_remembering(t: Type) -> bool:
    """A top-level struct whose every field is a scalar (an Event's involvedObject and source)
    is checked or ordered in one pass over its keys, cheaper than encoding it to look it up."""
    return isinstance(t, Struct) and not all(isinstance(fd.type, Prim) for fd in t.fields.values())


def _remembered_check(check: Any) -> Any:
    """`check`, skipped for a value it passed before (the key is its JSON, so equal keys mean
    equal values): the value it returned then, as fresh containers, or the value itself when
    the check left it as it was. A bail is not remembered: the full walk reports it each time."""
    seen: dict[bytes, bytes | None] = {}
    payoff = Payoff()

    def run(value: Any) -> Any:
        if type(value) is not dict or payoff.skipping():
            return check(value)
        raw = json_key(value)
        if raw is None:
            return check(value)
        hit = raw in seen
        payoff.note(hit)
        if hit:
            out = seen[raw]
            return value if out is None else orjson.loads(out)
        result = check(value)
        done = json_key(result)
        if done is not None:
            put_bounded(seen, raw, None if done == raw else done, REMEMBERED_CHECKS)
        return result

    return run


def _struct_checker(subs: dict[str, Any]) -> Any:
    """A struct's checker: kubepy._fast's walk over its keys with its fields' checkers (`subs`
    is filled after this is made: a struct may contain itself)."""
    return structwalk.StructCheck(subs)


def _list_checker(item: Any, zero: Any) -> Any:
    def check(value: Any) -> Any:
        if type(value) is not list:
            raise _Bail
        if item is not None:
            for i, v in enumerate(value):
                if v is not None:
                    value[i] = item(v)
                elif zero is not _KEEP:
                    value[i] = zero
        return value

    return check


def _map_checker(item: Any, zero: Any) -> Any:
    def check(value: Any) -> Any:
        if type(value) is not dict:
            raise _Bail
        if item is not None:
            for k, v in value.items():
                if v is not None:
                    value[k] = item(v)
                elif zero is not _KEEP:
                    value[k] = zero
        return value

    return check


#: zero_of's answer for a type whose Go zero value is itself written as null (or is not a scalar)
_KEEP = object()


def zero_of(t: Type) -> Any:
    """What a null list item or map value of `t` decodes to: Go leaves the element at its type's
    zero value (a label `{"a": null}` is stored as "", a Quantity as 0). _KEEP where that zero
    value is written as null again (bytes, times) or is not a scalar."""
    if not isinstance(t, Prim):
        return _KEEP
    if t.ref.endswith("Quantity"):
        return "0"
    if t.ref.endswith("IntOrString"):
        return 0
    if t.ref or t.format == "byte":
        return _KEEP
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(t.type, _KEEP)


def _scalar_checker(t: Prim, nq: Any) -> Any:
    if t.ref.endswith("Quantity"):
        if nq is None:
            ok: tuple[type, ...] = (str, int, float)
        else:
            seen: dict[str, Any] = {}  # the canonical form of a quantity string, a pure function

            def quantity(value: Any) -> Any:
                if type(value) is str:
                    hit = seen.get(value)
                    if hit is not None:
                        return hit
                elif type(value) not in (int, float):
                    raise _Bail
                try:
                    out = nq(value)
                except ValueError:
                    raise _Bail from None
                if type(value) is str and len(seen) < _QUANTITIES_CACHED:
                    seen[value] = out
                return out

            return quantity
    elif t.ref.endswith("IntOrString"):
        ok = (str, int)
    elif t.type == "string":
        return _is_str
    else:
        ok = {"boolean": (bool,), "integer": (int,), "number": (int, float)}.get(t.type, ())
        if not ok:
            return None

    def scalar(value: Any) -> Any:
        if type(value) not in ok:
            raise _Bail
        return value

    return scalar


#: the checker of every string field (one function: the struct checker knows it by identity)
_is_str = structwalk.is_str


def _type_err(value: Any, t: Type, owner: str, path: str) -> _TypeError:
    got = _JSON_NAMES.get(type(value), "value")
    go_path = re.sub(r"\[\d+\]", "", path)  # Go names the field path without list indices
    return _TypeError(
        f"json: cannot unmarshal {got} into Go struct field {owner}.{go_path} of type {_go_type(t)}"
    )


def _walk(value: Any, t: Type, path: str, res: DecodeResult, nq: Any, owner: str) -> Any:
    if value is None:
        return None
    if isinstance(t, Raw):
        return value
    if isinstance(t, Struct):
        if not isinstance(value, dict):
            raise _type_err(value, t, owner, path)
        _walk_struct(value, t, path, res, nq, t.name.rsplit(".", 1)[-1] if path else owner)
        return value
    if isinstance(t, ListOf):
        if not isinstance(value, list):
            raise _type_err(value, t, owner, path)
        zero = zero_of(t.item)
        for i, item in enumerate(value):
            if item is None:
                if zero is not _KEEP:
                    value[i] = zero
                continue
            value[i] = _walk(item, t.item, f"{path}[{i}]", res, nq, owner)
        return value
    if isinstance(t, MapOf):
        if not isinstance(value, dict):
            raise _type_err(value, t, owner, path)
        zero = zero_of(t.value)
        for k in list(value):
            v = value[k]
            if v is None:
                if zero is not _KEEP:
                    value[k] = zero
                continue
            value[k] = _walk(
                v, t.value, f"{path}.{k}" if isinstance(t.value, Struct) else path, res, nq, owner
            )
        return value
    return _scalar(value, t, path, nq, owner)


def _scalar(value: Any, t: Prim, path: str, nq: Any, owner: str) -> Any:
    if t.ref.endswith("Quantity"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _type_err(value, t, owner, path)
        if nq is None:
            return value
        try:
            return nq(value)
        except ValueError as e:  # Kubernetes' Quantity unmarshal error, a 400 like a type error
            raise _TypeError(str(e)) from None
    if t.ref.endswith("IntOrString"):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise _type_err(value, t, owner, path)
        return value
    if t.type == "string":
        if not isinstance(value, str):
            raise _type_err(value, t, owner, path)
    elif t.type == "boolean":
        if not isinstance(value, bool):
            raise _type_err(value, t, owner, path)
    elif t.type == "integer":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_err(value, t, owner, path)
    elif t.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _type_err(value, t, owner, path)
    return value


def _walk_struct(obj: dict[str, Any], t: Struct, path: str, res: DecodeResult, nq: Any, owner: str) -> None:
    for key in list(obj):
        fd = t.fields.get(key)
        sub = f"{path}.{key}" if path else key
        if fd is None:
            res.unknown.append(sub)
            del obj[key]
            continue
        if obj[key] is None:  # a Go field decoded from null is its zero value: omitted
            del obj[key]
            continue
        obj[key] = _walk(obj[key], fd.type, sub, res, nq, owner)


def strict_message(unknown: list[str], duplicates: list[str] | None = None) -> str:
    """The 400 message of fieldValidation=Strict, as Kubernetes joins several errors."""
    errs = [f'unknown field "{p}"' for p in unknown] + [f'duplicate field "{p}"' for p in duplicates or []]
    return "strict decoding error: " + ", ".join(errs)


def canonical_order(
    obj: dict[str, Any], schema: Struct, *, to_encode: bool = False, shared: bool = False
) -> dict[str, Any]:
    """Reorder keys as Go would serialize the struct (kind, apiVersion, then field order), so
    `-o json` reads like Kubernetes' output; map keys are sorted as Go's encoder sorts them.

    `to_encode`: the result is only ever encoded (a create's object on its way to storage), so a
    remembered top-level struct (spec, status) comes as an `orjson.Fragment` of its known JSON,
    neither decoded again nor encoded again; the bytes orjson writes are the same.

    `shared`: the result may share with `obj` every container below its top level and metadata
    (both always new) that was in order already, instead of copying it: for an update, whose
    object is only compared and encoded from here on and mostly comes back as it was stored."""
    orderers = _kind_orderer(schema)
    return orderers[2](obj) if shared else orderers[to_encode](obj)


#: Fields where Go's omitempty and OpenAPI's `required` disagree, because a `+optional` or
#: `+required` marker overrides what the json tag implies (kube-openapi follows the marker, the JSON
#: encoder the tag): True = no omitempty (zero/empty kept although optional), False = omitempty
#: (zero dropped although required). Read from Kubernetes' types.go; belongs in Field one day.
_GO_OMITEMPTY_DIFFERS: dict[str, dict[str, bool]] = {
    "io.k8s.api.apps.v1.ControllerRevision": {"revision": True},
    "io.k8s.api.apps.v1.DaemonSetCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.DeploymentCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.ReplicaSetCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.StatefulSetCondition": {"type": True, "status": True},
    "io.k8s.api.apps.v1.StatefulSetOrdinals": {"start": True},
    "io.k8s.api.apps.v1.StatefulSetSpec": {"serviceName": True},
    "io.k8s.api.apps.v1.StatefulSetStatus": {"availableReplicas": True},
    "io.k8s.api.authentication.v1.TokenRequestSpec": {"audiences": True},
    "io.k8s.api.authentication.v1.TokenRequestStatus": {"token": True},
    "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern": {"status": True},
    "io.k8s.api.core.v1.ContainerImage": {"names": True},
    "io.k8s.api.core.v1.Event": {"reportingComponent": True, "reportingInstance": True},
    "io.k8s.api.core.v1.NodeRuntimeHandler": {"name": True},
    "io.k8s.api.core.v1.ProjectedVolumeSource": {"sources": True},
    "io.k8s.api.discovery.v1.EndpointSlice": {"endpoints": True, "ports": True},
    "io.k8s.api.core.v1.ContainerRestartRule": {"action": False},
    "io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes": {"operator": False},
    "io.k8s.api.core.v1.ImageVolumeStatus": {"imageRef": False},
    "io.k8s.api.core.v1.PodCertificateProjection": {"signerName": False, "keyType": False},
}


#: Go's zero value of a bool, number or string (True == 1 must not count as 1)
_is_zero = structwalk.is_zero


def _omitted(value: Any, fd: Field, keeps_zero: bool) -> bool:
    """Go's omitempty: an empty map or slice, or a bool/number/string at its zero value, is not
    serialized. A pointer field keeps an explicit zero (replicas: 0 is not unset); so does a field
    without omitempty (`keeps_zero`). Structs are never omitted, nor are Quantity, IntOrString and
    Time, which are structs in Go (a zero Quantity is "0", a zero IntOrString 0)."""
    if keeps_zero:
        return False
    t = fd.type
    if isinstance(t, (MapOf, ListOf)):
        return value in ({}, [])
    return isinstance(t, Prim) and not t.ref and not fd.pointer and _is_zero(value)


def _keeps_zero(t: Struct, name: str, fd: Field) -> bool:
    """The Go field has no omitempty: it is written even when zero or empty."""
    return _GO_OMITEMPTY_DIFFERS.get(t.name, {}).get(name, fd.required)


#: Orderers per type, built once (schemas are immutable); each entry holds its type so its id
#: is never reused while cached.
_ORDERERS: dict[int, tuple[Any, Any]] = {}
_KIND_ORDERERS: dict[int, tuple[Any, Any]] = {}
_HEAD = ("kind", "apiVersion")
#: distinct values remembered per top-level field of a kind
REMEMBERED_ORDERS = 256
#: ... and of its spec: once bound, a pod's spec names its node, so a template's pods have one
#: spec per node (1,000 in the end-to-end run), each ordered again on every status write
REMEMBERED_SPECS = 2048


def _kind_orderer(t: Struct) -> Any:
    """The orderer of a kind, remembering its top-level structs but metadata: a spec is written
    again unchanged by every status, label or heartbeat write of its object, and the objects of
    one template share theirs, while metadata differs in every object and every revision."""
    hit = _KIND_ORDERERS.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    # kind and apiVersion first, then the fields in order: one pass, no second dict to move them
    index = {"kind": -2, "apiVersion": -1} | {k: i for i, k in enumerate(t.fields) if k not in _HEAD}
    plan: dict[str, tuple[int, Any]] = {}
    encoding_plan: dict[str, tuple[int, Any]] = {}
    sharing_plan: dict[str, tuple[int, Any]] = {}
    for k, fd in t.fields.items():
        sub = enc_sub = _orderer(fd.type)
        shared_sub = _sharing_orderer(fd.type)
        if k == "metadata" and shared_sub is not None:  # new: an update writes resourceVersion into it
            shared_sub = _own_top(shared_sub)
        if sub is not None and k != "metadata" and _worth_remembering(fd.type):
            size = REMEMBERED_SPECS if k == "spec" else REMEMBERED_ORDERS
            sub, enc_sub, shared_sub = _remembered(sub, size, shared_sub)
        mode = _omit_mode(t, k, fd)
        plan[k] = (mode, sub)
        encoding_plan[k] = (mode, enc_sub)
        sharing_plan[k] = (mode, shared_sub)
    # the top level is always a new dict (its own, as the other modes give)
    orderers = (
        _struct_orderer(index, plan),
        _struct_orderer(index, encoding_plan),
        _struct_orderer(index, sharing_plan),
    )
    _KIND_ORDERERS[id(t)] = (t, orderers)
    return orderers


def _own_top(order: Any) -> Any:
    """`order` whose result is never the value itself (a dict's top level is copied)."""

    def run(value: Any) -> Any:
        out = order(value)
        return out.copy() if out is value and type(value) is dict else out

    return run


_UNSEEN = object()


def _remembered(order: Any, size: int = REMEMBERED_ORDERS, order_sharing: Any = None) -> tuple[Any, Any, Any]:
    """`order`, answered from the JSON of its last `size` results: equal JSON in (key
    order included) means an equal value, so an equal result, handed out as a fresh copy; its
    twin for a value only to be encoded, which hands out that JSON as an `orjson.Fragment`; and
    its twin for a result that may share containers with the value (`order_sharing`), which hands
    out the value itself when it was in order already. All three share what they remember: the
    result's JSON, or None when it is the value's own (a stored spec, in order already)."""
    seen: dict[bytes, bytes | None] = {}
    payoff, encode_payoff, sharing_payoff = Payoff(), Payoff(), Payoff()
    sharing = order if order_sharing is None else order_sharing

    def keep(key: bytes, out: Any) -> bytes:
        done = orjson.dumps(out)
        put_bounded(seen, key, None if done == key else done, size)
        return done

    def lookup(value: Any, payoff: Payoff) -> tuple[bytes | None, Any]:
        """`value`'s JSON (None: not worth a lookup) and what is remembered for it (_UNSEEN:
        nothing), the lookup noted on `payoff`."""
        key = json_key(value) if isinstance(value, dict) and not payoff.skipping() else None
        if key is None:
            return None, _UNSEEN
        done = seen.get(key, _UNSEEN)
        payoff.note(done is not _UNSEEN)
        return key, done

    def run(value: Any) -> Any:
        key, done = lookup(value, payoff)
        if key is None:
            return order(value)
        if done is not _UNSEEN:
            return orjson.loads(key if done is None else done)
        out = order(value)
        keep(key, out)
        return out

    def run_to_encode(value: Any) -> Any:
        key, done = lookup(value, encode_payoff)
        if key is None:
            return order(value)
        if done is _UNSEEN:
            done = keep(key, order(value))
        return orjson.Fragment(key if done is None else done)

    def run_sharing(value: Any) -> Any:
        key, done = lookup(value, sharing_payoff)
        if key is None:
            return sharing(value)
        if done is None:
            return value
        if done is not _UNSEEN:
            return orjson.loads(done)
        out = sharing(value)
        keep(key, out)
        return out

    return run, run_to_encode, run_sharing


def _orderer(t: Type | None) -> Any:
    """A function returning a value of `t` in Go's field order without Go's omitted fields, as
    new containers; None where the value is returned as it is."""
    hit = _ORDERERS.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    if isinstance(t, Struct):
        index = {k: i for i, k in enumerate(t.fields)}
        plan: dict[str, tuple[int, Any]] = {}
        fn = _struct_orderer(index, plan)
        _ORDERERS[id(t)] = (t, fn)  # before the fields: a struct may contain itself
        for k, fd in t.fields.items():
            plan[k] = (_omit_mode(t, k, fd), _orderer(fd.type))
        return fn
    if isinstance(t, ListOf):
        fn = _list_orderer(_orderer(t.item))
    elif isinstance(t, MapOf):
        fn = _map_orderer(_orderer(t.value))
    else:
        fn = None
    _ORDERERS[id(t)] = (t, fn)
    return fn


_SHARING_ORDERERS: dict[int, tuple[Any, Any]] = {}


def _sharing_orderer(t: Type | None) -> Any:
    """`_orderer(t)`'s twin for a result that may share containers with the value: a value in
    order (and everything in it) comes back as it is, and a copy is made only of the containers
    on the way to one that was not. The result's JSON is the same. None where the value is
    returned as it is."""
    hit = _SHARING_ORDERERS.get(id(t))
    if hit is not None and hit[0] is t:
        return hit[1]
    if isinstance(t, Struct):
        index = {k: i for i, k in enumerate(t.fields)}
        plan: dict[str, tuple[int, Any]] = {}
        fn = _struct_orderer(index, plan, sharing=True)
        _SHARING_ORDERERS[id(t)] = (t, fn)  # before the fields: a struct may contain itself
        for k, fd in t.fields.items():
            plan[k] = (_omit_mode(t, k, fd), _sharing_orderer(fd.type))
        return fn
    if isinstance(t, ListOf):
        item = _sharing_orderer(t.item)
        fn = None if item is None else _sharing_list_orderer(item)
    elif isinstance(t, MapOf):
        fn = _sharing_map_orderer(_sharing_orderer(t.value))
    else:
        fn = None
    _SHARING_ORDERERS[id(t)] = (t, fn)
    return fn


def _omit_mode(t: Struct, name: str, fd: Field) -> int:
    """How `_omitted` treats the field: 0 never omitted, 1 when an empty map or list, 2 when a
    Go zero value."""
    if _keeps_zero(t, name, fd):
        return 0
    if isinstance(fd.type, (MapOf, ListOf)):
        return 1
    return 2 if isinstance(fd.type, Prim) and not fd.type.ref and not fd.pointer else 0


def _struct_orderer(index: dict[str, int], plan: dict[str, tuple[int, Any]], sharing: bool = False) -> Any:
    """A struct's orderer: kubepy._fast's walk with its fields' positions and plan (omit mode and
    orderer per field; filled after this is made, a struct may contain itself), each distinct
    sequence of keys met laid out once; `sharing`: the value itself when it and what it holds
    are in order (see _sharing_orderer), its `plan` then holding sharing orderers."""
    return structwalk.StructOrder(index, plan, sharing, REMEMBERED_ORDERS)


def _list_orderer(item: Any) -> Any:
    if item is None:
        return lambda value: list(value) if isinstance(value, list) else value
    return lambda value: [item(v) for v in value] if isinstance(value, list) else value


def _map_orderer(item: Any) -> Any:
    if item is None:
        return lambda value: {k: value[k] for k in sorted(value)} if isinstance(value, dict) else value
    return lambda value: {k: item(value[k]) for k in sorted(value)} if isinstance(value, dict) else value


def _sharing_list_orderer(item: Any) -> Any:
    def order(value: Any) -> Any:
        if not isinstance(value, list):
            return value
        for i, v in enumerate(value):
            got = item(v)
            if got is not v:  # copied from here on
                out = value[:i]
                out.append(got)
                out += [item(x) for x in value[i + 1 :]]
                return out
        return value

    return order


def _sharing_map_orderer(item: Any) -> Any:
    def order(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        keys = sorted(value)
        out = value if keys == list(value) else {k: value[k] for k in keys}
        if item is not None:
            for k in keys:
                v = out[k]
                got = item(v)
                if got is not v:
                    if out is value:
                        out = value.copy()
                    out[k] = got
        return out

    return order
