"""Schema-driven protobuf messages: a declaration's Struct is the message, Field.proto the number.

The mapping is Kubernetes' (gogo-generated, proto2):

* Struct → embedded message; ListOf → one field per element, never packed (proto2's default,
  which the generated marshallers follow; the decoder also accepts packed numbers);
* MapOf → one entry message {key=1, value=2} per key, keys sorted as Go's marshaller sorts them;
  a map of lists (UserInfo.extra) wraps each list in a message {items=1}, like ExtraValue;
* Raw (RawExtension, FieldsV1) → {raw=1} holding the JSON bytes; the well-known scalars
  (Time, MicroTime, Duration, Quantity, IntOrString) → their messages (see wellknown.py);
* format "byte" strings are base64 in JSON and plain bytes on the wire; doubles are fixed64;
* fields of an embedded Go struct, inlined in JSON (Volume's VolumeSource), travel inside that
  struct's own message, numbered by `Field.embed`.

Fields declared with proto 0 have no wire number: apiVersion/kind of top-level kinds belong to the
envelope's TypeMeta; any other is a declaration gap (`unnumbered_fields`), and rather than lose
data silently, encoding a value there and decoding a number the struct does not know both fail.

Decoding drops scalar fields that arrive with their zero value ("", 0, false): Go writes every
non-pointer field, set or not, and its JSON leaves them out (omitempty), so dropping them gives the
dict a JSON client would have sent. A field declared `pointer` keeps an explicit zero
(replicas: 0); map values and list items always keep theirs.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from kubepy.api.protobuf import wellknown as wk
from kubepy.api.protobuf import wire
from kubepy.api.resources.meta import ListMeta
from kubepy.api.schema import Field, ListOf, MapOf, Prim, Raw, Struct, Type, list_of

Obj = dict[str, Any]


class ProtobufError(ValueError):
    """A value that does not fit its declared type, or bytes that do not fit the message."""


# ---- per-struct plans ----------------------------------------------------------------------
def embed_number(fd: Field) -> int:
    """Number of the embedded Go struct an inlined field travels in (Volume's volumeSource=2,
    Probe's handler=1...); 0 for a field of the struct itself. Read from `Field.embed` once the
    declarations carry it."""
    return getattr(fd, "embed", 0)


def is_pointer(fd: Field) -> bool:
    """The Go field is a pointer, so an explicit zero on the wire is a value (`Field.pointer`)."""
    return getattr(fd, "pointer", False)


@dataclass(frozen=True, slots=True)
class _Plan:
    #: (number, field name or "", field, embedded message) in field-number order
    ordered: tuple[tuple[int, str, Field | None, Struct | None], ...]
    by_number: dict[int, tuple[str, Field] | Struct]
    #: declared fields with no wire number (besides apiVersion/kind): data the wire cannot carry
    gaps: frozenset[str]


_PLANS: dict[int, tuple[Struct, _Plan]] = {}


def _plan(t: Struct) -> _Plan:
    hit = _PLANS.get(id(t))
    if hit is None or hit[0] is not t:
        hit = _PLANS[id(t)] = (t, _make_plan(t))
    return hit[1]


def _make_plan(t: Struct) -> _Plan:
    own: list[tuple[int, str, Field | None, Struct | None]] = []
    embedded: dict[int, dict[str, Field]] = {}
    gaps: set[str] = set()
    for name, fd in t.fields.items():
        if not fd.proto:
            if name not in ("apiVersion", "kind"):
                gaps.add(name)
        elif n := embed_number(fd):
            embedded.setdefault(n, {})[name] = Field(
                fd.type, required=fd.required, proto=fd.proto, pointer=fd.pointer
            )
        else:
            own.append((fd.proto, name, fd, None))
    for n, fields in embedded.items():
        own.append((n, "", None, Struct(f"{t.name}#{n}", "", fields)))
    own.sort(key=lambda e: e[0])
    by_number: dict[int, tuple[str, Field] | Struct] = {
        n: (emb if emb is not None else (name, fd))
        for n, name, fd, emb in own  # type: ignore[misc]
    }
    return _Plan(tuple(own), by_number, frozenset(gaps))


def unnumbered_fields(root: Struct) -> list[str]:
    """`Definition.field` for every declared field without a protobuf number (apiVersion/kind
    excepted), reachable from `root`: what the wire cannot carry until the declaration says."""
    out: list[str] = []
    seen: set[int] = set()
    stack: list[Type] = [root]
    while stack:
        t = stack.pop()
        if isinstance(t, ListOf | MapOf):
            stack.append(t.item if isinstance(t, ListOf) else t.value)
            continue
        if not isinstance(t, Struct) or id(t) in seen:
            continue
        seen.add(id(t))
        out += [f"{t.name}.{name}" for name in sorted(_plan(t).gaps)]
        stack.extend(fd.type for fd in t.fields.values())
    return out


# ---- lists ---------------------------------------------------------------------------------
_LISTS: dict[int, tuple[Struct, Struct]] = {}


def list_struct(item: Struct) -> Struct:
    """The <Kind>List message every group declares the same way: metadata=1, items=2."""
    hit = _LISTS.get(id(item))
    if hit is None or hit[0] is not item:
        fields = {
            "metadata": Field(ListMeta, proto=1),
            "items": Field(list_of(item), proto=2),
        }
        gvk = (item.gvk[0], item.gvk[1], item.gvk[2] + "List") if item.gvk else None
        hit = _LISTS[id(item)] = (item, Struct(item.name + "List", "", fields, gvk=gvk))
    return hit[1]


# ---- encoding ------------------------------------------------------------------------------
def encode_message(t: Struct, obj: Mapping[str, Any]) -> bytes:
    """`obj` (a JSON-shaped dict) as the message `t`; None values are absent fields."""
    if not isinstance(obj, Mapping):
        raise ProtobufError(f"{t.name}: expected an object, got {type(obj).__name__}")
    plan = _plan(t)
    if plan.gaps:
        lost = sorted(k for k in plan.gaps if obj.get(k) is not None)
        if lost:
            raise ProtobufError(f"{t.name}: no protobuf number is declared for {', '.join(lost)}")
    out = bytearray()
    for num, name, fd, emb in plan.ordered:
        if emb is not None:
            inner = encode_message(emb, obj)
            if inner:
                out += wire.bytes_field(num, inner)
            continue
        v = obj.get(name)
        if v is not None:
            out += _encode_field(num, fd.type, v, name)  # type: ignore[union-attr]
        elif name in obj and _is_time(fd.type):  # type: ignore[union-attr]
            out += wire.bytes_field(num, b"")  # a null Time: Go's zero Time, an empty message
    return bytes(out)


def _is_time(t: Type) -> bool:
    return isinstance(t, Prim) and t.ref in (wk.TIME, wk.MICROTIME)


def _encode_field(num: int, t: Type, v: Any, path: str) -> bytes:
    if isinstance(t, ListOf):
        if not isinstance(v, list):
            raise ProtobufError(f"{path}: expected a list")
        return b"".join(_encode_single(num, t.item, x, path) for x in v if x is not None)
    if isinstance(t, MapOf):
        if not isinstance(v, Mapping):
            raise ProtobufError(f"{path}: expected an object")
        return b"".join(wire.bytes_field(num, _map_entry(t.value, k, v[k], path)) for k in sorted(v))
    return _encode_single(num, t, v, path)


def _map_entry(t: Type, key: str, value: Any, path: str) -> bytes:
    entry = wire.bytes_field(1, str(key).encode())
    if value is None or (isinstance(t, Prim) and t.format == "byte" and not value):
        return entry  # Go writes no value for a nil []byte
    return entry + _encode_single(2, t, value, f"{path}[{key}]")


def _encode_single(num: int, t: Type, v: Any, path: str) -> bytes:
    if isinstance(t, Struct):
        return wire.bytes_field(num, encode_message(t, v))
    if isinstance(t, Prim):
        return _encode_prim(num, t, v, path)
    if isinstance(t, Raw):
        return wire.bytes_field(num, wire.bytes_field(1, orjson.dumps(v)))
    if isinstance(t, ListOf):  # a list inside a map or list: wrapped as {items=1}
        return wire.bytes_field(num, _encode_field(1, t, v, path))
    raise ProtobufError(f"{path}: a map cannot be nested here")


def _encode_prim(num: int, t: Prim, v: Any, path: str) -> bytes:
    try:
        if t.ref:
            return wire.bytes_field(num, _encode_wellknown(t.ref, v))
        if t.type == "string":
            if not isinstance(v, str):
                raise TypeError("expected a string")
            return wire.bytes_field(
                num, base64.b64decode(v, validate=True) if t.format == "byte" else v.encode()
            )
        if t.type == "integer":
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError("expected an integer")
            return wire.varint_field(num, v)
        if t.type == "boolean":
            if not isinstance(v, bool):
                raise TypeError("expected a boolean")
            return wire.varint_field(num, int(v))
        if t.type == "number":
            return wire.double_field(num, float(v))
    except (TypeError, ValueError) as e:
        raise ProtobufError(f"{path}: {e}") from None
    raise ProtobufError(f"{path}: no wire form for {t.type}")


def _encode_wellknown(ref: str, v: Any) -> bytes:
    if ref in (wk.TIME, wk.MICROTIME):
        return wk.encode_time(v, micro=ref == wk.MICROTIME)
    if ref == wk.QUANTITY:
        return wk.encode_quantity(v)
    if ref == wk.INT_OR_STRING:
        return wk.encode_int_or_string(v)
    if ref == wk.DURATION:
        return wk.encode_duration(v)
    raise ProtobufError(f"no wire form for {ref}")


# ---- decoding ------------------------------------------------------------------------------
def decode_message(t: Struct, data: bytes) -> Obj:
    """The JSON-shaped dict a client would have sent for the message bytes `data`."""
    plan = _plan(t)
    out: Obj = {}
    for num, wt, val in wire.iter_fields(data):
        hit = plan.by_number.get(num)
        if hit is None:
            if plan.gaps:
                raise ProtobufError(
                    f"{t.name}: field {num} may belong to {', '.join(sorted(plan.gaps))}, "
                    "which the declaration gives no protobuf number"
                )
            continue  # a field this version does not know: Go's decoder skips it too
        if isinstance(hit, Struct):
            if not isinstance(val, bytes):
                raise ProtobufError(f"{t.name}: embedded field {num} is not length-delimited")
            out.update(decode_message(hit, val))
            continue
        name, fd = hit
        ft = fd.type
        try:
            if isinstance(ft, ListOf):
                out.setdefault(name, []).extend(_decode_repeated(ft.item, wt, val))
            elif isinstance(ft, MapOf):
                key, value = _decode_entry(ft.value, val)
                out.setdefault(name, {})[key] = value
            else:
                value = _decode_single(ft, wt, val)
                if _is_unset(ft, value) and not is_pointer(fd) and not fd.required:  # Go writes these zeros
                    out.pop(name, None)
                else:
                    out[name] = value
        except (wire.WireError, ProtobufError, TypeError, ValueError, UnicodeDecodeError) as e:
            raise ProtobufError(f"{t.name}.{name}: {e}") from None
    return out


def _is_unset(t: Type, value: Any) -> bool:
    """A scalar at its zero value, which Go's JSON would leave out."""
    return isinstance(t, Prim) and not t.ref and value in ("", 0, False)


def _decode_repeated(t: Type, wt: int, val: int | bytes) -> Iterable[Any]:
    if wt == wire.LEN and isinstance(t, Prim) and t.type in ("integer", "boolean") and not t.ref:
        return [_decode_single(t, wire.VARINT, n) for n in _packed_varints(val)]  # type: ignore[arg-type]
    return [_decode_single(t, wt, val)]


def _packed_varints(payload: bytes) -> Iterable[int]:
    pos = 0
    while pos < len(payload):
        n, pos = wire.decode_varint(payload, pos)
        yield n


def _decode_entry(t: Type, payload: int | bytes) -> tuple[str, Any]:
    if not isinstance(payload, bytes):
        raise ProtobufError("map entry is not length-delimited")
    key, value, seen = "", None, False
    for num, wt, val in wire.iter_fields(payload):
        if num == 1 and isinstance(val, bytes):
            key = val.decode()
        elif num == 2:
            value, seen = _decode_single(t, wt, val), True
    return key, (value if seen else _zero(t))


def _zero(t: Type) -> Any:
    """A map value Go wrote nothing for (nil []byte, empty message)."""
    if isinstance(t, Struct):
        return {}
    if isinstance(t, ListOf):
        return []
    if isinstance(t, Prim):
        if t.ref == wk.QUANTITY:
            return "0"
        if t.ref:
            return wk.decode_int_or_string(b"") if t.ref == wk.INT_OR_STRING else None
        return {"string": "", "integer": 0, "boolean": False, "number": 0.0}.get(t.type)
    return None


def _decode_single(t: Type, wt: int, val: int | bytes) -> Any:
    if isinstance(t, Prim) and not t.ref and t.type != "string":
        if t.type == "number":
            if wt != wire.FIXED64:
                raise ProtobufError(f"wire type {wt} for a double")
            return wire.unpack_double(val)  # type: ignore[arg-type]
        if wt != wire.VARINT:
            raise ProtobufError(f"wire type {wt} for a {t.type}")
        if t.type == "boolean":
            return bool(val)
        return wire.to_signed(val, 32 if t.format == "int32" else 64)  # type: ignore[arg-type]
    if not isinstance(val, bytes):
        raise ProtobufError(f"wire type {wt} where a length-delimited field belongs")
    if isinstance(t, Struct):
        return decode_message(t, val)
    if isinstance(t, Prim):
        if t.ref:
            return _decode_wellknown(t.ref, val)
        return base64.b64encode(val).decode() if t.format == "byte" else val.decode()
    if isinstance(t, Raw):
        return _decode_raw(val)
    if isinstance(t, ListOf):
        items: list[Any] = []
        for num, iwt, ival in wire.iter_fields(val):
            if num == 1:
                items.extend(_decode_repeated(t.item, iwt, ival))
        return items
    raise ProtobufError("a map cannot be nested here")


def _decode_raw(payload: bytes) -> Any:
    raw = b""
    for num, _, val in wire.iter_fields(payload):
        if num == 1 and isinstance(val, bytes):
            raw = val
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtobufError("embedded raw object is not JSON") from None


def _decode_wellknown(ref: str, payload: bytes) -> Any:
    if ref in (wk.TIME, wk.MICROTIME):
        return wk.decode_time(payload, micro=ref == wk.MICROTIME)
    if ref == wk.QUANTITY:
        return wk.decode_quantity(payload)
    if ref == wk.INT_OR_STRING:
        return wk.decode_int_or_string(payload)
    if ref == wk.DURATION:
        return wk.decode_duration(payload)
    raise ProtobufError(f"no wire form for {ref}")
