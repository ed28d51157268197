"""application/vnd.kubernetes.protobuf at the apiserver's edge: request bodies in, responses out.

Every kind the server declares is known, plus the bodies no resource declares (Status,
DeleteOptions, Scale, Binding, Eviction, TokenRequest). A response goes out in
protobuf only when the client lists protobuf first in Accept, as client-go's protobuf-first clients
do; a kind the wire cannot carry answers in JSON, which those clients accept too (they list JSON or
*/* after protobuf), just as Kubernetes falls back for types without a protobuf form. Watches
stream length-prefixed WatchEvent frames when every field of the kind has a wire number.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.api.catalog import all_resources
from kubepy.api.protobuf import CONTENT_TYPE, Kinds, ProtobufError, WireError, codec, envelope, wire
from kubepy.api.schema import Struct


@cache
def kinds() -> Kinds:
    from kubepy.apiserver.openapi import extra_types as x

    declared = [r.schema for r in all_resources()]
    # APIResourceList stays JSON: its verbs travel wrapped (meta/v1 Verbs), which no declaration says.
    bodies = [x.Scale, x.Binding, x.Eviction, x.TokenRequest]
    return Kinds(declared + bodies, any_version=[x.Status, x.DeleteOptions])


def wants_protobuf(accept: str) -> bool:
    """Protobuf is the client's first choice (the first media range of Accept)."""
    return accept.startswith(CONTENT_TYPE) and accept[len(CONTENT_TYPE) : len(CONTENT_TYPE) + 1] in (
        "",
        ",",
        ";",
        " ",
    )


def decode(body: bytes) -> dict[str, Any]:
    """A protobuf request body as the dict its JSON twin would give; 400 when it is not one."""
    try:
        return kinds().decode(body)
    except (ProtobufError, WireError, UnicodeDecodeError) as e:
        raise fe.bad_request(f"failed to decode protobuf body: {e}") from None


def encode(obj: Any) -> bytes | None:
    """`obj` as an enveloped protobuf body, or None when the wire cannot carry it (JSON then)."""
    if not isinstance(obj, dict):
        return None
    try:
        return kinds().encode(obj)
    except (ProtobufError, WireError, TypeError, ValueError):
        return None


def encode_json(body: bytes) -> bytes | None:
    """Stored JSON bytes as protobuf (None: send the JSON)."""
    return encode(orjson.loads(body))


# ---- watch ---------------------------------------------------------------------------------
@cache
def can_stream(schema: Struct) -> bool:
    """Every field of the kind has a wire number, so no event of a watch will need JSON."""
    return not codec.unnumbered_fields(schema)


def watch_frame(ev: Any) -> bytes:
    """One watch event as Kubernetes streams it: a length-prefixed bare WatchEvent message
    {type=1, object=2 RawExtension{raw=1}} whose raw is the enveloped object."""
    event_type = ev.type
    obj = encode_json(ev.value)
    if obj is None:
        event_type = "ERROR"
        failed = fe.internal_error(f"unable to encode watch object {ev.revision} as protobuf")
        obj = encode(failed.status()) or b""
    msg = wire.bytes_field(1, event_type.encode()) + wire.bytes_field(2, wire.bytes_field(1, obj))
    return envelope.frame(msg)
