"""The swagger 2.0 document in gnostic's protobuf form (openapi.v2.Document), which kubectl asks
for with Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf.

A hand-written encoder for the part of the schema the document uses, so no protobuf runtime is
needed: every message is a list of (field number, value) written in the wire format. Vendor
extensions travel as Any{yaml}; JSON is valid YAML, so their values are written as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

Json = dict[str, Any]

# ---- wire format ---------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _bytes(field: int, data: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _str(field: int, s: str) -> bytes:
    return _bytes(field, s.encode()) if s else b""


def _bool(field: int, v: bool) -> bytes:
    return _varint(field << 3) + b"\x01" if v else b""


def _strs(field: int, values: Iterable[str]) -> bytes:
    return b"".join(_bytes(field, v.encode()) for v in values)


def _any(value: Any) -> bytes:
    """openapi.v2.Any with its yaml field set."""
    return _str(2, orjson.dumps(value).decode())


def _extensions(field: int, obj: Json) -> bytes:
    """x-* keys as repeated NamedAny."""
    return b"".join(
        _bytes(field, _str(1, k) + _bytes(2, _any(v))) for k, v in obj.items() if k.startswith("x-")
    )


# ---- messages ------------------------------------------------------------------------------


def schema(s: Json) -> bytes:
    out = [_str(1, s.get("$ref", "")), _str(2, s.get("format", "")), _str(4, s.get("description", ""))]
    if "default" in s:
        out.append(_bytes(5, _any(s["default"])))
    out.append(_bool(16, s.get("uniqueItems", False)))
    out.append(_strs(19, s.get("required", ())))
    out.extend(_bytes(20, _any(v)) for v in s.get("enum", ()))
    ap = s.get("additionalProperties")
    if isinstance(ap, dict):
        out.append(_bytes(21, _bytes(1, schema(ap))))
    elif isinstance(ap, bool):
        out.append(_bytes(21, _varint(2 << 3) + (b"\x01" if ap else b"\x00")))
    if "type" in s:
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        out.append(_bytes(22, _strs(1, types)))
    if "items" in s:
        items = s["items"] if isinstance(s["items"], list) else [s["items"]]
        out.append(_bytes(23, b"".join(_bytes(1, schema(i)) for i in items)))
    out.extend(_bytes(24, schema(a)) for a in s.get("allOf", ()))
    if "properties" in s:
        named = b"".join(_bytes(1, _str(1, k) + _bytes(2, schema(v))) for k, v in s["properties"].items())
        out.append(_bytes(25, named))
    out.append(_extensions(31, s))
    return b"".join(out)


def parameter(p: Json) -> bytes:
    """A ParametersItem holding a body, query or path parameter."""
    if p["in"] == "body":
        body = (
            _str(1, p.get("description", ""))
            + _str(2, p["name"])
            + _str(3, "body")
            + _bool(4, p.get("required", False))
            + _bytes(5, schema(p["schema"]))
        )
        return _bytes(1, _bytes(1, body))
    common = (
        _bool(1, p.get("required", False))
        + _str(2, p["in"])
        + _str(3, p.get("description", ""))
        + _str(4, p["name"])
    )
    if p["in"] == "path":
        sub = (
            common
            + _str(5, p.get("type", ""))
            + _str(6, p.get("format", ""))
            + _bool(19, p.get("uniqueItems", False))
        )
        non_body = _bytes(4, sub)
    else:
        sub = (
            common
            + _str(6, p.get("type", ""))
            + _str(7, p.get("format", ""))
            + _bool(20, p.get("uniqueItems", False))
        )
        non_body = _bytes(3, sub)
    return _bytes(1, _bytes(2, non_body))


def response(r: Json) -> bytes:
    out = _str(1, r.get("description", ""))
    if "schema" in r:
        out += _bytes(2, _bytes(1, schema(r["schema"])))
    return out


def operation(op: Json) -> bytes:
    responses = b"".join(
        _bytes(1, _str(1, code) + _bytes(2, _bytes(1, response(r))))
        for code, r in op.get("responses", {}).items()
    )
    return b"".join(
        [
            _strs(1, op.get("tags", ())),
            _str(3, op.get("description", "")),
            _str(5, op.get("operationId", "")),
            _strs(6, op.get("produces", ())),
            _strs(7, op.get("consumes", ())),
            b"".join(_bytes(8, parameter(p)) for p in op.get("parameters", ())),
            _bytes(9, responses),
            _strs(10, op.get("schemes", ())),
            _extensions(13, op),
        ]
    )


_METHOD_FIELDS = {"get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8}


def path_item(item: Json) -> bytes:
    out = [_bytes(n, operation(item[m])) for m, n in _METHOD_FIELDS.items() if m in item]
    out.extend(_bytes(9, parameter(p)) for p in item.get("parameters", ()))
    return b"".join(out)


def _security_definitions(defs: Json) -> bytes:
    items = b""
    for name, d in defs.items():
        api_key = (
            _str(1, d.get("type", ""))
            + _str(2, d.get("name", ""))
            + _str(3, d.get("in", ""))
            + _str(4, d.get("description", ""))
        )
        items += _bytes(1, _str(1, name) + _bytes(2, _bytes(2, api_key)))
    return items


def _security(req: Json) -> bytes:
    return b"".join(_bytes(1, _str(1, k) + _bytes(2, _strs(1, v))) for k, v in req.items())


def encode_document(doc: Json) -> bytes:
    """openapi.v2.Document bytes for a swagger 2.0 document given as parsed JSON."""
    info = doc.get("info", {})
    paths = b"".join(_bytes(2, _str(1, p) + _bytes(2, path_item(i))) for p, i in doc.get("paths", {}).items())
    defs = b"".join(
        _bytes(1, _str(1, n) + _bytes(2, schema(s))) for n, s in doc.get("definitions", {}).items()
    )
    return b"".join(
        [
            _str(1, doc.get("swagger", "2.0")),
            _bytes(2, _str(1, info.get("title", "")) + _str(2, info.get("version", ""))),
            _bytes(8, paths),
            _bytes(9, defs),
            b"".join(_bytes(12, _security(r)) for r in doc.get("security", ())),
            _bytes(13, _security_definitions(doc.get("securityDefinitions", {}))),
        ]
    )
